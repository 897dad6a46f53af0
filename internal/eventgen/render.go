package main

import (
	"fmt"
	"go/format"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

var initialisms = map[string]string{
	"acl": "ACL", "ai": "AI", "api": "API", "cpu": "CPU", "crm": "CRM", "dtmf": "DTMF", "html": "HTML",
	"http": "HTTP", "https": "HTTPS", "id": "ID", "ids": "IDs", "ip": "IP", "jid": "JID", "json": "JSON",
	"mms": "MMS", "os": "OS", "pstn": "PSTN", "rtms": "RTMS", "sip": "SIP", "sms": "SMS", "sso": "SSO",
	"tsp": "TSP", "uri": "URI", "url": "URL", "urls": "URLs", "utm": "UTM", "uuid": "UUID", "vod": "VOD", "xml": "XML",
}

// words splits a JSON or event name on punctuation and camelCase humps.
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && len(cur) > 0 && (unicode.IsLower(cur[len(cur)-1]) || unicode.IsDigit(cur[len(cur)-1]) ||
			(i+1 < len(rs) && unicode.IsLower(rs[i+1]))):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// camel is the exported Go name of a JSON or event name.
func camel(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		if up, ok := initialisms[w]; ok {
			b.WriteString(up)
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	out := b.String()
	if out == "" {
		return "X"
	}
	if unicode.IsDigit([]rune(out)[0]) {
		out = "X" + out
	}
	return out
}

func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies"):
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "sses"), strings.HasSuffix(s, "uses"), strings.HasSuffix(s, "xes"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "ss"), strings.HasSuffix(s, "us"):
		return s
	case strings.HasSuffix(s, "s"):
		return s[:len(s)-1]
	}
	return s
}

// baseName names a shape after the member holding it.
func baseName(path string) string {
	segs := strings.Split(path, ".")
	last := segs[len(segs)-1]
	for strings.HasSuffix(last, "[]") {
		last = singular(strings.TrimSuffix(last, "[]"))
	}
	if last == "old_object" {
		last = "object"
	}
	return camel(last)
}

// candidate returns the shape's name at a level of qualification.
func candidate(sh *shape, level int) string {
	u := sh.uses[0]
	base := baseName(u.path)
	switch level {
	case 0:
		prefix := camel(strings.SplitN(u.event, ".", 2)[0])
		if strings.HasPrefix(base, prefix) {
			return base
		}
		return prefix + base
	case 1:
		// The words that all the events using the shape share.
		common := words(u.event)
		for _, x := range sh.uses[1:] {
			w := words(x.event)
			n := 0
			for n < len(common) && n < len(w) && common[n] == w[n] {
				n++
			}
			common = common[:n]
		}
		if len(common) == 0 {
			return camel(u.event) + base
		}
		prefix := camel(strings.Join(common, "_"))
		if strings.HasSuffix(prefix, base) {
			return prefix
		}
		return prefix + base
	case 2:
		return camel(u.event) + base
	default:
		var b strings.Builder
		b.WriteString(camel(u.event))
		for _, seg := range strings.Split(u.path, ".")[1:] {
			b.WriteString(camel(strings.ReplaceAll(seg, "[]", "")))
		}
		return b.String()
	}
}

// pinnedNames keeps the names of the hand-written types that the generated
// ones replaced, for the shape found at each place.
var pinnedNames = map[use]string{
	{"meeting.started", "payload.object"}:                        "MeetingObject",
	{"meeting.participant_joined", "payload.object"}:             "MeetingParticipantObject",
	{"meeting.participant_joined", "payload.object.participant"}: "Participant",
	{"recording.completed", "payload.object"}:                    "RecordingObject",
	{"recording.completed", "payload.object.recording_files[]"}:  "RecordingFile",
	{"user.created", "payload.object"}:                           "UserObject",
}

// nameShapes gives every shape a unique name, deterministically: at each
// level of qualification the shape used most (then first met) takes a free
// name, the others try the next level; numbers settle the rest.
func (g *gen) nameShapes() {
	taken := map[string]bool{}
	for k := range g.reserved {
		taken[k] = true
	}
	for _, e := range g.events {
		taken[e.typeName] = true
	}
	for _, sh := range g.order {
		sort.Slice(sh.uses, func(i, j int) bool {
			a, b := sh.uses[i], sh.uses[j]
			if a.event != b.event {
				return a.event < b.event
			}
			return a.path < b.path
		})
	}
	var pending []*shape
	for _, sh := range g.order {
		for _, u := range sh.uses {
			if n := pinnedNames[u]; n != "" && !taken[n] {
				sh.name = n
				taken[n] = true
				break
			}
		}
		if sh.name == "" {
			pending = append(pending, sh)
		}
	}
	sort.SliceStable(pending, func(i, j int) bool {
		a, b := pending[i], pending[j]
		if len(a.uses) != len(b.uses) {
			return len(a.uses) > len(b.uses)
		}
		if a.uses[0] != b.uses[0] {
			if a.uses[0].event != b.uses[0].event {
				return a.uses[0].event < b.uses[0].event
			}
			return a.uses[0].path < b.uses[0].path
		}
		return a.hash < b.hash
	})
	for level := 0; level < 4 && len(pending) > 0; level++ {
		var next []*shape
		for _, sh := range pending {
			n := candidate(sh, level)
			if taken[n] {
				next = append(next, sh)
				continue
			}
			taken[n] = true
			sh.name = n
		}
		pending = next
	}
	for _, sh := range pending {
		base := candidate(sh, 3)
		for i := 2; ; i++ {
			n := base + strconv.Itoa(i)
			if !taken[n] {
				taken[n] = true
				sh.name = n
				break
			}
		}
	}
}

func fileName(product string) string {
	return strings.ReplaceAll(product, "-", "_") + "_gen.go"
}

// render produces every generated file, gofmt'd.
func (g *gen) render() (map[string][]byte, error) {
	g.nameShapes()
	files := map[string][]byte{}
	byProduct := map[string][]*eventDef{}
	for _, e := range g.events {
		byProduct[e.product] = append(byProduct[e.product], e)
	}
	shapesByFile := map[string][]*shape{}
	for _, sh := range g.order {
		f := "shared_gen.go"
		if len(sh.products) == 1 {
			for p := range sh.products {
				f = fileName(p)
			}
		}
		shapesByFile[f] = append(shapesByFile[f], sh)
	}
	for f := range shapesByFile {
		s := shapesByFile[f]
		sort.Slice(s, func(i, j int) bool { return s[i].name < s[j].name })
	}
	for _, p := range g.products {
		var b strings.Builder
		fmt.Fprintf(&b, "\n// Payloads of the %q product's events.\n\n", p)
		for _, e := range byProduct[p] {
			g.writeEvent(&b, e)
		}
		for _, sh := range shapesByFile[fileName(p)] {
			writeShape(&b, sh)
		}
		if err := addFile(files, fileName(p), b.String()); err != nil {
			return nil, err
		}
	}
	if s := shapesByFile["shared_gen.go"]; len(s) > 0 {
		var b strings.Builder
		b.WriteString("\n// Nested objects found in the payloads of more than one product.\n\n")
		for _, sh := range s {
			writeShape(&b, sh)
		}
		if err := addFile(files, "shared_gen.go", b.String()); err != nil {
			return nil, err
		}
	}
	if err := addFile(files, "catalog_gen.go", g.catalog()); err != nil {
		return nil, err
	}
	return files, nil
}

func addFile(files map[string][]byte, name, body string) error {
	var b strings.Builder
	b.WriteString(generatedHeader)
	b.WriteString("\npackage event\n")
	if strings.Contains(body, "json.") {
		b.WriteString("\nimport \"encoding/json\"\n")
	}
	b.WriteString(body)
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	files[name] = src
	return nil
}

func (g *gen) writeEvent(b *strings.Builder, e *eventDef) {
	doc := fmt.Sprintf("%s is the payload of the %q event (product %q).", e.typeName, e.name, e.product)
	if len(e.envelope) > 0 {
		doc += fmt.Sprintf(" The body also carries %s beside the payload: see [Event.Envelope].", quoteList(e.envelope))
	}
	if len(e.fields) == 0 {
		doc += " Its schema declares no payload members besides those of [Common]."
	}
	writeComment(b, "", doc)
	fmt.Fprintf(b, "type %s struct {\n", e.typeName)
	if e.common {
		b.WriteString("\tCommon\n")
	}
	writeFields(b, e.fields)
	b.WriteString("}\n\n")
	if e.accountFrom != "" {
		fmt.Fprintf(b, "// common lets [Parse] set [Event.AccountID] from %s.\n", e.accountFrom)
		fmt.Fprintf(b, "func (p *%s) common() *Common { return &Common{AccountID: p.%s} }\n\n", e.typeName, e.accountFrom)
	}
	fmt.Fprintf(b, "// EventName returns %q.\n", e.name)
	fmt.Fprintf(b, "func (*%s) EventName() string { return %q }\n\n", e.typeName, e.name)
}

func writeShape(b *strings.Builder, sh *shape) {
	var events []string
	seen := map[string]bool{}
	for _, u := range sh.uses {
		if !seen[u.event] {
			seen[u.event] = true
			events = append(events, u.event)
		}
	}
	u := sh.uses[0]
	where := strings.TrimPrefix(u.path, "payload.")
	if len(events) == 1 {
		writeComment(b, "", fmt.Sprintf("%s is the object at %s in the %q event.", sh.name, where, events[0]))
	} else {
		list := quoteList(events)
		if len(events) > 3 {
			list = strings.Join(quoteAll(events[:3]), ", ") + fmt.Sprintf(" and %d more", len(events)-3)
		}
		writeComment(b, "", fmt.Sprintf("%s is an object shared by %d events: %s (at %s in %q).",
			sh.name, len(events), list, where, u.event))
	}
	fmt.Fprintf(b, "type %s struct {\n", sh.name)
	writeFields(b, sh.fields)
	b.WriteString("}\n\n")
}

func writeFields(b *strings.Builder, fields []*field) {
	for _, f := range fields {
		tag := f.json
		if !f.required {
			tag += ",omitempty"
		}
		fmt.Fprintf(b, "\t%s %s `json:%q`", f.goName, f.t.goString(), tag)
		var notes []string
		if f.required {
			notes = append(notes, "required")
		}
		if len(f.enum) > 0 {
			vals := f.enum
			extra := ""
			if len(vals) > 8 {
				extra = fmt.Sprintf(", ... (%d values)", len(vals))
				vals = vals[:8]
			}
			notes = append(notes, "one of "+strings.Join(vals, ", ")+extra)
		}
		if len(notes) > 0 {
			b.WriteString(" // " + strings.Join(notes, "; "))
		}
		b.WriteString("\n")
	}
}

// writeComment writes text as a // comment wrapped at 80 columns.
func writeComment(b *strings.Builder, indent, text string) {
	line := indent + "//"
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 80 && len(line) > len(indent)+2 {
			b.WriteString(line + "\n")
			line = indent + "//"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
}

func quoteAll(s []string) []string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = strconv.Quote(x)
	}
	return q
}

func quoteList(s []string) string {
	q := quoteAll(s)
	switch len(q) {
	case 1:
		return q[0]
	case 2:
		return q[0] + " and " + q[1]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

func (g *gen) catalog() string {
	type entry struct {
		name, product string
		typed         bool
	}
	var all []entry
	for _, e := range g.events {
		all = append(all, entry{e.name, e.product, true})
	}
	for _, u := range g.untyped {
		all = append(all, entry{u.name, u.product, false})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	var b strings.Builder
	b.WriteString("\n// builtinCatalog lists the built-in events, sorted by name: every event\n")
	b.WriteString("// of Zoom's webhook specifications (typed) and the events known by name\n")
	b.WriteString("// only (delivered raw). It is static data: no code runs at init.\n")
	b.WriteString("var builtinCatalog = [...]Info{\n")
	for _, e := range all {
		fmt.Fprintf(&b, "\t{Name: %q, Product: %q, Typed: %v},\n", e.name, e.product, e.typed)
	}
	b.WriteString("}\n\n")
	b.WriteString("// builtinPayload returns a new payload for a built-in typed event, or nil.\n")
	b.WriteString("// The switch compiles to a search over constant strings: no map is built\n// at init.\n")
	b.WriteString("func builtinPayload(name string) Payload {\n\tswitch name {\n")
	for _, e := range g.events {
		fmt.Fprintf(&b, "\tcase %q:\n\t\treturn new(%s)\n", e.name, e.typeName)
	}
	b.WriteString("\t}\n\treturn nil\n}\n\n")

	var keys []string
	for k := range g.envelope {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString("// Envelope holds the members that some event bodies carry beside\n")
	b.WriteString("// \"event\", \"event_ts\" and \"payload\". Each field names the events whose\n")
	b.WriteString("// schema declares it.\n")
	b.WriteString("type Envelope struct {\n")
	for _, k := range keys {
		ef := g.envelope[k]
		evs := append([]string(nil), ef.events...)
		sort.Strings(evs)
		writeComment(&b, "\t", fmt.Sprintf("%s is %q, on %s.", camel(k), k, quoteList(evs)))
		fmt.Fprintf(&b, "\t%s %s `json:\"%s,omitempty\"`\n", camel(k), ef.t.goString(), k)
	}
	b.WriteString("}\n\n")
	b.WriteString("// Envelope decodes the envelope members of the event's body (Raw). It\n")
	b.WriteString("// decodes Raw again, so call it only when needed; a member that is absent\n")
	b.WriteString("// or of an unexpected type is left zero.\n")
	b.WriteString("func (e *Event) Envelope() Envelope {\n\tvar env Envelope\n")
	b.WriteString("\t_ = json.Unmarshal(e.Raw, &env) // best effort, like RawPayload\n\treturn env\n}\n")
	return b.String()
}

func (g *gen) printStats(w io.Writer, files map[string][]byte) {
	uses, fields := 0, 0
	for _, sh := range g.order {
		uses += len(sh.uses)
		fields += len(sh.fields)
	}
	lines := 0
	var names []string
	for n, f := range files {
		names = append(names, n)
		lines += strings.Count(string(f), "\n")
	}
	sort.Strings(names)
	typed := len(g.events)
	fmt.Fprintf(w, "events: %d typed, %d name-only; nested types: %d (%d fields) standing for %d object occurrences\n",
		typed, len(g.untyped), len(g.order), fields, uses)
	fmt.Fprintf(w, "files: %d, lines: %d\n", len(files), lines)
	for _, n := range names {
		fmt.Fprintf(w, "  %s %d lines\n", n, strings.Count(string(files[n]), "\n"))
	}
}

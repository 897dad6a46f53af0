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

// initialisms are the words that Go names spell in capitals (or in their
// usual mixed case: QoS, IDs, URLs).
var initialisms = map[string]string{
	"acl": "ACL", "ai": "AI", "aic": "AIC", "api": "API", "cdn": "CDN", "cmr": "CMR", "cnam": "CNAM", "cpu": "CPU",
	"crm": "CRM", "did": "DID", "dm": "DM", "dscp": "DSCP", "dtmf": "DTMF", "e2e": "E2E", "e2ee": "E2EE", "ehr": "EHR",
	"gif": "GIF", "gps": "GPS", "h323": "H323", "hd": "HD", "html": "HTML", "http": "HTTP", "https": "HTTPS", "id": "ID",
	"ids": "IDs", "im": "IM", "ios": "IOS", "ip": "IP", "jbh": "JBH", "jid": "JID", "json": "JSON", "mac": "MAC",
	"mms": "MMS", "mmr": "MMR", "mos": "MOS", "os": "OS", "p2p": "P2P", "pc": "PC", "pmi": "PMI", "pstn": "PSTN",
	"pwa": "PWA", "qos": "QoS", "rc": "RC", "rssi": "RSSI", "rtms": "RTMS", "sbc": "SBC", "sdk": "SDK", "sfu": "SFU",
	"sip": "SIP", "sms": "SMS", "smtp": "SMTP", "sso": "SSO", "ts": "TS", "tsp": "TSP", "udid": "UDID", "uri": "URI",
	"url": "URL", "urls": "URLs", "utm": "UTM", "uuid": "UUID", "vod": "VOD", "xml": "XML", "zc": "ZC", "zr": "ZR",
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

// Naming rules. Every exported generated type has its name in the names
// file (names.go), so these rules only name what the file does not list
// yet; a name once listed never changes, whatever the rules would say.
//
//   - A payload type is its event's name, camel-cased: "meeting.started"
//     is MeetingStarted (nameEvents).
//   - A nested object type or an enum type is named from what its uses have
//     in common: the words that all its events' names share, in order (the
//     longest common subsequence of their words: meeting.participant_joined_waiting_room
//     and meeting.participant_left_waiting_room share "meeting participant
//     waiting room"), followed by the name of the member holding it
//     (singular for an array's items; "old_object" counts as "object");
//     a shared word that the member's name holds moves to the end with it:
//     MeetingParticipantWaitingRoomObject, MeetingWaitingRoomParticipant.
//   - When that name is taken, the member's parent is put before the
//     member (MeetingObjectParticipant...), then the first event's full
//     name and the whole path; a number settles the rest.
//   - New types are named in a fixed order: the types used by the most
//     events first, then by their first place (event, path).
//   - Words are camel-cased with Go's initialisms (ID, URL, QoS, TS, ...).

// lcsWords returns the longest common subsequence of two word lists (the
// earliest one, on ties).
func lcsWords(a, b []string) []string {
	n, m := len(a), len(b)
	t := make([][]int, n+1)
	for i := range t {
		t[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var out []string
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case a[i] == b[j]:
			out = append(out, a[i])
			i++
			j++
		case t[i+1][j] >= t[i][j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

// commonWords returns the words that all the events of uses share.
func commonWords(uses []use) []string {
	common := words(uses[0].event)
	for _, u := range uses[1:] {
		common = lcsWords(common, words(u.event))
	}
	return common
}

// segWords returns the words of a path segment: its member name,
// singular for an array's items.
func segWords(seg string) []string {
	for strings.HasSuffix(seg, "[]") {
		seg = singular(strings.TrimSuffix(seg, "[]"))
	}
	if seg == "old_object" {
		seg = "object"
	}
	return words(seg)
}

// joinName camel-cases the words of prefix that the segments do not
// hold, followed by the words of the segments: the member's own name
// always ends the type's name.
func joinName(prefix []string, segs ...[]string) string {
	inSegs := map[string]bool{}
	for _, sg := range segs {
		for _, w := range sg {
			inSegs[w] = true
		}
	}
	var all []string
	for _, w := range prefix {
		if !inSegs[w] {
			all = append(all, w)
		}
	}
	for _, sg := range segs {
		all = append(all, sg...)
	}
	return camel(strings.Join(all, "_"))
}

// candidate returns the name of a type at uses (sorted) at a level of
// qualification; ok is false past the last level.
func candidate(uses []use, level int) string {
	u := uses[0]
	segs := strings.Split(u.path, ".")
	if len(segs) > 1 && segs[0] == "payload" {
		segs = segs[1:]
	}
	base := segWords(segs[len(segs)-1])
	switch level {
	case 0:
		return joinName(commonWords(uses), base)
	case 1:
		if len(segs) > 1 {
			return joinName(commonWords(uses), segWords(segs[len(segs)-2]), base)
		}
		fallthrough
	default:
		var ws [][]string
		for _, s := range segs {
			if s == "old_object" { // the whole path, as it is
				ws = append(ws, words(s))
				continue
			}
			ws = append(ws, segWords(s))
		}
		return joinName(words(u.event), ws...)
	}
}

// named is a type that the names file names at each of its places.
type named interface {
	places() []use
	setName(string)
	getName() string
}

func (sh *shape) places() []use    { return sh.uses }
func (sh *shape) setName(n string) { sh.name = n }
func (sh *shape) getName() string  { return sh.name }

// assignNames names every shape and enum: the names file's name where it
// lists one of the type's places, a new one by the rules above otherwise;
// and records every place in g.names. It fails, changing nothing, when the
// names file cannot be honoured.
func (g *gen) assignNames() error {
	g.names = map[use]string{}
	owner := map[string]string{} // name -> the type that has it, for errors
	taken := map[string]bool{}
	for k := range g.reserved {
		taken[k] = true
	}
	claim := func(name, who string) error {
		if o, ok := owner[name]; ok && o != who {
			return fmt.Errorf("%w: %s is listed for two different types: %s and %s; "+
				"a listed name cannot change, so the generator must be taught to keep both apart", ErrNames, name, o, who)
		}
		owner[name] = who
		taken[name] = true
		return nil
	}
	for _, e := range g.events {
		if err := claim(e.typeName, "the payload of "+e.name); err != nil {
			return err
		}
		g.names[use{e.name, "payload"}] = e.typeName
	}
	g.collectEnums()
	var types []named
	for _, sh := range g.order {
		sortUses(sh.uses)
		types = append(types, sh)
	}
	for _, en := range g.enumList {
		sortUses(en.uses)
		types = append(types, en)
	}
	var pending []named
	for _, t := range types {
		var listed []string
		var at []use
		for _, u := range t.places() {
			if n, ok := g.listed[u]; ok {
				listed = append(listed, n)
				at = append(at, u)
			}
		}
		if len(listed) == 0 {
			pending = append(pending, t)
			continue
		}
		for i := range listed {
			if listed[i] != listed[0] {
				return fmt.Errorf("%w: one type is now found at %s %s (listed as %s) and at %s %s (listed as %s); "+
					"a listed name cannot change", ErrNames, at[0].event, at[0].path, listed[0], at[i].event, at[i].path, listed[i])
			}
		}
		who := fmt.Sprintf("the type at %s %s", at[0].event, at[0].path)
		if err := claim(listed[0], who); err != nil {
			return err
		}
		t.setName(listed[0])
	}
	// Drop the enums whose constants would collide, before naming others.
	sort.SliceStable(pending, func(i, j int) bool {
		a, b := pending[i], pending[j]
		_, ae := a.(*enumDef)
		_, be := b.(*enumDef)
		if ae != be {
			return be
		}
		if na, nb := distinctEvents(a.places()), distinctEvents(b.places()); na != nb {
			return na > nb
		}
		return lessUse(a.places()[0], b.places()[0])
	})
	for _, t := range pending {
		for level := 0; t.getName() == ""; level++ {
			n := candidate(t.places(), min(level, 2))
			if level > 2 {
				n += strconv.Itoa(level)
			}
			if taken[n] {
				continue
			}
			if en, ok := t.(*enumDef); ok && !en.fits(n, taken) {
				if level > 2 {
					break // leave it a string
				}
				continue
			}
			t.setName(n)
			taken[n] = true
			owner[n] = fmt.Sprintf("the type at %s %s", t.places()[0].event, t.places()[0].path)
		}
	}
	for _, t := range types {
		if en, ok := t.(*enumDef); ok {
			if en.name == "" {
				en.drop()
				continue
			}
			for _, c := range en.consts() {
				if taken[c.name] && owner[c.name] != "const of "+en.name {
					return fmt.Errorf("%w: constant %s of the listed enum %s collides with another name", ErrNames, c.name, en.name)
				}
				taken[c.name] = true
				owner[c.name] = "const of " + en.name
			}
		}
		for _, u := range t.places() {
			g.names[u] = t.getName()
		}
	}
	var lost []string
	for u, n := range g.listed {
		if g.names[u] != n {
			lost = append(lost, fmt.Sprintf("%s %s %s", u.event, u.path, n))
		}
	}
	if len(lost) > 0 {
		sort.Strings(lost)
		return fmt.Errorf("%w: the snapshot no longer has a type at the listed places (a released name would disappear):\n\t%s",
			ErrNames, strings.Join(lost, "\n\t"))
	}
	return nil
}

func sortUses(uses []use) {
	sort.Slice(uses, func(i, j int) bool { return lessUse(uses[i], uses[j]) })
}

func distinctEvents(uses []use) int {
	n := 0
	for i, u := range uses {
		if i == 0 || u.event != uses[i-1].event {
			n++
		}
	}
	return n
}

func fileName(product string) string {
	return strings.ReplaceAll(product, "-", "_") + "_gen.go"
}

// render produces every generated file, gofmt'd.
func (g *gen) render() (map[string][]byte, error) {
	if err := g.assignNames(); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	byProduct := map[string][]*eventDef{}
	product := map[string]string{}
	for _, e := range g.events {
		byProduct[e.product] = append(byProduct[e.product], e)
		product[e.name] = e.product
	}
	// A type goes to the file of its product, or to shared_gen.go when
	// events of several products use it.
	fileOf := func(uses []use) string {
		ps := map[string]bool{}
		for _, u := range uses {
			ps[product[u.event]] = true
		}
		if len(ps) == 1 {
			for p := range ps {
				return fileName(p)
			}
		}
		return "shared_gen.go"
	}
	type decl struct {
		name  string
		write func(*strings.Builder)
	}
	declsByFile := map[string][]decl{}
	for _, sh := range g.order {
		sh := sh
		f := fileOf(sh.uses)
		declsByFile[f] = append(declsByFile[f], decl{sh.name, func(b *strings.Builder) { writeShape(b, sh) }})
	}
	for _, en := range g.enumList {
		if en.name == "" {
			continue
		}
		en := en
		f := fileOf(en.uses)
		declsByFile[f] = append(declsByFile[f], decl{en.name, func(b *strings.Builder) { writeEnum(b, en) }})
	}
	for f := range declsByFile {
		s := declsByFile[f]
		sort.Slice(s, func(i, j int) bool { return s[i].name < s[j].name })
	}
	for _, p := range g.products {
		var b strings.Builder
		fmt.Fprintf(&b, "\n// Payloads of the events of Zoom's %q product.\n\n", p)
		for _, e := range byProduct[p] {
			g.writeEvent(&b, e)
		}
		for _, d := range declsByFile[fileName(p)] {
			d.write(&b)
		}
		if err := addFile(files, fileName(p), b.String()); err != nil {
			return nil, err
		}
	}
	if s := declsByFile["shared_gen.go"]; len(s) > 0 {
		var b strings.Builder
		b.WriteString("\n// Types found in the payloads of more than one product.\n\n")
		for _, d := range s {
			d.write(&b)
		}
		if err := addFile(files, "shared_gen.go", b.String()); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// renderCatalog returns the files of package event: the catalog, which
// names the payload types of package payload.
func (g *gen) renderCatalog() (map[string][]byte, error) {
	files := map[string][]byte{}
	if err := addFileTo(files, "catalog_gen.go", "event", g.catalog()); err != nil {
		return nil, err
	}
	return files, nil
}

func addFile(files map[string][]byte, name, body string) error {
	return addFileTo(files, name, "payload", body)
}

// payloadImport is the import path of the package the payload types are
// generated into.
const payloadImport = "github.com/zoomevents/zoomevents/payload"

func addFileTo(files map[string][]byte, name, pkg, body string) error {
	var b strings.Builder
	b.WriteString(generatedHeader)
	b.WriteString("\npackage " + pkg + "\n")
	var imports []string
	if strings.Contains(body, "json.") {
		imports = append(imports, "\"encoding/json\"")
	}
	if strings.Contains(body, "payload.") && pkg != "payload" {
		imports = append(imports, strconv.Quote(payloadImport))
	}
	switch len(imports) {
	case 1:
		b.WriteString("\nimport " + imports[0] + "\n")
	case 2:
		b.WriteString("\nimport (\n\t" + imports[0] + "\n\n\t" + imports[1] + "\n)\n")
	}
	b.WriteString(body)
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	files[name] = src
	return nil
}

// docURL returns the address of an event's page in Zoom's API reference:
// https://developers.zoom.us/docs/api/<product>/events/#tag/<prefix>/POST<event>,
// where prefix is the event name up to its first dot (the OpenAPI tag of
// every event of Zoom's spec documents). Zoom's site renders that page
// from the same documents the snapshot was imported from.
func docURL(product, event string) string {
	tag, _, _ := strings.Cut(event, ".")
	return "https://developers.zoom.us/docs/api/" + product + "/events/#tag/" + tag + "/POST" + event
}

func (g *gen) writeEvent(b *strings.Builder, e *eventDef) {
	doc := fmt.Sprintf("%s is the payload of the %s event of Zoom's %q product.", e.typeName, e.name, e.product)
	if len(e.envelope) > 0 {
		doc += fmt.Sprintf(" Its body also carries %s beside the payload: see Event.Envelope in package event.", quoteList(e.envelope))
	}
	if len(e.fields) == 0 {
		doc += " Its schema declares no payload members besides those of [Common]."
	}
	writeComment(b, "", doc)
	b.WriteString("//\n// Zoom's reference: " + docURL(e.product, e.name) + "\n")
	fmt.Fprintf(b, "type %s struct {\n", e.typeName)
	if e.common {
		b.WriteString("\tCommon\n")
	}
	writeFields(b, e.fields)
	b.WriteString("}\n\n")
	if e.accountFrom != "" {
		fmt.Fprintf(b, "// CommonFields returns the fields of [Common] this payload has: its\n// account from %s.\n", e.accountFrom)
		fmt.Fprintf(b, "func (p *%s) CommonFields() *Common { return &Common{AccountID: p.%s} }\n\n", e.typeName, e.accountFrom)
	}
	fmt.Fprintf(b, "// EventName returns %q.\n", e.name)
	fmt.Fprintf(b, "func (*%s) EventName() string { return %q }\n\n", e.typeName, e.name)
}

func writeShape(b *strings.Builder, sh *shape) {
	segs := strings.Split(sh.uses[0].path, ".")
	member := segs[len(segs)-1]
	what := fmt.Sprintf("the %q object", strings.TrimSuffix(member, "[]"))
	if strings.HasSuffix(member, "[]") {
		what = fmt.Sprintf("an element of the %q array", strings.TrimRight(member, "[]"))
	}
	writeComment(b, "", fmt.Sprintf("%s is %s %s.", sh.name, what, placesText(sh.uses, false)))
	fmt.Fprintf(b, "type %s struct {\n", sh.name)
	writeFields(b, sh.fields)
	b.WriteString("}\n\n")
}

// writeFields writes struct fields. An optional member is tagged
// omitempty, so that encoding a decoded payload leaves out what Zoom left
// out, except where the tag does nothing: a struct value, which
// encoding/json never omits. Decoding ignores the tag.
func writeFields(b *strings.Builder, fields []*field) {
	for _, f := range fields {
		tag := f.json
		if !f.required && f.t.k != kStruct {
			tag += ",omitempty"
		}
		fmt.Fprintf(b, "\t%s %s `json:%q`", f.goName, f.goType(), tag)
		var notes []string
		if f.required {
			notes = append(notes, "required")
		}
		if len(f.enum) > 0 && f.enumType == nil {
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
		envelope      []string
	}
	var all []entry
	for _, e := range g.events {
		env := append([]string(nil), e.envelope...)
		sort.Strings(env)
		all = append(all, entry{e.name, e.product, true, env})
	}
	for _, u := range g.untyped {
		var env []string
		for _, x := range extraEnvelope {
			if x.event == u.name {
				env = append(env, x.name)
			}
		}
		sort.Strings(env)
		all = append(all, entry{u.name, u.product, false, env})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	var b strings.Builder
	b.WriteString("\n// builtinCatalog lists the built-in events, sorted by name: every event\n")
	b.WriteString("// of Zoom's webhook specifications (typed) and the events known by name\n")
	b.WriteString("// only (delivered raw). It is static data: no code runs at init.\n")
	b.WriteString("var builtinCatalog = [...]Info{\n")
	for _, e := range all {
		env := ""
		if len(e.envelope) > 0 {
			env = fmt.Sprintf(", Envelope: %#v", e.envelope)
		}
		fmt.Fprintf(&b, "\t{Name: %q, Product: %q, Typed: %v%s},\n", e.name, e.product, e.typed, env)
	}
	b.WriteString("}\n\n")
	typeOf := map[string]string{}
	for _, e := range g.events {
		typeOf[e.name] = e.typeName
	}
	b.WriteString("// builtinNew holds, at the index of each typed event of builtinCatalog,\n")
	b.WriteString("// the constructor of its payload (nil for an untyped event): a lookup by\n")
	b.WriteString("// index once the name is found in the catalog. Static data, like the\n// catalog.\n")
	b.WriteString("var builtinNew = [len(builtinCatalog)]func() Payload{\n")
	for i, e := range all {
		if t, ok := typeOf[e.name]; ok {
			fmt.Fprintf(&b, "\t%d: func() Payload { return new(payload.%s) },\n", i, t)
		}
	}
	b.WriteString("}\n\n")

	var keys []string
	for k := range g.envelope {
		if !onEvent[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	b.WriteString("// Envelope holds the members that some event bodies carry beside\n")
	b.WriteString("// \"event\", \"event_ts\" and \"payload\". Each field names the events whose\n")
	b.WriteString("// schema declares it. The members that [Event] has fields for\n")
	b.WriteString("// (download_token, operator, operator_id) are there, not here.\n")
	b.WriteString("type Envelope struct {\n")
	for _, k := range keys {
		ef := g.envelope[k]
		evs := append([]string(nil), ef.events...)
		sort.Strings(evs)
		writeComment(&b, "\t", fmt.Sprintf("%s is %q, on %s.", camel(k), k, quoteList(evs)))
		fmt.Fprintf(&b, "\t%s %s `json:\"%s,omitempty\"`\n", camel(k), qualify(ef.t.goString()), k)
	}
	b.WriteString("}\n\n")
	b.WriteString("// Envelope decodes the envelope members of the event's body (Raw). It\n")
	b.WriteString("// decodes Raw again, so call it only when needed; a member that is absent\n")
	b.WriteString("// or of an unexpected type is left zero.\n")
	b.WriteString("func (e *Event) Envelope() Envelope {\n\tvar env Envelope\n")
	b.WriteString("\t_ = json.Unmarshal(e.Raw, &env) // best effort, like RawPayload\n\treturn env\n}\n")
	return b.String()
}

// onEvent lists the envelope members that package event decodes into
// fields of Event itself, so that Envelope does not repeat them.
var onEvent = map[string]bool{"download_token": true, "operator": true, "operator_id": true}

// qualify names the payload package's types in a type written for package
// event: "Int" becomes "payload.Int", "[]ID" "[]payload.ID".
func qualify(t string) string {
	i := strings.LastIndexAny(t, "]*") + 1
	if i < len(t) && t[i] >= 'A' && t[i] <= 'Z' {
		return t[:i] + "payload." + t[i:]
	}
	return t
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

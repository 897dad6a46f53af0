package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
)

// nameOnly lists events known by name from sources other than the spec
// files (the project's research notes, zoom-events.md §3 and §6). They are registered
// untyped: delivered raw. endpoint.url_validation is answered by the
// webhook package before any handler sees it.
var nameOnly = []struct{ name, product string }{
	{"commerce.account_status_changed", "commerce"},
	{"docs.data_table_user_mentioned", "zoom-docs"},
	{"docs.file_created", "zoom-docs"},
	{"endpoint.url_validation", "platform"},
	{"meeting.rtms_concurrency_near_limit", "rtms"},
	{"my_notes.note_completed", "my-notes"},
	{"my_notes.note_generated", "my-notes"},
	{"my_notes.transcript_generated", "my-notes"},
	{"revenue_accelerator.conversation_crm_associations_changed", "iq"},
}

// extraEnvelope lists envelope members known from Zoom's documentation
// pages but absent from the captured specs.
var extraEnvelope = []struct{ name, event string }{
	{"event_id", "commerce.account_status_changed"},
}

type kind int

const (
	kString kind = iota
	kID
	kInt
	kDateTime
	kBool
	kIntGo
	kInt64
	kFloat
	kRaw
	kStruct
	kSlice
)

// gtype is the Go type of a field.
type gtype struct {
	k     kind
	elem  *gtype
	shape *shape
}

var scalarNames = map[kind]string{
	kString: "string", kID: "ID", kInt: "Int", kDateTime: "DateTime", kBool: "bool",
	kIntGo: "int", kInt64: "int64", kFloat: "float64", kRaw: "json.RawMessage",
}

// key identifies the type structurally.
func (t *gtype) key() string {
	switch t.k {
	case kStruct:
		return "S" + t.shape.hash
	case kSlice:
		return "[]" + t.elem.key()
	}
	return scalarNames[t.k]
}

// goString is the type as Go source, once shapes are named.
func (t *gtype) goString() string {
	switch t.k {
	case kStruct:
		return t.shape.name
	case kSlice:
		return "[]" + t.elem.goString()
	}
	return scalarNames[t.k]
}

// field is one struct field.
type field struct {
	goName   string
	json     string
	t        *gtype
	required bool
	enum     []string // JSON literals, as enumLiteral renders them
	enumType *enumDef // the named type of an enum field, once named
}

// goType is the field's type as Go source, once types are named.
func (f *field) goType() string {
	if f.enumType != nil {
		return f.enumType.name
	}
	return f.t.goString()
}

// shape is a nested object type, shared by every place with the same
// structure.
type shape struct {
	fields   []*field
	hash     string
	uses     []use
	products map[string]bool
	name     string
	order    int
}

type use struct{ event, path string }

// eventDef is one typed event.
type eventDef struct {
	name, product, typeName string
	fields                  []*field
	common                  bool
	accountFrom             string // Go field holding the account id, when Common is not embedded
	envelope                []string
}

// envField is one envelope member beside "event", "event_ts" and "payload".
type envField struct {
	json   string
	t      *gtype
	events []string
}

type gen struct {
	listed   map[use]string // the names file as read
	names    map[use]string // the names file to write: listed plus new entries
	enums    map[string]*enumDef
	enumList []*enumDef
	shapes   map[string]*shape
	order    []*shape
	events   []*eventDef
	untyped  []struct{ name, product string }
	envelope map[string]*envField
	reserved map[string]bool
	products []string
}

type ctx struct {
	ev   *eventDef
	path string
}

func (c ctx) child(name string) ctx { return ctx{c.ev, c.path + "." + name} }

// load reads the snapshot; listed is the names file (nil for none).
func load(snap *snapshot.Snapshot, outDir string, listed map[use]string) (*gen, error) {
	g := &gen{shapes: map[string]*shape{}, envelope: map[string]*envField{}, reserved: map[string]bool{}, listed: listed}
	if err := g.reserveExisting(outDir); err != nil {
		return nil, err
	}
	g.products = append(g.products, snap.Products...)
	for _, e := range snap.Events {
		g.addEvent(e)
	}
	for _, n := range snap.ContactCenter {
		g.untyped = append(g.untyped, struct{ name, product string }{n, "contact-center"})
	}
	typed := map[string]bool{}
	for _, e := range g.events {
		typed[e.name] = true
	}
	for _, n := range nameOnly {
		if !typed[n.name] {
			g.untyped = append(g.untyped, n)
		}
	}
	for _, x := range extraEnvelope {
		if g.envelope[x.name] == nil {
			g.envelope[x.name] = &envField{json: x.name, t: &gtype{k: kString}, events: []string{x.event}}
		}
	}
	if err := g.nameEvents(); err != nil {
		return nil, err
	}
	return g, nil
}

// nameEvents sorts the events by name and gives each its type name: the
// one the names file lists at (event, "payload"), else the camel-cased
// event name, made unique: two event names that camel-case alike, or one
// that a hand-written declaration or a listed name already uses, get
// "Event" appended, in name order.
func (g *gen) nameEvents() error {
	sort.Slice(g.events, func(i, j int) bool { return g.events[i].name < g.events[j].name })
	seen := map[string]bool{}
	for _, n := range g.listed {
		seen[n] = true
	}
	for _, e := range g.events {
		if n, ok := g.listed[use{e.name, "payload"}]; ok {
			if g.reserved[n] {
				return fmt.Errorf("%w: %s payload %s: the name is declared by hand-written code", ErrNames, e.name, n)
			}
			e.typeName = n
			continue
		}
		for seen[e.typeName] || g.reserved[e.typeName] {
			e.typeName += "Event"
		}
		seen[e.typeName] = true
	}
	return nil
}

// reserveExisting records the top-level names declared by the hand-written
// files of package event, so generated names never collide with them.
func (g *gen) reserveExisting(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") || strings.HasSuffix(n, "_gen.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						g.reserved[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, id := range s.Names {
							g.reserved[id.Name] = true
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil {
					g.reserved[d.Name.Name] = true
				}
			}
		}
	}
	g.reserved["Envelope"] = true
	return nil
}

func (g *gen) addEvent(e *snapshot.Event) {
	ev := &eventDef{name: e.Name, product: e.Product, typeName: camel(e.Name)}
	for _, m := range e.Envelope {
		ev.envelope = append(ev.envelope, m.Name)
		t := g.fieldType(m.Name, m, ctx{ev, m.Name})
		ef := g.envelope[m.Name]
		if ef == nil {
			ef = &envField{json: m.Name, t: t}
			g.envelope[m.Name] = ef
		} else if ef.t.key() != t.key() {
			ef.t = &gtype{k: kRaw}
		}
		ef.events = append(ef.events, e.Name)
	}
	var members []*snapshot.Node
	if e.Payload != nil {
		members = e.Payload.Members
	}
	fields := g.buildFields(members, ctx{ev, "payload"})
	ev.common = true
	snake := false
	for _, f := range fields {
		switch f.json {
		case "account_id", "operator", "operator_id":
			snake = true
			if f.t.k != kString {
				ev.common = false
			}
		}
	}
	if !snake {
		// Chatbot payloads are camelCase: no Common (its Go names would
		// clash), but Parse still learns the account from accountId.
		for _, f := range fields {
			if f.json == "accountId" && f.t.k == kString {
				ev.common = false
				ev.accountFrom = f.goName
			}
		}
	}
	for _, f := range fields {
		if ev.common && (f.json == "account_id" || f.json == "operator" || f.json == "operator_id") {
			continue
		}
		switch f.goName {
		case "EventName", "Common":
			f.goName += "Field"
		}
		ev.fields = append(ev.fields, f)
	}
	g.events = append(g.events, ev)
}

// idNames always decode as ID: identifiers Zoom sends as numbers in some
// payloads and strings in others (zoom-events.md §4).
var idNames = map[string]bool{"id": true, "session_id": true, "extension_number": true}

// quantityNumbers are members named *_number that hold a quantity, not an
// identifier.
var quantityNumbers = map[string]bool{"concurrency_number": true}

// isIDNumber reports whether a member holds an identifier that happens to
// be made of digits: "number" and every "*_number" (phone_number,
// meeting_number, extension_number, caller_did_number, ...) except the
// quantities listed in quantityNumbers. They decode as ID, whatever the
// schema says (Zoom sends phone and meeting numbers both as strings and as
// numbers, and an int64 would drop a leading zero or a "+"). Names that
// start with "number" (number_of_messages, number_type) are not
// identifiers.
func isIDNumber(name string) bool {
	return (name == "number" || strings.HasSuffix(name, "_number")) && !quantityNumbers[name]
}

// intNames decode as Int where the schema says integer or number: counts
// and times Zoom sends as numbers in some payloads and strings of digits in
// others (zoom-events.md §4). Where the schema says string but Zoom's
// example has a number, they become Int too (other names become ID).
var intNames = map[string]bool{"login_type": true, "emoji_time": true, "time_stamp": true, "timestamp": true}

// isLarge reports whether an integer member holds sizes in bytes or
// millisecond times, which need 64 bits even where the schema gives no
// format (a recording's file_size exceeds 2 GiB on 32-bit platforms).
func isLarge(name string) bool {
	for _, suffix := range []string{"size", "_bytes", "_ts", "_timestamp"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

func isDateFormat(f string) bool {
	switch f {
	case "date-time", "datetime", "date_time":
		return true
	}
	return false
}

// fieldType returns the Go type for the member name with schema s. The
// kinds of the values in Zoom's own example (s.Seen) catch drift between
// Zoom's schema and example.
func (g *gen) fieldType(name string, s *snapshot.Node, c ctx) *gtype {
	switch s.Type {
	case "object":
		if !seenOnly(s.Seen, 'o') || len(s.Members) == 0 {
			return &gtype{k: kRaw}
		}
		return g.structType(s.Members, c)
	case "array":
		if !seenOnly(s.Seen, 'a') {
			return &gtype{k: kRaw}
		}
		if s.Items == nil {
			return &gtype{k: kSlice, elem: &gtype{k: kRaw}}
		}
		return &gtype{k: kSlice, elem: g.fieldType(singular(name), s.Items, ctx{c.ev, c.path + "[]"})}
	}
	var gt *gtype
	t, format := s.Type, s.Format
	switch {
	case t == "string" || strings.HasPrefix(t, "enum"):
		switch {
		case idNames[name] || isIDNumber(name):
			gt = &gtype{k: kID}
		case isDateFormat(format) || name == "date_time" || strings.HasSuffix(name, "_time"):
			gt = &gtype{k: kDateTime}
		default:
			gt = &gtype{k: kString}
		}
	case t == "integer":
		switch {
		case idNames[name] || isIDNumber(name) || strings.HasSuffix(name, "_id"):
			gt = &gtype{k: kID}
		case intNames[name]:
			gt = &gtype{k: kInt}
		case format == "int64" || isLarge(name):
			gt = &gtype{k: kInt64}
		default:
			gt = &gtype{k: kIntGo}
		}
	case t == "long":
		gt = &gtype{k: kInt64}
	case t == "number":
		if isIDNumber(name) {
			gt = &gtype{k: kID}
		} else if intNames[name] {
			gt = &gtype{k: kInt}
		} else {
			gt = &gtype{k: kFloat}
		}
	case t == "boolean":
		gt = &gtype{k: kBool}
	default:
		return &gtype{k: kRaw}
	}
	// Where Zoom's own example disagrees with the schema, widen the type
	// so that the example still decodes without loss.
	for _, seen := range []byte(s.Seen) {
		if compatible(gt.k, seen) {
			continue
		}
		switch {
		case (gt.k == kIntGo || gt.k == kInt64) && seen == 'S':
			gt = &gtype{k: kInt}
		case (gt.k == kString || gt.k == kDateTime) && seen == 'N':
			if intNames[name] {
				gt = &gtype{k: kInt}
			} else {
				gt = &gtype{k: kID}
			}
		default:
			return &gtype{k: kRaw}
		}
	}
	for _, seen := range []byte(s.Seen) {
		if !compatible(gt.k, seen) {
			return &gtype{k: kRaw}
		}
	}
	return gt
}

// seenOnly reports whether every example value seen was of kind k.
func seenOnly(seen string, k byte) bool {
	for i := 0; i < len(seen); i++ {
		if seen[i] != k {
			return false
		}
	}
	return true
}

// compatible reports whether an example value of the kind seen (see
// [snapshot.Node.Seen]) decodes into k without loss.
func compatible(k kind, seen byte) bool {
	switch k {
	case kString, kDateTime:
		return seen == 's' || seen == 'S'
	case kID:
		return seen == 's' || seen == 'S' || seen == 'n' || seen == 'N'
	case kInt:
		return seen == 'S' || seen == 'N'
	case kIntGo, kInt64:
		return seen == 'N'
	case kFloat:
		return seen == 'n' || seen == 'N'
	case kBool:
		return seen == 'b'
	}
	return true
}

func (g *gen) buildFields(members []*snapshot.Node, c ctx) []*field {
	used := map[string]bool{}
	var fields []*field
	for _, m := range members {
		f := &field{json: m.Name, required: m.Required, t: g.fieldType(m.Name, m, c.child(m.Name))}
		for _, e := range m.Enum {
			f.enum = append(f.enum, enumLiteral(e))
		}
		f.goName = camel(m.Name)
		for n := 2; used[f.goName]; n++ {
			f.goName = camel(m.Name) + strconv.Itoa(n)
		}
		used[f.goName] = true
		fields = append(fields, f)
	}
	return fields
}

func (g *gen) structType(members []*snapshot.Node, c ctx) *gtype {
	fields := g.buildFields(members, c)
	var b strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&b, "%s|%s|%s|%v|%s\n", f.json, f.goName, f.t.key(), f.required, strings.Join(f.enum, ","))
	}
	sum := sha256.Sum256([]byte(b.String()))
	h := hex.EncodeToString(sum[:12])
	sh := g.shapes[h]
	if sh == nil {
		sh = &shape{fields: fields, hash: h, products: map[string]bool{}, order: len(g.order)}
		g.shapes[h] = sh
		g.order = append(g.order, sh)
	}
	sh.uses = append(sh.uses, use{c.ev.name, c.path})
	sh.products[c.ev.product] = true
	return &gtype{k: kStruct, shape: sh}
}

// enumLiteral renders an enum value as the generated comments show it: a
// string as encoding/json quotes it, any other value as its JSON text. It
// does not depend on how the snapshot file escapes the value.
func enumLiteral(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		b, _ := json.Marshal(s)
		return string(b)
	}
	return string(bytes.TrimSpace(raw))
}

package main

import (
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
)

// nameOnly lists events known by name from sources other than the spec
// files (see ../shared/docs/zoom-events.md §3 and §6). They are registered
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
	enum     []string
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

func load(specDir, ccDir, outDir string) (*gen, error) {
	g := &gen{shapes: map[string]*shape{}, envelope: map[string]*envField{}, reserved: map[string]bool{}}
	if err := g.reserveExisting(outDir); err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(specDir, "*.webhooks.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.webhooks.json in %s", specDir)
	}
	sort.Strings(files)
	for _, f := range files {
		if err := g.loadSpec(f); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(ccDir, "contact_center.events.json"))
	if err != nil {
		return nil, err
	}
	var cc struct {
		Events []string `json:"events"`
	}
	if err := json.Unmarshal(b, &cc); err != nil {
		return nil, fmt.Errorf("contact center names: %v", err)
	}
	if len(cc.Events) == 0 {
		return nil, fmt.Errorf("contact center names: empty list")
	}
	for _, n := range cc.Events {
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
	g.nameEvents()
	return g, nil
}

// nameEvents sorts the events by name and makes their type names unique:
// two event names that camel-case alike, or one that a hand-written
// declaration already uses, get "Event" appended, in name order.
func (g *gen) nameEvents() {
	sort.Slice(g.events, func(i, j int) bool { return g.events[i].name < g.events[j].name })
	seen := map[string]bool{}
	for _, e := range g.events {
		for seen[e.typeName] || g.reserved[e.typeName] {
			e.typeName += "Event"
		}
		seen[e.typeName] = true
	}
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

func (g *gen) loadSpec(path string) error {
	product := strings.TrimSuffix(filepath.Base(path), ".webhooks.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc, err := parseJSON(b)
	if err != nil {
		return err
	}
	hooks := doc.get("webhooks")
	if hooks == nil || hooks.kind != 'o' {
		return fmt.Errorf("no webhooks object")
	}
	g.products = append(g.products, product)
	names, ops := hooks.members()
	for i, name := range names {
		body := ops[i].get("post").get("requestBody").get("content").get("application/json")
		schema := deref(doc, body.get("schema"))
		if schema == nil {
			return fmt.Errorf("%s: no schema", name)
		}
		var example *node
		if v := body.get("examples").get("json-example").get("value"); v != nil && v.kind == 's' {
			example, _ = parseJSON([]byte(v.str)) // invalid examples (calendar) are ignored
		}
		g.addEvent(doc, product, name, schema, example)
	}
	return nil
}

func (g *gen) addEvent(doc *node, product, name string, schema, example *node) {
	ev := &eventDef{name: name, product: product, typeName: camel(name)}
	keys, vals := properties(doc, schema)
	for i, k := range keys {
		switch k {
		case "event", "event_ts", "payload":
			continue
		}
		ev.envelope = append(ev.envelope, k)
		var exs []*node
		if v := example.get(k); v != nil {
			exs = append(exs, v)
		}
		t := g.fieldType(doc, k, deref(doc, vals[i]), exs, ctx{ev, k})
		ef := g.envelope[k]
		if ef == nil {
			ef = &envField{json: k, t: t}
			g.envelope[k] = ef
		} else if ef.t.key() != t.key() {
			ef.t = &gtype{k: kRaw}
		}
		ef.events = append(ef.events, name)
	}
	payload := deref(doc, schema.get("properties").get("payload"))
	var exs []*node
	if v := example.get("payload"); v != nil && v.kind == 'o' {
		exs = append(exs, v)
	}
	c := ctx{ev, "payload"}
	fields := g.buildFields(doc, payload, exs, c)
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

// deref follows $ref pointers. Zoom's pointers name the "paths" form of
// the document ("#/paths/<event>/post/..."), which the files keep as
// "webhooks".
func deref(doc, s *node) *node {
	for i := 0; i < 16 && s != nil; i++ {
		ref := s.getStr("$ref")
		if ref == "" {
			return s
		}
		s = pointer(doc, ref)
	}
	return s
}

func pointer(doc *node, ref string) *node {
	if !strings.HasPrefix(ref, "#/") {
		return nil
	}
	cur := doc
	for i, p := range strings.Split(ref[2:], "/") {
		p = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
		if i == 0 && p == "paths" && doc.get("paths") == nil {
			p = "webhooks"
		}
		if cur != nil && cur.kind == 'a' {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(cur.arr) {
				return nil
			}
			cur = cur.arr[n]
			continue
		}
		cur = cur.get(p)
		if cur == nil {
			return nil
		}
	}
	return cur
}

// alternatives returns the schemas of allOf, anyOf and oneOf.
func alternatives(doc, s *node) []*node {
	var out []*node
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if a := s.get(k); a != nil && a.kind == 'a' {
			for _, x := range a.arr {
				if x = deref(doc, x); x != nil && x.kind == 'o' {
					out = append(out, x)
				}
			}
		}
	}
	return out
}

// schemaType returns the JSON Schema type of s, inferring it when absent.
func schemaType(doc, s *node) string {
	if t := s.get("type"); t != nil {
		switch t.kind {
		case 's':
			return t.str
		case 'a':
			for _, x := range t.arr {
				if x.kind == 's' && x.str != "null" {
					return x.str
				}
			}
		}
	}
	if s.get("properties") != nil {
		return "object"
	}
	if s.get("items") != nil || s.get("item") != nil {
		return "array"
	}
	for _, a := range alternatives(doc, s) {
		if t := schemaType(doc, a); t != "" {
			return t
		}
	}
	return ""
}

func schemaFormat(doc, s *node) string {
	if f := s.getStr("format"); f != "" {
		return f
	}
	for _, a := range alternatives(doc, s) {
		if f := schemaFormat(doc, a); f != "" {
			return f
		}
	}
	return ""
}

// properties returns the declared members of an object schema in order,
// merging those of its allOf/anyOf/oneOf alternatives (first wins).
func properties(doc, s *node) ([]string, []*node) {
	var keys []string
	var vals []*node
	seen := map[string]bool{}
	var add func(s *node, depth int)
	add = func(s *node, depth int) {
		if s == nil || depth > 8 {
			return
		}
		props := s.get("properties")
		if props == nil && depth == 0 {
			props = strayProperties(s)
		}
		ks, vs := props.members()
		for i, k := range ks {
			if k == "" || seen[k] || vs[i].kind != 'o' {
				continue
			}
			seen[k] = true
			keys = append(keys, k)
			vals = append(vals, vs[i])
		}
		for _, a := range alternatives(doc, s) {
			add(a, depth+1)
		}
	}
	add(s, 0)
	return keys, vals
}

// schemaKeywords are the JSON Schema keywords found in Zoom's specs.
var schemaKeywords = map[string]bool{
	"type": true, "description": true, "properties": true, "required": true, "example": true,
	"additionalProperties": true, "enum": true, "format": true, "items": true, "item": true,
	"x-enum-descriptions": true, "deprecated": true, "title": true, "$schema": true, "maxLength": true,
	"anyOf": true, "oneOf": true, "allOf": true, "default": true, "additionalItems": true, "$ref": true,
	"maxItems": true, "pattern": true, "maximum": true, "minimum": true, "minLength": true,
	"readOnly": true, "x-enum": true, "require": true, "components": true, "uniqueItems": true,
}

// strayProperties recovers the members of an object schema that lists
// them beside its keywords instead of under "properties" (a defect of a
// few phone schemas). It returns nil unless s is such a schema.
func strayProperties(s *node) *node {
	if s.getStr("type") != "object" {
		return nil
	}
	var out *node
	keys, vals := s.members()
	for i, k := range keys {
		if schemaKeywords[k] || vals[i].kind != 'o' || vals[i].getStr("type") == "" {
			continue
		}
		if out == nil {
			out = &node{kind: 'o'}
		}
		out.keys = append(out.keys, k)
		out.vals = append(out.vals, vals[i])
	}
	return out
}

// requiredSet returns the required members of an object schema; "require"
// is a misspelling found in the QSS specs.
func requiredSet(doc, s *node) map[string]bool {
	req := map[string]bool{}
	addFrom := func(s *node) {
		for _, k := range []string{"required", "require"} {
			if r := s.get(k); r != nil && r.kind == 'a' {
				for _, x := range r.arr {
					if x.kind == 's' {
						req[x.str] = true
					}
				}
			}
		}
	}
	addFrom(s)
	if a := s.get("allOf"); a != nil && a.kind == 'a' {
		for _, x := range a.arr {
			addFrom(deref(doc, x))
		}
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		if a := s.get(k); a != nil && a.kind == 'a' && len(a.arr) == 1 {
			addFrom(deref(doc, a.arr[0]))
		}
	}
	return req
}

func enumValues(doc, s *node) []string {
	e := s.get("enum")
	if e == nil && schemaType(doc, s) == "array" {
		items := s.get("items")
		if items == nil {
			items = s.get("item")
		}
		e = deref(doc, items).get("enum")
	}
	if e == nil || e.kind != 'a' {
		return nil
	}
	var out []string
	for _, x := range e.arr {
		if l := x.literal(); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// idNames always decode as ID: identifiers Zoom sends as numbers in some
// payloads and strings in others (zoom-events.md §4).
var idNames = map[string]bool{"id": true, "session_id": true, "extension_number": true}

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

// fieldType returns the Go type for the member name with schema s; exs are
// the values the spec's own example has there, used to catch drift between
// Zoom's schema and example.
func (g *gen) fieldType(doc *node, name string, s *node, exs []*node, c ctx) *gtype {
	if s == nil {
		return &gtype{k: kRaw}
	}
	t := schemaType(doc, s)
	switch t {
	case "object":
		if !examplesAre(exs, 'o') {
			return &gtype{k: kRaw}
		}
		if keys, _ := properties(doc, s); len(keys) == 0 {
			return &gtype{k: kRaw}
		}
		return g.structType(doc, s, exs, c)
	case "array":
		if !examplesAre(exs, 'a') {
			return &gtype{k: kRaw}
		}
		items := s.get("items")
		if items == nil {
			items = s.get("item")
		}
		items = deref(doc, items)
		if items == nil || items.kind != 'o' {
			return &gtype{k: kSlice, elem: &gtype{k: kRaw}}
		}
		var elems []*node
		for _, ex := range exs {
			elems = append(elems, ex.arr...)
		}
		return &gtype{k: kSlice, elem: g.fieldType(doc, singular(name), items, elems, ctx{c.ev, c.path + "[]"})}
	}
	var gt *gtype
	format := schemaFormat(doc, s)
	switch {
	case t == "string" || strings.HasPrefix(t, "enum"):
		switch {
		case idNames[name]:
			gt = &gtype{k: kID}
		case isDateFormat(format) || name == "date_time" || strings.HasSuffix(name, "_time"):
			gt = &gtype{k: kDateTime}
		default:
			gt = &gtype{k: kString}
		}
	case t == "integer":
		switch {
		case idNames[name] || strings.HasSuffix(name, "_id"):
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
		if intNames[name] {
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
	for _, ex := range exs {
		if compatible(gt.k, ex) {
			continue
		}
		switch {
		case (gt.k == kIntGo || gt.k == kInt64) && ex.kind == 's' && isInteger(ex.str):
			gt = &gtype{k: kInt}
		case (gt.k == kString || gt.k == kDateTime) && ex.kind == 'n' && isInteger(ex.str):
			if intNames[name] {
				gt = &gtype{k: kInt}
			} else {
				gt = &gtype{k: kID}
			}
		default:
			return &gtype{k: kRaw}
		}
	}
	for _, ex := range exs {
		if !compatible(gt.k, ex) {
			return &gtype{k: kRaw}
		}
	}
	return gt
}

func examplesAre(exs []*node, k byte) bool {
	for _, ex := range exs {
		if ex.kind != k && ex.kind != 'z' {
			return false
		}
	}
	return true
}

func isInteger(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// compatible reports whether a JSON value decodes into k without loss.
func compatible(k kind, ex *node) bool {
	if ex == nil || ex.kind == 'z' {
		return true
	}
	switch k {
	case kString, kDateTime:
		return ex.kind == 's'
	case kID:
		return ex.kind == 's' || ex.kind == 'n'
	case kInt:
		return (ex.kind == 'n' || ex.kind == 's') && isInteger(ex.str)
	case kIntGo, kInt64:
		return ex.kind == 'n' && isInteger(ex.str)
	case kFloat:
		return ex.kind == 'n'
	case kBool:
		return ex.kind == 'b'
	}
	return true
}

func (g *gen) buildFields(doc, s *node, exs []*node, c ctx) []*field {
	if s == nil {
		return nil
	}
	keys, vals := properties(doc, s)
	req := requiredSet(doc, s)
	used := map[string]bool{}
	var fields []*field
	for i, k := range keys {
		ps := deref(doc, vals[i])
		var child []*node
		for _, ex := range exs {
			if v := ex.get(k); v != nil {
				child = append(child, v)
			}
		}
		f := &field{json: k, required: req[k], t: g.fieldType(doc, k, ps, child, c.child(k))}
		if ps != nil {
			f.enum = enumValues(doc, ps)
		}
		f.goName = camel(k)
		for n := 2; used[f.goName]; n++ {
			f.goName = camel(k) + strconv.Itoa(n)
		}
		used[f.goName] = true
		fields = append(fields, f)
	}
	return fields
}

func (g *gen) structType(doc, s *node, exs []*node, c ctx) *gtype {
	fields := g.buildFields(doc, s, exs, c)
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

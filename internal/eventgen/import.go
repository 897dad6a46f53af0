package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
)

// importSpecs reads Zoom's <product>.webhooks.json documents in specDir
// and the Contact Center name list in ccDir, and returns the snapshot of
// their facts: names, products, member names, types, formats, enums,
// required-ness, and the JSON kinds of the values in Zoom's examples. No
// description, summary or example text is kept.
func importSpecs(specDir, ccDir string) (*snapshot.Snapshot, error) {
	files, err := filepath.Glob(filepath.Join(specDir, "*.webhooks.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.webhooks.json in %s", specDir)
	}
	sort.Strings(files)
	s := &snapshot.Snapshot{Version: snapshot.Version}
	for _, f := range files {
		product := strings.TrimSuffix(filepath.Base(f), ".webhooks.json")
		evs, err := importSpec(f, product)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].Name < evs[j].Name })
		s.Products = append(s.Products, product)
		s.Events = append(s.Events, evs...)
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
	s.ContactCenter = cc.Events
	return s, nil
}

func importSpec(path, product string) ([]*snapshot.Event, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := parseJSON(b)
	if err != nil {
		return nil, err
	}
	hooks := doc.get("webhooks")
	if hooks == nil || hooks.kind != 'o' {
		return nil, fmt.Errorf("no webhooks object")
	}
	var out []*snapshot.Event
	names, ops := hooks.members()
	for i, name := range names {
		body := ops[i].get("post").get("requestBody").get("content").get("application/json")
		schema := deref(doc, body.get("schema"))
		if schema == nil {
			return nil, fmt.Errorf("%s: no schema", name)
		}
		var example *node
		if v := body.get("examples").get("json-example").get("value"); v != nil && v.kind == 's' {
			example, _ = parseJSON([]byte(v.str)) // invalid examples (calendar) are ignored
		}
		out = append(out, importEvent(doc, product, name, schema, example))
	}
	return out, nil
}

// importEvent returns the facts of one event's schema. example is Zoom's
// example body, or nil; only the kinds of its values are kept.
func importEvent(doc *node, product, name string, schema, example *node) *snapshot.Event {
	ev := &snapshot.Event{Name: name, Product: product}
	keys, vals := properties(doc, schema)
	req := requiredSet(doc, schema)
	for i, k := range keys {
		switch k {
		case "event", "event_ts", "payload":
			continue
		}
		var exs []*node
		if v := example.get(k); v != nil {
			exs = append(exs, v)
		}
		ev.Envelope = append(ev.Envelope, importMember(doc, k, deref(doc, vals[i]), req[k], exs))
	}
	if payload := deref(doc, schema.get("properties").get("payload")); payload != nil {
		var exs []*node
		if v := example.get("payload"); v != nil && v.kind == 'o' {
			exs = append(exs, v)
		}
		ev.Payload = &snapshot.Node{Members: importMembers(doc, payload, exs)}
	}
	return ev
}

// importMembers returns the declared members of the object schema s; exs
// are the example values at its place.
func importMembers(doc, s *node, exs []*node) []*snapshot.Node {
	keys, vals := properties(doc, s)
	req := requiredSet(doc, s)
	var out []*snapshot.Node
	for i, k := range keys {
		var child []*node
		for _, ex := range exs {
			if v := ex.get(k); v != nil {
				child = append(child, v)
			}
		}
		out = append(out, importMember(doc, k, deref(doc, vals[i]), req[k], child))
	}
	return out
}

func importMember(doc *node, name string, s *node, required bool, exs []*node) *snapshot.Node {
	n := importSchema(doc, s, exs)
	n.Name = name
	n.Required = required
	if s != nil {
		for _, l := range enumValues(doc, s) {
			n.Enum = append(n.Enum, json.RawMessage(l))
		}
	}
	return n
}

// importSchema returns the facts of schema s (nil when a $ref does not
// resolve); exs are the example values at its place.
func importSchema(doc, s *node, exs []*node) *snapshot.Node {
	n := &snapshot.Node{Seen: seenKinds(exs)}
	if s == nil {
		return n
	}
	n.Type = schemaType(doc, s)
	switch n.Type {
	case "object":
		n.Members = importMembers(doc, s, exs)
	case "array":
		items := s.get("items")
		if items == nil {
			items = s.get("item")
		}
		if items = deref(doc, items); items != nil && items.kind == 'o' {
			var elems []*node
			for _, ex := range exs {
				elems = append(elems, ex.arr...)
			}
			n.Items = importSchema(doc, items, elems)
		}
	default:
		n.Format = schemaFormat(doc, s)
	}
	return n
}

// seenKinds returns the kinds of the example values, one letter each in
// order of first occurrence (see [snapshot.Node.Seen]).
func seenKinds(exs []*node) string {
	var b []byte
	for _, ex := range exs {
		var c byte
		switch ex.kind {
		case 'o', 'a', 'b':
			c = ex.kind
		case 's':
			c = 's'
			if isInteger(ex.str) {
				c = 'S'
			}
		case 'n':
			c = 'n'
			if isInteger(ex.str) {
				c = 'N'
			}
		default: // null decodes into any type
			continue
		}
		if !strings.ContainsRune(string(b), rune(c)) {
			b = append(b, c)
		}
	}
	return string(b)
}

func isInteger(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
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

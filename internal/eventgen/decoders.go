package main

import (
	"fmt"
	"go/format"
	"sort"
	"strings"

	"github.com/zoomevents/zoomevents/internal/jsonscan"
)

// The decoders: for every payload type and nested type, a function that
// decodes it in one pass over the bytes with jsonscan.Decoder, written
// into package internal/decode. Their semantics are encoding/json's into
// the same structs (the differential tests of package event prove it):
// keys match exactly, then case-insensitively; null changes nothing; a
// value of another JSON type is recorded as a problem and skipped; a
// duplicate member decodes again into the same value (an object merges,
// an array reuses its elements).

const decodeImport = "github.com/zoomevents/zoomevents/internal/jsonscan"

// decField is one member a struct decoder matches.
type decField struct {
	json   string // the member name
	goExpr string // the field, as v.X
	path   string // the field's part of a problem's path ("Common.account_id" for an embedded field)
	f      *field
}

// renderDecoders returns the files of package decode.
func (g *gen) renderDecoders() (map[string][]byte, error) {
	product := map[string]string{}
	for _, e := range g.events {
		product[e.name] = e.product
	}
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
	bodies := map[string]*strings.Builder{}
	out := func(name string) *strings.Builder {
		b := bodies[name]
		if b == nil {
			b = &strings.Builder{}
			bodies[name] = b
		}
		return b
	}
	slices := map[string]*gtype{}
	ft := &fieldTables{byNames: map[string]string{}, lists: map[string][]string{}}

	var b strings.Builder
	b.WriteString("\n// Payload decodes the payload member at d into p, when p is a pointer to\n")
	b.WriteString("// one of the generated payload types, and reports whether it is. It\n")
	b.WriteString("// reads nothing when it returns false.\n")
	b.WriteString("func Payload(d *jsonscan.Decoder, p any) bool {\n\tswitch p := p.(type) {\n")
	for _, e := range g.events {
		fmt.Fprintf(&b, "\tcase *payload.%s:\n\t\tif d.Open(\"payload\", \"payload.%s\") {\n\t\t\tdec%s(d, p)\n\t\t}\n", e.typeName, e.typeName, e.typeName)
	}
	b.WriteString("\tdefault:\n\t\treturn false\n\t}\n\treturn true\n}\n")
	out("decode_gen.go").WriteString(b.String())

	for _, e := range g.events {
		var fs []decField
		if e.common {
			for _, c := range []struct{ json, goName string }{{"account_id", "AccountID"}, {"operator", "Operator"}, {"operator_id", "OperatorID"}} {
				fs = append(fs, decField{c.json, "v." + c.goName, "Common." + c.json, &field{json: c.json, t: &gtype{k: kString}}})
			}
		}
		for _, f := range e.fields {
			fs = append(fs, decField{f.json, "v." + f.goName, f.json, f})
		}
		writeStructDecoder(out(fileName(e.product)), e.typeName, fs, slices, ft)
	}
	for _, sh := range g.order {
		var fs []decField
		for _, f := range sh.fields {
			fs = append(fs, decField{f.json, "v." + f.goName, f.json, f})
		}
		writeStructDecoder(out(fileOf(sh.uses)), sh.name, fs, slices, ft)
	}
	// Slice decoders, including those of the element types of slices.
	for changed := true; changed; {
		changed = false
		for _, t := range slices {
			if t.elem.k == kSlice && slices[t.elem.goString()] == nil {
				slices[t.elem.goString()] = t.elem
				changed = true
			}
		}
	}
	var keys []string
	for k := range slices {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	g.writeEnumTables(out("enums_gen.go"))
	ft.write(out("fields_gen.go"))
	sb := out("slices_gen.go")
	sb.WriteString("\n// Decoders of the slices found in payloads.\n\n")
	for _, k := range keys {
		writeSliceDecoder(sb, slices[k])
	}

	files := map[string][]byte{}
	for name, body := range bodies {
		if err := addDecodeFile(files, name, body.String()); err != nil {
			return nil, err
		}
	}
	return files, nil
}

func addDecodeFile(files map[string][]byte, name, body string) error {
	var b strings.Builder
	b.WriteString(generatedHeader)
	b.WriteString("\npackage decode\n\nimport (\n")
	if strings.Contains(body, "json.RawMessage") {
		b.WriteString("\t\"encoding/json\"\n\n")
	}
	if strings.Contains(body, "jsonscan.") {
		fmt.Fprintf(&b, "\t%q\n", decodeImport)
	}
	if strings.Contains(body, "payload.") {
		fmt.Fprintf(&b, "\t%q\n", payloadImport)
	}
	b.WriteString(")\n")
	b.WriteString(body)
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	files[name] = src
	return nil
}

// decFuncName is the name of the decoder of a Go type.
func decFuncName(goType string) string {
	return "dec" + strings.ReplaceAll(strings.ReplaceAll(goType, "json.", ""), "[]", "Slice")
}

// fieldTables collects the member-name tables of the struct decoders,
// one per distinct list of names, with the function that maps a key to
// its index in the list.
type fieldTables struct {
	byNames map[string]string // names joined by "\x00" -> table name
	order   []string
	lists   map[string][]string
}

// table returns the name of the table of names, adding it when new.
func (ft *fieldTables) table(owner string, names []string) string {
	k := strings.Join(names, "\x00")
	if t, ok := ft.byNames[k]; ok {
		return t
	}
	ft.byNames[k] = owner
	ft.order = append(ft.order, owner)
	ft.lists[owner] = names
	return owner
}

// write writes every table: the names, folded for Decoder.FoldIndex, and
// a function that returns a key's index (exact, else folded), or -1.
func (ft *fieldTables) write(b *strings.Builder) {
	b.WriteString("\n// The member names of the struct decoders, in field order: for\n")
	b.WriteString("// Decoder.Next's hint, and for the key lookups below.\n")
	for _, t := range ft.order {
		names := ft.lists[t]
		var quoted, folded []string
		for _, n := range names {
			quoted = append(quoted, fmt.Sprintf("%q", n))
			folded = append(folded, fmt.Sprintf("%q", jsonscan.FoldName(n)))
		}
		fmt.Fprintf(b, "\nvar (\n\tnames%s  = [...]string{%s}\n\tfolded%s = [...]string{%s}\n)\n\n", t, strings.Join(quoted, ", "), t, strings.Join(folded, ", "))
		fmt.Fprintf(b, "func field%s(d *jsonscan.Decoder) int {\n\tswitch string(d.KeyBytes()) {\n", t)
		for i, n := range names {
			fmt.Fprintf(b, "\tcase %q:\n\t\treturn %d\n", n, i)
		}
		fmt.Fprintf(b, "\t}\n\treturn d.FoldIndex(folded%s[:])\n}\n", t)
	}
}

// writeStructDecoder writes the decoder of struct type name with fields:
// a loop over the members that guesses each key is the next field's
// (Zoom sends them in schema order), else looks it up, and switches on
// the field's index.
func writeStructDecoder(b *strings.Builder, name string, fs []decField, slices map[string]*gtype, ft *fieldTables) {
	fmt.Fprintf(b, "\nfunc %s(d *jsonscan.Decoder, v *payload.%s) {\n", decFuncName(name), name)
	if len(fs) == 0 {
		b.WriteString("\tfor d.Member() {\n\t\td.Skip()\n\t}\n}\n")
		return
	}
	var names []string
	for _, f := range fs {
		// Decoder.Next compares a hinted name with the raw key: a name
		// with a quote, a backslash or a control byte would need escapes.
		if strings.ContainsAny(f.json, "\"\\") || strings.IndexFunc(f.json, func(r rune) bool { return r < 0x20 }) >= 0 {
			panic(fmt.Sprintf("eventgen: member name %q of %s needs escapes in JSON", f.json, name))
		}
		names = append(names, f.json)
	}
	t := ft.table(name, names)
	fmt.Fprintf(b, "\tfor h := 0; ; {\n\t\tf := d.Next(names%s[:], h)\n\t\tif f == jsonscan.Unlisted {\n\t\t\tf = field%s(d)\n\t\t}\n\t\tswitch f {\n", t, t)
	for i, f := range fs {
		fmt.Fprintf(b, "\t\tcase %d:\n", i)
		writeFieldDecode(b, "\t\t\t", f.goExpr, f.path, f.f, slices)
	}
	b.WriteString("\t\tcase jsonscan.EndOfObject:\n\t\t\treturn\n")
	b.WriteString("\t\tdefault:\n\t\t\td.Skip()\n\t\t\tcontinue\n\t\t}\n\t\th = f + 1\n\t}\n}\n")
}

// writeFieldDecode writes the statement that decodes the value at hand
// into expr, a field (or element, with path "") of Go type f's.
func writeFieldDecode(b *strings.Builder, indent, expr, path string, f *field, slices map[string]*gtype) {
	if f.enumType != nil {
		fmt.Fprintf(b, "%sd.Enum((*string)(&%s), %q, \"payload.%s\", enum%s[:])\n", indent, expr, path, f.enumType.name, f.enumType.name)
		return
	}
	writeTypeDecode(b, indent, expr, path, f.t, slices)
}

func writeTypeDecode(b *strings.Builder, indent, expr, path string, t *gtype, slices map[string]*gtype) {
	switch t.k {
	case kString:
		fmt.Fprintf(b, "%sd.String(&%s, %q, \"string\")\n", indent, expr, path)
	case kID:
		fmt.Fprintf(b, "%sd.ID((*string)(&%s))\n", indent, expr)
	case kInt:
		fmt.Fprintf(b, "%s_ = %s.UnmarshalJSON(d.Raw()) // never fails\n", indent, expr)
	case kDateTime:
		fmt.Fprintf(b, "%sd.String((*string)(&%s), %q, \"payload.DateTime\")\n", indent, expr, path)
	case kBool:
		fmt.Fprintf(b, "%sd.Bool(&%s, %q)\n", indent, expr, path)
	case kIntGo:
		fmt.Fprintf(b, "%sd.Int(&%s, %q)\n", indent, expr, path)
	case kInt64:
		fmt.Fprintf(b, "%sd.Int64(&%s, %q)\n", indent, expr, path)
	case kFloat:
		fmt.Fprintf(b, "%sd.Float64(&%s, %q)\n", indent, expr, path)
	case kRaw:
		fmt.Fprintf(b, "%sif raw := d.Raw(); raw != nil {\n%s\t_ = %s.UnmarshalJSON(raw) // copies raw; never fails\n%s}\n", indent, indent, expr, indent)
	case kStruct:
		fmt.Fprintf(b, "%sif d.Open(%q, \"payload.%s\") {\n%s\t%s(d, &%s)\n%s}\n", indent, path, t.shape.name, indent, decFuncName(t.shape.name), expr, indent)
	case kSlice:
		slices[t.goString()] = t
		fmt.Fprintf(b, "%s%s(d, &%s, %q)\n", indent, decFuncName(t.goString()), expr, path)
	default:
		panic(fmt.Sprintf("eventgen: no decoder for kind %d", t.k))
	}
}

// goTypeName is a gtype as Go source in package decode, and as
// reflect.Type.String names it in encoding/json's errors.
func goTypeName(t *gtype) string { return qualify(t.goString()) }

func writeSliceDecoder(b *strings.Builder, t *gtype) {
	typ := goTypeName(t)
	elem := goTypeName(t.elem)
	fmt.Fprintf(b, "func %s(d *jsonscan.Decoder, p *%s, field string) {\n", decFuncName(t.goString()), typ)
	fmt.Fprintf(b, "\tok, null := d.OpenArray(field, %q)\n", typ)
	b.WriteString("\tif !ok {\n\t\tif null {\n\t\t\t*p = nil\n\t\t}\n\t\treturn\n\t}\n")
	b.WriteString("\ts := *p\n\ti := 0\n\tfor d.Elem() {\n")
	// As encoding/json: an element within the capacity is reused (a
	// duplicate member decodes into the elements of the first), a new
	// one is zero, and the slice grows one element at a time.
	fmt.Fprintf(b, "\t\tif i < cap(s) {\n\t\t\ts = s[:i+1]\n\t\t} else {\n\t\t\tvar zero %s\n\t\t\ts = append(s[:i], zero)\n\t\t}\n", elem)
	writeTypeDecode(b, "\t\t", "s[i]", "", t.elem, map[string]*gtype{})
	b.WriteString("\t\ti++\n\t}\n")
	// An empty array is a new empty slice, never the old one cut short.
	fmt.Fprintf(b, "\tif i == 0 {\n\t\t*p = %s{}\n\t\treturn\n\t}\n\t*p = s[:i]\n}\n\n", typ)
}

// writeEnumTables writes the values of every enum type, for Decoder.Enum.
func (g *gen) writeEnumTables(b *strings.Builder) {
	b.WriteString("\n// The values of each enum type, which Decoder.Enum returns as constants.\nvar (\n")
	for _, en := range g.enumList {
		if en.name == "" {
			continue
		}
		var vals []string
		for _, c := range en.consts() {
			vals = append(vals, fmt.Sprintf("string(payload.%s)", c.name))
		}
		fmt.Fprintf(b, "\tenum%s = [...]string{%s}\n", en.name, strings.Join(vals, ", "))
	}
	b.WriteString(")\n")
}

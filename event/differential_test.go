package event_test

// The equivalence proof of Parse against ParseStd, the same Parse decoding
// through encoding/json only: TestParseMatchesStd runs both on every
// synthesized and recorded body and on systematic mutations of them, and
// FuzzParseMatchesStd on whatever the fuzzer makes. sameParse is the oracle
// both use.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/zoomevents/zoomevents/event"
)

// sameParse runs event.Parse and event.ParseStd on data and reports (with
// t.Errorf) every way their results differ. It returns whether they agree.
//
// Errors agree when both are nil, or both are non-nil, each wraps exactly
// one of ErrInvalidJSON and ErrMissingName, and the same one. An
// ErrMissingName error must also have the same text: its detail is Parse's
// own wording, which the generated path has no reason to change. An
// ErrInvalidJSON error's detail is encoding/json's syntax error message,
// which a different tokenizer cannot be expected to reproduce word for word,
// so only the sentinel is compared there.
//
// Events agree when every field is equal: Time with Equal and the same
// location, Raw byte for byte (and both are data itself: Parse does not
// copy), the Payload's dynamic type and value by reflect.DeepEqual (a nil
// slice and an empty one differ), and Problem by its text and ErrFieldType.
func sameParse(t testing.TB, data []byte) bool {
	t.Helper()
	got, gotPanic, gotErr := parseSafely(event.Parse, data)
	want, wantPanic, wantErr := parseSafely(event.ParseStd, data)
	var diffs []string
	if gotPanic != nil || wantPanic != nil {
		diffs = append(diffs, fmt.Sprintf("panic: Parse %v, ParseStd %v", gotPanic, wantPanic))
	} else {
		diffs = diffErrors(gotErr, wantErr)
		if gotErr == nil && wantErr == nil {
			diffs = append(diffs, diffEvents(got, want, data)...)
		}
	}
	if len(diffs) == 0 {
		return true
	}
	t.Errorf("Parse and ParseStd differ on %s:\n\t%s", clipBody(data), strings.Join(diffs, "\n\t"))
	return false
}

func parseSafely(parse func([]byte) (*event.Event, error), data []byte) (ev *event.Event, panicked any, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	ev, err = parse(data)
	if err == nil && ev == nil {
		err = errors.New("(nil event and nil error)")
	}
	return ev, nil, err
}

func diffErrors(got, want error) []string {
	if got == nil && want == nil {
		return nil
	}
	if (got == nil) != (want == nil) {
		return []string{fmt.Sprintf("error: Parse %v, ParseStd %v", got, want)}
	}
	var diffs []string
	for _, e := range []error{got, want} {
		if errors.Is(e, event.ErrInvalidJSON) == errors.Is(e, event.ErrMissingName) {
			diffs = append(diffs, fmt.Sprintf("error %q wraps neither or both of ErrInvalidJSON and ErrMissingName", e))
		}
	}
	switch {
	case errors.Is(got, event.ErrInvalidJSON) != errors.Is(want, event.ErrInvalidJSON),
		errors.Is(got, event.ErrMissingName) != errors.Is(want, event.ErrMissingName):
		diffs = append(diffs, fmt.Sprintf("error kind: Parse %q, ParseStd %q", got, want))
	case errors.Is(want, event.ErrMissingName) && got.Error() != want.Error():
		diffs = append(diffs, fmt.Sprintf("ErrMissingName text: Parse %q, ParseStd %q", got, want))
	}
	return diffs
}

func diffEvents(got, want *event.Event, data []byte) []string {
	var diffs []string
	str := func(field, g, w string) {
		if g != w {
			diffs = append(diffs, fmt.Sprintf("%s: Parse %q, ParseStd %q", field, clip(g), clip(w)))
		}
	}
	str("Name", got.Name, want.Name)
	str("AccountID", got.AccountID, want.AccountID)
	str("Operator", got.Operator, want.Operator)
	str("OperatorID", got.OperatorID, want.OperatorID)
	str("DownloadToken", got.DownloadToken, want.DownloadToken)
	if !got.Time.Equal(want.Time) || got.Time.Location() != want.Time.Location() {
		diffs = append(diffs, fmt.Sprintf("Time: Parse %v (%v), ParseStd %v (%v)",
			got.Time, got.Time.Location(), want.Time, want.Time.Location()))
	}
	for _, ev := range []*event.Event{got, want} {
		if !bytes.Equal(ev.Raw, data) || (len(data) > 0 && &ev.Raw[0] != &data[0]) {
			diffs = append(diffs, "Raw is not the input itself")
			break
		}
	}
	if got.Delivery != want.Delivery {
		diffs = append(diffs, fmt.Sprintf("Delivery: Parse %+v, ParseStd %+v", got.Delivery, want.Delivery))
	}
	switch {
	case (got.Problem == nil) != (want.Problem == nil):
		diffs = append(diffs, fmt.Sprintf("Problem: Parse %v, ParseStd %v", got.Problem, want.Problem))
	case got.Problem != nil:
		if !jsonv2 && got.Problem.Error() != want.Problem.Error() {
			diffs = append(diffs, fmt.Sprintf("Problem: Parse %q, ParseStd %q", got.Problem, want.Problem))
		}
		if !errors.Is(got.Problem, event.ErrFieldType) || !errors.Is(want.Problem, event.ErrFieldType) {
			diffs = append(diffs, fmt.Sprintf("Problem does not wrap ErrFieldType: Parse %v, ParseStd %v", got.Problem, want.Problem))
		}
	}
	if gt, wt := reflect.TypeOf(got.Payload), reflect.TypeOf(want.Payload); gt != wt {
		diffs = append(diffs, fmt.Sprintf("Payload type: Parse %v, ParseStd %v", gt, wt))
	} else if !reflect.DeepEqual(got.Payload, want.Payload) {
		d := firstDiff("Payload", reflect.ValueOf(got.Payload), reflect.ValueOf(want.Payload))
		if d == "" && !jsonv2 { // under jsonv2 the walker forgives ±MaxFloat64
			d = "Payload: DeepEqual differs, but the walker found no difference"
		}
		if d != "" {
			diffs = append(diffs, d)
		}
	}
	return diffs
}

// firstDiff returns the first path at which a (Parse's) and b (ParseStd's)
// differ, with both values, or "" when they are equal.
func firstDiff(path string, a, b reflect.Value) string {
	if a.IsValid() != b.IsValid() {
		return fmt.Sprintf("%s: Parse valid %v, ParseStd valid %v", path, a.IsValid(), b.IsValid())
	}
	if !a.IsValid() {
		return ""
	}
	if a.Type() != b.Type() {
		return fmt.Sprintf("%s: Parse type %v, ParseStd type %v", path, a.Type(), b.Type())
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Sprintf("%s: Parse nil %v, ParseStd nil %v", path, a.IsNil(), b.IsNil())
			}
			return ""
		}
		return firstDiff(path, a.Elem(), b.Elem())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if d := firstDiff(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if a.IsNil() != b.IsNil() {
			return fmt.Sprintf("%s: Parse nil %v (len %d), ParseStd nil %v (len %d): encoding/json makes [] an empty non-nil slice",
				path, a.IsNil(), a.Len(), b.IsNil(), b.Len())
		}
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: Parse len %d, ParseStd len %d", path, a.Len(), b.Len())
		}
		for i := 0; i < a.Len(); i++ {
			if d := firstDiff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			return fmt.Sprintf("%s: Parse %s, ParseStd %s", path, clip(fmt.Sprintf("%v", a)), clip(fmt.Sprintf("%v", b)))
		}
		return ""
	}
	if jsonv2 && a.Kind() == reflect.Float64 && math.Abs(b.Float()) == math.MaxFloat64 {
		return "" // v2 stores a number beyond float64's range as ±MaxFloat64
	}
	if !a.CanInterface() || !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return fmt.Sprintf("%s: Parse %s, ParseStd %s", path, clip(fmt.Sprintf("%#v", a)), clip(fmt.Sprintf("%#v", b)))
	}
	return ""
}

func clip(s string) string {
	const n = 120
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("...(%d bytes)", len(s))
}

func clipBody(b []byte) string {
	const n = 300
	if len(b) <= n {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%q...(%d bytes)", b[:n], len(b))
}

// TestParseMatchesStd runs sameParse on every synthesized body (one per
// typed event of the snapshot), every recorded body, and on mutations of
// each made by walking its JSON tree: values replaced by other JSON kinds
// and awkward numbers and strings, members renamed in another case or
// spelled with escapes, members repeated (encoding/json keeps the last, and
// merges repeated objects and arrays into what it already decoded),
// envelope members varied, unknown members nested deeply, and byte-level
// damage to the serialized body. The choice of variants is deterministic:
// each site takes the next few of its list, round-robin over all sites.
func TestParseMatchesStd(t *testing.T) {
	start := time.Now()
	synth := genSynthBodies(t)
	bodies := append(synth, genTestdataBodies(t)...)
	m := mutator{t: t, counts: map[string]int{}}
	m.check = func(class string, data []byte) {
		m.cases++
		m.counts[class]++
		if !sameParse(t, data) {
			m.failures++
			if m.failures >= 20 {
				t.Fatalf("stopping after %d differences", m.failures)
			}
		}
	}
	for i, b := range bodies {
		m.check("body", b.data)
		root, err := parseTree(b.data)
		if err != nil {
			t.Fatalf("%s: %v", b.origin, err)
		}
		// Every mutation on the recorded bodies and one synthesized body in
		// 80; the next few, round-robin, on the others.
		m.body(root, i >= len(synth) || i%80 == 0)
	}
	m.depth()
	t.Logf("%d bodies, %d cases in %v: %v", len(bodies), m.cases, time.Since(start).Round(time.Millisecond), m.counts)
	if m.cases < 20000 {
		t.Errorf("only %d cases ran", m.cases)
	}
}

// jv is a JSON value that keeps its members in order and lets a mutation
// swap in any text, valid or not.
type jv struct {
	kind byte      // 'o' object, 'a' array, 0 scalar or verbatim text
	raw  string    // the text of a scalar
	mem  []jmember // the members of an object
	arr  []*jv     // the elements of an array
}

type jmember struct {
	key string // the key as JSON text, quotes included
	val *jv
}

func raw(s string) *jv { return &jv{raw: s} }

func quote(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

func parseTree(data []byte) (*jv, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	v, err := parseValue(d)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the body: %v", err)
	}
	return v, nil
}

func parseValue(d *json.Decoder) (*jv, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		v := &jv{kind: 'o'}
		if tok == '[' {
			v.kind = 'a'
		}
		for d.More() {
			if v.kind == 'a' {
				e, err := parseValue(d)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, e)
				continue
			}
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			e, err := parseValue(d)
			if err != nil {
				return nil, err
			}
			v.mem = append(v.mem, jmember{key: quote(k.(string)), val: e})
		}
		if _, err := d.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return v, nil
	case string:
		return raw(quote(tok)), nil
	case json.Number:
		return raw(tok.String()), nil
	case bool:
		return raw(fmt.Sprint(tok)), nil
	case nil:
		return raw("null"), nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

func (v *jv) encode(b *bytes.Buffer) {
	switch v.kind {
	case 'o':
		b.WriteByte('{')
		for i, m := range v.mem {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(m.key)
			b.WriteByte(':')
			m.val.encode(b)
		}
		b.WriteByte('}')
	case 'a':
		b.WriteByte('[')
		for i, e := range v.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			e.encode(b)
		}
		b.WriteByte(']')
	default:
		b.WriteString(v.raw)
	}
}

func (v *jv) bytes() []byte {
	var b bytes.Buffer
	v.encode(&b)
	return b.Bytes()
}

func (v *jv) text() string { return string(v.bytes()) }

// wrongShape returns v with every scalar replaced by one of another JSON
// kind and every nested object and array by the other container kind: an
// object of the right shape whose members all have the wrong type.
func wrongShape(v *jv) *jv {
	switch v.kind {
	case 'o':
		w := &jv{kind: 'o'}
		for _, m := range v.mem {
			var e *jv
			switch m.val.kind {
			case 'o':
				e = raw(`[]`)
			case 'a':
				e = raw(`{}`)
			default:
				e = wrongScalar(m.val.raw)
			}
			w.mem = append(w.mem, jmember{m.key, e})
		}
		return w
	case 'a':
		w := &jv{kind: 'a'}
		for _, e := range v.arr {
			w.arr = append(w.arr, wrongShape(e))
		}
		return w
	}
	return wrongScalar(v.raw)
}

func wrongScalar(s string) *jv {
	switch {
	case strings.HasPrefix(s, `"`):
		return raw(`7`)
	case s == "true" || s == "false":
		return raw(`"true"`)
	case s == "null":
		return raw(`{}`)
	}
	return raw(`"` + s + `"`) // a number as a string
}

// partial returns an object with only v's first member, changed.
func partial(v *jv) *jv {
	if v.kind != 'o' || len(v.mem) == 0 {
		return raw(`{}`)
	}
	m := v.mem[0]
	e := raw(`"changed"`)
	if m.val.kind == 0 && !strings.HasPrefix(m.val.raw, `"`) {
		e = raw(`12`)
	} else if m.val.kind != 0 {
		e = partial(m.val)
	}
	return &jv{kind: 'o', mem: []jmember{{m.key, e}}}
}

// Value variants, by the kind of the value they replace.
var (
	numberVariants = []string{`0`, `-1`, `1.5`, `-2.5`, `1e3`, `1E+2`, `-1e-2`, `1e400`, `-1e400`,
		`99999999999999999999`, `9223372036854775807`, `-9223372036854775808`, `9223372036854775808`,
		`18446744073709551616`, `4.9e-324`, `1e-400`, `-0`, `0.0`, `12345678901234567890123`,
		`"12"`, `"-12"`, `"1.5"`, `"1e3"`, `"x"`, `""`, `" 12"`, `"0x1F"`, `"\u0031\u0032"`, `"１２"`,
		`true`, `false`, `null`, `{}`, `[]`, `[1]`, `{"a":1}`, `[null]`}
	stringVariants = []string{`"a\nb"`, `"\u00e9t\u00C9"`, `"é"`, `"\ud83d\ude00"`, `"😀"`, `"\ud800"`,
		`"\udc00\ud800x"`, `"\ud800\u0041"`, `"a\u0000b"`, `"\"\\\/\b\f\n\r\t"`, "\"a\xffb\"", "\"\xc3\"",
		"\"\xed\xa0\x80\"", "\"\xc0\xaf\"", "\"\xf4\x90\x80\x80\"", "\"a\x01b\"", "\"a\tb\"", "\"\x7f\"",
		`"\u2028\u2029"`, `"\uD834\uDD1E"`, `"\u00"`, `"\q"`, `"` + strings.Repeat("long ", 60) + `"`,
		`""`, `"MP4"`, `"completed"`, `"2024-07-11T14:12:55Z"`, `"not a date"`, `"1720707175904"`,
		`1`, `-7`, `1.25`, `true`, `null`, `{}`, `[]`, `["a"]`, `[{"x":"y"}]`}
	boolVariants = []string{`true`, `false`, `"true"`, `1`, `0`, `null`, `{}`, `[]`, `"x"`, `tru`, `False`}
	// containerVariants replace an object or an array; ${wrong},
	// ${partial} and ${self} stand for wrongShape(v), partial(v) and v.
	containerVariants = []string{`null`, `{}`, `[]`, `"x"`, `1`, `true`, `[null]`, `[{}]`, `${wrong}`,
		`[${wrong}]`, `${partial}`, ` { "a" : [ 1 , { } ] , "b" : null } `, `[${self},${self}]`,
		`{"unknown":{"deep":[[[[{"x":[null,true,1.5,"s",{"y":{}}]}]]]]}}`, `[[]]`, `[1,"a",null,{}]`}
)

// mutator makes the variants of bodies and runs check on each; the
// counters make the round-robin choice of variants.
type mutator struct {
	t               testing.TB
	check           func(class string, data []byte)
	cases, failures int
	counts          map[string]int // cases by class
	rr              map[string]int
}

// next returns the next n of list for the site kind, round-robin.
func (m *mutator) next(kind string, list []string, n int) []string {
	if m.rr == nil {
		m.rr = map[string]int{}
	}
	out := make([]string, 0, n)
	for i := 0; i < n && i < len(list); i++ {
		out = append(out, list[m.rr[kind]%len(list)])
		m.rr[kind]++
	}
	return out
}

// nextN returns the next limit indexes below n for the site kind,
// round-robin.
func (m *mutator) nextN(kind string, n, limit int) []int {
	if m.rr == nil {
		m.rr = map[string]int{}
	}
	var idx []int
	for i := 0; i < limit && i < n; i++ {
		idx = append(idx, m.rr[kind]%n)
		m.rr[kind]++
	}
	return idx
}

func expand(s string, v *jv) *jv {
	if !strings.Contains(s, "${") {
		return raw(s)
	}
	s = strings.ReplaceAll(s, "${wrong}", wrongShape(v).text())
	s = strings.ReplaceAll(s, "${partial}", partial(v).text())
	s = strings.ReplaceAll(s, "${self}", v.text())
	return raw(s)
}

// valueVariants returns the next n replacements for v.
func (m *mutator) valueVariants(v *jv, n int) []*jv {
	var list []string
	kind := "string"
	switch {
	case v.kind != 0:
		list, kind = containerVariants, "container"
	case strings.HasPrefix(v.raw, `"`):
		list = stringVariants
	case v.raw == "true" || v.raw == "false":
		list, kind = boolVariants, "bool"
	case v.raw == "null":
		list, kind = containerVariants, "null"
	default:
		list, kind = numberVariants, "number"
	}
	var out []*jv
	for _, s := range m.next(kind, list, n) {
		out = append(out, expand(s, v))
	}
	return out
}

// keyVariants returns other spellings of the key k (JSON text) that
// encoding/json matches to the same field: another case, a Unicode
// case-fold (ſ U+017F folds to s, K U+212A to k), \u escapes; and two
// that it does not match.
func keyVariants(k string) []string {
	var name string
	if json.Unmarshal([]byte(k), &name) != nil || name == "" {
		return nil
	}
	out := []string{quote(strings.ToUpper(name)), quote(strings.ToUpper(name[:1]) + name[1:])}
	if strings.ContainsAny(name, "sSkK") {
		folded := strings.NewReplacer("s", "ſ", "S", "ſ", "k", "\u212a", "K", "\u212a").Replace(name)
		out = append(out, quote(folded))
	}
	esc := fmt.Sprintf(`"\u%04x%s`, name[0], k[2:])
	out = append(out, esc, fmt.Sprintf(`"%s\u%04X"`, name[:len(name)-1], unicode.ToUpper(rune(name[len(name)-1]))))
	out = append(out, quote(name+" "), `"`+name+"\xff\"")
	if utf8.ValidString(name) && len(name) > 1 {
		out = append(out, quote(name[:len(name)-1]+strings.ToUpper(name[len(name)-1:])+"\u0301")) // unknown
	}
	return out
}

// body runs the mutations of one body: all the top-level and byte-level
// ones when full, else the next few of each, round-robin.
func (m *mutator) body(root *jv, full bool) {
	m.sites(root)
	m.topLevel(root, full)
	m.byteLevel(root.bytes(), full)
}

// pick returns the cases to run of a list of n whole-body mutations.
func (m *mutator) pick(kind string, n int, full bool) []int {
	if full {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	return m.nextN(kind, n, 6)
}

// maxSites bounds the members and elements mutated in one body, so that
// the few large bodies (up to 30 KB, each case re-encoding and parsing all
// of it twice) do not dominate the run time.
const maxSites = 24

// site is member or element i of the object or array v.
type site struct {
	v *jv
	i int
}

func collectSites(v *jv, out []site) []site {
	switch v.kind {
	case 'o':
		for i, mem := range v.mem {
			out = collectSites(mem.val, append(out, site{v, i}))
		}
	case 'a':
		for i, e := range v.arr {
			out = collectSites(e, append(out, site{v, i}))
		}
	}
	return out
}

// sites mutates the members and elements of root in place (all of them,
// or maxSites spread evenly over the body), restoring each after its
// checks.
func (m *mutator) sites(root *jv) {
	all := collectSites(root, nil)
	chosen := all
	if len(all) > maxSites {
		chosen = nil
		off := m.nextN("stride", len(all)/maxSites, 1)[0]
		for k := 0; k < maxSites; k++ {
			chosen = append(chosen, all[k*len(all)/maxSites+off])
		}
	}
	for _, s := range chosen {
		v, i := s.v, s.i
		if v.kind == 'a' {
			e := v.arr[i]
			for _, nv := range m.valueVariants(e, 1) {
				v.arr[i] = nv
				m.check("element", root.bytes())
			}
			v.arr[i] = e
			continue
		}
		mem := v.mem[i]
		// The value replaced.
		for _, nv := range m.valueVariants(mem.val, 1) {
			v.mem[i].val = nv
			m.check("value", root.bytes())
		}
		v.mem[i].val = mem.val
		// The key spelled differently.
		keys := keyVariants(mem.key)
		for _, j := range m.nextN("key", len(keys), 1) {
			v.mem[i].key = keys[j]
			m.check("key", root.bytes())
			v.mem[i].key = mem.key
		}
		// The member repeated.
		m.duplicates(root, v, i, keys)
	}
}

// duplicates checks member i of object v repeated: encoding/json keeps the
// last scalar, but decodes a repeated object into the struct it already
// filled (merging) and a repeated array into the slice it already has
// (reusing, and so merging into, the elements within its capacity).
func (m *mutator) duplicates(root, v *jv, i int, keys []string) {
	mem := v.mem[i]
	type dup struct{ vals []*jv }
	var cands []dup
	others := m.valueVariants(mem.val, 1)
	cands = append(cands,
		dup{[]*jv{mem.val, others[0]}},             // last wins (or a wrong type after a good one)
		dup{[]*jv{others[0], mem.val}},             // a wrong type before a good one
		dup{[]*jv{mem.val, raw(`null`)}},           // null after a value
		dup{[]*jv{raw(`null`), mem.val}},           // a value after null
		dup{[]*jv{mem.val, mem.val, raw(`"z"`)}},   // three
		dup{[]*jv{mem.val, wrongShape(mem.val)}},   // wrong inner types after good ones
		dup{[]*jv{wrongShape(mem.val), mem.val}},   // good after wrong
		dup{[]*jv{mem.val, partial(mem.val)}},      // merge: a partial object after a full one
		dup{[]*jv{mem.val, raw(`{}`), raw(`[]`)}},  // merge with empty containers
		dup{[]*jv{raw(`[]`), mem.val, raw(`[ ]`)}}, // empty arrays around
	)
	if mem.val.kind == 'a' && len(mem.val.arr) > 0 {
		e := mem.val.arr[0]
		long := &jv{kind: 'a', arr: []*jv{e, e, e}}
		cands = append(cands,
			dup{[]*jv{long, raw(`[{}]`), raw(`[{},{},{}]`)}},                                     // long, short, long: old elements reused
			dup{[]*jv{long, raw(`[null]`), raw(`[null,null,null]`)}},                             // null elements keep the old ones
			dup{[]*jv{long, &jv{kind: 'a', arr: []*jv{partial(e)}}, raw(`[{},{}]`)}},             // partial merge
			dup{[]*jv{long, raw(`[]`), raw(`[null,null]`)}},                                      // [] resets to a new empty slice
			dup{[]*jv{long, raw(`null`), raw(`[{},null]`)}},                                      // null drops the slice
			dup{[]*jv{long, &jv{kind: 'a', arr: []*jv{wrongShape(e)}}, long}},                    // wrong types in the middle
			dup{[]*jv{&jv{kind: 'a', arr: []*jv{e}}, &jv{kind: 'a', arr: []*jv{e, partial(e)}}}}, // growing
		)
	}
	for _, j := range m.nextN("dup", len(cands), 1) {
		c := cands[j]
		saved := append([]jmember(nil), v.mem...)
		var repl []jmember
		for n, val := range c.vals {
			key := mem.key
			if n > 0 && len(keys) > 0 && j%3 == 2 {
				key = keys[n%len(keys)] // the repeat spelled in another case
			}
			repl = append(repl, jmember{key, val})
		}
		v.mem = append(append(append([]jmember(nil), saved[:i]...), repl...), saved[i+1:]...)
		m.check("duplicate", root.bytes())
		v.mem = saved
	}
}

// topLevel checks the members beside the payload: event, event_ts,
// payload, download_token, operator, operator_id, and unknown ones.
func (m *mutator) topLevel(root *jv, full bool) {
	if root.kind != 'o' {
		return
	}
	find := func(name string) int {
		for i, mem := range root.mem {
			if mem.key == quote(name) {
				return i
			}
		}
		return -1
	}
	name := root.mem[find("event")].val
	with := func(extra ...string) {
		saved := root.mem
		root.mem = append([]jmember(nil), root.mem...)
		for i := 0; i+1 < len(extra); i += 2 {
			if j := find(extra[i]); j >= 0 && extra[i+1] == "" {
				root.mem = append(root.mem[:j], root.mem[j+1:]...) // removed
				continue
			}
			root.mem = append(root.mem, jmember{quote(extra[i]), raw(extra[i+1])})
		}
		m.check("top-level", root.bytes())
		root.mem = saved
	}
	replace := func(member, val string) {
		j := find(member)
		if j < 0 {
			with(member, val)
			return
		}
		saved := root.mem[j].val
		root.mem[j].val = raw(val)
		m.check("top-level", root.bytes())
		root.mem[j].val = saved
	}
	var pl string
	if j := find("payload"); j >= 0 {
		pl = root.mem[j].val.text()
	}
	nm := name.text()
	var cases [][]string
	for _, v := range []string{`null`, `""`, `1`, `{}`, `[]`, `"meeting.started"`, `"recording.completed"`,
		`"no.such_event"`, `"\u006deeting.started"`, `"bot_notification"`, "\"a\xffb\"", `"a\u0000"`} {
		cases = append(cases, []string{"event", v}, []string{"Event", v}, []string{"EVENT", v})
	}
	cases = append(cases, []string{"event", ""}, []string{"event", "", "Event", nm}, []string{"event", "", "ÉVENT", nm},
		[]string{"event", "", "\u212avent", nm}, []string{"event", "", "payload", "", "Event", nm})
	for _, v := range []string{`null`, `"x"`, `[]`, `[{}]`, `1`, `true`, `{}`, `{"object":null}`, `{"object":[]}`,
		`{"object":"x"}`, `{"account_id":"A","operator":"O","operator_id":"I"}`, `{"account_id":1,"operator":"O"}`, pl} {
		cases = append(cases, []string{"payload", v}, []string{"PAYLOAD", v})
	}
	cases = append(cases, []string{"payload", ""}, []string{"payload", "", "Payload", pl}, []string{"payload", "", "paylоad", pl})
	for _, member := range []string{"download_token", "operator", "operator_id"} {
		for _, v := range []string{`"tok"`, `""`, `null`, `1`, `{}`, `["x"]`, `"\u00e9"`} {
			cases = append(cases, []string{member, v})
		}
		cases = append(cases, []string{strings.ToUpper(member), `"upper"`}, []string{member, `"a"`, member, `"b"`},
			[]string{member, `"a"`, member, `null`}, []string{member, `"a"`, member, `7`})
	}
	for _, v := range []string{`0`, `-1`, `1`, `1.5`, `1e3`, `1720707175904.7`, `"1720707175904"`, `" 1720707175904"`,
		`"2024-07-11T14:12:55.904+02:00"`, `"2024-07-11T14:12:55Z"`, `"2024-07-11"`, `"bad"`, `""`, `null`,
		`253402300799999`, `253402300800000`, `"253402300800000"`, `1e300`, `-0`, `-1e400`, `1e400`, `{}`, `[]`, `true`,
		`9223372036854775808`, `"\u0031"`, `"\ud800"`, `"1.5"`, `"-1"`, `"1e3"`, `0.0001`} {
		cases = append(cases, []string{"event_ts", v}, []string{"Event_TS", v}, []string{"event_ts", `"bad"`, "event_ts", v},
			[]string{"event_ts", v, "event_ts", `1720707175904`})
	}
	for _, v := range []string{`{"a":{"b":{"c":[[[{"d":[1,{"e":null}]}]]]}}}`, `[[[[[[[[[[]]]]]]]]]]`, `"\ud800"`,
		`1e999999`, "\"\xff\"", `{"payload":{"account_id":5},"event":"x"}`} {
		cases = append(cases, []string{"unknown", v}, []string{"", v})
	}
	for _, i := range m.pick("top-level", len(cases), full) {
		c := cases[i]
		if len(c) == 2 && find(c[0]) >= 0 && c[1] != "" {
			replace(c[0], c[1])
			continue
		}
		with(c...)
	}
}

// byteLevel checks damage to the serialized body b.
func (m *mutator) byteLevel(b []byte, full bool) {
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	var ind bytes.Buffer
	_ = json.Indent(&ind, b, " \r", "\t") // b is valid JSON
	cases := [][]byte{
		ind.Bytes(),
		cat([]byte(" \n\t\r"), b, []byte("\n ")),
		cat([]byte("\xef\xbb\xbf"), b),
		cat(b, []byte("x")),
		cat(b, []byte("}")),
		cat(b, []byte("{}")),
		cat(b, b),
		cat(b, []byte("\x00")),
		cat(b, []byte(" \f")),
		b[:len(b)-1],
		cat(b[:len(b)-1], []byte(",}")),
		cat(b[:len(b)-1], []byte(`,"x"}`)),
		cat(b[:len(b)-1], []byte(`,"x":}`)),
		cat(b[:1], []byte(` ,`), b[1:]),
		bytes.Replace(b, []byte(":"), []byte("="), 1),
		bytes.Replace(b, []byte(","), []byte(",,"), 1),
		bytes.Replace(b, []byte(`"`), []byte(`'`), 2),
		bytes.ToUpper(b),
		bytes.Replace(b, []byte(":"), []byte(": \t"), -1),
		[]byte{}, []byte("null"), []byte("[]"), []byte(" "), []byte(`"event"`),
	}
	for i := 1; i < 8; i++ {
		cases = append(cases, b[:len(b)*i/8])
	}
	for i := len(b) - 1; i > 0; i-- {
		if b[i] == '}' || b[i] == ']' {
			cases = append(cases, cat(b[:i], b[i+1:])) // an inner closing bracket dropped
			break
		}
	}
	for _, i := range m.pick("bytes", len(cases), full) {
		m.check("bytes", cases[i])
	}
}

// depth checks both sides of encoding/json's nesting limit: 10000 levels in
// all, the body's own object included, are valid; 10001 are "exceeded max
// depth". The levels are in an unknown member, in an unknown member of the
// payload, in a string field and in a RawMessage field.
func (m *mutator) depth() {
	const limit = 10000
	wrap := func(prefix, suffix string, levels int) []byte {
		// prefix opens the given levels already; the rest are arrays.
		n := limit + levels - strings.Count(prefix, "{") - strings.Count(prefix, "[")
		return []byte(prefix + strings.Repeat("[", n) + strings.Repeat("]", n) + suffix)
	}
	for _, c := range []struct{ prefix, suffix string }{
		{`{"event":"meeting.started","deep":`, `}`},
		{`{"event":"meeting.started","payload":{"object":{"id":"1","deep":`, `}}}`},
		{`{"event":"meeting.started","payload":{"object":{"topic":`, `}}}`},
		{`{"event":"meeting.started","payload":{"object":{"id":`, `}}}`},
		{`{"event":"no.such_event","payload":{"deep":`, `}}`},
		{`{"event":"interactive_message_editable","payload":{"object":{"editable":`, `}}}`},
	} {
		for _, levels := range []int{0, 1} { // exactly at the limit, and one over it
			data := wrap(c.prefix, c.suffix, levels)
			m.check("depth", data)
			_, err := event.ParseStd(data)
			if (err != nil) != (levels == 1) || (err != nil && !errors.Is(err, event.ErrInvalidJSON)) {
				m.t.Errorf("%s...: ParseStd at %d levels over the limit: %v (the depth cases no longer straddle the limit)",
					c.prefix, levels, err)
			}
		}
	}
}

// FuzzParseMatchesStd checks that Parse and ParseStd agree on every input
// (see sameParse). Its seeds are the recorded bodies, a selection of
// synthesized bodies covering every product and field kind, and bodies
// built to hit encoding/json's corner cases.
func FuzzParseMatchesStd(f *testing.F) {
	for _, b := range genTestdataBodies(f) {
		f.Add(b.data)
	}
	for _, b := range seedSynthBodies(f, 30) {
		f.Add(b.data)
	}
	for _, s := range trickySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameParse(t, data)
	})
}

var trickySeeds = []string{
	`{"event":"recording.completed","payload":{"object":{"recording_files":[{"id":"a","status":"x"},{"id":"b"},{"id":"c"}]}},` +
		`"payload":{"object":{"recording_files":[{}]}},"payload":{"object":{"recording_files":[{},null,{}]}}}`,
	`{"event":"recording.completed","payload":null,"payload":{"account_id":"A","object":{"id":1}}}`,
	`{"event":"recording.completed","payload":{"object":{"type":5}},"payload":{"object":{"type":1.5,"recording_files":[]}}}`,
	`{"event":"meeting.started","payload":{"account_id":5,"object":{"id":1e3,"ſtart_time":"x","TOPIC":"\ud800","\u0074ype":"1","duration":99999999999999999999}}}`,
	`{"event":"meeting.started","Event":"recording.completed","event_ts":"2024-07-11T14:12:55.904+02:00","payload":{"\u212aey":1}}`,
	`{"EVENT":"user.signed_in","event_ts":1e3,"payload":{"object":{"login_type":"1.5","email":"a\u0000b\ud83d\ude00"}}}`,
	`{"event":"user.settings_updated","operator":"o","operator_id":7,"payload":{"operator":null,"object":[]}}`,
	"{\"event\":\"meeting.started\",\"payload\":{\"object\":{\"topic\":\"a\xffb\",\"id\":\"\\u0031\"}}}",
	`{"event":"bot_notification","payload":{"accountId":{},"cmd":"hi","timestamp":"1560891222018"},"event_ts":-1}`,
	`{"event":"interactive_message_editable","payload":{"object":{"editable":  [ 1 , {"a" : null} ] }},"event_ts":253402300800000}`,
	`{"event":"team_chat.dm_reaction_added","payload":{"object":{"emoji_time":"x"}},"unknown":{"a":[[[[{"b":"c"}]]]]}}`,
	"\xef\xbb\xbf{\"event\":\"meeting.started\"}",
	`{"event":"meeting.started","payload":{"object":{"id":"1"}}} x`,
	`{"event":"meeting.started","payload":{"object":{"id":"1"}}`,
}

// seedSynthBodies picks up to n synthesized bodies: for each product the
// one whose payload type has the most kinds of field (IDs, Ints,
// DateTimes, floats, bools, enums, slices, nested structs, RawMessage),
// smaller bodies first among equals, then more bodies that add a kind not
// yet covered.
func seedSynthBodies(t testing.TB, n int) []genBody {
	t.Helper()
	type cand struct {
		b     genBody
		kinds map[string]bool
	}
	byProduct := map[string][]cand{}
	for _, b := range genSynthBodies(t) {
		ev, err := event.ParseStd(b.data)
		if err != nil || ev.Payload == nil || len(b.data) > 4096 {
			continue
		}
		info, _ := event.Lookup(b.name)
		kinds := map[string]bool{}
		fieldKinds(reflect.TypeOf(ev.Payload).Elem(), kinds, 0)
		byProduct[info.Product] = append(byProduct[info.Product], cand{b, kinds})
	}
	better := func(a, b cand) bool {
		if len(a.kinds) != len(b.kinds) {
			return len(a.kinds) > len(b.kinds)
		}
		if len(a.b.data) != len(b.b.data) {
			return len(a.b.data) < len(b.b.data)
		}
		return a.b.name < b.b.name
	}
	products := make([]string, 0, len(byProduct))
	for p := range byProduct {
		products = append(products, p)
	}
	sort.Strings(products)
	var out []genBody
	covered := map[string]bool{}
	var rest []cand
	for _, p := range products {
		cs := byProduct[p]
		sort.Slice(cs, func(i, j int) bool { return better(cs[i], cs[j]) })
		out = append(out, cs[0].b)
		for k := range cs[0].kinds {
			covered[k] = true
		}
		rest = append(rest, cs[1:]...)
	}
	sort.Slice(rest, func(i, j int) bool { return better(rest[i], rest[j]) })
	taken := map[string]bool{}
	for _, onlyNew := range []bool{true, false} {
		for _, c := range rest {
			if len(out) >= n || taken[c.b.name] {
				continue
			}
			adds := false
			for k := range c.kinds {
				adds = adds || !covered[k]
			}
			if adds || !onlyNew {
				out = append(out, c.b)
				taken[c.b.name] = true
				for k := range c.kinds {
					covered[k] = true
				}
			}
		}
	}
	return out
}

// fieldKinds records the kinds of field that typ has, recursively.
func fieldKinds(typ reflect.Type, kinds map[string]bool, depth int) {
	if depth > 8 {
		return
	}
	switch {
	case typ == genIDType:
		kinds["ID"] = true
		return
	case typ == genIntType:
		kinds["Int"] = true
		return
	case typ == genRawType:
		kinds["RawMessage"] = true
		return
	case typ.Name() == "DateTime":
		kinds["DateTime"] = true
		return
	}
	switch typ.Kind() {
	case reflect.Struct:
		if depth > 1 {
			kinds["nested struct"] = true
		}
		for i := 0; i < typ.NumField(); i++ {
			fieldKinds(typ.Field(i).Type, kinds, depth+1)
		}
	case reflect.Slice:
		kinds["slice of "+typ.Elem().Kind().String()] = true
		fieldKinds(typ.Elem(), kinds, depth+1)
	case reflect.String:
		if typ.Name() != "string" {
			kinds["enum"] = true
		}
	default:
		kinds[typ.Kind().String()] = true
	}
}

package jsonscan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of objects and arrays that encoding/json
// accepts; one more level is a syntax error, for [Decoder] as for it.
const MaxDepth = 10000

// TypeError describes a value of an unexpected JSON type, in the words of
// encoding/json's UnmarshalTypeError: Field is the dotted path of Go
// struct fields (their JSON names, and the Go name of an embedded struct)
// from the top, Value the JSON kind ("string", "number", "number 1.5",
// "bool", "object", "array") and Type the Go type.
type TypeError struct {
	Field, Value, Type string
}

// Decoder reads one JSON document in a single pass, for the generated,
// reflection-free decoders (package internal/decode) and the hand-written
// ones beside them. It validates everything it reads exactly as
// encoding/json's scanner does, including the values it skips, and
// decodes with encoding/json's semantics: keys match exactly first, then
// case-insensitively (see [Decoder.Fold]); a null leaves a value as it
// is; a value of another JSON type than its Go field leaves the field
// alone and is recorded as the first [TypeError] (see [Decoder.Problem]),
// and decoding goes on.
//
// Strings are substrings of one copy of the document (from the first
// string decoded to the end) after [Decoder.Reset], except those that
// had escapes or invalid UTF-8 (each its own allocation) and enum values
// (the constants). Keys are not decoded strings: a caller that switches
// on string(KeyBytes()) copies nothing for them.
//
// After a syntax error every method returns at once, as at the end of the
// input; [Decoder.End] reports it.
type Decoder struct {
	data  []byte
	str   string // string(data[base:]), made for the first string decoded: the strings decoded share it
	base  int
	share bool // Reset (not ResetNoCopy): strings share str
	i     int
	depth int    // open objects and arrays
	first bool   // the object just opened has had no member yet
	bad   bool   // a syntax error was found
	key   string // the last key, when it had escapes or invalid UTF-8
	// keyStart and keyEnd delimit the last key in data when it is its
	// text; -1 when key holds it.
	keyStart, keyEnd int
	prob             *TypeError
	np               int
	path             [24]string // the fields above the current value; deeper ones in more
	more             []string
}

// Reset makes d read data from its start. The strings it decodes share
// one copy of data, from the first of them to the end, made when the
// first is decoded.
func (d *Decoder) Reset(data []byte) {
	*d = Decoder{data: data, share: true}
}

// ResetNoCopy is Reset without the copy: each decoded string is its own
// allocation. It suits a document with few strings to keep.
func (d *Decoder) ResetNoCopy(data []byte) {
	*d = Decoder{data: data}
}

// sub returns data[start:end] as a string: a substring of the copy, or
// a new string without one. Decoding only goes forward, so a start is
// never before the first one, where the copy begins.
func (d *Decoder) sub(start, end int) string {
	if !d.share {
		return string(d.data[start:end])
	}
	if d.str == "" {
		d.str, d.base = string(d.data[start:]), start
	}
	return d.str[start-d.base : end-d.base]
}

// Problem returns the first value of an unexpected type, or nil.
func (d *Decoder) Problem() *TypeError { return d.prob }

// End checks that only whitespace follows the top-level value, and
// reports whether the document was valid JSON.
func (d *Decoder) End() bool {
	if SkipSpace(d.data, d.i) != len(d.data) {
		d.fail()
	}
	return !d.bad
}

func (d *Decoder) fail() {
	d.bad = true
	d.i = len(d.data)
	d.data = d.data[:d.i]
}

// ws skips whitespace and returns the next byte, or 0 at the end (which
// is never valid where a byte is expected).
func (d *Decoder) ws() byte {
	for d.i < len(d.data) {
		c := d.data[d.i]
		if c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			return c
		}
		d.i++
	}
	return 0
}

func (d *Decoder) push(field string) {
	if d.np < len(d.path) {
		d.path[d.np] = field
	} else {
		d.more = append(d.more[:d.np-len(d.path)], field)
	}
	d.np++
}

// problem records a value of JSON kind value, at field below the current
// path, that Go type typ cannot hold, unless a problem is recorded
// already.
func (d *Decoder) problem(field, value, typ string) {
	if d.prob != nil {
		return
	}
	var b strings.Builder
	for k := 0; k < d.np; k++ {
		var f string
		if k < len(d.path) {
			f = d.path[k]
		} else {
			f = d.more[k-len(d.path)]
		}
		if f != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f)
		}
	}
	if field != "" {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(field)
	}
	d.prob = &TypeError{Field: b.String(), Value: value, Type: typ}
}

// mismatch skips the value at hand, of a JSON kind that Go type typ
// cannot hold, and records the problem. A null is no problem: it leaves
// the field as it is.
func (d *Decoder) mismatch(field, typ string) {
	var kind string
	switch d.ws() {
	case 'n':
		d.literal("null")
		return
	case '"':
		kind = "string"
	case 't', 'f':
		kind = "bool"
	case '{':
		kind = "object"
	case '[':
		kind = "array"
	default:
		kind = "number"
	}
	d.Skip()
	if !d.bad {
		d.problem(field, kind, typ)
	}
}

// Open starts decoding an object into a struct of Go type typ, held in
// field. It returns true when the value is an object: then call
// [Decoder.Member] until it returns false. A null returns false and
// changes nothing; any other value is skipped, recorded as a problem, and
// returns false.
func (d *Decoder) Open(field, typ string) bool {
	if d.ws() != '{' {
		d.mismatch(field, typ)
		return false
	}
	d.i++
	if d.depth++; d.depth > MaxDepth {
		d.fail()
		return false
	}
	d.push(field)
	d.first = true
	return true
}

// Member reads the next member's key of the object being decoded (see
// [Decoder.Key]) and returns true, leaving the decoder at its value, which
// the caller must decode or skip; at the end of the object it returns
// false.
func (d *Decoder) Member() bool {
	c := d.ws()
	switch {
	case c == '}':
		d.i++
		d.depth--
		d.np--
		d.first = false
		return false
	case c == ',' && !d.first:
		d.i++
		c = d.ws()
	case !d.first:
		d.fail()
		return false
	}
	d.first = false
	if c != '"' {
		d.fail()
		return false
	}
	start := d.i + 1
	end, plain := d.scanString()
	if d.bad {
		return false
	}
	if plain {
		d.keyStart, d.keyEnd, d.key = start, end-1, ""
	} else {
		d.keyStart, d.keyEnd, d.key = -1, -1, unquote(d.data[start:end-1])
	}
	if d.ws() != ':' {
		d.fail()
		return false
	}
	d.i++
	return true
}

// The results of [Decoder.Next] that are not an index.
const (
	// Unlisted: the key is not the one hinted; [Decoder.Key] has it.
	Unlisted = -1
	// EndOfObject: the object ended.
	EndOfObject = -2
)

// Next is [Decoder.Member] for a struct whose member names are names,
// in field order, when the caller expects names[hint] next (the field
// after the last one found, as Zoom sends members in schema order): it
// returns hint when the key is exactly that name, after comparing it in
// place, [EndOfObject] at the end of the object, and [Unlisted] for any
// other key, which [Decoder.Key] then returns.
func (d *Decoder) Next(names []string, hint int) int {
	if hint < len(names) {
		data := d.data
		i := d.i
		for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
			i++
		}
		if i < len(data) && data[i] == ',' && !d.first {
			i++
			for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
				i++
			}
		} else if !d.first {
			i = -1 // not a next member: Member decides
		}
		if n := names[hint]; i >= 0 && len(data)-i > len(n)+1 && data[i] == '"' &&
			data[i+1+len(n)] == '"' && string(data[i+1:i+1+len(n)]) == n {
			d.first = false
			d.keyStart, d.keyEnd, d.key = i+1, i+1+len(n), ""
			d.i = i + 2 + len(n)
			if d.ws() != ':' {
				d.fail()
				return EndOfObject
			}
			d.i++
			return hint
		}
	}
	if !d.Member() {
		return EndOfObject
	}
	return Unlisted
}

// Key returns the key read by the last [Decoder.Member]. After
// [Decoder.ResetNoCopy] it allocates: use [Decoder.KeyBytes] there.
func (d *Decoder) Key() string {
	if d.keyStart >= 0 {
		return d.sub(d.keyStart, d.keyEnd)
	}
	return d.key
}

// KeyBytes returns the key read by the last [Decoder.Member], valid until
// the next call of Member and not to be modified: for a switch on
// string(KeyBytes()), which allocates nothing.
func (d *Decoder) KeyBytes() []byte {
	if d.keyStart >= 0 {
		return d.data[d.keyStart:d.keyEnd]
	}
	return []byte(d.key)
}

// Fold returns the name in names that the last key matches
// case-insensitively, as encoding/json matches a key that no field name
// equals: after folding both with unicode.ToUpper(unicode.ToLower(r)) per
// rune. folded holds names folded that way, in field order; the first
// match wins. It returns "" when none matches.
func (d *Decoder) Fold(folded, names []string) string {
	if j := d.FoldIndex(folded); j >= 0 {
		return names[j]
	}
	return ""
}

// KeyIn returns the name in names that the last key is exactly, or ""
// (then [Decoder.Fold] decides), without allocating for a plain key.
func (d *Decoder) KeyIn(names []string) string {
	key := d.KeyBytes()
	for _, n := range names {
		if string(key) == n {
			return n
		}
	}
	return ""
}

// FoldIndex is [Decoder.Fold] returning the index of the match in
// folded, or -1.
func (d *Decoder) FoldIndex(folded []string) int {
	var buf [64]byte
	k := appendFolded(buf[:0], d.KeyBytes())
	for j, f := range folded {
		if string(k) == f {
			return j
		}
	}
	return -1
}

// appendFolded is encoding/json's appendFoldedName.
func appendFolded[S string | []byte](out []byte, in S) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(string(in[i:]))
		out = utf8.AppendRune(out, unicode.ToUpper(unicode.ToLower(r)))
		i += n
	}
	return out
}

// FoldName returns name folded as [Decoder.Fold] compares it: for
// generators, which precompute the folded field names.
func FoldName(name string) string { return string(appendFolded(nil, name)) }

// OpenArray starts decoding an array into a slice of Go type typ, held in
// field: it returns true when the value is an array, then call
// [Decoder.Elem] until it returns false. null reports false with isNull
// set (encoding/json then sets the slice to nil); any other value is
// skipped and recorded as a problem.
func (d *Decoder) OpenArray(field, typ string) (ok, isNull bool) {
	switch d.ws() {
	case '[':
	case 'n':
		return false, d.literal("null")
	default:
		d.mismatch(field, typ)
		return false, false
	}
	d.i++
	if d.depth++; d.depth > MaxDepth {
		d.fail()
		return false, false
	}
	d.push(field)
	d.first = true
	return true, false
}

// Elem returns true at the next element of the array being decoded,
// which the caller must decode, and false at its end.
func (d *Decoder) Elem() bool {
	c := d.ws()
	switch {
	case c == ']':
		d.i++
		d.depth--
		d.np--
		d.first = false
		return false
	case c == ',' && !d.first:
		d.i++
	case !d.first || c == 0:
		d.fail()
		return false
	}
	d.first = false
	return true
}

// String decodes a string into p; typ is p's Go type, for problems.
func (d *Decoder) String(p *string, field, typ string) {
	if d.ws() != '"' {
		d.mismatch(field, typ)
		return
	}
	s := d.readString()
	if !d.bad {
		*p = s
	}
}

// Enum is [Decoder.String] for a field whose values are usually one of
// values: such a value is the constant itself, which keeps no reference
// to the document.
func (d *Decoder) Enum(p *string, field, typ string, values []string) {
	if d.ws() != '"' {
		d.mismatch(field, typ)
		return
	}
	start := d.i + 1
	end, plain := d.scanString()
	if d.bad {
		return
	}
	if plain {
		body := d.data[start : end-1]
		for _, v := range values {
			if string(body) == v {
				*p = v
				return
			}
		}
		*p = d.sub(start, end-1)
		return
	}
	*p = unquote(d.data[start : end-1])
}

// ID decodes an identifier as payload.ID does: a string's text (escapes
// decoded only when it has any), "" for null, or the JSON text of any
// other value. It never records a problem.
func (d *Decoder) ID(p *string) {
	switch d.ws() {
	case '"':
		start := d.i + 1
		end, _ := d.scanString()
		if d.bad {
			return
		}
		body := d.data[start : end-1]
		if bytes.IndexByte(body, '\\') < 0 {
			*p = d.sub(start, end-1) // as payload.ID: invalid UTF-8 kept as is
			return
		}
		*p = unquote(body)
	case 'n':
		if d.literal("null") {
			*p = ""
		}
	default:
		start := d.i
		d.Skip()
		if !d.bad {
			*p = d.sub(start, d.i)
		}
	}
}

// Raw returns the JSON text of the value at hand, after checking it, for
// the types that decode themselves (json.RawMessage, payload.Int). It
// shares the caller's data: a type that keeps it must copy it, as
// json.Unmarshaler implementations do.
func (d *Decoder) Raw() []byte {
	d.ws()
	start := d.i
	d.Skip()
	if d.bad {
		return nil
	}
	return d.data[start:d.i]
}

// Bool decodes true or false into p.
func (d *Decoder) Bool(p *bool, field string) {
	switch d.ws() {
	case 't':
		if d.literal("true") {
			*p = true
		}
	case 'f':
		if d.literal("false") {
			*p = false
		}
	default:
		d.mismatch(field, "bool")
	}
}

// number scans the number at hand, or records a problem (typ) for
// another kind of value; ok reports a number, d.sub(start, end) its text.
func (d *Decoder) number(field, typ string) (start, end int, ok bool) {
	c := d.ws()
	if c != '-' && (c < '0' || c > '9') {
		d.mismatch(field, typ)
		return 0, 0, false
	}
	start = d.i
	d.scanNumber()
	return start, d.i, !d.bad
}

// Int decodes a JSON integer into p, a Go int: a fraction, an exponent or
// an overflow is a problem, as for encoding/json.
func (d *Decoder) Int(p *int, field string) {
	start, end, ok := d.number(field, "int")
	if !ok {
		return
	}
	n, okn := parseInt(d.data[start:end])
	if !okn || n != int64(int(n)) {
		d.problem(field, "number "+d.sub(start, end), "int")
		return
	}
	*p = int(n)
}

// Int64 is [Decoder.Int] for an int64.
func (d *Decoder) Int64(p *int64, field string) {
	start, end, ok := d.number(field, "int64")
	if !ok {
		return
	}
	n, okn := parseInt(d.data[start:end])
	if !okn {
		d.problem(field, "number "+d.sub(start, end), "int64")
		return
	}
	*p = n
}

// Float64 decodes a JSON number into p; one beyond float64's range is a
// problem.
func (d *Decoder) Float64(p *float64, field string) {
	start, end, ok := d.number(field, "float64")
	if !ok {
		return
	}
	f, err := strconv.ParseFloat(d.sub(start, end), 64)
	if err != nil {
		d.problem(field, "number "+d.sub(start, end), "float64")
		return
	}
	*p = f
}

// parseInt is strconv.ParseInt(s, 10, 64) with a fast path for the plain
// integers of up to 18 digits that nearly every number is.
func parseInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	digits := b
	if neg {
		digits = b[1:]
	}
	if n := len(digits); n > 0 && n <= 18 {
		var v int64
		for _, c := range digits {
			if c < '0' || c > '9' {
				goto slow
			}
			v = v*10 + int64(c-'0')
		}
		if neg {
			v = -v
		}
		return v, true
	}
slow:
	v, err := strconv.ParseInt(string(b), 10, 64)
	return v, err == nil
}

// Null reports whether the value at hand is null, and skips it if so.
func (d *Decoder) Null() bool {
	return d.ws() == 'n' && d.literal("null")
}

// SkipAny checks and skips the value at hand as encoding/json decodes a
// value into an empty interface, which it does for a member whose Go
// field is an interface that a null has emptied: the only problem that
// decoding can have is a number beyond float64's range, recorded at
// field.
func (d *Decoder) SkipAny(field string) {
	d.skip(true, field)
}

// Skip checks and skips the value at hand.
func (d *Decoder) Skip() { d.skip(false, "") }

func (d *Decoder) skip(floats bool, field string) {
	switch c := d.ws(); c {
	case '{', '[':
		d.skipNested(floats, field)
	case '"':
		d.scanString()
	case 't':
		d.literal("true")
	case 'f':
		d.literal("false")
	case 'n':
		d.literal("null")
	default:
		d.skipNumber(floats, field)
	}
}

// skipNumber checks and skips a number; with floats, one beyond
// float64's range is a problem at field.
func (d *Decoder) skipNumber(floats bool, field string) {
	start := d.i
	d.scanNumber()
	if floats && !d.bad {
		if _, err := strconv.ParseFloat(d.sub(start, d.i), 64); err != nil {
			d.problem(field, "number "+d.sub(start, d.i), "float64")
		}
	}
}

// skipNested checks and skips the object or array at hand, without
// recursion: a stack holds the closing bracket of each open container.
func (d *Decoder) skipNested(floats bool, field string) {
	var buf [64]byte
	stack := buf[:0] // the closing bracket of each open container
	for {
		// A value.
		switch c := d.ws(); c {
		case '{', '[':
			d.i++
			if d.depth+len(stack)+1 > MaxDepth {
				d.fail()
				return
			}
			if c == '{' {
				stack = append(stack, '}')
				switch d.ws() {
				case '}':
					d.i++
					stack = stack[:len(stack)-1]
				case '"':
					d.scanString()
					if d.ws() != ':' {
						d.fail()
						return
					}
					d.i++
					continue
				default:
					d.fail()
					return
				}
			} else {
				stack = append(stack, ']')
				if d.ws() == ']' {
					d.i++
					stack = stack[:len(stack)-1]
				} else {
					continue
				}
			}
		case '"':
			d.scanString()
		case 't':
			d.literal("true")
		case 'f':
			d.literal("false")
		case 'n':
			d.literal("null")
		default:
			d.skipNumber(floats, field)
		}
		// After a value: close containers, or go on to the next one.
		for {
			if d.bad || len(stack) == 0 {
				return
			}
			c := d.ws()
			top := stack[len(stack)-1]
			if c == top {
				d.i++
				stack = stack[:len(stack)-1]
				continue
			}
			if c != ',' {
				d.fail()
				return
			}
			d.i++
			if top == '}' {
				if d.ws() != '"' {
					d.fail()
					return
				}
				d.scanString()
				if d.ws() != ':' {
					d.fail()
					return
				}
				d.i++
			}
			break
		}
	}
}

// literal checks that the literal lit is at hand and skips it.
func (d *Decoder) literal(lit string) bool {
	if len(d.data)-d.i < len(lit) || string(d.data[d.i:d.i+len(lit)]) != lit {
		d.fail()
		return false
	}
	d.i += len(lit)
	return true
}

// scanNumber checks and skips a number, by JSON's grammar.
func (d *Decoder) scanNumber() {
	data, i := d.data, d.i
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		i++
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	default:
		d.fail()
		return
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			d.fail()
			return
		}
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			d.fail()
			return
		}
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	}
	d.i = i
}

// readString reads the string at hand (d.data[d.i] is its quote) and
// returns its text.
func (d *Decoder) readString() string {
	start := d.i + 1
	end, plain := d.scanString()
	if d.bad {
		return ""
	}
	if plain {
		return d.sub(start, end-1)
	}
	return unquote(d.data[start : end-1])
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// scanString checks and skips the string whose quote is at hand. plain
// reports that its text is its bytes: no escape, valid UTF-8. It returns
// the index past the closing quote.
func (d *Decoder) scanString() (end int, plain bool) {
	i := asciiRun(d.data, d.i+1)
	if i < len(d.data) && d.data[i] == '"' {
		d.i = i + 1
		return i + 1, true
	}
	return d.scanStringSlow(i)
}

// asciiRun returns the index of the first byte at or after i that ends a
// run of printable ASCII other than a quote or a backslash (nearly every
// key and value Zoom sends is one such run), or len(data). It reads
// eight bytes at a time: the lowest byte flagged is exact, as no borrow
// reaches it from below (x-0x20 borrows only at a control byte, x^q-1 at
// a quote, x^b-1 at a backslash; x itself flags a byte above 0x7F).
func asciiRun(data []byte, i int) int {
	for i+8 <= len(data) {
		x := binary.LittleEndian.Uint64(data[i:])
		if m := ((x - 0x20*lsb) | (x ^ '"'*lsb - lsb) | (x ^ '\\'*lsb - lsb) | x) & msb; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for ; i < len(data); i++ {
		if c := data[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return i
		}
	}
	return i
}

// scanStringSlow is scanString for any text, from data[i], the first byte
// of the string that asciiRun stopped at.
func (d *Decoder) scanStringSlow(i int) (end int, plain bool) {
	data := d.data
	open := d.i
	high := false
	escaped := false
	for {
		if !high {
			i = asciiRun(data, i)
		} else {
			// Past a byte above 0x7F (the text is checked for UTF-8 at
			// the end), only quotes, backslashes and control bytes stop.
			for i+8 <= len(data) {
				x := binary.LittleEndian.Uint64(data[i:])
				q := x ^ '"'*lsb
				b := x ^ '\\'*lsb
				m := ((x-0x20*lsb)&^x | (q-lsb)&^q | (b-lsb)&^b) & msb
				if m != 0 {
					i += bits.TrailingZeros64(m) >> 3
					break
				}
				i += 8
			}
		}
		if i >= len(data) {
			d.fail()
			return 0, false
		}
		switch c := data[i]; {
		case c == '"':
			d.i = i + 1
			return i + 1, !escaped && (!high || utf8.Valid(data[open+1:i]))
		case c == '\\':
			escaped = true
			if i+1 >= len(data) {
				d.fail()
				return 0, false
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := hex4(data, i+2); !ok {
					d.fail()
					return 0, false
				}
				i += 6
			default:
				d.fail()
				return 0, false
			}
		case c < 0x20:
			d.fail()
			return 0, false
		default:
			high = high || c >= 0x80
			i++
		}
	}
}

// unquote is [Unquote] as a string. Text of up to 64 bytes is decoded on
// the stack, so that the string is its one copy.
func unquote(s []byte) string {
	var buf [64]byte
	return string(appendUnquoted(buf[:0], s))
}

package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
)

// validBySkip reports whether Decoder accepts data as one JSON value.
func validBySkip(data []byte) bool {
	var d Decoder
	d.Reset(data)
	d.Skip()
	return d.End()
}

var validityCases = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e+3`, `true`, `false`, `null`, ` {"a" : [1, {"b":null}] } `,
	`{"a":"\u00e9\ud83d\ude00"}`, `"\ud800"`, "\"\xff\"", `{"a":1,}`, `[1,]`, `{,}`, `{"a" 1}`, `{"a":1 "b":2}`,
	`01`, `1.`, `.5`, `-`, `1e`, `1e+`, `+1`, `tru`, `nul`, `"\x"`, `"\u12"`, "\"a\nb\"", `"abc`, `[`, `{"a":`,
	`{"a":1}}`, `[1] [2]`, `{"a":1}x`, "\ufeff{}", `{"a":[}`, `[{]`, `{"a":{"b":[1,2,{"c":"d"}]}}`,
	`"0123456789abcdef\"0123456789abcdef\\0123456789"`, "\"0123456789\x01abcdef\"", `NaN`, `Infinity`, `1 2`,
}

// TestDecoderValidity checks that Decoder accepts exactly what
// encoding/json accepts, including at the nesting limit.
func TestDecoderValidity(t *testing.T) {
	for _, c := range validityCases {
		if got, want := validBySkip([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("%q: Decoder valid %v, encoding/json %v", c, got, want)
		}
	}
	for _, n := range []int{MaxDepth - 1, MaxDepth, MaxDepth + 1} {
		for _, open := range []string{"[", `{"a":`} {
			closer := "]"
			if open != "[" {
				closer = "}"
			}
			doc := strings.Repeat(open, n) + "1" + strings.Repeat(closer, n)
			got, want := validBySkip([]byte(doc)), json.Valid([]byte(doc))
			if got != want || want != (n <= MaxDepth) {
				t.Errorf("depth %d of %q: Decoder valid %v, encoding/json %v", n, open, got, want)
			}
		}
	}
}

// FuzzDecoderValidity checks Decoder's accept/reject against
// json.Valid on any input.
func FuzzDecoderValidity(f *testing.F) {
	for _, c := range validityCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := validBySkip(data), json.Valid(data); got != want {
			t.Fatalf("%q: Decoder valid %v, encoding/json %v", data, got, want)
		}
	})
}

// TestDecoderStrings checks decoded strings against encoding/json's.
func TestDecoderStrings(t *testing.T) {
	for _, c := range []string{`""`, `"plain"`, `"0123456789abcdefghij"`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9\u20ac"`,
		`"\ud83d\ude00"`, `"\ud800"`, `"\ud800x"`, `"\ud800\u0041"`, `"\udc00\ud800"`, "\"a\xffb\"", "\"\xe2\x82\"",
		"\"h\u00e9llo w\u00f6rld, more than eight bytes \xff\"", `"a\u0000b"`} {
		var want string
		if err := json.Unmarshal([]byte(c), &want); err != nil {
			t.Fatalf("%q: %v", c, err)
		}
		var d Decoder
		d.Reset([]byte(c))
		var got string
		d.String(&got, "f", "string")
		if !d.End() || got != want {
			t.Errorf("%q: got %q (ok %v), encoding/json %q", c, got, d.End(), want)
		}
	}
}

// TestDecoderProblems checks the words of a value of another type.
func TestDecoderProblems(t *testing.T) {
	for _, c := range []struct {
		doc, want string
	}{
		{`{"a":{"b":[1,"x"]}}`, "a.b string int"},
		{`{"a":{"b":[1.5]}}`, "a.b number 1.5 int"},
		{`{"a":{"b":{}}}`, "a.b object []int"},
		{`{"a":[]}`, "a array struct"},
		{`{"a":{"b":null,"c":true}}`, "a.c bool string"},
	} {
		var d Decoder
		d.Reset([]byte(c.doc))
		var s string
		if d.Open("", "top") {
			for d.Member() {
				if d.Open("a", "struct") {
					for d.Member() {
						switch d.Key() {
						case "b":
							if ok, _ := d.OpenArray("b", "[]int"); ok {
								for d.Elem() {
									var n int
									d.Int(&n, "")
								}
							}
						default:
							d.String(&s, d.Key(), "string")
						}
					}
				}
			}
		}
		if !d.End() {
			t.Fatalf("%s: refused", c.doc)
		}
		p := d.Problem()
		if p == nil || p.Field+" "+p.Value+" "+p.Type != c.want {
			t.Errorf("%s: problem %+v, want %s", c.doc, p, c.want)
		}
	}
}

package jsonscan

// Adversarial review of issue 14: Decoder against encoding/json at the
// limits of its number decoders, problem paths deeper than the inline
// path array, and folding of long and non-ASCII keys.

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

type reviewNums struct {
	I int     `json:"i"`
	J int64   `json:"j"`
	F float64 `json:"f"`
	S string  `json:"s"`
	B bool    `json:"b"`
}

func decodeReviewNums(data []byte) (reviewNums, *TypeError, bool) {
	var v reviewNums
	var d Decoder
	d.Reset(data)
	if d.Open("", "jsonscan.reviewNums") {
		for d.Member() {
			k := d.Key()
		again:
			switch k {
			case "i":
				d.Int(&v.I, "i")
			case "j":
				d.Int64(&v.J, "j")
			case "f":
				d.Float64(&v.F, "f")
			case "s":
				d.String(&v.S, "s", "string")
			case "b":
				d.Bool(&v.B, "b")
			default:
				if k = d.Fold([]string{"I", "J", "F", "S", "B"}, []string{"i", "j", "f", "s", "b"}); k != "" {
					goto again
				}
				d.Skip()
			}
		}
	}
	return v, d.Problem(), d.End()
}

// TestReviewNumbersMatchEncodingJSON: every number form into int, int64,
// float64, string and bool, by value and problem.
func TestReviewNumbersMatchEncodingJSON(t *testing.T) {
	nums := []string{`0`, `-0`, `-0.0`, `1`, `-1`, `1.5`, `1e3`, `1E+2`, `1e-2`, `0e0`, `-0e-0`, `1e400`, `-1e400`, `1e-400`,
		`4.9e-324`, `2.4e-324`, `1.7976931348623157e308`, `1.7976931348623159e308`, `9223372036854775807`, `9223372036854775808`,
		`-9223372036854775808`, `-9223372036854775809`, `123456789012345678`, `-123456789012345678`, `999999999999999999`,
		`1234567890123456789`, `99999999999999999999`, `0.1e1`, `10e-1`, `100000000000000000000000000000000000000000e-41`,
		`"1"`, `true`, `null`, `{}`, `[]`, `[1]`, `""`}
	for _, n := range nums {
		for _, f := range []string{"i", "j", "f", "s", "b", "I"} {
			doc := fmt.Sprintf(`{%q:%s}`, f, n)
			var want reviewNums
			err := json.Unmarshal([]byte(doc), &want)
			var te *json.UnmarshalTypeError
			if err != nil && !errors.As(err, &te) {
				t.Fatalf("%s: %v", doc, err)
			}
			got, prob, ok := decodeReviewNums([]byte(doc))
			if !ok {
				t.Errorf("%s: refused", doc)
				continue
			}
			if jsonv2 && math.Abs(want.F) == math.MaxFloat64 {
				want.F = got.F // v2 stores ±MaxFloat64 for a float beyond range; v1 leaves the field
			}
			if got != want {
				t.Errorf("%s: got %+v, encoding/json %+v", doc, got, want)
			}
			if (prob == nil) != (te == nil) {
				t.Errorf("%s: problem %+v, encoding/json %v", doc, prob, err)
			} else if prob != nil && !jsonv2 && (prob.Field != te.Field || prob.Value != te.Value || prob.Type != te.Type.String()) {
				t.Errorf("%s: problem %+v, encoding/json %q %q %q", doc, *prob, te.Field, te.Value, te.Type)
			}
		}
	}
}

type reviewDeep struct {
	A *reviewDeep `json:"a"`
	N int         `json:"n"`
}

func decodeReviewDeep(d *Decoder) {
	for d.Member() {
		switch d.Key() {
		case "a":
			if d.Open("a", "jsonscan.reviewDeep") {
				decodeReviewDeep(d)
			}
		case "n":
			d.Int(new(int), "n")
		default:
			d.Skip()
		}
	}
}

// TestReviewDeepProblemPath: a problem below more levels than the inline
// path array holds (24), after deeper levels were pushed and popped.
func TestReviewDeepProblemPath(t *testing.T) {
	for _, levels := range []int{23, 24, 25, 40} {
		// A first branch as deep, popped, then the failing one.
		doc := `{"x":` + strings.Repeat(`{"a":`, levels+5) + `{}` + strings.Repeat(`}`, levels+5) + `,` +
			strings.TrimPrefix(strings.Repeat(`{"a":`, levels), `{`) + `{"n":"s"}` + strings.Repeat(`}`, levels)
		var want reviewDeep
		err := json.Unmarshal([]byte(doc), &want)
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			t.Fatalf("%d: %v", levels, err)
		}
		var d Decoder
		d.Reset([]byte(doc))
		if d.Open("", "jsonscan.reviewDeep") {
			decodeReviewDeep(&d)
		}
		if !d.End() {
			t.Fatalf("%d: refused", levels)
		}
		p := d.Problem()
		if p == nil || p.Field != te.Field || p.Value != te.Value {
			t.Errorf("%d levels: problem %+v, encoding/json %q %q", levels, p, te.Field, te.Value)
		}
	}
}

// TestReviewFoldMatchesEncodingJSON: long and non-ASCII keys fold as
// encoding/json folds them (the first field in order wins).
func TestReviewFoldMatchesEncodingJSON(t *testing.T) {
	type S struct {
		K1 string `json:"ſtatus"`
		K2 string `json:"STATUS"`
		K3 string `json:"kelvin_k"`
		K4 string `json:"ÉTÉ"`
		K5 string `json:"long_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_é"`
	}
	names := []string{"ſtatus", "STATUS", "kelvin_k", "ÉTÉ", "long_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_é"}
	var folded []string
	for _, n := range names {
		folded = append(folded, FoldName(n))
	}
	for _, key := range []string{"status", "Status", "ſtatus", "STATUS", "\u212aelvin_\u212a", "KELVIN_K", "été", "Été",
		"\u00e9t\u00c9", "LONG_" + strings.Repeat("A", 70) + "_É", "long_" + strings.Repeat("a", 70) + "_e\u0301",
		"stat\xffus", "ſtatuſ", `\u017ftatus`, `st\u0061tus`, `\u00c9T\u00e9`, `\u212aelvin_k`} {
		doc := fmt.Sprintf(`{%q:"v"}`, key)
		if strings.Contains(key, `\u`) || !json.Valid([]byte(doc)) {
			doc = `{"` + key + `":"v"}` // JSON escapes, or invalid UTF-8, as they are
		}
		var want S
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		var got S
		fields := []*string{&got.K1, &got.K2, &got.K3, &got.K4, &got.K5}
		var d Decoder
		d.Reset([]byte(doc))
		if d.Open("", "S") {
			for d.Member() {
				k := d.Key()
				idx := -1
				for i, n := range names {
					if k == n {
						idx = i
					}
				}
				if idx < 0 {
					if f := d.Fold(folded, names); f != "" {
						for i, n := range names {
							if f == n {
								idx = i
							}
						}
					}
				}
				if idx < 0 {
					d.Skip()
					continue
				}
				d.String(fields[idx], names[idx], "string")
			}
		}
		if !d.End() || got != want {
			t.Errorf("%q: got %+v, encoding/json %+v", doc, got, want)
		}
	}
}

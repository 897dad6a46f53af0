//go:build goexperiment.jsonv2

package payload

import (
	"bytes"
	"encoding/json"
	"encoding/json/jsontext"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// v1ID and v1Int have only the UnmarshalJSON methods: what encoding/json
// calls on ID and Int without the jsonv2 methods.
type v1ID string

func (x *v1ID) UnmarshalJSON(b []byte) error { return (*ID)(x).UnmarshalJSON(b) }

type v1Int int64

func (x *v1Int) UnmarshalJSON(b []byte) error { return (*Int)(x).UnmarshalJSON(b) }

// jsonv2Inputs are JSON values (some with surrounding space) of every kind,
// including escapes, invalid UTF-8 and numbers out of int64's range.
var jsonv2Inputs = []string{
	`null`, ` null `, `true`, `false`, `0`, `-0`, `7`, `-7`, `85726448384`,
	`9223372036854775807`, `9223372036854775808`, `-9223372036854775808`,
	`-9223372036854775809`, `123456789012345678901234567890`, `1.5`, `-1.9`,
	`1e3`, `1E+2`, `2.5e-3`, `1e400`, `-1e400`, `0.0000001`,
	`""`, `"abc"`, `"85726448384"`, `"-12"`, `" 12"`, `"12 "`, `"1.5"`, `"1e3"`,
	`"0x10"`, `"+5"`, `"9223372036854775808"`, `"null"`, `"true"`,
	`"4444AAAiAAAAAiAiAiiAii=="`, `"a\"b"`, `"a\\b"`, `"\/x"`, `"\u00e9t\u00e9"`,
	`"\ud83d\ude00"`, `"\ud800"`, `"\udc00x"`, `"tab\there"`, `"\u0031\u0032"`,
	"\"caf\xc3\xa9\"", "\"bad\xffutf8\"", "\"bad\xff\\n\"", "\"\xed\xa0\x80\"",
	`{}`, `{"a":1}`, `{ "a" : [1, "x", null] }`, `[]`, `[1,2]`, `[ 1 , 2 ]`,
	`{"id":"nested","n":{"m":[true,false]}}`,
}

// TestUnmarshalJSONFromMatchesV1 decodes every input, alone and as a member
// of an object, through encoding/json into ID and Int (which use
// UnmarshalJSONFrom under jsonv2) and into v1ID and v1Int (UnmarshalJSON),
// and through both methods called directly, and wants the same value and
// the same success from all of them.
func TestUnmarshalJSONFromMatchesV1(t *testing.T) {
	for _, in := range jsonv2Inputs {
		t.Run(fmt.Sprintf("%q", in), func(t *testing.T) {
			body := []byte(`{"i":` + in + `,"n":` + in + `,"after":"x"}`)
			var got struct {
				I     ID  `json:"i"`
				N     Int `json:"n"`
				After string
			}
			var want struct {
				I     v1ID  `json:"i"`
				N     v1Int `json:"n"`
				After string
			}
			errGot := json.Unmarshal(body, &got)
			errWant := json.Unmarshal(body, &want)
			if (errGot == nil) != (errWant == nil) {
				t.Fatalf("error with UnmarshalJSONFrom %v, with UnmarshalJSON %v", errGot, errWant)
			}
			if errGot != nil {
				t.Fatalf("valid body rejected: %v", errGot)
			}
			if string(got.I) != string(want.I) || int64(got.N) != int64(want.N) || got.After != want.After {
				t.Fatalf("UnmarshalJSONFrom gave (%q, %d, %q), UnmarshalJSON (%q, %d, %q)",
					got.I, got.N, got.After, want.I, want.N, want.After)
			}

			// The methods on their own, on the value without surrounding space.
			raw := []byte(strings.TrimSpace(in))
			var id1, id2 ID
			var n1, n2 Int
			if err := id1.UnmarshalJSON(raw); err != nil {
				t.Fatal(err)
			}
			if err := n1.UnmarshalJSON(raw); err != nil {
				t.Fatal(err)
			}
			newDec := func() *jsontext.Decoder {
				return jsontext.NewDecoder(bytes.NewReader(raw), jsontext.AllowInvalidUTF8(true))
			}
			if err := id2.UnmarshalJSONFrom(newDec()); err != nil {
				t.Fatal(err)
			}
			if err := n2.UnmarshalJSONFrom(newDec()); err != nil {
				t.Fatal(err)
			}
			if id1 != id2 || n1 != n2 {
				t.Fatalf("direct calls: UnmarshalJSON (%q, %d), UnmarshalJSONFrom (%q, %d)", id1, n1, id2, n2)
			}
		})
	}
}

// TestUnmarshalJSONFromRejectsInvalid: a body that is not JSON fails with
// and without the jsonv2 methods.
func TestUnmarshalJSONFromRejectsInvalid(t *testing.T) {
	for _, in := range []string{`{"i":}`, `{"i":"abc}`, `{"i":tru}`, `{"i":1,}`, `{"i":[1,}`, `{"i":01}`, `{"i":"\x"}`} {
		var got struct{ I ID }
		var want struct{ I v1ID }
		var gotN struct{ I Int }
		if json.Unmarshal([]byte(in), &got) == nil || json.Unmarshal([]byte(in), &want) == nil ||
			json.Unmarshal([]byte(in), &gotN) == nil {
			t.Errorf("%q: accepted", in)
		}
	}
}

// manyIDs is a struct of the kind the generated payloads are: many ID and
// Int fields; manyIDsV1 is the same without the jsonv2 methods.
type manyIDs struct {
	A, B, C, D, E, F, G, H ID
	I, J, K, L, M, N, O, P Int
}

type manyIDsV1 struct {
	A, B, C, D, E, F, G, H v1ID
	I, J, K, L, M, N, O, P v1Int
}

var manyBody = []byte(`{"A":"85726448384","B":85726448384,"C":"4444AAAiAAAAAiAiAiiAii==","D":null,` +
	`"E":"z8yBXksBSmGdVhPhJk7hAg","F":123,"G":"abc","H":"x\u00e9y",` +
	`"I":1,"J":"2","K":1720707175000,"L":"1720707175000","M":null,"N":3.5,"O":"x","P":42}`)

// BenchmarkManyIDs compares json.Unmarshal into ID/Int fields with
// (jsonv2-methods) and without (v1-methods) UnmarshalJSONFrom.
func BenchmarkManyIDs(b *testing.B) {
	b.Run("impl=v1-methods", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(manyBody)))
		for i := 0; i < b.N; i++ {
			var v manyIDsV1
			if err := json.Unmarshal(manyBody, &v); err != nil || v.A != "85726448384" {
				b.Fatal(err, v.A)
			}
		}
	})
	b.Run("impl=jsonv2-methods", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(manyBody)))
		for i := 0; i < b.N; i++ {
			var v manyIDs
			if err := json.Unmarshal(manyBody, &v); err != nil || v.A != "85726448384" {
				b.Fatal(err, v.A)
			}
		}
	})
}

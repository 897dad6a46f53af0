package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSkipSpace(t *testing.T) {
	assert.Equal(t, 4, SkipSpace([]byte(" \t\r\nx"), 0))
	assert.Equal(t, 3, SkipSpace([]byte("a  "), 1))
	assert.Equal(t, 0, SkipSpace([]byte("\vx"), 0)) // not JSON whitespace
}

func TestSkipString(t *testing.T) {
	cases := []struct {
		in             string
		end            int
		escaped, valid bool
	}{
		{`"abc"x`, 5, false, true},
		{`""`, 2, false, true},
		{`"a\"b"`, 6, true, true},
		{`"\u00e9\ud83c\udf89"`, 20, true, true},
		{`"é🎉"`, 8, false, true},
		{`"bad \x escape"`, 15, true, false},
		{`"bad \u00zz hex"`, 16, true, false},
		{`"short \u00"`, 12, true, false},
		{"\"ctl \x01\"", 7, false, false},
		{"\"bad \xff utf8\"", 12, false, false},
		{`"open`, -1, false, false},
		{`"open\`, -1, true, false},
		{`"open\"`, -1, true, false},
	}
	for _, c := range cases {
		end, escaped, valid := SkipString([]byte(c.in), 0)
		assert.Equal(t, c.end, end, c.in)
		assert.Equal(t, c.escaped, escaped, c.in)
		assert.Equal(t, c.valid, valid, c.in)
	}
}

func TestSkipValue(t *testing.T) {
	cases := []struct {
		in    string
		end   int
		valid bool
	}{
		{`"s",`, 3, true},
		{`{"a":[1,{"b":"}]"}]},`, 20, true},
		{`[1,"]",[]]}`, 10, true},
		{`-1.5e3}`, 6, true},
		{`true ,`, 4, true},
		{`null`, 4, false},             // no delimiter after it
		{`,`, 0, false},                // empty
		{"{\"a\":\"\x01\"}", 9, false}, // control character in a string
		{`{"a":"b"`, -1, false},        // open object
		{`["a]`, -1, false},            // open string
		{``, -1, false},                // nothing
		{`{"a":tru}`, 9, true},         // literals are not spelled out
	}
	for _, c := range cases {
		end, valid := SkipValue([]byte(c.in), 0)
		assert.Equal(t, c.end, end, c.in)
		assert.Equal(t, c.valid, valid, c.in)
	}
	end, valid := SkipValue([]byte(`x`), 5)
	assert.Equal(t, -1, end)
	assert.False(t, valid)
}

func TestFindMember(t *testing.T) {
	cases := []struct {
		in   string
		want string // the value at the index found
		err  error
	}{
		{`{"event":"a"}`, `"a"}`, nil},
		{" {\n\"x\" : [1,{\"event\":2}] , \"event\" :\t3}", `3}`, nil},
		{`{"\u0065vent":1,"event":2}`, `1,"event":2}`, nil},
		{`{"ev\u0065nt\u0000":1}`, ``, ErrNotFound},
		{`{"\x":1,"event":2}`, `2}`, nil}, // invalid escape: skipped, not matched
		{`{"Event":1}`, ``, ErrNotFound},  // names match exactly, unlike encoding/json's fields
		{`{}`, ``, ErrNotFound},
		{`{"a":1} trailing`, ``, ErrNotFound},
		{`[{"event":1}]`, ``, ErrSyntax},
		{`{"a" 1}`, ``, ErrSyntax},
		{`{"a":1 "event":2}`, ``, ErrSyntax},
		{`{"a":{"event":1}`, ``, ErrSyntax},
		{`{"a":1,`, ``, ErrSyntax},
		{`{a:1}`, ``, ErrSyntax},
		{``, ``, ErrSyntax},
	}
	for _, c := range cases {
		i, err := FindMember([]byte(c.in), "event")
		if c.err != nil {
			assert.ErrorIs(t, err, c.err, c.in)
			assert.Equal(t, -1, i, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, c.in[i:], c.in)
	}
}

func TestUnquote(t *testing.T) {
	for lit, want := range map[string]string{
		`""`: "", `"plain"`: "plain", `"a\"b\\c\/d"`: `a"b\c/d`, `"\b\f\n\r\t"`: "\b\f\n\r\t",
		`"\u00fc"`: "ü", `"\ud83c\udf89"`: "🎉", `"\ud83c"`: "\uFFFD", `"\ud83cx"`: "\uFFFDx",
		`"\uDC00\u0041"`: "\uFFFDA", `"\ud83c\u0041"`: "\uFFFDA",
	} {
		var ref string
		require.NoError(t, json.Unmarshal([]byte(lit), &ref), lit)
		assert.Equal(t, want, ref, lit)
		assert.Equal(t, ref, string(Unquote([]byte(lit[1:len(lit)-1]))), lit)
	}
	in := []byte("no escapes")
	out := Unquote(in)
	out[0] = 'N'
	assert.Equal(t, "no escapes", string(in), "Unquote must not alias its input")
}

func TestScanningAllocatesNothing(t *testing.T) {
	data := []byte(`{"x":[1,"\u00e9",{"y":null}],"event":"meeting.started"}`)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := FindMember(data, "event"); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

// seeds are the event bodies of event/testdata and a few WebSocket frames.
func seeds(f *testing.F) [][]byte {
	paths, err := filepath.Glob(filepath.Join("..", "..", "event", "testdata", "bodies", "*.json"))
	require.NoError(f, err)
	require.NotEmpty(f, paths, "no seed bodies in event/testdata/bodies")
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		out = append(out, b)
	}
	return append(out,
		[]byte(`{"module":"message","success":true,"content":"{\"event\":\"meeting.started\",\"payload\":{\"a\":\"\\u00e9\"}}","header":{"x-zm-trackingid":"t"}}`),
		[]byte(`{"module":"heartbeat","success":true,"content":"live","header":{}}`),
		[]byte(`{"module":"build_connection","success":false,"content":"token is empty"}`),
		[]byte(`{"content":{"event":"e"},"x":[1,{"y":"]"}],"\u0065vent":"\ud83c\udf89"}`),
	)
}

// FuzzFindMember checks FindMember and SkipValue against encoding/json on
// every well-formed object: the member found is the first whose name
// decodes to the key, the value's extent is the one encoding/json reads,
// and an object without the member is ErrNotFound, never ErrSyntax.
func FuzzFindMember(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s, "event")
		f.Add(s, "content")
		f.Add(s, "payload")
	}
	f.Fuzz(func(t *testing.T, data []byte, key string) {
		i, err := FindMember(data, key)
		if key == "" || !json.Valid(data) {
			return
		}
		raw, found, isObject := firstMember(data, key)
		if !isObject {
			require.ErrorIs(t, err, ErrSyntax)
			return
		}
		if !found {
			require.ErrorIs(t, err, ErrNotFound)
			return
		}
		require.NoError(t, err)
		end, valid := SkipValue(data, i)
		require.Positive(t, end)
		assert.Equal(t, string(raw), string(data[i:end]))
		if utf8.Valid(raw) {
			assert.True(t, valid, "%s", raw)
		}
	})
}

// firstMember is the oracle: the raw value of the first top-level member
// whose name encoding/json decodes to key.
func firstMember(data []byte, key string) (raw json.RawMessage, found, isObject bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false, false
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, false, true
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false, true
		}
		if k == key {
			return v, true, true
		}
	}
	return nil, false, true
}

// FuzzSkipString checks SkipString and Unquote against encoding/json: a
// string found valid decodes to what Unquote returns; a string that
// encoding/json decodes without replacing bad UTF-8 is found valid, with
// the same extent.
func FuzzSkipString(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Add([]byte(`"\ud83c\u0041 \x \u12"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || data[0] != '"' {
			data = append([]byte{'"'}, data...)
		}
		end, escaped, valid := SkipString(data, 0)
		if end < 0 {
			assert.False(t, valid)
			var s string
			dec := json.NewDecoder(bytes.NewReader(data))
			assert.Error(t, dec.Decode(&s), "%q", data)
			return
		}
		body := data[1 : end-1]
		assert.Equal(t, bytes.IndexByte(body, '\\') >= 0, escaped)
		var s string
		err := json.Unmarshal(data[:end], &s)
		if valid {
			require.NoError(t, err, "%q", data[:end])
			assert.Equal(t, s, string(Unquote(body)))
			return
		}
		if err == nil {
			// encoding/json accepted it: only bad UTF-8 may make it invalid here.
			assert.False(t, utf8.Valid(body), "%q", data[:end])
		}
	})
}

func TestErrorsAreDistinct(t *testing.T) {
	assert.False(t, errors.Is(ErrSyntax, ErrNotFound))
}

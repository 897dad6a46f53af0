package wsclient

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/internal/jsonscan"
)

func TestUnquoteMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		``, `plain`, `{"event":"x","payload":{"a":"b\\c"}}`, "tab\tnl\ncr\rbs\bff\f",
		`slash / and \/`, "ünïcode 🎉 \u2028", "\x00\x1f control", `"quoted"`,
	} {
		lit, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, s, string(unquoteJSON(lit[1:len(lit)-1])), "%s", lit)
	}
	for lit, want := range map[string]string{
		`"\ud83c\udf89"`: "🎉", `"\u00fc\/"`: "ü/", `"\ud83c"`: "\uFFFD", `"\ud83cx"`: "\uFFFDx", `"\uDC00\u0041"`: "\uFFFDA",
	} {
		var ref string
		require.NoError(t, json.Unmarshal([]byte(lit), &ref))
		assert.Equal(t, want, ref)
		assert.Equal(t, ref, string(unquoteJSON([]byte(lit[1:len(lit)-1]))), lit)
	}
}

func FuzzUnquote(f *testing.F) {
	f.Add(`{"event":"a\"b","x":"\u00e9\ud83d\ude00\\n"}`)
	f.Fuzz(func(t *testing.T, s string) {
		lit, err := json.Marshal(s)
		if err != nil {
			return
		}
		var want string
		require.NoError(t, json.Unmarshal(lit, &want))
		var c frameContent
		require.NoError(t, json.Unmarshal(lit, &c))
		assert.Equal(t, want, string(c))
	})
}

func TestFrameDecoding(t *testing.T) {
	var f frame
	require.NoError(t, json.Unmarshal([]byte(`{"module":"message","content":"{\"event\":\"e\"}","header":{"x-zm-trackingid":"tr"}}`), &f))
	assert.False(t, f.failed())
	assert.Equal(t, `{"event":"e"}`, string(f.Content))
	assert.Equal(t, "tr", f.Header.TrackingID)
	require.NoError(t, json.Unmarshal([]byte(`{"module":"build_connection","success":false,"content":"token is empty","header":{}}`), &f))
	assert.True(t, f.failed())
	assert.True(t, tokenRefusal(string(f.Content)))
}

// lenientUnmarshal is the reference decodeFrame must equal: json.Unmarshal
// ignoring type mismatches (encoding/json decodes every other member
// before reporting one).
func lenientUnmarshal(data []byte, f *frame) error {
	err := json.Unmarshal(data, f)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return nil
	}
	return err
}

// checkFrame asserts that decodeFrame accepts and refuses what
// lenientUnmarshal does and, when both accept, decodes the same frame.
func checkFrame(t *testing.T, in []byte) {
	t.Helper()
	var ref frame
	refErr := lenientUnmarshal(in, &ref)
	var got frame
	gotErr := decodeFrame(in, &got)
	require.Equal(t, refErr == nil, gotErr == nil, "%q: encoding/json: %v, decodeFrame: %v", in, refErr, gotErr)
	if refErr == nil {
		require.Equal(t, ref, got, "%q", in)
	}
}

// frameCases are frames and near-frames on which decodeFrame must match
// encoding/json: the ones Zoom sends, and every quirk of encoding/json's.
var frameCases = []string{
	`{"module":"message","success":true,"content":"{\"event\":\"a\\\"b\"}","header":{}}`,
	`{"module":"heartbeat","success":true,"content":"live","header":{}}`,
	` { "module" : "build_connection" , "success" : false , "content" : "token is empty" , "header" : { } } `,
	`{"module":"message","content":{"event":"x","payload":{"a":[1,2,{"b":"}"}]}},"header":{"x-zm-request-id":"r1","other":5}}`,
	`{"module":"message","content":null,"extra":[1,"2",{}],"n":-1.5e3}`,
	`{"Module":"heartbeat"}`, `{}`, `{"content":"\ud83c\udf89 \u00e9"}`,
	`{"module":"x","success":"yes"}`, `{"module":"m\u0041"}`, `{"content":"bad \x escape"}`,
	`{"module":"a",}`, `{"module":"a"} x`, `not json`, `{"module":"a" "b"}`, `{"n":tru}`,
	`{"module":"message","content":"{\"event\":\"e\"}","header":{"x-zm-request-id":5,"x-zm-trackingid":"t"}}`,
	`{"module":7,"success":"false","content":"c"}`,
	// Wrong types leave the member as it was; null leaves it too, except
	// success, which it sets to nil.
	`{"module":"message","module":7,"module":null}`,
	`{"success":{"a":1}}`, `{"success":[true]}`, `{"success":1}`, `{"success":true,"success":"no"}`,
	`{"success":false,"success":null}`, `{"success":null}`, `{"success":nul}`,
	`{"header":"h"}`, `{"header":[1]}`, `{"header":null}`, `{"header":{"x-zm-trackingid":null}}`,
	`{"header":{"x-zm-trackingid":{"t":1},"x-zm-request-id":true}}`,
	// Repeated members decode again; the header object merges.
	`{"module":"heartbeat","module":"message","content":"a","content":"b"}`,
	`{"header":{"x-zm-request-id":"r"},"header":{"x-zm-trackingid":"t"}}`,
	`{"content":"a","content":null}`, `{"content":"a","content":7}`,
	// Content of every JSON type goes to frameContent.UnmarshalJSON.
	`{"content":[1,"x"]}`, `{"content":true}`, `{"content":-0.5e+7}`, `{"content":""}`,
	`{"content":"\u0000\/\b\f\n\r\t"}`, "{\"content\":\"\xff\xfe invalid UTF-8\"}",
	// Names: exact first, then folded as encoding/json folds them (the
	// long s folds to S), escapes decoded.
	`{"MODULE":"heartbeat","SUCCESS":false,"Content":"c","HEADER":{"X-ZM-TrackingID":"t"}}`,
	`{"module":"a","MODULE":"b"}`, `{"MODULE":"b","module":"a"}`,
	"{\"\u017fuccess\":false}", "{\"module\xff\":\"m\"}",
	`{"m\u006fdule":"message","c\u006fntent":"{\"event\":\"e\"}","success":true}`,
	`{"header":{"x-zm-request-id":"r\u00e9","x-zm-trackingid":"\ud800"}}`,
	// Other top-level values: valid JSON of another type is a type
	// mismatch, so an empty frame.
	`null`, `"frame"`, `[{"module":"message"}]`, `12`, `true`, ``, ` `, `{`, `{"module"`, `{"module":}`,
	`{"a":[1,2,]}`, `{"a":{"b":1,}}`, `{"a":01}`, `{"a":1.}`, `{"a":"\u12"}`, "{\"a\":\"\t\"}",
	`{"module":"message"}}`, `{"module":"message"},`, `{,"module":"m"}`, `{"module":"m",,}`,
}

func TestDecodeFrameMatchesEncodingJSON(t *testing.T) {
	for _, in := range frameCases {
		checkFrame(t, []byte(in))
	}
}

// TestDecodeFrameQuirks pins, besides equality with encoding/json, the
// quirks decodeFrame reproduces, so that a change of either shows here.
func TestDecodeFrameQuirks(t *testing.T) {
	decode := func(in string) frame {
		t.Helper()
		var f frame
		require.NoError(t, decodeFrame([]byte(in), &f), in)
		var ref frame
		require.NoError(t, lenientUnmarshal([]byte(in), &ref), in)
		require.Equal(t, ref, f, in)
		return f
	}
	// A wrong-typed success still allocates the pointer, to false.
	f := decode(`{"success":"yes"}`)
	require.NotNil(t, f.Success)
	assert.False(t, *f.Success)
	assert.True(t, f.failed())
	f = decode(`{"success":true,"success":"no"}`)
	require.NotNil(t, f.Success)
	assert.True(t, *f.Success)
	assert.Nil(t, decode(`{"success":false,"success":null}`).Success)
	// A repeated member decodes again; the header merges.
	f = decode(`{"module":"heartbeat","module":"message","header":{"x-zm-request-id":"r"},"header":{"x-zm-trackingid":"t"},"header":null}`)
	assert.Equal(t, "message", f.Module)
	assert.Equal(t, "r", f.Header.RequestID)
	assert.Equal(t, "t", f.Header.TrackingID)
	assert.Equal(t, "message", decode(`{"module":"message","module":7}`).Module)
	// Names: escapes decoded, case folded (the long s is an s).
	f = decode(`{"m\u006fdule":"message","c\u006fntent":"{\"event\":\"e\"}","\u017fuccess":false}`)
	assert.Equal(t, "message", f.Module)
	assert.Equal(t, `{"event":"e"}`, string(f.Content))
	assert.True(t, f.failed())
	assert.Equal(t, "b", decode(`{"module":"a","MODULE":"b"}`).Module)
	// Content: a string unquoted, anything else its JSON text, null nil.
	assert.Equal(t, `[1, "x"]`, string(decode(`{"content":[1, "x"]}`).Content))
	assert.Nil(t, decode(`{"content":"a","content":null}`).Content)
	// Invalid JSON is refused, with encoding/json's wording.
	var g frame
	err := decodeFrame([]byte(`{"module":"a",}`), &g)
	var syntaxErr *json.SyntaxError
	assert.ErrorAs(t, err, &syntaxErr)
}

// TestDecodeFrameInternsModules: the modules Zoom sends are the constants,
// not copies that would keep the frame alive.
func TestDecodeFrameInternsModules(t *testing.T) {
	for _, m := range modules {
		var f frame
		require.NoError(t, decodeFrame([]byte(`{"module":"`+m+`"}`), &f))
		assert.Equal(t, m, f.Module)
		assert.Same(t, unsafe.StringData(m), unsafe.StringData(f.Module), m)
	}
}

func TestFoldedNames(t *testing.T) {
	for i, n := range frameNames {
		assert.Equal(t, jsonscan.FoldName(n), frameFolded[i])
	}
	for i, n := range headerNames {
		assert.Equal(t, jsonscan.FoldName(n), headerFolded[i])
	}
	// The names are frame's JSON names, in field order.
	var names []string
	for i := range reflect.TypeFor[frame]().NumField() {
		names = append(names, reflect.TypeFor[frame]().Field(i).Tag.Get("json"))
	}
	assert.Equal(t, names, frameNames[:])
	names = nil
	h := reflect.TypeFor[frame]().Field(3).Type
	for i := range h.NumField() {
		names = append(names, h.Field(i).Tag.Get("json"))
	}
	assert.Equal(t, names, headerNames[:])
}

// FuzzDecodeFrame: on every input decodeFrame accepts what encoding/json
// accepts, and decodes the same frame.
func FuzzDecodeFrame(f *testing.F) {
	f.Add([]byte(`{"module":"message","success":true,"content":"{\"event\":\"e\"}","header":{"x-zm-trackingid":"t"}}`))
	f.Add([]byte(`{"module":"heartbeat","success":true,"content":"live","header":{}}`))
	f.Add([]byte(`{"content":{"event":"e"},"x":[1,{"y":"]"}]}`))
	f.Add([]byte(`{"module":"heartbeat","content":{]}`))
	f.Add([]byte(`{"module":"build_connection","success":true,"content":{"x":tru}}`))
	for _, in := range frameCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFrame(t, data)
	})
}

func TestDecodeFrameIsLenientAboutTypes(t *testing.T) {
	var f frame
	require.NoError(t, decodeFrame([]byte(`{"module":"message","content":"{\"event\":\"e\"}","header":{"x-zm-request-id":5,"x-zm-trackingid":"t"}}`), &f))
	assert.Equal(t, "message", f.Module)
	assert.Equal(t, `{"event":"e"}`, string(f.Content))
	assert.Equal(t, "t", f.Header.TrackingID)
	assert.Error(t, decodeFrame([]byte(`{"module":`), &f))
}

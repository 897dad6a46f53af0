package wsclient

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestScanFrameMatchesEncodingJSON(t *testing.T) {
	for _, in := range []string{
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
	} {
		var fast frame
		ok := scanFrame([]byte(in), &fast)
		var ref frame
		err := lenientUnmarshal([]byte(in), &ref)
		if ok {
			require.NoError(t, err, in)
			assert.Equal(t, ref, fast, in)
		}
		var got frame
		gotErr := decodeFrame([]byte(in), &got)
		assert.Equal(t, err == nil, gotErr == nil, in)
		if err == nil {
			assert.Equal(t, ref, got, in)
		}
	}
}

func FuzzScanFrame(f *testing.F) {
	f.Add([]byte(`{"module":"message","success":true,"content":"{\"event\":\"e\"}","header":{"x-zm-trackingid":"t"}}`))
	f.Add([]byte(`{"module":"heartbeat","success":true,"content":"live","header":{}}`))
	f.Add([]byte(`{"content":{"event":"e"},"x":[1,{"y":"]"}]}`))
	f.Add([]byte(`{"module":"heartbeat","content":{]}`))
	f.Add([]byte(`{"module":"build_connection","success":true,"content":{"x":tru}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast frame
		if !scanFrame(data, &fast) {
			return
		}
		var ref frame
		if err := json.Unmarshal(data, &ref); err != nil {
			// Leniency is allowed only about types (a header member of
			// another type), never about syntax: a frame that encoding/json
			// cannot read must not be accepted.
			var typeErr *json.UnmarshalTypeError
			if !errors.As(err, &typeErr) {
				t.Fatalf("fast path accepted %q, which encoding/json refuses: %v", data, err)
			}
			return
		}
		assert.Equal(t, ref, fast)
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

// TestScanFrameEscapedKeyFallsBack: encoding/json decodes escapes in member
// names, so "m\u006fdule" is the module; the fast path, which compares
// names as bytes, must hand such a frame to encoding/json.
func TestScanFrameEscapedKeyFallsBack(t *testing.T) {
	in := []byte(`{"m\u006fdule":"message","c\u006fntent":"{\"event\":\"e\"}","success":true}`)
	var f frame
	assert.False(t, scanFrame(in, &f))
	require.NoError(t, decodeFrame(in, &f))
	assert.Equal(t, "message", f.Module)
	assert.Equal(t, `{"event":"e"}`, string(f.Content))
}

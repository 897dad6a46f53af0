package wsclient

// Adversarial review of issue 14: frames decoded from one reused buffer
// must not point into it.

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
)

// TestReviewReusedBufferNotAliased decodes a frame from a buffer, then a
// second frame into the same buffer (as session.read does), and checks
// that nothing of the first frame changed: a module that is not one of
// the interned values, header ids, content of string and object kind, and
// the event parsed from the content.
func TestReviewReusedBufferNotAliased(t *testing.T) {
	for _, c := range []struct{ first, second string }{
		{`{"module":"custom_module","success":true,"content":"{\"event\":\"meeting.started\",\"payload\":{\"account_id\":\"ACC\",\"object\":{\"id\":\"ID1\",\"topic\":\"TOPIC\"}}}","header":{"x-zm-request-id":"REQ","x-zm-trackingid":"TRK"}}`,
			`{"module":"zzzzzz_zzzzzz","success":true,"content":"{\"event\":\"meeting.started\",\"payload\":{\"account_id\":\"QQQ\",\"object\":{\"id\":\"QQQ\",\"topic\":\"QQQQQ\"}}}","header":{"x-zm-request-id":"QQQ","x-zm-trackingid":"QQQ"}}`},
		{`{"module":"message","content":{"event":"meeting.started","payload":{"account_id":"ACC","object":{"id":"ID1","topic":"TOPIC"}}},"header":{"x-zm-request-id":"REQ"}}`,
			`{"module":"message","content":{"event":"meeting.started","payload":{"account_id":"QQQ","object":{"id":"QQQ","topic":"QQQQQ"}}},"header":{"x-zm-request-id":"QQQ"}}`},
		{`{"MODULE":"mod\u0075le","Content":"c\u0041","HEADER":{"X-ZM-REQUEST-ID":"r\u0045q"}}`,
			`{"MODULE":"qqq\u0071qq","Content":"q\u0071","HEADER":{"X-ZM-REQUEST-ID":"q\u0071q"}}`},
	} {
		var buf bytes.Buffer
		buf.WriteString(c.first)
		var f1 frame
		require.NoError(t, decodeFrame(buf.Bytes(), &f1))
		want := frame{Module: f1.Module, Success: f1.Success, Content: bytes.Clone(f1.Content), Header: f1.Header}
		want.Module = string([]byte(f1.Module))
		want.Header.RequestID = string([]byte(f1.Header.RequestID))
		want.Header.TrackingID = string([]byte(f1.Header.TrackingID))
		var ev1 *event.Event
		var acc, id, topic string
		if bytes.Contains(f1.Content, []byte(`"event"`)) {
			var err error
			ev1, err = event.Parse(f1.Content)
			require.NoError(t, err)
			acc = string([]byte(ev1.AccountID))
			ms := ev1.Payload.(*payload.MeetingStarted)
			id = string([]byte(ms.Object.ID))
			topic = string([]byte(ms.Object.Topic))
		}
		buf.Reset()
		buf.WriteString(c.second)
		var f2 frame
		require.NoError(t, decodeFrame(buf.Bytes(), &f2))
		for i := range buf.Bytes() { // and scribble over the buffer
			buf.Bytes()[i] = 'X'
		}
		assert.Equal(t, want.Module, f1.Module, c.first)
		assert.Equal(t, want.Header, f1.Header, c.first)
		assert.Equal(t, string(want.Content), string(f1.Content), c.first)
		if ev1 != nil {
			assert.Equal(t, acc, ev1.AccountID)
			ms := ev1.Payload.(*payload.MeetingStarted)
			assert.Equal(t, id, string(ms.Object.ID))
			assert.Equal(t, topic, ms.Object.Topic)
		}
	}
}

// TestReviewFrameQuirksMatch: more frames on which decodeFrame must equal
// encoding/json.
func TestReviewFrameQuirksMatch(t *testing.T) {
	for _, in := range []string{
		`{"success":1e400}`, `{"success":true,"SUCCESS":null}`, `{"success":null,"success":"x"}`,
		`{"content":"a","CONTENT":{"b":[]},"Content":null}`, `1e400`, `-0`, `[]`, `{"header":{"x-zm-request-id":"a"},"header":[]}`,
		`{"header":{"X-ZM-REQUEST-ID":"a","x-zm-request-id":"b","X-zm-Request-Id":null}}`,
		"{\"module\":\"heart\xffbeat\"}", `{"module":"heartbeat ","module":"\u0068eartbeat"}`,
		"\ufeff{}", `{"content":"` + string(bytes.Repeat([]byte(`\ud83d\ude00`), 1000)) + `"}`,
		`{"content":` + string(bytes.Repeat([]byte("["), 9999)) + string(bytes.Repeat([]byte("]"), 9999)) + `}`,
		`{"content":` + string(bytes.Repeat([]byte("["), 10000)) + string(bytes.Repeat([]byte("]"), 10000)) + `}`,
	} {
		checkFrame(t, []byte(in))
	}
}

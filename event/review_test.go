package event_test

// Adversarial review of the generated decoders (issue 14): targeted
// differential cases against ParseStd (sameParse), and safety checks
// (prefixes, single-byte corruptions, large inputs).

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
)

// reviewBodies are bodies aimed at the corners of encoding/json's decode.go.
var reviewBodies = []string{
	// Envelope: the name member.
	`{"event":"meeting.started","EVENT":"meeting.ended"}`,
	`{"event":"meeting.started","event":null}`,
	`{"event":"meeting.started","event":"\u006deeting.ended"}`,
	`{"event":"meeting.started","Event":5}`,
	`{"Event":"meeting.started","event":"meeting.ended"}`,
	`{"\u0065vent":"meeting.started","payload":{"object":{"id":1}}}`,
	`{"\u0045VENT":"meeting.started","payload":{"object":{"id":1}}}`,
	`{"event":"no.such_event","payload":{"account_id":"a"},"EVENT":"meeting.started"}`,
	`{"event":"no.such_event","payload":{"account_id":"a","ACCOUNT_ID":7,"operator":{}}}`,
	`{"payload":{"object":{"id":1}},"event":"meeting.started"}`,
	`{"event":"meeting.started" , "payload" : {"object":{"id":1}} }`,
	" \t\r\n{ \t\r\n\"event\" \t\r\n: \t\r\n\"meeting.started\" \t\r\n, \"payload\" : { \"object\" : { \"id\" : [ 1 , 2 ] } } } \t\r\n",
	"\ufeff{\"event\":\"meeting.started\"}",
	`{"event":"meeting.started"}` + "\x00",
	`{"event":"meeting.started"}{}`,
	// Envelope: payload null then something (the interface is emptied).
	`{"event":"meeting.started","payload":null,"payload":{"object":{"id":1}}}`,
	`{"event":"meeting.started","payload":null,"payload":{"a":1e400}}`,
	`{"event":"meeting.started","payload":null,"payload":[1e400,{"b":-1e999}]}`,
	`{"event":"meeting.started","payload":null,"payload":"x","payload":{"object":{"id":1}}}`,
	`{"event":"meeting.started","payload":{"object":{"id":"1"}},"payload":null}`,
	`{"event":"meeting.started","payload":{"object":{"id":"1"}},"payload":null,"payload":null}`,
	`{"event":"no.such_event","payload":{"account_id":"a"},"payload":null,"payload":{"account_id":5}}`,
	`{"event":"no.such_event","payload":null,"PAYLOAD":{"account_id":1e400}}`,
	`{"event":"meeting.started","payload":"x","payload":{"object":{"id":1}}}`,
	`{"event":"meeting.started","payload":[{"object":{}}]}`,
	`{"event":"meeting.started","payload":1e400}`,
	`{"event":"meeting.started","payload":true}`,
	`{"event":"no.such_event","payload":[]}`,
	// Envelope: event_ts.
	`{"event":"meeting.started","event_ts":"1720707175904","event_ts":null}`,
	`{"event":"meeting.started","event_ts":-0}`,
	`{"event":"meeting.started","event_ts":1.7207071759045e12}`,
	`{"event":"meeting.started","event_ts":"\u0031720707175904"}`,
	`{"event":"meeting.started","event_ts":"2024-07-11T14:12:55.904+02:00","EVENT_TS":{}}`,
	`{"event":"meeting.started","event_ts":[1720707175904]}`,
	`{"event":"meeting.started","download_token":"\ud800\udc00","DOWNLOAD_TOKEN":null,"Operator":"o","operator_id":5}`,
	// Int fields.
	`{"event":"meeting.started","payload":{"object":{"type":-0,"duration":1E2}}}`,
	`{"event":"meeting.started","payload":{"object":{"type":9223372036854775807,"duration":9223372036854775808}}}`,
	`{"event":"meeting.started","payload":{"object":{"type":-9223372036854775808,"duration":-9223372036854775809}}}`,
	`{"event":"meeting.started","payload":{"object":{"type":123456789012345678,"duration":-123456789012345678}}}`,
	`{"event":"meeting.started","payload":{"object":{"type":1234567890123456789,"duration":-1234567890123456789}}}`,
	`{"event":"meeting.started","payload":{"object":{"type":0.0,"duration":1e0}}}`,
	`{"event":"meeting.started","payload":{"object":{"type":00}}}`,
	`{"event":"meeting.started","payload":{"object":{"type":-}}}`,
	`{"event":"meeting.started","payload":{"object":{"type":"1","duration":true}}}`,
	`{"event":"meeting.started","payload":{"object":{"duration":0000000000000000001}}}`,
	// int64 fields.
	`{"event":"recording.completed","payload":{"object":{"total_size":9223372036854775807,"recording_files":[{"file_size":-9223372036854775808}]}}}`,
	`{"event":"recording.completed","payload":{"object":{"total_size":9223372036854775808,"recording_files":[{"file_size":1.0}]}}}`,
	// IDs.
	"{\"event\":\"meeting.started\",\"payload\":{\"object\":{\"id\":\"a\xffb\"}}}",
	"{\"event\":\"meeting.started\",\"payload\":{\"object\":{\"id\":\"\\u0041\xff\"}}}",
	`{"event":"meeting.started","payload":{"object":{"id":  1.50 }}}`,
	`{"event":"meeting.started","payload":{"object":{"id":true}}}`,
	`{"event":"meeting.started","payload":{"object":{"id":{"x" : [1, 2]}}}}`,
	`{"event":"meeting.started","payload":{"object":{"id":-0,"ID":null}}}`,
	`{"event":"meeting.started","payload":{"object":{"id":"\ud800","Id":"x\"y"}}}`,
	`{"event":"meeting.started","payload":{"object":{"id":"1"},"object":{"uuid":"u"}}}`,
	// Enums: interned constants against equal escaped values.
	`{"event":"recording.completed","payload":{"object":{"recording_files":[{"status":"\u0063ompleted","file_type":"MP4","recording_type":"shared_screen_with_speaker_view"}]}}}`,
	`{"event":"recording.completed","payload":{"object":{"recording_files":[{"status":"completed","STATUS":"x","file_type":"mp4","file_extension":7}]}}}`,
	"{\"event\":\"recording.completed\",\"payload\":{\"object\":{\"recording_files\":[{\"status\":\"comp\xffleted\"}]}}}",
	// Keys: folding, long keys, escapes, invalid UTF-8.
	`{"event":"recording.completed","payload":{"object":{"recording_files":[{"ſtatus":"x","\u017ftatus":"y","\u0053TATUS":"z"}]}}}`,
	"{\"event\":\"recording.completed\",\"payload\":{\"object\":{\"recording_files\":[{\"stat\xffus\":\"x\"}]}}}",
	`{"event":"recording.completed","payload":{"object":{"` + strings.Repeat("é", 40) + `":1,"` + strings.Repeat("x", 100) + `":2,"TOPIC":"t"}}}`,
	`{"event":"recording.completed","payload":{"object":{"` + strings.Repeat("\u212a", 30) + `":1,"ᴛopic":"t","\u0074opic":"u"}}}`,
	`{"event":"meeting.participant_data","payload":{"object":{"participant":{"data":[{"LOCATION":"L","Location":"l2","location":"l1"}]}}}}`,
	`{"event":"meeting.participant_data","payload":{"object":{"participant":{"data":[{"LOCATION":"L"},{"Location":"l2","LOCATION":"x"}]}}}}`,
	// Duplicates: arrays reuse elements within their capacity.
	`{"event":"recording.completed","payload":{"object":{"recording_files":[{"id":"a","status":"s"},{"id":"b"},{"id":"c"}],"recording_files":[{}],"recording_files":[null,{},{}]}}}`,
	`{"event":"recording.completed","payload":{"object":{"recording_files":[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d"},{"id":"e"}],"recording_files":[],"recording_files":[{},{}]}}}`,
	`{"event":"recording.completed","payload":{"object":{"recording_files":[{"id":"a"}],"recording_files":[{},{},{}],"recording_files":[{}],"recording_files":[{},{}]}}}`,
	`{"event":"recording.completed","payload":{"object":{"recording_files":[{"id":"a"},{"id":"b"}],"recording_files":"x","recording_files":[{},{}]}}}`,
	`{"event":"recording.completed","payload":{"object":{"recording_files":[{"id":"a"},{"id":"b"}],"recording_files":[1,{}]}}}`,
	`{"event":"recording.completed","payload":{"object":{"recording_files":[{"id":"a"},{"id":"b"}],"recording_files":[[],{}]}}}`,
}

func TestReviewParseMatchesStd(t *testing.T) {
	for _, b := range reviewBodies {
		sameParse(t, []byte(b))
	}
}

// TestReviewRawMessageSlices: []json.RawMessage elements (null, reuse of
// an element's backing array by a repeated member) and RawMessage fields.
func TestReviewRawMessageSlices(t *testing.T) {
	for _, b := range []string{
		`{"event":"interactive_message_editable","payload":{"original":{"body":[null, {"a" : 1} , "x"]}}}`,
		`{"event":"interactive_message_editable","payload":{"original":{"body":["aaaaaaaaaa",{"b":[1]}]},"original":{"body":["b"]}}}`,
		`{"event":"interactive_message_editable","payload":{"original":{"body":["aaaaaaaaaa",{"b":[1]}]},"original":{"body":[]},"original":{"body":[null,null]}}}`,
		`{"event":"interactive_message_editable","payload":{"original":{"body":{}}}}`,
		`{"event":"interactive_message_fields_editable","payload":{"original":{"body":[{"items":[{"editable":null}]}]}}}`,
		`{"event":"interactive_message_fields_editable","payload":{"original":{"body":[{"items":[{"editable":"xxxxxxxx","editable": [ 1 ] }]}]}}}`,
		`{"event":"interactive_message_fields_editable","payload":{"original":{"body":[{"items":[{"editable":"xxxxxxxx"}]}]},"original":{"body":[{"items":[{"editable":1}]}]}}}`,
	} {
		sameParse(t, []byte(b))
	}
}

// TestReviewDepth straddles the nesting limit inside typed slices, []string,
// []json.RawMessage elements, a nulled payload, event_ts and the name.
func TestReviewDepth(t *testing.T) {
	const limit = 10000
	for _, c := range []struct{ prefix, suffix string }{
		{`{"event":"recording.completed","payload":{"object":{"recording_files":`, `}}}`},
		{`{"event":"recording.completed","payload":{"object":{"recording_files":[{"id":`, `}]}}}`},
		{`{"event":"interactive_message_editable","payload":{"original":{"body":[`, `]}}}`},
		{`{"event":"meeting.started","payload":null,"payload":`, `}`},
		{`{"event":"meeting.started","event_ts":`, `}`},
		{`{"event":"meeting.started","EVENT":`, `}`},
		{`{"event":"no.such_event","payload":{"account_id":`, `}}`},
		{`{"event":"bot_notification","payload":{"timestamp":`, `}}`},
	} {
		for _, levels := range []int{-1, 0, 1} {
			n := limit + levels - strings.Count(c.prefix, "{") - strings.Count(c.prefix, "[")
			data := []byte(c.prefix + strings.Repeat("[", n) + strings.Repeat("]", n) + c.suffix)
			sameParse(t, data)
		}
	}
}

// reviewSafetyBodies are valid bodies whose prefixes and corruptions are
// checked.
var reviewSafetyBodies = []string{
	`{"event":"recording.completed","event_ts":1720707175904,"download_token":"t","payload":{"account_id":"A","object":{"id":"1","uuid":"u\u00e9","type":2,"total_size":12,"recording_files":[{"id":"a","file_type":"MP4","status":"completed","file_size":5}],"on_prem":false}}}`,
	`{"event":"interactive_message_fields_editable","payload":{"original":{"body":[{"type":"t","items":[{"editable":[1,{"a":null}],"key":"k"}]}]},"timestamp":"12"}}`,
	`{"event":"interactive_message_editable","payload":{"original":{"body":[null,"x",{"y":1.5e3}]}}}`,
	`{"payload":{"account_id":"A"},"event":"no.such_event","event_ts":"2024-07-11T14:12:55Z"}`,
	`{"event":"bot_notification","payload":{"accountId":"a","cmd":"hi","timestamp":"1560891222018"}}`,
}

// TestReviewPrefixesAndCorruptions: every prefix and every single-byte
// corruption of a few bodies (never a panic; the same result as ParseStd).
func TestReviewPrefixesAndCorruptions(t *testing.T) {
	repl := []byte{'"', '\\', '{', '}', '[', ']', ',', ':', '0', 'e', '-', ' ', 'n', 0x00, 0xff, 'u', 'E'}
	for _, s := range reviewSafetyBodies {
		b := []byte(s)
		fails := 0
		for i := 0; i <= len(b) && fails < 5; i++ {
			if !sameParse(t, bytes.Clone(b[:i])) {
				fails++
			}
		}
		for i := 0; i < len(b) && fails < 5; i++ {
			for _, r := range repl {
				c := bytes.Clone(b)
				c[i] = r
				if !sameParse(t, c) {
					fails++
				}
			}
			c := append(bytes.Clone(b[:i]), b[i+1:]...) // a byte dropped
			if !sameParse(t, c) {
				fails++
			}
		}
	}
}

// TestReviewLargeInputs: 1 MB bodies of the shapes that could cost memory
// or time by a claimed size or quadratically; each must match ParseStd.
func TestReviewLargeInputs(t *testing.T) {
	const mb = 1 << 20
	nested := strings.Repeat("[[],", mb/4) + "[]]"
	escapes := strings.Repeat(`\u00e9\n`, mb/8)
	var dups strings.Builder
	dups.WriteString(`{"event":"recording.completed","payload":{"object":{`)
	for i := 0; i < mb/40; i++ {
		dups.WriteString(`"recording_files":[{"id":"a"},{}],`)
	}
	dups.WriteString(`"topic":"t"}}}`)
	var nulls strings.Builder
	nulls.WriteString(`{"event":"meeting.started"`)
	for i := 0; i < mb/20; i++ {
		nulls.WriteString(`,"payload":null`)
	}
	nulls.WriteString(`}`)
	for _, b := range []string{
		`{"event":"meeting.started","unknown":[` + nested + `]}`,
		`{"event":"meeting.started","payload":{"object":{"topic":"` + escapes + `"}}}`,
		`{"event":"meeting.started","payload":{"object":{"id":"` + escapes + `"}}}`,
		`{"event":"meeting.started","payload":{"object":{"` + escapes + `":1}}}`,
		dups.String(),
		nulls.String(),
		`{"event":"meeting.started","payload":{"object":{"topic":"` + strings.Repeat("\xff", mb) + `"}}}`,
	} {
		sameParse(t, []byte(b))
	}
}

// TestReviewRawNotAliased: nothing Parse returns points into data: changing
// data after Parse changes neither a string, an ID nor a RawMessage.
func TestReviewRawNotAliased(t *testing.T) {
	body := []byte(`{"event":"interactive_message_fields_editable","payload":{"accountId":"AAAA","original":{"body":[{"items":[{"editable":["zzzz"],"key":"yyyy"}]}]}}}`)
	ev, err := event.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	p := ev.Payload.(*payload.InteractiveMessageFieldsEditable)
	before := p.AccountID
	item := &p.Original.Body[0].Items[0]
	edit := string(item.Editable)
	key := item.Key
	for i := range body {
		if body[i] == 'A' || body[i] == 'z' || body[i] == 'y' {
			body[i] = 'Q'
		}
	}
	if p.AccountID != before || string(item.Editable) != edit || item.Key != key {
		t.Errorf("decoded values alias the body: %q %q %q", p.AccountID, item.Editable, item.Key)
	}
}

type reviewCustomStarted struct {
	payload.Common
	Object struct {
		Topic int `json:"topic"`
	} `json:"object"`
}

func (*reviewCustomStarted) EventName() string { return "meeting.started" }

type reviewCustomNew struct {
	payload.Common
	N int `json:"n"`
}

func (*reviewCustomNew) EventName() string { return "review_custom.created" }

// TestReviewRegisteredTypes: a type registered for a built-in name (the
// fast path must step aside) and for a new one, beside built-in events.
func TestReviewRegisteredTypes(t *testing.T) {
	event.Register[reviewCustomStarted]()
	event.Register[reviewCustomNew]()
	defer event.ResetRegistered()
	for _, b := range []string{
		`{"event":"meeting.started","payload":{"account_id":"A","object":{"topic":"t","id":1}}}`,
		`{"event":"meeting.started","payload":{"object":{"topic":5}}}`,
		`{"event":"review_custom.created","payload":{"account_id":"A","n":"x"}}`,
		`{"event":"meeting.ended","payload":{"object":{"topic":"t"}},"EVENT":"meeting.started"}`,
		`{"event":"review_custom.created","Event":"meeting.ended","payload":{"object":{"topic":"t"}}}`,
		`{"event":"meeting.ended","payload":{"object":{"topic":"t"}},"event":"review_custom.created"}`,
	} {
		sameParse(t, []byte(b))
	}
	ev, err := event.Parse([]byte(`{"event":"meeting.started","payload":{"object":{"topic":5}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ev.Payload.(*reviewCustomStarted); !ok {
		t.Errorf("a type registered for a built-in name: Payload %T", ev.Payload)
	}
}

package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/zoomevents/zoomevents/internal/decode"
	"github.com/zoomevents/zoomevents/internal/jsonscan"
	"github.com/zoomevents/zoomevents/payload"
)

// Errors returned by [Parse]. They are sentinels for use with [errors.Is];
// the returned error may wrap them with detail.
var (
	// ErrInvalidJSON means the body is not a syntactically valid JSON object.
	ErrInvalidJSON = errors.New("event: body is not a valid JSON object")
	// ErrMissingName means the body has no string "event" member.
	ErrMissingName = errors.New("event: body has no \"event\" name")
	// ErrFieldType marks a non-fatal problem: a field had a JSON type its Go
	// field cannot hold, so that field was left at its zero value. It is only
	// ever found in [Event.Problem], never returned by [Parse].
	ErrFieldType = errors.New("event: field has an unexpected JSON type")
)

// Transport names how an event reached this process.
type Transport string

// The transports of this module.
const (
	TransportWebhook   Transport = "webhook"
	TransportWebSocket Transport = "websocket"
)

// Delivery describes one delivery of an event. Transports fill it in; Parse
// leaves it zero.
type Delivery struct {
	// Transport is how the event arrived.
	Transport Transport
	// RequestID is Zoom's id for the delivery (the x-zm-request-id or
	// x-zm-trackingid header of a webhook), empty when Zoom sent none.
	RequestID string
	// ReceivedAt is when this process received the event.
	ReceivedAt time.Time
	// TraceParent is the W3C traceparent that came with the event (a
	// webhook's traceparent header), empty when there was none. It lets a
	// handler or a queue continue Zoom's trace.
	TraceParent string
	// Queue names the durable queue the event came through, such as
	// "jetstream:ZOOM_EVENTS", and is empty when the event came straight
	// from Zoom. For a queued event, Transport, RequestID and ReceivedAt
	// describe Zoom's delivery that was queued.
	Queue string
	// Attempt counts the queue's deliveries of this event to a handler: 1
	// for the first, more after redeliveries. It is 0 when Queue is empty.
	Attempt int
}

// Event is one Zoom event: the envelope, the typed payload when its name is
// registered, and the exact bytes received.
//
// An Event and its Payload may be retained after a handler returns; nothing
// in them is reused by the transports.
type Event struct {
	// Name is the event name, such as "meeting.started".
	Name string
	// Time is when the event happened (event_ts, milliseconds since the Unix
	// epoch, in UTC). It is zero when event_ts is absent, and zero with
	// [Event.Problem] set when event_ts is not a time (not a number or
	// RFC 3339 text, negative, or after the year 9999).
	Time time.Time
	// AccountID, Operator and OperatorID are the payload's account_id,
	// operator and operator_id, when the event carries them as strings;
	// Operator and OperatorID come from the top level of the body on the
	// events that put them there (user.settings_updated).
	AccountID  string
	Operator   string
	OperatorID string
	// DownloadToken is the top-level download_token that recording events
	// carry, needed to download recording files.
	DownloadToken string
	// Payload is a pointer to the struct registered for Name (for example
	// *MeetingStarted), or nil when Name has no registered struct; then use
	// Raw or [Event.RawPayload].
	Payload Payload
	// Raw is the exact JSON of the event as received (for a webhook, the
	// request body; for WebSocket, the frame's content).
	Raw []byte
	// Delivery describes how this copy of the event arrived.
	Delivery Delivery
	// Problem is nil when every field decoded cleanly. Otherwise it wraps
	// [ErrFieldType] and names the first field that could not be decoded; the
	// other fields are still set.
	Problem error
}

// RawPayload returns the raw JSON of the event's "payload" member, or nil if
// there is none. It decodes Raw again, so call it only when needed.
func (e *Event) RawPayload() json.RawMessage {
	var w struct {
		Payload json.RawMessage `json:"payload"`
	}
	if json.Unmarshal(e.Raw, &w) != nil {
		return nil
	}
	return w.Payload
}

// Object returns the raw JSON of payload.object, or nil if there is none.
func (e *Event) Object() json.RawMessage { return e.payloadMember().Object }

// OldObject returns the raw JSON of payload.old_object (the changed fields'
// previous values, on *.updated events), or nil if there is none.
func (e *Event) OldObject() json.RawMessage { return e.payloadMember().OldObject }

type payloadMembers struct {
	Object    json.RawMessage `json:"object"`
	OldObject json.RawMessage `json:"old_object"`
}

func (e *Event) payloadMember() payloadMembers {
	var w struct {
		Payload payloadMembers `json:"payload"`
	}
	_ = json.Unmarshal(e.Raw, &w) // best effort: missing members stay nil
	return w.Payload
}

// String returns a short description, safe to log: the name, time and
// account, never payload contents.
func (e *Event) String() string {
	return fmt.Sprintf("%s at %s (account %s)", e.Name, e.Time.Format(time.RFC3339Nano), e.AccountID)
}

// wire is the one struct the whole body is decoded into. Payload is preset
// to the registered payload pointer, so encoding/json decodes into it
// directly: one pass over the bytes.
type wire struct {
	Name          nameCheck `json:"event"`
	EventTS       timestamp `json:"event_ts"`
	Payload       any       `json:"payload"`
	DownloadToken string    `json:"download_token"`
	// Operator and OperatorID at the top level, where user.settings_updated
	// has them instead of in its payload.
	Operator   string `json:"operator"`
	OperatorID string `json:"operator_id"`
}

// rawPayload captures the shared fields of an event with no registered
// struct.
type rawPayload struct {
	payload.Common
}

// Parse decodes one event body. The event name is found first, then the
// body is decoded once into the payload struct registered for that name, or
// only its envelope when none is registered.
//
// The name is the one encoding/json sees: when the body has several
// top-level "event" members, or one spelled in another case ("Event"), the
// last one names the event, as it is the member encoding/json keeps, so
// that the name, the payload and the dedup key never disagree.
//
// Parse returns an error wrapping [ErrInvalidJSON] or [ErrMissingName] when
// the body cannot be an event. Fields of an unexpected type are not errors:
// see [Event.Problem]. The returned Event's Raw is data itself, so data
// must not be modified while the Event is in use.
//
// The built-in payload types are decoded by generated, reflection-free
// code in one pass over data, with exactly the semantics of encoding/json
// into the same structs (differential tests and a fuzz test compare the
// two on every input); a type added with [Register] is decoded by
// encoding/json. Parse keeps one copy of data: the decoded strings are
// substrings of that copy, except those that had escapes and the values
// of enum types (which are the constants). A string kept long after its
// Event (a map key, say) keeps that copy, as large as the body, alive:
// keep strings.Clone of it instead.
func Parse(data []byte) (*Event, error) { return parse(data, true) }

// parseLeading is Parse for the bodies Zoom sends: "event", the first
// member, names a built-in event (with no type registered for it) in a
// string without escapes. It reports false for any other body, which
// parse then reads the general way.
func parseLeading(data []byte) (*Event, bool) {
	i := jsonscan.SkipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = jsonscan.SkipSpace(data, i+1)
	if len(data)-i < len(`"event"`) || string(data[i:i+len(`"event"`)]) != `"event"` {
		return nil, false
	}
	i = jsonscan.SkipSpace(data, i+len(`"event"`))
	if i >= len(data) || data[i] != ':' {
		return nil, false
	}
	i = jsonscan.SkipSpace(data, i+1)
	if i >= len(data) || data[i] != '"' {
		return nil, false
	}
	end, escaped, valid := jsonscan.SkipString(data, i)
	if end < 0 || escaped || !valid {
		return nil, false
	}
	k := builtinIndexBytes(data[i+1 : end-1])
	if k < 0 || isCustom(builtinCatalog[k].Name) {
		return nil, false
	}
	name := builtinCatalog[k].Name
	var p Payload
	if builtinNew[k] != nil {
		p = builtinNew[k]()
	}
	ev, seen, ok := parseGenerated(data, name, p)
	if !ok || seen != name {
		return nil, false
	}
	return ev, true
}

// parse is Parse; with generated false it decodes through encoding/json
// only, which is the reference the generated decoders are tested against
// and the path of payload types added with [Register].
func parse(data []byte, generated bool) (*Event, error) {
	if generated {
		if ev, ok := parseLeading(data); ok {
			return ev, nil
		}
	}
	name, err := eventName(data)
	if err != nil {
		return nil, err
	}
	ev, seen, err := parseAs(data, name, generated)
	if err != nil || seen == name {
		return ev, err
	}
	// encoding/json, which decodes the payload, sees another name: a later
	// "event" member, or one spelled in another case. Its view wins, so that
	// the name and the payload always come from the same member.
	if seen == "" {
		return nil, fmt.Errorf("%w: the last \"event\" member is not a non-empty string", ErrMissingName)
	}
	ev, _, err = parseAs(data, seen, generated)
	return ev, err
}

// parseAs decodes data as the event named name, and returns the name that
// encoding/json found in the body's "event" member ("" when not a string).
func parseAs(data []byte, name string, generated bool) (*Event, string, error) {
	if generated && !isCustom(name) {
		if ev, seen, ok := parseGenerated(data, name, builtinPayload(name)); ok {
			return ev, seen, nil
		}
		// Invalid JSON: encoding/json below finds it again and words the
		// error. (Costs a second pass only for a body that is refused.)
	}
	ev := &Event{Name: name, Raw: data}
	var target any
	if p := newPayload(name); p != nil {
		ev.Payload = p
		target = p
	} else {
		target = &rawPayload{}
	}
	w := wire{Payload: target, Name: nameCheck{want: name}}
	if err := json.Unmarshal(data, &w); err != nil {
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return nil, "", fmt.Errorf("%w: %v", ErrInvalidJSON, err)
		}
		ev.Problem = fieldProblem(typeErr)
	}
	ev.finish(&w, target)
	return ev, w.Name.got, nil
}

// finish sets the fields of ev that come from the envelope w and the
// decoded payload target.
func (ev *Event) finish(w *wire, target any) {
	if w.EventTS.invalid != "" && ev.Problem == nil {
		ev.Problem = fmt.Errorf("%w: event_ts: %s", ErrFieldType, w.EventTS.invalid)
	}
	ev.Time = w.EventTS.t
	ev.DownloadToken = w.DownloadToken
	if c, ok := target.(interface{ CommonFields() *payload.Common }); ok {
		cm := c.CommonFields()
		ev.AccountID, ev.Operator, ev.OperatorID = cm.AccountID, cm.Operator, cm.OperatorID
	}
	if ev.Operator == "" && ev.OperatorID == "" {
		ev.Operator, ev.OperatorID = w.Operator, w.OperatorID
	}
}

// parseGenerated is parseAs through the generated decoders of package
// internal/decode, in one pass over data, for the built-in payload type p
// of name (nil for an event with none). It decodes exactly as encoding/json does into wire (the
// differential tests prove it), and reports false for a body that is not
// valid JSON.
func parseGenerated(data []byte, name string, p Payload) (*Event, string, bool) {
	ev := &Event{Name: name, Raw: data}
	var target any
	var raw *rawPayload
	if p != nil {
		ev.Payload = p
		target = p
	} else {
		raw = &rawPayload{}
		target = raw
	}
	w := wire{Name: nameCheck{want: name}}
	var d jsonscan.Decoder
	d.Reset(data)
	nulled := false // a "payload": null emptied wire.Payload
	if d.Open("", "event.wire") {
		for d.Member() {
			k := d.KeyIn(wireNames[:])
		again:
			switch k {
			case "event":
				_ = w.Name.UnmarshalJSON(d.Raw()) // never fails
			case "event_ts":
				_ = w.EventTS.UnmarshalJSON(d.Raw()) // never fails
			case "payload":
				switch {
				case nulled:
					// encoding/json decodes into the interface that the
					// null emptied, not into the payload struct.
					d.SkipAny("payload")
				case d.Null():
					nulled = true
				case raw != nil:
					if d.Open("payload", "event.rawPayload") {
						decodeCommon(&d, &raw.Common)
					}
				default:
					decode.Payload(&d, target)
				}
			case "download_token":
				d.String(&w.DownloadToken, "download_token", "string")
			case "operator":
				d.String(&w.Operator, "operator", "string")
			case "operator_id":
				d.String(&w.OperatorID, "operator_id", "string")
			default:
				if k = d.Fold(wireFolded[:], wireNames[:]); k != "" {
					goto again
				}
				d.Skip()
			}
		}
	}
	if !d.End() {
		return nil, "", false
	}
	if p := d.Problem(); p != nil {
		ev.Problem = typeProblem(p.Field, p.Value, p.Type)
	}
	ev.finish(&w, target)
	return ev, w.Name.got, true
}

// The members of wire, in field order, and folded for Decoder.Fold.
var (
	wireNames  = [...]string{"event", "event_ts", "payload", "download_token", "operator", "operator_id"}
	wireFolded = [...]string{"EVENT", "EVENT_TS", "PAYLOAD", "DOWNLOAD_TOKEN", "OPERATOR", "OPERATOR_ID"}
)

// decodeCommon decodes the payload of an event with no payload type, as
// encoding/json decodes it into rawPayload (which embeds payload.Common).
func decodeCommon(d *jsonscan.Decoder, c *payload.Common) {
	for d.Member() {
		k := d.KeyIn(commonNames[:])
	again:
		switch k {
		case "account_id":
			d.String(&c.AccountID, "Common.account_id", "string")
		case "operator":
			d.String(&c.Operator, "Common.operator", "string")
		case "operator_id":
			d.String(&c.OperatorID, "Common.operator_id", "string")
		default:
			if k = d.Fold(commonFolded[:], commonNames[:]); k != "" {
				goto again
			}
			d.Skip()
		}
	}
}

var (
	commonNames  = [...]string{"account_id", "operator", "operator_id"}
	commonFolded = [...]string{"ACCOUNT_ID", "OPERATOR", "OPERATOR_ID"}
)

// nameCheck receives the body's "event" member during Parse's one decode,
// as encoding/json sees it (the last member whose key matches, in any
// case), and records it in got; it costs no allocation when the member is
// the name that Parse expected.
type nameCheck struct {
	want, got string
}

func (n *nameCheck) UnmarshalJSON(b []byte) error {
	if len(b) == len(n.want)+2 && b[0] == '"' && string(b[1:len(b)-1]) == n.want {
		n.got = n.want
		return nil
	}
	if string(b) == "null" {
		return nil // as for any string member, null changes nothing
	}
	var s string
	if json.Unmarshal(b, &s) != nil {
		s = "" // not a string: no name
	}
	n.got = s
	return nil
}

func fieldProblem(e *json.UnmarshalTypeError) error {
	return typeProblem(e.Field, e.Value, e.Type.String())
}

func typeProblem(field, value, typ string) error {
	if field == "" {
		field = "(top level)"
	}
	return fmt.Errorf("%w: %s is JSON %s, want %s", ErrFieldType, field, value, typ)
}

// timestamp decodes event_ts leniently: milliseconds as a JSON number or a
// string of digits, or an RFC 3339 string. Anything else leaves it zero and
// records why in invalid.
type timestamp struct {
	t       time.Time
	invalid string
}

func (ts *timestamp) UnmarshalJSON(b []byte) error {
	*ts = timestamp{} // a repeated event_ts: the last one counts, as for every member
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			ts.invalid = "malformed string"
			return nil
		}
		b = []byte(s)
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			ts.t = t.UTC()
			return nil
		}
	}
	if bytes.Equal(b, []byte("null")) || len(b) == 0 {
		return nil
	}
	if ms, ok := millis(b); ok {
		ts.t = time.UnixMilli(ms).UTC()
		return nil
	}
	ms, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(b), 64)
		if ferr != nil && !errors.Is(ferr, strconv.ErrRange) {
			ts.invalid = "not milliseconds or RFC 3339"
			return nil
		}
		// A float out of int64's range (1e300, or a ParseFloat range error)
		// would convert to an arbitrary int64: refuse it before converting.
		if ferr != nil || !(f >= 0 && f <= maxEventMillis) {
			ts.invalid = "out of range"
			return nil
		}
		ms = int64(f)
	}
	if ms < 0 || ms > maxEventMillis {
		ts.invalid = "out of range"
		return nil
	}
	ts.t = time.UnixMilli(ms).UTC()
	return nil
}

// millis reads the plain digits (no sign, at most 15 of them, so at most
// maxEventMillis) that nearly every event_ts is.
func millis(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var ms int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		ms = ms*10 + int64(c-'0')
	}
	return ms, ms <= maxEventMillis
}

// maxEventMillis is the last millisecond of the year 9999, the largest time
// RFC 3339 can write. event_ts outside [0, maxEventMillis] is not a time
// Zoom could have meant, so it is reported in [Event.Problem] and Time is
// left zero.
const maxEventMillis = 253402300799999

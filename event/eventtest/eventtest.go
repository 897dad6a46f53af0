// Package eventtest builds Zoom event bodies and [event.Event] values for
// tests of the handlers you write: from a typed payload you filled in, or a
// plausible sample of any event this module knows.
//
// Bodies have the shape Zoom sends (event, event_ts, payload, and the
// top-level members such as download_token that the event's schema
// declares), so they go through [event.Parse], [webhook.Endpoint] (signed
// with webhooktest) and wstest unchanged.
//
// The builders panic when a payload cannot be encoded as JSON: that is a
// mistake in the test, as with net/http/httptest.NewRequest.
package eventtest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/zoomevents/zoomevents/event"
)

// DefaultTime is the event_ts of built bodies unless [WithTime] says
// otherwise: 2024-07-11T14:12:55.904Z, fixed so that bodies (and their
// dedup keys) are the same from one run to the next.
var DefaultTime = time.UnixMilli(1720707175904).UTC()

// Option adjusts a built body or event.
type Option func(*options)

type options struct {
	time          time.Time
	downloadToken *string
	members       map[string]any
	delivery      *event.Delivery
}

// WithTime sets event_ts (default [DefaultTime]).
func WithTime(t time.Time) Option { return func(o *options) { o.time = t } }

// WithDownloadToken sets the top-level download_token. By default, events
// whose schema declares one get "test-download-token", others none; an
// empty token leaves it out.
func WithDownloadToken(token string) Option { return func(o *options) { o.downloadToken = &token } }

// WithMember sets a top-level member of the body other than event,
// event_ts and payload (callback_url, response_url, ...). v is encoded as
// JSON.
func WithMember(name string, v any) Option {
	return func(o *options) {
		if o.members == nil {
			o.members = map[string]any{}
		}
		o.members[name] = v
	}
}

// WithDelivery sets the Delivery of an event built by [New] or [NewSample]
// (by default: webhook transport, received at the event's time).
func WithDelivery(d event.Delivery) Option { return func(o *options) { o.delivery = &d } }

func apply(opts []Option) *options {
	o := &options{time: DefaultTime}
	for _, f := range opts {
		f(o)
	}
	return o
}

// Body returns the JSON body of an event carrying p: its name from
// p.EventName(), event_ts, p as "payload", and the envelope members (see
// [WithDownloadToken] and [WithMember]).
func Body(p event.Payload, opts ...Option) []byte {
	o := apply(opts)
	payload, err := json.Marshal(p)
	if err != nil {
		panic(fmt.Sprintf("eventtest: cannot encode %T as JSON: %v", p, err))
	}
	return body(p.EventName(), payload, o)
}

// New returns the event that a transport would deliver for [Body](p,
// opts...): parsed, so Name, Time, AccountID, DownloadToken, Raw and a
// payload of p's type are set, with a Delivery (see [WithDelivery]).
func New(p event.Payload, opts ...Option) *event.Event {
	return parse(Body(p, opts...), apply(opts))
}

// Sample returns a plausible body for any event name this module knows:
// the registered payload struct with every field filled with an example
// value chosen by its type and JSON name, or a minimal payload for events
// known by name only. It returns an error wrapping [ErrUnknownEvent] for a
// name neither in the catalog nor registered.
func Sample(name string, opts ...Option) ([]byte, error) {
	if _, ok := event.Lookup(name); !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownEvent, name)
	}
	o := apply(opts)
	var payload []byte
	var err error
	if p := event.NewPayload(name); p != nil {
		fillSample(p, o.time)
		payload, err = json.Marshal(p)
	} else {
		payload, err = json.Marshal(map[string]any{
			"account_id": "test-account-id",
			"object":     map[string]any{"id": "test-object-id"},
		})
	}
	if err != nil {
		return nil, fmt.Errorf("eventtest: sample of %s: %w", name, err)
	}
	return body(name, payload, o), nil
}

// NewSample is [Sample] parsed into an event, like [New].
func NewSample(name string, opts ...Option) (*event.Event, error) {
	b, err := Sample(name, opts...)
	if err != nil {
		return nil, err
	}
	return parse(b, apply(opts)), nil
}

// ErrUnknownEvent is returned by [Sample] for a name that is neither in
// the catalog nor registered.
var ErrUnknownEvent = fmt.Errorf("eventtest: unknown event name")

func body(name string, payload []byte, o *options) []byte {
	m := map[string]json.RawMessage{}
	for k, v := range o.members {
		b, err := json.Marshal(v)
		if err != nil {
			panic(fmt.Sprintf("eventtest: cannot encode member %q as JSON: %v", k, err))
		}
		m[k] = b
	}
	token := ""
	if declaresDownloadToken(name) {
		token = "test-download-token"
	}
	if o.downloadToken != nil {
		token = *o.downloadToken
	}
	if token != "" {
		m["download_token"], _ = json.Marshal(token)
	}
	m["event"], _ = json.Marshal(name)
	m["event_ts"], _ = json.Marshal(o.time.UnixMilli())
	m["payload"] = payload
	b, _ := json.Marshal(m) // RawMessage values are valid JSON: cannot fail
	return b
}

func parse(b []byte, o *options) *event.Event {
	ev, err := event.Parse(b)
	if err != nil {
		panic(fmt.Sprintf("eventtest: built body does not parse: %v", err))
	}
	if o.delivery != nil {
		ev.Delivery = *o.delivery
	} else {
		ev.Delivery = event.Delivery{Transport: event.TransportWebhook, ReceivedAt: o.time}
	}
	return ev
}

// declaresDownloadToken reports whether the event's schema declares a
// top-level download_token (the catalog's envelope data).
func declaresDownloadToken(name string) bool {
	info, ok := event.Lookup(name)
	if !ok {
		return false
	}
	for _, m := range info.Envelope {
		if m == "download_token" {
			return true
		}
	}
	return false
}

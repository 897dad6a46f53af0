package bench

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/bytedance/sonic"
	gojson "github.com/goccy/go-json"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/event/eventtest"
	"github.com/zoomevents/zoomevents/payload"
)

// The decode family measures event.Parse against the fastest Go JSON
// decoders on the same bytes and the same generated payload struct, so that
// every change to Parse is measured against them. goccy/go-json and sonic
// live in this module only, never in the SDK's go.mod.

// envelope is the struct event.Parse fills, spelled for the other
// decoders: the members Parse decodes (event, event_ts, download_token)
// around the payload struct registered for the event name. event_ts is a
// JSON number in every body here, so int64 holds it (Parse also takes it as
// a string or RFC 3339 text).
type envelope[P any] struct {
	Event         string `json:"event"`
	EventTS       int64  `json:"event_ts"`
	DownloadToken string `json:"download_token"`
	Payload       P      `json:"payload"`
}

// decoded is what one decoder produced, in a shape common to Parse and the
// envelope decoders.
type decoded struct {
	name    string
	ts      int64 // event_ts, milliseconds
	token   string
	payload any // *P
	problem error
}

// decodeImpl is one decoder of a body into the payload struct P.
type decodeImpl struct {
	name   string
	decode func(body []byte) (decoded, error)
	// unmarshal is the decoder's Unmarshal, nil for parse.
	unmarshal func([]byte, any) error
}

// decoders returns every decoder of the family for the payload struct P:
// Parse itself, and encoding/json, goccy/go-json and sonic into
// envelope[P]. sonic is measured twice: ConfigStd (strings copied and
// validated, as encoding/json does) and ConfigDefault (sonic.Unmarshal:
// strings point into the body, no UTF-8 validation).
func decoders[P any]() []decodeImpl {
	into := func(name string, unmarshal func([]byte, any) error) decodeImpl {
		return decodeImpl{name, func(body []byte) (decoded, error) {
			env := new(envelope[P])
			if err := unmarshal(body, env); err != nil {
				return decoded{}, err
			}
			return decoded{name: env.Event, ts: env.EventTS, token: env.DownloadToken, payload: &env.Payload}, nil
		}, unmarshal}
	}
	return []decodeImpl{
		{"parse", func(body []byte) (decoded, error) {
			ev, err := event.Parse(body)
			if err != nil {
				return decoded{}, err
			}
			p, ok := any(ev.Payload).(*P)
			if !ok {
				return decoded{}, fmt.Errorf("parse: payload is %T, want %T", ev.Payload, p)
			}
			return decoded{name: ev.Name, ts: ev.Time.UnixMilli(), token: ev.DownloadToken, payload: p, problem: ev.Problem}, nil
		}, nil},
		into("stdjson", json.Unmarshal),
		into("goccy", gojson.Unmarshal),
		into("sonic", sonic.ConfigStd.Unmarshal),
		into("sonic-nocopy", sonic.ConfigDefault.Unmarshal),
	}
}

// summary is what every benchmark iteration checks: the event name, the
// object's topic and a count (recording files, webinar occurrences).
type summary struct {
	name  string
	topic string
	n     int
}

// decodeCase is one size class: a body, its decoders, and how to
// summarize a decoded payload.
type decodeCase struct {
	size  string
	body  []byte
	impls []decodeImpl
	sum   func(payload any) summary
}

// decodeCases returns the three size classes: meeting.started (small) and
// webinar.updated (medium, with old_object) as eventtest.Sample makes them
// at eventtest.DefaultTime, and tier B's 256 KiB recording.completed
// (large).
func decodeCases(tb testing.TB) []decodeCase {
	tb.Helper()
	sample := func(name string) []byte {
		b, err := eventtest.Sample(name)
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	return []decodeCase{
		{"small", sample("meeting.started"), decoders[payload.MeetingStarted](), func(p any) summary {
			o := p.(*payload.MeetingStarted).Object
			return summary{topic: o.Topic}
		}},
		{"medium", sample("webinar.updated"), decoders[payload.WebinarUpdated](), func(p any) summary {
			o := p.(*payload.WebinarUpdated).Object
			return summary{topic: o.Topic, n: len(o.Occurrences)}
		}},
		{"large", zoomBody(tb, sizes[2]), decoders[payload.RecordingCompleted](), func(p any) summary {
			o := p.(*payload.RecordingCompleted).Object
			return summary{topic: o.Topic, n: len(o.RecordingFiles)}
		}},
	}
}

// check decodes c.body with d and returns its summary, or an error for a
// failed decode or a field problem.
func (c *decodeCase) check(d decodeImpl) (summary, error) {
	r, err := d.decode(c.body)
	if err != nil {
		return summary{}, fmt.Errorf("%s/%s: %w", c.size, d.name, err)
	}
	if r.problem != nil {
		return summary{}, fmt.Errorf("%s/%s: %w", c.size, d.name, r.problem)
	}
	s := c.sum(r.payload)
	s.name = r.name
	return s, nil
}

// BenchmarkDecode is one body decoded into the generated payload struct:
// event.Parse against encoding/json, goccy/go-json and sonic into the same
// struct (see decoders). Every iteration checks the name, topic and count
// against Parse's.
func BenchmarkDecode(b *testing.B) {
	for _, c := range decodeCases(b) {
		want, err := c.check(c.impls[0]) // parse
		if err != nil {
			b.Fatal(err)
		}
		if want.name == "" || want.topic == "" || (c.size != "small" && want.n == 0) {
			b.Fatalf("%s: parse decoded too little: %+v", c.size, want)
		}
		b.Run("size="+c.size, func(b *testing.B) {
			for _, d := range c.impls {
				b.Run("impl="+d.name, func(b *testing.B) {
					// The first call (sonic compiles its decoder here) is not timed.
					if got, err := c.check(d); err != nil || got != want {
						b.Fatalf("got %+v, %v; want %+v", got, err, want)
					}
					b.SetBytes(int64(len(c.body)))
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						got, err := c.check(d)
						if err != nil {
							b.Fatal(err)
						}
						if got != want {
							b.Fatalf("got %+v, want %+v", got, want)
						}
					}
				})
			}
		})
	}
}

// TestDecodersAgree checks that every decoder of the family yields the same
// values on every body of the benchmark: name, event_ts, download_token and
// the whole payload struct, against encoding/json's.
func TestDecodersAgree(t *testing.T) {
	for _, c := range decodeCases(t) {
		var ref decoded
		for _, d := range c.impls {
			if d.name == "stdjson" {
				var err error
				if ref, err = d.decode(c.body); err != nil {
					t.Fatalf("%s/stdjson: %v", c.size, err)
				}
			}
		}
		t.Logf("%s: %d B, %T", c.size, len(c.body), ref.payload)
		for _, d := range c.impls {
			got, err := d.decode(c.body)
			if err != nil || got.problem != nil {
				t.Errorf("%s/%s: %v, problem %v", c.size, d.name, err, got.problem)
				continue
			}
			if got.name != ref.name || got.ts != ref.ts || got.token != ref.token {
				t.Errorf("%s/%s: envelope %q %d %q, stdjson %q %d %q",
					c.size, d.name, got.name, got.ts, got.token, ref.name, ref.ts, ref.token)
			}
			if !reflect.DeepEqual(got.payload, ref.payload) {
				t.Errorf("%s/%s: payload differs from stdjson's:\n got %+v\nwant %+v", c.size, d.name, got.payload, ref.payload)
			}
		}
	}
}

package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	sonicdecoder "github.com/bytedance/sonic/decoder"
	gojson "github.com/goccy/go-json"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
)

// TestDecodersOnBadInput pins how each decoder of the family treats a
// member of the wrong JSON type and an invalid body (see the README's
// leniency table). On a wrong-typed member every decoder leaves that field
// zero and decodes the rest, but only Parse reports it as Event.Problem
// without an error: the others return an error, and only encoding/json's
// is a *json.UnmarshalTypeError, the type Parse recognizes. goccy's is its
// own UnmarshalTypeError (with the field path); sonic's is a
// MismatchTypeError with a byte offset and no field path. Swapping the
// json.Unmarshal call in Parse for either therefore turns Event.Problem
// into an invalid-body error unless their error types are recognized too.
func TestDecodersOnBadInput(t *testing.T) {
	c := decodeCases(t)[0] // meeting.started
	const good = `"topic":"Weekly sync"`
	if !bytes.Contains(c.body, []byte(good)) {
		t.Fatalf("sample body lacks %s: %s", good, c.body)
	}
	wrongType := bytes.Replace(c.body, []byte(good), []byte(`"topic":42`), 1)
	truncated := c.body[:len(c.body)-3]
	const goodID = `"id":"85393847045"`
	if !bytes.Contains(c.body, []byte(goodID)) {
		t.Fatalf("sample body lacks %s: %s", goodID, c.body)
	}
	boolID := bytes.Replace(c.body, []byte(goodID), []byte(`"id":true`), 1)

	// typeErrors reports, per decoder, whether err is that decoder's own
	// wrong-type error and whether it names the field's path.
	typeErrors := map[string]func(err error) (ok, named bool){
		"stdjson": func(err error) (bool, bool) {
			var e *json.UnmarshalTypeError
			return errors.As(err, &e), e != nil && e.Field == "payload.object.topic"
		},
		"goccy": func(err error) (bool, bool) {
			var e *gojson.UnmarshalTypeError
			return errors.As(err, &e), e != nil && e.Field == "payload.object.topic"
		},
		// MismatchTypeError exists only on sonic's native (JIT) path, so
		// this also checks that the sonic rows measure sonic itself and
		// not its encoding/json fallback.
		"sonic": func(err error) (bool, bool) {
			var e *sonicdecoder.MismatchTypeError
			return errors.As(err, &e), false
		},
	}
	typeErrors["sonic-nocopy"] = typeErrors["sonic"]

	for _, d := range c.impls {
		if d.unmarshal == nil { // parse
			ev, err := event.Parse(wrongType)
			if err != nil {
				t.Fatalf("parse: wrong-typed topic: %v, want Event.Problem", err)
			}
			p := ev.Payload.(*payload.MeetingStarted)
			if !errors.Is(ev.Problem, event.ErrFieldType) || !strings.Contains(ev.Problem.Error(), "payload.object.topic") {
				t.Errorf("parse: Problem = %v, want ErrFieldType naming payload.object.topic", ev.Problem)
			}
			if p.Object.Topic != "" || p.Object.Duration != 30 || p.Object.HostEmail == "" {
				t.Errorf("parse: the rest was not decoded: %+v", p.Object)
			}
			if _, err := event.Parse(truncated); !errors.Is(err, event.ErrInvalidJSON) {
				t.Errorf("parse: truncated body: %v, want ErrInvalidJSON", err)
			}
			if ev, err := event.Parse(boolID); err != nil {
				t.Errorf("parse: \"id\":true: %v", err)
			} else if id := ev.Payload.(*payload.MeetingStarted).Object.ID; ev.Problem != nil || id != "true" {
				t.Errorf("parse: \"id\":true: problem %v, ID %q, want the id kept as true", ev.Problem, id)
			}
			continue
		}
		var env envelope[payload.MeetingStarted]
		err := d.unmarshal(wrongType, &env)
		if err == nil {
			t.Errorf("%s: wrong-typed topic decoded without an error", d.name)
		}
		var std *json.UnmarshalTypeError
		if got, want := errors.As(err, &std), d.name == "stdjson"; got != want {
			t.Errorf("%s: error %T is a *json.UnmarshalTypeError: %v, want %v", d.name, err, got, want)
		}
		ok, named := typeErrors[d.name](err)
		if !ok {
			t.Errorf("%s: error %T (%v) is not the decoder's type error", d.name, err, err)
		}
		if wantNamed := d.name == "stdjson" || d.name == "goccy"; named != wantNamed {
			t.Errorf("%s: error names the field path: %v, want %v (%v)", d.name, named, wantNamed, err)
		}
		if o := env.Payload.Object; o.Topic != "" || o.Duration != 30 || o.HostEmail == "" || env.Event != "meeting.started" {
			t.Errorf("%s: the rest was not decoded after the wrong-typed member: %+v", d.name, env)
		}
		var env2 envelope[payload.MeetingStarted]
		if err := d.unmarshal(truncated, &env2); err == nil {
			t.Errorf("%s: truncated body decoded without an error", d.name)
		}
		// payload.ID is a json.Unmarshaler, which every decoder calls.
		var env3 envelope[payload.MeetingStarted]
		if err := d.unmarshal(boolID, &env3); err != nil || env3.Payload.Object.ID != "true" {
			t.Errorf("%s: \"id\":true: %v, ID %q, want the id kept as true", d.name, err, env3.Payload.Object.ID)
		}
	}
}

package event_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
)

// FuzzParse checks that Parse never panics, and that whenever it accepts
// a body, encoding/json agrees that the body is a JSON object whose "event"
// member is the name Parse found (the first, if there are several).
func FuzzParse(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "bodies", "*.json"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seed bodies in testdata/bodies: %v", err)
	}
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, name := range []string{"meeting.started", "meeting.participant_joined", "recording.completed",
		"bot_notification", "interactive_message_actions", "phone.callee_ringing", "user.settings_updated"} {
		body, err := snapshot.BodyOf(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(`{"event":"meeting.started","payload":{"object":{"id":"1"}}}`))
	f.Add([]byte(`{"payload":{"event":"x"},"event":"y"}`))
	f.Add([]byte(`{"\u0065vent":"a\"b"}`))
	f.Add([]byte(`{"event":"meeting.started","event_ts":"x","payload":{"object":{"id":{}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := event.Parse(data)
		if err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("Parse accepted invalid JSON %q", data)
		}
		if name := eventMember(data); name != ev.Name {
			t.Fatalf("Parse found name %q, encoding/json %q", ev.Name, name)
		}
	})
}

// eventMember is the oracle: the "event" member as encoding/json decodes
// it into a struct, which is what Parse documents (the last matching
// member, in any case; null changes nothing).
func eventMember(data []byte) string {
	var w struct {
		Event string `json:"event"`
	}
	_ = json.Unmarshal(data, &w) // type errors elsewhere leave Event set
	return w.Event
}

package event_test

import (
	"testing"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/event/eventtest"
)

// TestParseAllocations guards the generated decoders' allocations: the
// Event, the payload struct, the one copy of the body that the strings
// share, and the slices the payload holds; never one per string or per
// field, as encoding/json makes.
func TestParseAllocations(t *testing.T) {
	for _, c := range []struct {
		name string
		max  float64
	}{
		{"meeting.started", 3},     // Event, payload, body copy
		{"webinar.updated", 10},    // and its slices (occurrences, ...)
		{"recording.completed", 6}, // and recording_files, participant_audio_files
		{"meeting.participant_qos", 6},
	} {
		body, err := eventtest.Sample(c.name)
		if err != nil {
			t.Fatal(err)
		}
		ours := testing.AllocsPerRun(50, func() {
			if _, err := event.Parse(body); err != nil {
				t.Fatal(err)
			}
		})
		std := testing.AllocsPerRun(50, func() {
			if _, err := event.ParseStd(body); err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("%s (%d B): Parse %.0f allocations, encoding/json %.0f", c.name, len(body), ours, std)
		if ours > c.max {
			t.Errorf("%s: Parse made %.0f allocations, want at most %.0f (encoding/json: %.0f)", c.name, ours, c.max, std)
		}
	}
}

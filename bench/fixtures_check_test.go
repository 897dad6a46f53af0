package bench

import (
	"testing"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
)

// TestBodies checks the fixtures: every Zoom body parses into the typed
// struct, and the peers' bodies are in the same size class.
func TestBodies(t *testing.T) {
	for _, s := range sizes {
		body := zoomBody(t, s)
		ev, err := event.Parse(body)
		if err != nil {
			t.Fatal(err)
		}
		p, ok := ev.Payload.(*payload.RecordingCompleted)
		if !ok || len(p.Object.RecordingFiles) == 0 {
			t.Fatalf("%s: not a typed recording.completed", s.name)
		}
		sb, gb := stripeBody(t, body), githubPushBody(t, s.target)
		t.Logf("%s: zoom %d B (%d recording files), stripe %d B, go-github push %d B",
			s.name, len(body), len(p.Object.RecordingFiles), len(sb), len(gb))
		for _, n := range []int{len(sb), len(gb)} {
			if n < len(body)*3/4 || n > len(body)*5/4 {
				t.Errorf("%s: peer body of %d B is not in the size class of %d B", s.name, n, len(body))
			}
		}
	}
}

package event_test

import (
	"encoding/json"
	"testing"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
	"github.com/zoomevents/zoomevents/payload"
)

// benchEnvelope is the floor's decoding target: the members Parse decodes
// (event_ts, payload, download_token) around the same generated payload
// struct, without Parse's name scan, lenient timestamp and Event.
type benchEnvelope[P any] struct {
	Event         string `json:"event"`
	EventTS       int64  `json:"event_ts"`
	Payload       P      `json:"payload"`
	DownloadToken string `json:"download_token"`
}

// benchBodies returns the small, medium and large bodies, synthesized from
// the snapshot of Zoom's specs (every declared member present):
// meeting.started (292 B), meeting.updated (4.1 KiB, with nested settings
// and old_object) and recording.completed with its recording_files
// repeated to about 256 KiB.
func benchBodies(b *testing.B) (small, medium, large []byte) {
	b.Helper()
	read := func(name string) []byte {
		body, err := snapshot.BodyOf(name)
		if err != nil {
			b.Fatal(err)
		}
		return body
	}
	small = read("meeting.started")
	medium = read("meeting.updated")

	var rec map[string]any
	if err := json.Unmarshal(read("recording.completed"), &rec); err != nil {
		b.Fatal(err)
	}
	obj := rec["payload"].(map[string]any)["object"].(map[string]any)
	files := obj["recording_files"].([]any)
	var grown []any
	for {
		grown = append(grown, files...)
		obj["recording_files"] = grown
		out, err := json.Marshal(rec)
		if err != nil {
			b.Fatal(err)
		}
		if len(out) >= 256<<10 {
			large = out
			break
		}
	}
	return small, medium, large
}

func BenchmarkParse(b *testing.B) {
	small, medium, large := benchBodies(b)
	for _, c := range []struct {
		name string
		body []byte
	}{{"small", small}, {"medium", medium}, {"large", large}} {
		b.Run(c.name, func(b *testing.B) {
			ev, err := event.Parse(c.body)
			if err != nil || ev.Problem != nil || !(ev.Payload != nil) {
				b.Fatalf("Parse: %v, %v", err, ev)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(c.body)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := event.Parse(c.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkUnmarshalFloor(b *testing.B) {
	small, medium, large := benchBodies(b)
	b.Run("small", func(b *testing.B) { benchFloor[payload.MeetingStarted](b, small) })
	b.Run("medium", func(b *testing.B) { benchFloor[payload.MeetingUpdated](b, medium) })
	b.Run("large", func(b *testing.B) { benchFloor[payload.RecordingCompleted](b, large) })
}

func benchFloor[P any](b *testing.B, body []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for i := 0; i < b.N; i++ {
		var env benchEnvelope[*P]
		env.Payload = new(P)
		if err := json.Unmarshal(body, &env); err != nil {
			b.Fatal(err)
		}
	}
}

package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/coder/websocket"
)

// wsImpl receives the server's b.N frames. It connects, then calls
// b.ResetTimer and srv.Start, calls rec.record once per event as its
// handler starts, calls b.StopTimer once rec.done is closed, and leaves no
// goroutine behind.
type wsImpl struct {
	name string
	run  func(b *testing.B, srv *wsServer, rec *recorder)
}

// wsImpls is the list of receivers; ws_ours_test.go and ws_slack_test.go
// add theirs.
var wsImpls = []wsImpl{
	{"f0", runF0},
	{"f1", runF1},
}

// BenchmarkWS receives the same N frames, each a Zoom "message" frame
// carrying recording.completed (the 1 KiB body plus the timestamp), from a
// loopback server. mode=flood measures throughput (events/s, allocs per
// event: ns/op and allocs/op are per event); mode=lockstep sends the next
// frame only after the receiver's handler has started, and reports p50 and
// p99 latency from the sender's write to the handler.
func BenchmarkWS(b *testing.B) {
	ev := stampedEvent(zoomBody(b, sizes[0]))
	frame, off := zoomFrame(b, ev)
	for _, mode := range []struct {
		name     string
		lockstep bool
	}{{"flood", false}, {"lockstep", true}} {
		for _, impl := range wsImpls {
			b.Run("mode="+mode.name+"/impl="+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(frame)))
				srv := newWSServer(b, frame, off, b.N, mode.lockstep)
				rec := newRecorder(b.N, srv.Next)
				impl.run(b, srv, rec)
				b.StopTimer()
				if err := srv.Close(); err != nil {
					b.Fatal(err)
				}
				if len(rec.lat) != b.N {
					b.Fatalf("received %d of %d events", len(rec.lat), b.N)
				}
				rec.report(b, mode.lockstep)
			})
		}
	}
}

func dialFloor(b *testing.B, srv *wsServer) (*websocket.Conn, context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	c, _, err := websocket.Dial(ctx, srv.URL(), nil)
	if err != nil {
		cancel()
		b.Fatal(err)
	}
	c.SetReadLimit(1 << 20)
	return c, ctx, cancel
}

// runF0 is the transport floor: coder/websocket's Reader drained into a
// reused buffer, nothing decoded (the timestamp is read at its known
// offset in the raw frame).
func runF0(b *testing.B, srv *wsServer, rec *recorder) {
	c, ctx, cancel := dialFloor(b, srv)
	defer cancel()
	defer c.CloseNow()
	var buf bytes.Buffer
	buf.Grow(len(srv.frame) + bytes.MinRead)
	b.ResetTimer()
	srv.Start()
	for {
		_, rd, err := c.Reader(ctx)
		if err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		if _, err := buf.ReadFrom(rd); err != nil {
			b.Fatal(err)
		}
		data := buf.Bytes()
		if len(data) < srv.tsOff+tsDigits {
			b.Fatal("short frame")
		}
		if rec.record(parseTS(data[srv.tsOff:])) {
			break
		}
	}
	b.StopTimer()
}

// floorFrame is what a developer decodes a Zoom frame into by hand.
type floorFrame struct {
	Module  string `json:"module"`
	Success *bool  `json:"success"`
	Content string `json:"content"`
}

// runF1 is the transport+decode floor: coder/websocket's Read, then
// json.Unmarshal of the frame and of its content string into the same
// typed struct event.Parse fills.
func runF1(b *testing.B, srv *wsServer, rec *recorder) {
	c, ctx, cancel := dialFloor(b, srv)
	defer cancel()
	defer c.CloseNow()
	b.ResetTimer()
	srv.Start()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			b.Fatal(err)
		}
		var f floorFrame
		if err := json.Unmarshal(data, &f); err != nil {
			b.Fatal(err)
		}
		if f.Module != "message" || len(f.Content) < len(tsField)+tsDigits {
			continue
		}
		var env floorEnvelope
		if err := json.Unmarshal([]byte(f.Content), &env); err != nil {
			b.Fatal(err)
		}
		if err := wantFiles(len(env.Payload.Object.RecordingFiles)); err != nil {
			b.Fatal(err)
		}
		if rec.record(parseTS(f.Content[len(tsField):])) {
			break
		}
	}
	b.StopTimer()
}

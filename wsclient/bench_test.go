package wsclient_test

import (
	"context"
	"encoding/json"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

// benchFrame is one meeting.started event (about 330 bytes) wrapped as Zoom
// sends it, pre-encoded so the fake server's cost is the same for every
// benchmark.
func benchFrame(b *testing.B) []byte {
	f, err := json.Marshal(map[string]any{"module": "message", "success": true, "content": string(meetingStarted(1)), "header": map[string]string{}})
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// produce sends n frames from the fake server; on failure it calls fail,
// which must unblock the consumer.
func produce(b *testing.B, srv *wstest.Server, frame []byte, n int, fail func()) {
	for i := 0; i < n; i++ {
		if srv.SendText(frame) != 1 {
			b.Error("frame not sent")
			fail()
			return
		}
	}
}

// BenchmarkSubscribe measures events through Subscribe, from wstest over
// loopback to a no-op handler (Block policy, so nothing is dropped).
// Allocations include the fake server's side, as in BenchmarkFloor.
func BenchmarkSubscribe(b *testing.B) {
	srv := wstest.NewServer()
	defer srv.Close()
	frame := benchFrame(b)
	var count atomic.Int64
	var target atomic.Int64
	target.Store(-1)
	done := make(chan struct{}, 1)
	h := event.HandlerFunc(func(context.Context, *event.Event) error {
		if count.Add(1) == target.Load() {
			done <- struct{}{}
		}
		return nil
	})
	cfg := srv.Config()
	cfg.Overflow = wsclient.Block
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- wsclient.Subscribe(ctx, cfg, h) }()
	if err := srv.WaitConnections(ctx, 1); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	target.Store(int64(b.N))
	failed := make(chan struct{})
	go produce(b, srv, frame, b.N, func() { close(failed) })
	select {
	case <-done:
	case <-failed:
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	b.StopTimer()
	cancel()
	<-errc
}

// BenchmarkFloor is the floor for BenchmarkSubscribe: a raw coder/websocket
// read loop on the same server and frames, decoding each frame and its
// content with json.Unmarshal into a typed struct, and nothing else.
func BenchmarkFloor(b *testing.B) {
	srv := wstest.NewServer()
	defer srv.Close()
	frame := benchFrame(b)
	ctx := context.Background()
	c, _, err := websocket.Dial(ctx, srv.Endpoint()+"&access_token="+srv.IssueToken(), &websocket.DialOptions{HTTPClient: srv.HTTPClient()})
	if err != nil {
		b.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(wsclient.DefaultReadLimit)
	if _, _, err := c.Read(ctx); err != nil { // build_connection
		b.Fatal(err)
	}
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	go produce(b, srv, frame, b.N, func() { _ = c.CloseNow() })
	for i := 0; i < b.N; i++ {
		_, data, err := c.Read(ctx)
		if err != nil {
			b.Fatal(err)
		}
		var f struct {
			Module  string            `json:"module"`
			Success bool              `json:"success"`
			Content string            `json:"content"`
			Header  map[string]string `json:"header"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			b.Fatal(err)
		}
		var ev struct {
			Event   string                 `json:"event"`
			EventTS int64                  `json:"event_ts"`
			Payload payload.MeetingStarted `json:"payload"`
		}
		if err := json.Unmarshal([]byte(f.Content), &ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

// BenchmarkIdleSubscriptionHeap reports the heap held per open, idle
// subscription (client side plus the fake server's side of each socket),
// and, for comparison, per raw idle coder/websocket connection with a
// reader goroutine.
func BenchmarkIdleSubscriptionHeap(b *testing.B) {
	const k = 20
	servers := make([]*wstest.Server, k)
	for i := range servers {
		servers[i] = wstest.NewServer()
		defer servers[i].Close()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}

	// Raw floor: dial, read in a goroutine, hold.
	before := heap()
	raw := make([]*websocket.Conn, k)
	for i, srv := range servers {
		c, _, err := websocket.Dial(ctx, srv.Endpoint()+"&access_token="+srv.IssueToken(), &websocket.DialOptions{HTTPClient: srv.HTTPClient()})
		if err != nil {
			b.Fatal(err)
		}
		raw[i] = c
		go func() {
			for {
				if _, _, err := c.Read(ctx); err != nil {
					return
				}
			}
		}()
	}
	for _, srv := range servers {
		if err := srv.WaitConnections(ctx, 1); err != nil {
			b.Fatal(err)
		}
	}
	rawPer := float64(int64(heap())-int64(before)) / k
	for _, c := range raw {
		_ = c.CloseNow()
	}
	for _, srv := range servers {
		_ = srv.Wait(ctx, func(st wstest.Stats) bool { return st.Live == 0 && st.OpenSockets == 0 })
	}

	before = heap()
	errc := make(chan error, k)
	for _, srv := range servers {
		cfg := srv.Config()
		go func() { errc <- wsclient.Subscribe(ctx, cfg, event.NewMux()) }()
	}
	for _, srv := range servers {
		if err := srv.WaitConnections(ctx, 2); err != nil {
			b.Fatal(err)
		}
	}
	ours := float64(int64(heap())-int64(before)) / k
	b.ReportMetric(ours, "heap-B/subscription")
	b.ReportMetric(rawPer, "heap-B/raw-conn")
	cancel()
	for range servers {
		<-errc
	}
}

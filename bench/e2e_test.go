package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// e2eImpls are the transports of BenchmarkE2E; ws_ours_test.go adds the
// WebSocket one.
var e2eImpls = []wsImpl{
	{"webhook-keepalive", func(b *testing.B, _ *wsServer, rec *recorder) { runE2EWebhook(b, rec, false) }},
	{"webhook-newconn", func(b *testing.B, _ *wsServer, rec *recorder) { runE2EWebhook(b, rec, true) }},
}

// BenchmarkE2E is end-to-end delivery latency on loopback, one event at a
// time, for the same 1 KiB recording.completed event: from the moment the
// sender starts writing (client.Do for a webhook, the server's frame Write
// for WebSocket) to the moment the user's event handler starts, p50 and
// p99. Webhooks are POSTed by net/http's client to webhook.Endpoint behind
// an httptest.Server, over a kept-alive connection or a new connection per
// request (Zoom's side of that choice is not documented); no TLS on either
// transport.
func BenchmarkE2E(b *testing.B) {
	ev := stampedEvent(zoomBody(b, sizes[0]))
	frame, off := zoomFrame(b, ev)
	for _, impl := range e2eImpls {
		b.Run("transport="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			srv := newWSServer(b, frame, off, b.N, true)
			rec := newRecorder(b.N, srv.Next)
			impl.run(b, srv, rec)
			b.StopTimer()
			if err := srv.Close(); err != nil {
				b.Fatal(err)
			}
			if len(rec.lat) != b.N {
				b.Fatalf("received %d of %d events", len(rec.lat), b.N)
			}
			rec.report(b, true)
		})
	}
}

func runE2EWebhook(b *testing.B, rec *recorder, newConn bool) {
	body := zoomBody(b, sizes[0])
	var sent atomic.Int64
	h, err := webhook.NewEndpoint(secret, event.HandlerFunc(func(context.Context, *event.Event) error {
		rec.record(sent.Load())
		return nil
	}))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{DisableKeepAlives: newConn}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	hdr := webhooktest.Headers(secret, time.Now(), body)
	post := func() {
		req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header = hdr.Clone()
		sent.Store(nowNS())
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatal(resp.Status)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		post()
	}
	b.StopTimer()
}

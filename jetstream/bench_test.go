package zjetstream_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomevents/zoomevents/event"
	zjetstream "github.com/zoomevents/zoomevents/jetstream"
	"github.com/zoomevents/zoomevents/webhook"
)

var benchRun atomic.Int64

// BenchmarkWebhookToHandlerStart measures, on loopback, events/s and the
// latency from sending a signed webhook request to the start of the
// handler, handling events directly (webhook -> handler) and through
// JetStream (webhook -> publisher -> embedded server -> consumer ->
// handler), in the same run. 8 concurrent senders; the consumer runs 8
// workers. Metrics: events/s, p50-us and p99-us (request sent to handler
// start), answer-p50-us and answer-p99-us (request sent to Zoom's 200).
func BenchmarkWebhookToHandlerStart(b *testing.B) {
	for _, mode := range []string{"direct", "jetstream"} {
		b.Run(mode, func(b *testing.B) { benchPath(b, mode) })
	}
}

func benchPath(b *testing.B, mode string) {
	const senders = 8
	n := b.N
	base := benchRun.Add(1) * 1_000_000_000
	sent := make([]time.Time, n)
	answered := make([]time.Duration, n)
	started := make([]time.Time, n)
	var got atomic.Int64
	all := make(chan struct{})
	handler := event.HandlerFunc(func(_ context.Context, ev *event.Event) error {
		now := time.Now()
		i := ev.Time.UnixMilli() - 1700000000000 - base
		started[i] = now
		if got.Add(1) == int64(n) {
			close(all)
		}
		return nil
	})

	var front event.Handler = handler
	if mode == "jetstream" {
		s := runServer(b)
		_, js := connect(b, s)
		ensure(b, js)
		pub, err := zjetstream.NewPublisher(js)
		if err != nil {
			b.Fatal(err)
		}
		front = pub
		startConsumer(b, js, zjetstream.ConsumerConfig{Workers: 8}, handler)
	}
	wh, err := webhook.NewEndpoint(secret, front)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(wh)
	defer srv.Close()
	client := srv.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = senders

	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i] = []byte(fmt.Sprintf(`{"event":"meeting.started","event_ts":%d,"payload":{"account_id":"a","object":{"id":"%d","uuid":"u","topic":"t"}}}`,
			1700000000000+base+int64(i), i))
	}
	b.ResetTimer()
	t0 := time.Now()
	var wg sync.WaitGroup
	for w := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += senders {
				sent[i] = time.Now()
				if code := post(b, client, srv.URL, bodies[i]); code != http.StatusOK {
					b.Errorf("status %d", code)
					return
				}
				answered[i] = time.Since(sent[i])
			}
		}()
	}
	wg.Wait()
	select {
	case <-all:
	case <-time.After(120 * time.Second):
		b.Fatalf("handled %d of %d", got.Load(), n)
	}
	elapsed := time.Since(t0)
	b.StopTimer()
	lat := make([]time.Duration, n)
	for i := range lat {
		lat[i] = started[i].Sub(sent[i])
	}
	slices.Sort(lat)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(lat[n/2].Microseconds()), "p50-us")
	b.ReportMetric(float64(lat[min(n-1, n*99/100)].Microseconds()), "p99-us")
	slices.Sort(answered)
	b.ReportMetric(float64(answered[n/2].Microseconds()), "answer-p50-us")
	b.ReportMetric(float64(answered[min(n-1, n*99/100)].Microseconds()), "answer-p99-us")
}

package redisstore

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// BenchmarkClaimComplete measures what event.Dedup costs per event on
// Redis: one Claim and one Complete, sequentially on one connection. It
// reports the p50 and p99 of the pair's latency.
func BenchmarkClaimComplete(b *testing.B) {
	c, prefix := testClient(b)
	s, err := New(c, WithKeyPrefix(prefix))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		key := strconv.Itoa(i)
		tok, ok, err := s.Claim(ctx, key, event.DefaultClaimLease)
		if err != nil || !ok {
			b.Fatalf("claim: %v %v", ok, err)
		}
		if err := s.Complete(ctx, key, tok, time.Minute); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)*50/100].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(durations[len(durations)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkWebhookThroughput is the webhook handler's throughput with
// event.Dedup on this store versus on event.MemoryStore, in the same run:
// signed requests (built before the timer) of distinct events, so each
// one claims and completes, served concurrently (GOMAXPROCS goroutines).
// It reports events/s.
func BenchmarkWebhookThroughput(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		benchWebhook(b, event.NewMemoryStore(event.DefaultDedupEntries))
	})
	b.Run("redis", func(b *testing.B) {
		c, prefix := testClient(b)
		s, err := New(c, WithKeyPrefix(prefix))
		if err != nil {
			b.Fatal(err)
		}
		benchWebhook(b, s)
	})
}

func benchWebhook(b *testing.B, s event.Store) {
	const secret = "bench-secret"
	h, err := webhook.NewEndpoint(secret, event.Dedup(event.HandlerFunc(func(context.Context, *event.Event) error { return nil }), event.WithStore(s)))
	if err != nil {
		b.Fatal(err)
	}
	run := randHex(b)
	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		body := fmt.Appendf(nil, `{"event":"meeting.participant_joined","event_ts":%d,"payload":{"account_id":"a","object":{"id":85393847045,"uuid":"%s","participant":{"user_id":"u%d","user_name":"P","join_time":"2025-01-01T00:00:00Z"}}}}`, i, run, i)
		reqs[i] = webhooktest.NewRequest(secret, "/zoom", body)
	}
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, reqs[next.Add(1)-1])
			if w.Code != http.StatusOK {
				b.Errorf("status %d", w.Code)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

package pgstore_test

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

	"github.com/jackc/pgx/v5"
	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/store/pgstore"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// reportLatency reports the p50 and p99 of the samples, in microseconds.
func reportLatency(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	at := func(q float64) float64 {
		return float64(samples[min(len(samples)-1, int(q*float64(len(samples))))].Microseconds())
	}
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

// BenchmarkClaimComplete is one handled event's store traffic: Claim, then
// Complete (two round trips), on distinct keys.
func BenchmarkClaimComplete(b *testing.B) {
	pool := newPool(b)
	n := tables(b, pool)
	s, err := pgstore.New(pool, n.opts...)
	mustNil(b, err)
	ctx := context.Background()
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		key := "bench-" + strconv.Itoa(i)
		start := time.Now()
		tok, ok, err := s.Claim(ctx, key, time.Minute)
		if err != nil || !ok {
			b.Fatalf("claim: %v %v", ok, err)
		}
		if err := s.Complete(ctx, key, tok, time.Hour); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()
	reportLatency(b, samples)
}

// BenchmarkInbox is one event through the inbox with a handler that writes
// one row: begin, insert the done row, the handler's insert, commit.
func BenchmarkInbox(b *testing.B) {
	pool := newPool(b)
	n := tables(b, pool)
	s, err := pgstore.New(pool, n.opts...)
	mustNil(b, err)
	ctx := context.Background()
	effects := "zt_effects_" + randHex(6)
	_, err = pool.Exec(ctx, "CREATE TABLE "+effects+" (key text NOT NULL)")
	mustNil(b, err)
	b.Cleanup(func() { _, _ = pool.Exec(context.Background(), "DROP TABLE IF EXISTS "+effects) })
	ev, err := event.Parse([]byte(`{"event":"meeting.started","event_ts":1,"payload":{}}`))
	mustNil(b, err)
	i := 0
	h := s.Inbox(func(ctx context.Context, tx pgx.Tx, ev *event.Event) error {
		_, err := tx.Exec(ctx, "INSERT INTO "+effects+" (key) VALUES ($1)", strconv.Itoa(i))
		return err
	}, pgstore.WithInboxKey(func(*event.Event) string { return "bench-" + strconv.Itoa(i) }))
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i = range b.N {
		start := time.Now()
		if err := h.HandleEvent(ctx, ev); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()
	reportLatency(b, samples)
}

// BenchmarkRoundTrip is the baseline of the figures above on the same
// server and machine: SELECT 1, a round trip that writes nothing.
func BenchmarkRoundTrip(b *testing.B) {
	pool := newPool(b)
	ctx := context.Background()
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		var one int
		if err := pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()
	reportLatency(b, samples)
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
	b.Run("postgres", func(b *testing.B) {
		pool := newPool(b)
		n := tables(b, pool)
		s, err := pgstore.New(pool, n.opts...)
		mustNil(b, err)
		benchWebhook(b, s)
	})
}

func benchWebhook(b *testing.B, s event.Store) {
	const secret = "bench-secret"
	h, err := webhook.NewEndpoint(secret, event.Dedup(event.HandlerFunc(func(context.Context, *event.Event) error { return nil }), event.WithStore(s)))
	mustNil(b, err)
	run := randHex(6)
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

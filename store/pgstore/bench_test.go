package pgstore_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/store/pgstore"
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

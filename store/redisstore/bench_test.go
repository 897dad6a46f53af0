package redisstore

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/zoomevents/zoomevents/event"
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

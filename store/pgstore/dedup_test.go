package pgstore_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/store/pgstore"
)

// event.Dedup on the PostgreSQL store, as replicas use it: two replicas
// (two pools), a failure, Zoom's retries, and a replica that died holding
// a claim.
func TestDedupAcrossReplicas(t *testing.T) {
	t.Parallel()
	sA, _, n := newStore(t)
	poolB := newPool(t)
	sB, err := pgstore.New(poolB, n.opts...)
	mustNil(t, err)
	f := newEvent(t)
	ctx := context.Background()
	var calls atomic.Int32
	fail := true
	next := event.HandlerFunc(func(context.Context, *event.Event) error {
		calls.Add(1)
		if fail {
			return errors.New("transient")
		}
		return nil
	})
	a := event.Dedup(next, event.WithStore(sA))
	b := event.Dedup(next, event.WithStore(sB))
	if err := a.HandleEvent(ctx, f); err == nil {
		t.Fatal("failing handler reported success")
	}
	fail = false
	mustNil(t, b.HandleEvent(ctx, f)) // the retry lands on B: handled
	mustNil(t, a.HandleEvent(ctx, f)) // a later retry on A: duplicate
	if c := calls.Load(); c != 2 {
		t.Fatalf("handler ran %d times, want 2", c)
	}

	// A replica claimed another event and died: the retry after the claim's
	// lease is handled by the other replica.
	g := newEvent(t)
	_, ok, err := sA.Claim(ctx, event.EventKey(g), time.Second)
	mustNil(t, err)
	if !ok {
		t.Fatal("claim failed")
	}
	mustNil(t, b.HandleEvent(ctx, g)) // within the lease: skipped
	if c := calls.Load(); c != 2 {
		t.Fatalf("a delivery within the dead replica's lease ran the handler (%d calls)", c)
	}
	eventually(t, "the dead replica's claim to end", func() bool {
		mustNil(t, b.HandleEvent(ctx, g))
		return calls.Load() == 3
	})
	mustNil(t, a.HandleEvent(ctx, g))
	if c := calls.Load(); c != 3 {
		t.Fatalf("handler ran %d times, want 3", c)
	}
}

package redisstore

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
)

// deadStore is a replica's store once its process is gone: the claim it
// made stays in Redis, but it extends, completes and releases nothing.
type deadStore struct {
	event.Store
	dead atomic.Bool
}

var errGone = errors.New("replica gone")

func (s *deadStore) Extend(ctx context.Context, key, token string, lease time.Duration) error {
	if s.dead.Load() {
		return errGone
	}
	return s.Store.Extend(ctx, key, token, lease)
}

func (s *deadStore) Complete(ctx context.Context, key, token string, ttl time.Duration) error {
	if s.dead.Load() {
		return errGone
	}
	return s.Store.Complete(ctx, key, token, ttl)
}

func (s *deadStore) Release(ctx context.Context, key, token string) error {
	if s.dead.Load() {
		return errGone
	}
	return s.Store.Release(ctx, key, token)
}

// Replica A claims an event through event.Dedup and dies mid-handler (its
// handler never returns, its store calls stop reaching Redis). A copy of
// the event delivered to replica B inside the claim's lease is skipped;
// Zoom's retry delivered to B after the lease is handled; every later copy,
// on B or on a third replica, is skipped; an unrelated event is handled
// once.
func TestDedupCrashedReplica(t *testing.T) {
	t.Parallel()
	cA, prefix := testClient(t)
	cB := newClient(t, redisOptions(t))
	sA, err := New(cA, WithKeyPrefix(prefix))
	require.NoError(t, err)
	sB, err := New(cB, WithKeyPrefix(prefix))
	require.NoError(t, err)
	const lease = time.Second
	uuid := randHex(t)
	recording := func(token string) *event.Event {
		ev, err := event.Parse([]byte(`{"event":"recording.completed","event_ts":1720000000000,"download_token":"` + token + `","payload":{"account_id":"a","object":{"uuid":"` + uuid + `","recording_files":[{"id":"f1","download_url":"https://zoom.us/rec/download/f1?access_token=` + token + `"}]}}}`))
		require.NoError(t, err)
		return ev
	}
	// Zoom's retry carries new download tokens: the same event to EventKey.
	ev, retry := recording("t1"), recording("t2")
	other, err := event.Parse([]byte(`{"event":"meeting.started","event_ts":1720000000001,"payload":{"account_id":"a","object":{"uuid":"` + randHex(t) + `"}}}`))
	require.NoError(t, err)

	var mu sync.Mutex
	handled := map[string]int{}
	count := event.HandlerFunc(func(_ context.Context, ev *event.Event) error {
		mu.Lock()
		handled[event.EventKey(ev)]++
		mu.Unlock()
		return nil
	})
	times := func(ev *event.Event) int {
		mu.Lock()
		defer mu.Unlock()
		return handled[event.EventKey(ev)]
	}
	var skipped atomic.Int32
	onDup := event.WithDuplicateHook(func(context.Context, *event.Event) { skipped.Add(1) })

	// A: claims, starts its handler, and dies there.
	storeA := &deadStore{Store: sA}
	started, gone := make(chan struct{}), make(chan struct{})
	a := event.Dedup(event.HandlerFunc(func(context.Context, *event.Event) error {
		close(started)
		<-gone
		return nil
	}), event.WithStore(storeA), event.WithClaimLease(lease))
	aDone := make(chan struct{})
	claimedAt := time.Now()
	go func() {
		defer close(aDone)
		_ = a.HandleEvent(context.Background(), ev)
	}()
	defer func() { close(gone); <-aDone }()
	<-started
	storeA.dead.Store(true)

	b := event.Dedup(count, event.WithStore(sB), event.WithClaimLease(lease), onDup)
	ctx := context.Background()
	require.NoError(t, b.HandleEvent(ctx, ev))
	assert.Equal(t, 0, times(ev), "a copy inside A's lease ran the handler")
	assert.Equal(t, int32(1), skipped.Load())

	// Zoom's retries reach B until one is handled: after the lease.
	deadline := time.Now().Add(20 * time.Second)
	for times(ev) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		require.NoError(t, b.HandleEvent(ctx, retry))
	}
	handledAt := time.Since(claimedAt)
	require.Equal(t, 1, times(ev), "the retry after A's lease was not handled")
	t.Logf("the retry was handled %v after A's claim (lease %v); %d copies inside the lease skipped", handledAt, lease, skipped.Load())
	assert.GreaterOrEqual(t, handledAt, lease/2, "handled while A's claim should still have held")

	// Later copies, on B or on a third replica, are skipped; another event
	// is handled once.
	cC := newClient(t, redisOptions(t))
	sC, err := New(cC, WithKeyPrefix(prefix))
	require.NoError(t, err)
	c := event.Dedup(count, event.WithStore(sC), event.WithClaimLease(lease), onDup)
	for _, h := range []event.Handler{b, c, b, c} {
		require.NoError(t, h.HandleEvent(ctx, retry))
		require.NoError(t, h.HandleEvent(ctx, other))
	}
	assert.Equal(t, 1, times(ev))
	assert.Equal(t, 1, times(other))
}

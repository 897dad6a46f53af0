package event_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func countingHandler(calls *atomic.Int32, err error) event.Handler {
	return event.HandlerFunc(func(context.Context, *event.Event) error {
		calls.Add(1)
		return err
	})
}

func TestDedupSkipsRedeliveries(t *testing.T) {
	var calls atomic.Int32
	var dups atomic.Int32
	h := event.Dedup(countingHandler(&calls, nil), event.WithDuplicateHook(func(context.Context, *event.Event) { dups.Add(1) }))
	ctx := context.Background()
	a := `{"event":"meeting.started","event_ts":1,"payload":{"object":{"id":1}}}`
	b := `{"event":"meeting.started","event_ts":2,"payload":{"object":{"id":1}}}`
	for _, body := range []string{a, a, b, a, b} {
		require.NoError(t, h.HandleEvent(ctx, mustParse(t, body)))
	}
	assert.EqualValues(t, 2, calls.Load())
	assert.EqualValues(t, 3, dups.Load())
}

func TestDedupReleasesOnFailure(t *testing.T) {
	var calls atomic.Int32
	boom := errors.New("boom")
	h := event.Dedup(countingHandler(&calls, boom))
	ev := mustParse(t, `{"event":"x.y","event_ts":1}`)
	assert.ErrorIs(t, h.HandleEvent(context.Background(), ev), boom)
	assert.ErrorIs(t, h.HandleEvent(context.Background(), ev), boom, "Zoom's retry of a failed event is handled again")
	assert.EqualValues(t, 2, calls.Load())
}

func TestDedupTTL(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	store := event.NewMemoryStoreWithClock(10, clock.Now)
	var calls atomic.Int32
	h := event.Dedup(countingHandler(&calls, nil), event.WithStore(store), event.WithTTL(time.Hour))
	ev := mustParse(t, `{"event":"x.y","event_ts":1}`)
	require.NoError(t, h.HandleEvent(context.Background(), ev))
	clock.Advance(59 * time.Minute)
	require.NoError(t, h.HandleEvent(context.Background(), ev))
	assert.EqualValues(t, 1, calls.Load())
	clock.Advance(2 * time.Minute)
	require.NoError(t, h.HandleEvent(context.Background(), ev))
	assert.EqualValues(t, 2, calls.Load(), "expired entries are handled again")
}

func claim(t *testing.T, s event.Store, key string, lease time.Duration) (string, bool) {
	t.Helper()
	token, ok, err := s.Claim(context.Background(), key, lease)
	require.NoError(t, err)
	assert.Equal(t, ok, token != "", "a token exactly when claimed")
	return token, ok
}

func TestMemoryStoreBounded(t *testing.T) {
	store := event.NewMemoryStore(3)
	for i := 0; i < 10; i++ {
		_, ok := claim(t, store, fmt.Sprint(i), time.Hour)
		assert.True(t, ok)
	}
	assert.Equal(t, 3, store.Len())
	_, ok := claim(t, store, "9", time.Hour)
	assert.False(t, ok, "newest kept")
	_, ok = claim(t, store, "0", time.Hour)
	assert.True(t, ok, "oldest evicted")
}

func TestMemoryStoreRaisesBoundToOne(t *testing.T) {
	for _, bound := range []int{0, -5} {
		store := event.NewMemoryStore(bound)
		_, ok := claim(t, store, "a", time.Hour)
		assert.True(t, ok, "bound %d: the first claim is recorded", bound)
		_, ok = claim(t, store, "a", time.Hour)
		assert.False(t, ok, "bound %d: one key is remembered", bound)
		_, ok = claim(t, store, "b", time.Hour)
		assert.True(t, ok)
		assert.Equal(t, 1, store.Len(), "bound %d: holds exactly one key", bound)
	}
}

func TestMemoryStoreSweepsExpiredKeys(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	store := event.NewMemoryStoreWithClock(100, clock.Now)
	for _, k := range []string{"a", "b", "c"} {
		claim(t, store, k, time.Minute)
	}
	require.Equal(t, 3, store.Len())
	clock.Advance(2 * time.Minute)
	claim(t, store, "d", time.Minute)
	assert.Equal(t, 1, store.Len(), "a claim drops every expired key, not only its own")
}

func TestMemoryStoreClaimLifecycle(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	store := event.NewMemoryStoreWithClock(100, clock.Now)

	// In progress, then abandoned: free again once the lease has passed.
	dead, ok := claim(t, store, "k", time.Minute)
	require.True(t, ok)
	_, ok = claim(t, store, "k", time.Minute)
	assert.False(t, ok, "in progress under another token")
	clock.Advance(time.Minute)
	live, ok := claim(t, store, "k", time.Minute)
	require.True(t, ok, "an abandoned claim frees the key after its lease")
	assert.NotEqual(t, dead, live)

	// The dead claim's token can no longer touch the key.
	assert.ErrorIs(t, store.Extend(ctx, "k", dead, time.Minute), event.ErrClaimLost)
	assert.ErrorIs(t, store.Release(ctx, "k", dead), event.ErrClaimLost)
	assert.ErrorIs(t, store.Complete(ctx, "k", dead, time.Hour), event.ErrClaimLost)
	_, ok = claim(t, store, "k", time.Minute)
	assert.False(t, ok, "the live claim survived the stale calls")

	// Extend keeps it in progress past the first lease.
	clock.Advance(50 * time.Second)
	require.NoError(t, store.Extend(ctx, "k", live, time.Minute))
	clock.Advance(50 * time.Second)
	_, ok = claim(t, store, "k", time.Minute)
	assert.False(t, ok, "extended")

	// Done: skipped for the whole TTL, then free.
	require.NoError(t, store.Complete(ctx, "k", live, time.Hour))
	assert.ErrorIs(t, store.Complete(ctx, "k", live, time.Hour), event.ErrClaimLost, "done already")
	assert.ErrorIs(t, store.Release(ctx, "k", live), event.ErrClaimLost, "a done key is not released")
	assert.ErrorIs(t, store.Extend(ctx, "k", live, time.Minute), event.ErrClaimLost)
	clock.Advance(59 * time.Minute)
	_, ok = claim(t, store, "k", time.Minute)
	assert.False(t, ok, "done within the TTL")
	clock.Advance(2 * time.Minute)
	_, ok = claim(t, store, "k", time.Minute)
	assert.True(t, ok, "free after the TTL")
}

func TestMemoryStoreCompleteAfterLeaseRanOut(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	store := event.NewMemoryStoreWithClock(100, clock.Now)
	slow, _ := claim(t, store, "k", time.Minute)
	clock.Advance(2 * time.Minute)
	require.NoError(t, store.Complete(ctx, "k", slow, time.Hour), "nobody took the key: the success still counts")
	_, ok := claim(t, store, "k", time.Minute)
	assert.False(t, ok)

	other, _ := claim(t, store, "j", time.Minute)
	require.NoError(t, store.Release(ctx, "j", other))
	_, ok = claim(t, store, "j", time.Minute)
	assert.True(t, ok, "released keys are free at once")
}

// A replica claims an event and dies mid-handler (it never completes nor
// releases). Zoom's retry, five minutes later, reaches another replica
// sharing the store: it is handled there. A copy inside the lease is not.
func TestDedupCrashMidHandler(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	shared := event.NewMemoryStoreWithClock(100, clock.Now)
	ev := mustParse(t, `{"event":"meeting.started","event_ts":1,"payload":{"object":{"id":"1"}}}`)
	_, ok := claim(t, shared, event.EventKey(ev), event.DefaultClaimLease) // the replica that dies
	require.True(t, ok)

	var calls atomic.Int32
	survivor := event.Dedup(countingHandler(&calls, nil), event.WithStore(shared))
	require.NoError(t, survivor.HandleEvent(context.Background(), ev))
	assert.EqualValues(t, 0, calls.Load(), "a copy inside the lease is skipped")

	clock.Advance(5 * time.Minute)
	require.NoError(t, survivor.HandleEvent(context.Background(), ev))
	assert.EqualValues(t, 1, calls.Load(), "Zoom's retry after the lease is handled")
	require.NoError(t, survivor.HandleEvent(context.Background(), ev))
	assert.EqualValues(t, 1, calls.Load(), "and then done")
}

// extendCounter counts Extend calls of the store it wraps.
type extendCounter struct {
	event.Store
	extends chan struct{}
}

func (s *extendCounter) Extend(ctx context.Context, key, token string, lease time.Duration) error {
	err := s.Store.Extend(ctx, key, token, lease)
	select {
	case s.extends <- struct{}{}:
	default:
	}
	return err
}

func TestDedupExtendsTheClaimOfASlowHandler(t *testing.T) {
	store := &extendCounter{Store: event.NewMemoryStore(10), extends: make(chan struct{}, 1)}
	var storeErrs atomic.Int32
	release := make(chan struct{})
	h := event.Dedup(event.HandlerFunc(func(context.Context, *event.Event) error {
		<-release
		return nil
	}), event.WithStore(store), event.WithClaimLease(time.Second),
		event.WithStoreErrorHook(func(context.Context, *event.Event, error) { storeErrs.Add(1) }))
	ev := mustParse(t, `{"event":"meeting.started","event_ts":1}`)
	done := make(chan error, 1)
	go func() { done <- h.HandleEvent(context.Background(), ev) }()
	for i := 0; i < 2; i++ {
		select {
		case <-store.extends:
		case <-time.After(30 * time.Second):
			t.Fatal("the claim of a running handler was not extended")
		}
	}
	close(release)
	require.NoError(t, <-done)
	assert.Zero(t, storeErrs.Load(), "every extension held")
	_, ok := claim(t, store, event.EventKey(ev), time.Second)
	assert.False(t, ok, "done after the slow handler succeeded")
}

type failingStore struct{}

var errRedisDown = errors.New("redis down")

func (failingStore) Claim(context.Context, string, time.Duration) (string, bool, error) {
	return "", false, errRedisDown
}
func (failingStore) Extend(context.Context, string, string, time.Duration) error { return errRedisDown }
func (failingStore) Complete(context.Context, string, string, time.Duration) error {
	return errRedisDown
}
func (failingStore) Release(context.Context, string, string) error { return errRedisDown }

func TestDedupStoreFailureStillHandles(t *testing.T) {
	var calls atomic.Int32
	var reported []error
	h := event.Dedup(countingHandler(&calls, nil), event.WithStore(failingStore{}),
		event.WithStoreErrorHook(func(_ context.Context, _ *event.Event, err error) { reported = append(reported, err) }))
	require.NoError(t, h.HandleEvent(context.Background(), mustParse(t, `{"event":"x.y"}`)))
	assert.EqualValues(t, 1, calls.Load(), "a store failure fails open")
	require.Len(t, reported, 1, "and is reported")
	assert.ErrorIs(t, reported[0], errRedisDown)
}

func TestDedupCustomKeyAndConcurrency(t *testing.T) {
	var calls atomic.Int32
	byTS := func(ev *event.Event) string { return ev.Name + "@" + ev.Time.String() }
	h := event.Dedup(countingHandler(&calls, nil), event.WithKey(byTS))
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// Different bodies, same key.
			body := fmt.Sprintf(`{"event":"x.y","event_ts":5,"payload":{"n":%d}}`, i)
			ev, err := event.Parse([]byte(body))
			if err == nil {
				_ = h.HandleEvent(context.Background(), ev)
			}
		}(i)
	}
	wg.Wait()
	assert.EqualValues(t, 1, calls.Load())
}

func TestDedupReleasesOnPanic(t *testing.T) {
	var calls atomic.Int32
	h := event.Dedup(event.HandlerFunc(func(context.Context, *event.Event) error {
		if calls.Add(1) == 1 {
			panic("handler bug")
		}
		return nil
	}))
	ev := mustParse(t, `{"event":"meeting.started","event_ts":1}`)
	func() {
		defer func() {
			assert.Equal(t, "handler bug", recover(), "the panic reaches the transport unchanged")
		}()
		_ = h.HandleEvent(context.Background(), ev)
		t.Error("HandleEvent returned instead of panicking")
	}()
	require.NoError(t, h.HandleEvent(context.Background(), ev), "Zoom's retry after the panic")
	assert.EqualValues(t, 2, calls.Load(), "the retry ran the handler again")
	require.NoError(t, h.HandleEvent(context.Background(), ev))
	assert.EqualValues(t, 2, calls.Load(), "once handled, the event is a duplicate")
}

// hangingStore claims, then hangs in Complete until its context ends.
type hangingStore struct{ event.Store }

func (hangingStore) Complete(ctx context.Context, _, _ string, _ time.Duration) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestDedupStoreCallsAreBounded(t *testing.T) {
	var reported []error
	h := event.Dedup(countingHandler(new(atomic.Int32), nil),
		event.WithStore(hangingStore{event.NewMemoryStore(10)}),
		event.WithStoreTimeout(100*time.Millisecond),
		event.WithStoreErrorHook(func(_ context.Context, _ *event.Event, err error) { reported = append(reported, err) }))
	done := make(chan error, 1)
	go func() {
		done <- h.HandleEvent(context.Background(), mustParse(t, `{"event":"meeting.started","event_ts":1}`))
	}()
	select {
	case err := <-done:
		require.NoError(t, err, "the handler succeeded; the store's failure is reported, not returned")
	case <-time.After(20 * time.Second):
		t.Fatal("HandleEvent waited on a hanging store")
	}
	require.Len(t, reported, 1)
	assert.ErrorIs(t, reported[0], context.DeadlineExceeded)
}

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

func TestMemoryStoreBounded(t *testing.T) {
	store := event.NewMemoryStore(3)
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		ok, err := store.Claim(ctx, fmt.Sprint(i), time.Hour)
		require.NoError(t, err)
		assert.True(t, ok)
	}
	assert.Equal(t, 3, store.Len())
	ok, _ := store.Claim(ctx, "9", time.Hour)
	assert.False(t, ok, "newest kept")
	ok, _ = store.Claim(ctx, "0", time.Hour)
	assert.True(t, ok, "oldest evicted")
}

func TestMemoryStoreRaisesBoundToOne(t *testing.T) {
	ctx := context.Background()
	for _, bound := range []int{0, -5} {
		store := event.NewMemoryStore(bound)
		ok, err := store.Claim(ctx, "a", time.Hour)
		require.NoError(t, err)
		assert.True(t, ok, "bound %d: the first claim is recorded", bound)
		ok, _ = store.Claim(ctx, "a", time.Hour)
		assert.False(t, ok, "bound %d: one key is remembered", bound)
		ok, _ = store.Claim(ctx, "b", time.Hour)
		assert.True(t, ok)
		assert.Equal(t, 1, store.Len(), "bound %d: holds exactly one key", bound)
	}
}

func TestMemoryStoreSweepsExpiredKeys(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	store := event.NewMemoryStoreWithClock(100, clock.Now)
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c"} {
		_, err := store.Claim(ctx, k, time.Minute)
		require.NoError(t, err)
	}
	require.Equal(t, 3, store.Len())
	clock.Advance(2 * time.Minute)
	_, err := store.Claim(ctx, "d", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 1, store.Len(), "a claim drops every expired key, not only its own")
}

type failingStore struct{}

func (failingStore) Claim(context.Context, string, time.Duration) (bool, error) {
	return false, errors.New("redis down")
}
func (failingStore) Release(context.Context, string) error { return nil }

func TestDedupStoreFailureStillHandles(t *testing.T) {
	var calls atomic.Int32
	h := event.Dedup(countingHandler(&calls, nil), event.WithStore(failingStore{}))
	require.NoError(t, h.HandleEvent(context.Background(), mustParse(t, `{"event":"x.y"}`)))
	assert.EqualValues(t, 1, calls.Load())
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

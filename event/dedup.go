package event

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// DefaultDedupTTL is how long [Dedup] remembers an event by default: longer
// than Zoom's retry schedule (5, 20 and 60 minutes after one another, so the
// last retry comes about 85 minutes after the first try).
const DefaultDedupTTL = 2 * time.Hour

// DefaultDedupEntries bounds the default in-memory store.
const DefaultDedupEntries = 100_000

// Store remembers which events were handled. It is small enough to back
// with Redis (SET NX PX and DEL) or a SQL table, so that replicas behind a
// load balancer share one memory.
type Store interface {
	// Claim records key for ttl. It reports true if this call recorded it,
	// false if key was already recorded and has not expired.
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Release forgets key, so that the next delivery of the same event is
	// handled again. Dedup calls it when the handler fails.
	Release(ctx context.Context, key string) error
}

// DedupOption configures [Dedup].
type DedupOption func(*dedup)

// WithStore sets where handled events are remembered. The default is a
// [MemoryStore] of [DefaultDedupEntries] entries.
func WithStore(s Store) DedupOption { return func(d *dedup) { d.store = s } }

// WithTTL sets how long a handled event is remembered (default
// [DefaultDedupTTL]).
func WithTTL(ttl time.Duration) DedupOption { return func(d *dedup) { d.ttl = ttl } }

// WithKey sets how an event is identified. The default is the SHA-256 of
// its raw bytes: Zoom's retries resend the same body, and the same event
// reaching two subscriptions arrives with the same body.
func WithKey(key func(*Event) string) DedupOption { return func(d *dedup) { d.key = key } }

// WithDuplicateHook sets a function called with every event skipped as a
// duplicate, for logs or metrics.
func WithDuplicateHook(f func(ctx context.Context, ev *Event)) DedupOption {
	return func(d *dedup) { d.onDuplicate = f }
}

type dedup struct {
	next        Handler
	store       Store
	ttl         time.Duration
	key         func(*Event) string
	onDuplicate func(context.Context, *Event)
}

// Dedup returns a Handler that passes each event to next once: a delivery
// whose key was already claimed within the TTL is skipped with a nil error,
// so the webhook still answers Zoom 200 and Zoom stops retrying.
//
// When next fails or panics, the key is released, so Zoom's retry of that
// event is handled again; a panic is then passed on unchanged, for the
// transport to recover and answer (a webhook answers 500). When the store itself fails, the event is handled anyway:
// a possible duplicate is better than a lost event. A copy that arrives
// while the first is still being handled is skipped too; if the first then
// fails, only Zoom's next retry brings the event back (Zoom's retries are
// minutes apart, so this needs two subscriptions delivering at once).
func Dedup(next Handler, opts ...DedupOption) Handler {
	d := &dedup{next: next, ttl: DefaultDedupTTL, key: ContentKey}
	for _, o := range opts {
		o(d)
	}
	if d.store == nil {
		d.store = NewMemoryStore(DefaultDedupEntries)
	}
	return d
}

// ContentKey identifies an event by the hex SHA-256 of its raw bytes. It
// is the default key of [Dedup].
func ContentKey(ev *Event) string {
	sum := sha256.Sum256(ev.Raw)
	return hex.EncodeToString(sum[:])
}

func (d *dedup) HandleEvent(ctx context.Context, ev *Event) error {
	key := d.key(ev)
	claimed, err := d.store.Claim(ctx, key, d.ttl)
	if err != nil {
		return d.next.HandleEvent(ctx, ev)
	}
	if !claimed {
		if d.onDuplicate != nil {
			d.onDuplicate(ctx, ev)
		}
		return nil
	}
	// The key is released unless the handler returned nil, also when it
	// panics (or calls runtime.Goexit): Zoom's retry must find the key
	// free. The panic itself goes on to the transport's recovery.
	succeeded := false
	defer func() {
		if !succeeded {
			_ = d.store.Release(context.WithoutCancel(ctx), key)
		}
	}()
	err = d.next.HandleEvent(ctx, ev)
	succeeded = err == nil
	return err
}

// MemoryStore is an in-process [Store] bounded in entries: when full, the
// oldest entry is forgotten first. Entries also expire after their TTL.
// It is safe for concurrent use.
type MemoryStore struct {
	mu      sync.Mutex
	max     int
	now     func() time.Time
	entries map[string]*list.Element
	order   list.List // front: oldest claim
}

type memoryEntry struct {
	key     string
	expires time.Time
}

// NewMemoryStore returns a MemoryStore that holds at most maxEntries keys
// (at least 1).
func NewMemoryStore(maxEntries int) *MemoryStore {
	return NewMemoryStoreWithClock(maxEntries, time.Now)
}

// NewMemoryStoreWithClock is [NewMemoryStore] with the clock used for
// expiry, for tests.
func NewMemoryStoreWithClock(maxEntries int, now func() time.Time) *MemoryStore {
	if maxEntries < 1 {
		maxEntries = 1
	}
	return &MemoryStore{max: maxEntries, now: now, entries: map[string]*list.Element{}}
}

// Claim implements [Store].
func (s *MemoryStore) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	if el, ok := s.entries[key]; ok {
		if now.Before(el.Value.(*memoryEntry).expires) {
			return false, nil
		}
		s.remove(el)
	}
	for len(s.entries) >= s.max {
		s.remove(s.order.Front())
	}
	s.entries[key] = s.order.PushBack(&memoryEntry{key: key, expires: now.Add(ttl)})
	return true, nil
}

// Release implements [Store].
func (s *MemoryStore) Release(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.entries[key]; ok {
		s.remove(el)
	}
	return nil
}

// Len returns how many keys the store holds, expired ones included until
// the next Claim.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// expire drops expired entries from the front. Entries are in claim order;
// with one TTL that is also expiry order, and with mixed TTLs a longer-lived
// entry only delays the sweep of those behind it until it expires.
func (s *MemoryStore) expire(now time.Time) {
	for el := s.order.Front(); el != nil; el = s.order.Front() {
		if now.Before(el.Value.(*memoryEntry).expires) {
			return
		}
		s.remove(el)
	}
}

func (s *MemoryStore) remove(el *list.Element) {
	delete(s.entries, el.Value.(*memoryEntry).key)
	s.order.Remove(el)
}

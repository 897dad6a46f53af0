package event

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// MemoryStore is an in-process [Store] bounded in entries: when full, the
// oldest entry is forgotten first. Claims end after their lease and done
// keys after their TTL. It is safe for concurrent use. It deduplicates
// within one process only; replicas need a shared store.
type MemoryStore struct {
	mu      sync.Mutex
	max     int
	now     func() time.Time
	entries map[string]*list.Element
	order   list.List // front: least recently claimed or completed
}

type memoryEntry struct {
	key     string
	token   string // empty once done
	expires time.Time
}

// NewMemoryStore returns a MemoryStore that holds at most maxEntries keys
// (at least 1).
func NewMemoryStore(maxEntries int) *MemoryStore {
	return newMemoryStoreWithClock(maxEntries, time.Now)
}

func newMemoryStoreWithClock(maxEntries int, now func() time.Time) *MemoryStore {
	if maxEntries < 1 {
		maxEntries = 1
	}
	return &MemoryStore{max: maxEntries, now: now, entries: map[string]*list.Element{}}
}

// Claim implements [Store].
func (s *MemoryStore) Claim(_ context.Context, key string, lease time.Duration) (string, bool, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	if e := s.live(key, now); e != nil {
		return "", false, nil
	}
	token := newClaimToken()
	s.insert(&memoryEntry{key: key, token: token, expires: now.Add(lease)})
	return token, true, nil
}

// Extend implements [Store].
func (s *MemoryStore) Extend(_ context.Context, key, token string, lease time.Duration) error {
	if token == "" {
		return ErrClaimLost
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.live(key, now)
	if e == nil || e.token != token {
		return ErrClaimLost
	}
	s.touch(key, now.Add(lease))
	return nil
}

// Complete implements [Store].
func (s *MemoryStore) Complete(_ context.Context, key, token string, ttl time.Duration) error {
	if token == "" {
		return ErrClaimLost
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.live(key, now); e != nil && (e.token == "" || e.token != token) {
		return ErrClaimLost
	}
	s.insert(&memoryEntry{key: key, expires: now.Add(ttl)})
	return nil
}

// Release implements [Store].
func (s *MemoryStore) Release(_ context.Context, key, token string) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.live(key, now)
	if e == nil || e.token != token || token == "" {
		return ErrClaimLost
	}
	s.remove(s.entries[key])
	return nil
}

// Len returns how many keys the store holds, claimed or done, expired ones
// included until the next Claim.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// live returns key's entry unless it is absent or expired.
func (s *MemoryStore) live(key string, now time.Time) *memoryEntry {
	el, ok := s.entries[key]
	if !ok {
		return nil
	}
	e := el.Value.(*memoryEntry)
	if !now.Before(e.expires) {
		return nil
	}
	return e
}

// insert adds e, replacing any entry of its key, and evicts the oldest
// entries beyond the bound.
func (s *MemoryStore) insert(e *memoryEntry) {
	if el, ok := s.entries[e.key]; ok {
		s.remove(el)
	}
	for len(s.entries) >= s.max {
		s.remove(s.order.Front())
	}
	s.entries[e.key] = s.order.PushBack(e)
}

// touch sets key's expiry and moves it to the back of the order.
func (s *MemoryStore) touch(key string, expires time.Time) {
	el := s.entries[key]
	el.Value.(*memoryEntry).expires = expires
	s.order.MoveToBack(el)
}

// expire drops expired entries from the front. The order is by last
// change; with one lease and one TTL that is close to expiry order, and an
// entry that lives longer only delays the sweep of those behind it until it
// expires (they are still treated as absent, by live).
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

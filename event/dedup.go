package event

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"time"
)

// DefaultDedupTTL is how long [Dedup] remembers a handled event by default:
// longer than Zoom's retry schedule (5, 20 and 60 minutes after one
// another, so the last retry comes about 85 minutes after the first try).
const DefaultDedupTTL = 2 * time.Hour

// DefaultClaimLease is how long a claim stays "in progress" without being
// extended, by default. A replica that dies mid-handler stops extending
// its claim, so the key is free again a lease later: well before Zoom's
// first retry, five minutes after the failed delivery.
const DefaultClaimLease = time.Minute

// DefaultStoreTimeout bounds each Extend, Complete and Release call that
// [Dedup] makes, by default. They run after the event's own context may
// have ended, so without a bound a store that hangs would hold the
// transport's delivery (and a WebSocket client's whole queue) with it.
const DefaultStoreTimeout = 10 * time.Second

// DefaultDedupEntries bounds the default in-memory store.
const DefaultDedupEntries = 100_000

// ErrClaimLost is returned by a [Store] when a claim's token no longer
// holds its key: its lease ended and another run claimed the key, or the
// key is already done.
var ErrClaimLost = errors.New("event: dedup claim no longer held")

// Store remembers which events were handled. Backed by Redis or a SQL
// table, it lets replicas behind a load balancer share one memory (see the
// store modules of this repository).
//
// A key is free, in progress (claimed by one run of the handler, which
// holds the claim's token, for a short lease) or done (for a long TTL).
// Implementations are safe for concurrent use.
type Store interface {
	// Claim takes a free key for one run of the handler: it returns a new,
	// unguessable, non-empty token and true. It returns false and no token
	// when the key is done, or in progress under another token whose lease
	// has not ended. A claim that is neither completed nor released frees
	// the key when its lease ends, so that an event whose handler died with
	// its replica is handled on Zoom's retry.
	Claim(ctx context.Context, key string, lease time.Duration) (token string, ok bool, err error)
	// Extend renews the claim for another lease from now, while a slow
	// handler runs. It returns ErrClaimLost when token no longer holds key.
	Extend(ctx context.Context, key, token string, lease time.Duration) error
	// Complete marks key done for ttl. It succeeds when token still holds
	// the claim, or when the key is free (the lease ran out and nobody took
	// it). It returns ErrClaimLost and changes nothing when another token
	// holds the key or the key is already done.
	Complete(ctx context.Context, key, token string, ttl time.Duration) error
	// Release frees key when token still holds its claim, so that the next
	// delivery of the event is handled again. It returns ErrClaimLost and
	// changes nothing when token does not hold key.
	//
	// An empty token never holds a key: Extend, Complete and Release return
	// ErrClaimLost for it.
	Release(ctx context.Context, key, token string) error
}

// DedupOption configures [Dedup].
type DedupOption func(*dedup)

// WithStore sets where handled events are remembered. The default is a
// [MemoryStore] of [DefaultDedupEntries] entries, which only deduplicates
// within one process.
func WithStore(s Store) DedupOption { return func(d *dedup) { d.store = s } }

// WithTTL sets how long a handled event is remembered (default
// [DefaultDedupTTL]). Values below one second are raised to one second.
func WithTTL(ttl time.Duration) DedupOption { return func(d *dedup) { d.ttl = max(ttl, time.Second) } }

// WithClaimLease sets how long a claim stays in progress without being
// extended (default [DefaultClaimLease]). Dedup extends it every half
// lease while the handler runs, so the lease bounds only how long a key
// stays claimed after its replica died. Values below one second are raised
// to one second.
func WithClaimLease(lease time.Duration) DedupOption {
	return func(d *dedup) { d.lease = max(lease, time.Second) }
}

// WithStoreTimeout bounds each Extend, Complete and Release call (default
// [DefaultStoreTimeout]); a call cut short is reported to the store error
// hook. Values below 100 ms are raised to 100 ms.
func WithStoreTimeout(d time.Duration) DedupOption {
	return func(dd *dedup) { dd.storeTimeout = max(d, 100*time.Millisecond) }
}

// WithKey sets how an event is identified. The default is [EventKey];
// [ContentKey] is the exact-bytes alternative.
func WithKey(key func(*Event) string) DedupOption { return func(d *dedup) { d.key = key } }

// WithDuplicateHook sets a function called with every event skipped as a
// duplicate, for logs or metrics.
func WithDuplicateHook(f func(ctx context.Context, ev *Event)) DedupOption {
	return func(d *dedup) { d.onDuplicate = f }
}

// WithStoreErrorHook sets a function called with every error of the store,
// for logs or metrics. Dedup never fails an event because of its store:
// when Claim fails the event is handled anyway (a possible duplicate is
// better than a lost event), and when Extend, Complete or Release fails the
// event may be handled again later. The error wraps [ErrClaimLost] when
// another run took over the key.
func WithStoreErrorHook(f func(ctx context.Context, ev *Event, err error)) DedupOption {
	return func(d *dedup) { d.onStoreError = f }
}

type dedup struct {
	next         Handler
	store        Store
	ttl          time.Duration
	lease        time.Duration
	storeTimeout time.Duration
	key          func(*Event) string
	onDuplicate  func(context.Context, *Event)
	onStoreError func(context.Context, *Event, error)
}

// Dedup returns a Handler that passes each event to next once: a delivery
// whose key is done, or in progress in another run, is skipped with a nil
// error, so that a webhook still answers Zoom 200 and Zoom stops retrying.
//
// A key is claimed before next runs and marked done for the TTL only when
// next returns nil. When next fails or panics, the key is released, so
// Zoom's retry of that event is handled again; a panic then goes on
// unchanged, for the transport to recover and answer (a webhook answers
// 500). When the process dies mid-handler, the claim's lease runs out and
// Zoom's retry is handled by whichever replica gets it.
//
// A copy that arrives while the first is still being handled is skipped
// (answered 200). If the first then fails, the event comes back only if
// Zoom retries the first delivery: it does when that delivery was answered
// 5xx, but not when the skipped copy was itself Zoom's retry of a delivery
// whose handler was still running (longer than Zoom's 3 s, then until its
// next retry, minutes later). Keep webhook handlers short, or hand events
// to a durable queue (the jetstream module) and acknowledge at once.
func Dedup(next Handler, opts ...DedupOption) Handler {
	d := &dedup{next: next, ttl: DefaultDedupTTL, lease: DefaultClaimLease, storeTimeout: DefaultStoreTimeout, key: EventKey}
	for _, o := range opts {
		o(d)
	}
	if d.store == nil {
		d.store = NewMemoryStore(DefaultDedupEntries)
	}
	return d
}

// ContentKey identifies an event by the hex SHA-256 of its raw bytes.
func ContentKey(ev *Event) string {
	sum := sha256.Sum256(ev.Raw)
	return hex.EncodeToString(sum[:])
}

func (d *dedup) HandleEvent(ctx context.Context, ev *Event) error {
	key := d.key(ev)
	token, claimed, err := d.store.Claim(ctx, key, d.lease)
	if err != nil {
		d.storeError(ctx, ev, err)
		return d.next.HandleEvent(ctx, ev)
	}
	if !claimed {
		if d.onDuplicate != nil {
			d.onDuplicate(ctx, ev)
		}
		return nil
	}
	stop := d.keepClaimed(ctx, ev, key, token)
	// The key is released unless the handler returned nil, also when it
	// panics (or calls runtime.Goexit): Zoom's retry must find the key
	// free. The panic itself goes on to the transport's recovery.
	succeeded := false
	defer func() {
		stop()
		bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.storeTimeout)
		defer cancel()
		var storeErr error
		if succeeded {
			storeErr = d.store.Complete(bg, key, token, d.ttl)
		} else {
			storeErr = d.store.Release(bg, key, token)
		}
		if storeErr != nil {
			d.storeError(ctx, ev, storeErr)
		}
	}()
	err = d.next.HandleEvent(ctx, ev)
	succeeded = err == nil
	return err
}

// keepClaimed extends the claim every half lease until the returned stop is
// called. stop waits for an extension in flight, so no call outlives the
// handler.
func (d *dedup) keepClaimed(ctx context.Context, ev *Event, key, token string) (stop func()) {
	var (
		mu      sync.Mutex
		stopped bool
		running sync.WaitGroup
		timer   *time.Timer
	)
	every := d.lease / 2
	extend := func() {
		mu.Lock()
		if stopped {
			mu.Unlock()
			return
		}
		running.Add(1)
		mu.Unlock()
		defer running.Done()
		ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.storeTimeout)
		err := d.store.Extend(ectx, key, token, d.lease)
		cancel()
		if err != nil {
			d.storeError(ctx, ev, err)
		}
		mu.Lock()
		if !stopped {
			timer.Reset(every)
		}
		mu.Unlock()
	}
	mu.Lock()
	timer = time.AfterFunc(every, extend)
	mu.Unlock()
	return func() {
		mu.Lock()
		stopped = true
		timer.Stop()
		mu.Unlock()
		running.Wait()
	}
}

func (d *dedup) storeError(ctx context.Context, ev *Event, err error) {
	if d.onStoreError != nil {
		d.onStoreError(ctx, ev, err)
	}
}

// newClaimToken returns 128 random bits in hex.
func newClaimToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

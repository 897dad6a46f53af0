package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultLeaseTTL is how long a [Lease] lasts in Redis after its last
// renewal.
const DefaultLeaseTTL = 10 * time.Second

// DefaultLeaseKeyPrefix is put before a lease's subscription name.
const DefaultLeaseKeyPrefix = "zoomevents:ws-lease:"

// ErrLeaseLost is the cause (see [context.Cause]) of a held context that
// ended because the lease could not be renewed in time or was taken over.
var ErrLeaseLost = errors.New("redisstore: lease lost")

// ErrLeaseReleased is the cause of a held context ended by its release
// function.
var ErrLeaseReleased = errors.New("redisstore: lease released")

// ErrEmptySubscription is returned by [NewLease] for an empty subscription
// name.
var ErrEmptySubscription = errors.New("redisstore: empty lease subscription name")

// Lease is a lease in Redis that N replicas sharing one Zoom WebSocket
// subscription contend for: only the holder dials. It implements the
// method set wsclient expects of a lease. It is safe for concurrent use,
// though one process normally holds it at most once at a time.
//
// Holding: Acquire sets the lease key to a random per-acquisition token
// with SET NX PX ttl and, in the same script, increments the fence key
// (see [Fence]). The holder renews every TTL/3 with a compare-the-token
// PEXPIRE. Its held context is cancelled when no renewal has succeeded by
// (time the last successful renewal was sent) + TTL - margin, which is
// before Redis can expire the key, so the holder closes its socket before
// another replica can take over; it is also cancelled at once when a
// renewal finds another token (or none) in the key. Waiters retry every
// poll interval (default TTL/10, between 10 ms and 1 s), so a crashed
// holder is replaced within about TTL + poll.
//
// The lease key is prefix + "{" + subscription + "}" and the fence key is
// the lease key + ":fence": the hash tag keeps both in one Cluster slot.
type Lease struct {
	c        redis.UniversalClient
	key      string
	fenceKey string
	prefix   string
	ttl      time.Duration
	margin   time.Duration
	poll     time.Duration
	onError  func(error)

	// abandon, for tests, makes a holder whose held context ended stop
	// renewing without deleting the key, as a crashed process would.
	abandon bool
}

// LeaseOption configures [NewLease].
type LeaseOption func(*Lease)

// WithLeaseTTL sets how long the lease lasts in Redis after a renewal
// (default [DefaultLeaseTTL]; at least 10 ms).
func WithLeaseTTL(ttl time.Duration) LeaseOption { return func(l *Lease) { l.ttl = ttl } }

// WithLeaseMargin sets how long before the lease could expire in Redis
// the holder gives it up when renewals fail (default TTL/5). It covers
// network delay and scheduling; it must be positive and below 2/3 of the
// TTL (so that at least one renewal can happen first).
func WithLeaseMargin(margin time.Duration) LeaseOption {
	return func(l *Lease) { l.margin = margin }
}

// WithLeasePoll sets how often a waiting Acquire tries again (default
// TTL/10, clamped to 10 ms..1 s). It must be positive.
func WithLeasePoll(every time.Duration) LeaseOption { return func(l *Lease) { l.poll = every } }

// WithLeaseKeyPrefix sets the string put before the subscription name in
// the lease key (default [DefaultLeaseKeyPrefix]).
func WithLeaseKeyPrefix(prefix string) LeaseOption { return func(l *Lease) { l.prefix = prefix } }

// WithLeaseErrorHook sets a function called, from the renewing goroutine,
// with each error of a renewal or of the release's DEL (these do not end
// a call; the held context's cause carries the last one when the lease is
// lost). The default drops them.
func WithLeaseErrorHook(f func(error)) LeaseOption { return func(l *Lease) { l.onError = f } }

// NewLease returns the lease for subscription (a name shared by the
// replicas, for example the WebSocket subscription ID) kept in c. It
// returns [ErrNilClient], [ErrEmptySubscription], or a wrapped
// [ErrBadDuration] for an option out of range. The Lease does not close c.
func NewLease(c redis.UniversalClient, subscription string, opts ...LeaseOption) (*Lease, error) {
	if c == nil {
		return nil, ErrNilClient
	}
	if subscription == "" {
		return nil, ErrEmptySubscription
	}
	l := &Lease{c: c, prefix: DefaultLeaseKeyPrefix, ttl: DefaultLeaseTTL}
	for _, o := range opts {
		o(l)
	}
	if l.ttl < 10*time.Millisecond {
		return nil, fmt.Errorf("redisstore: lease TTL %v below 10ms: %w", l.ttl, ErrBadDuration)
	}
	if l.margin == 0 {
		l.margin = l.ttl / 5
	}
	if l.margin <= 0 || l.margin >= l.ttl*2/3 {
		return nil, fmt.Errorf("redisstore: lease margin %v not in (0, 2/3 of TTL %v): %w", l.margin, l.ttl, ErrBadDuration)
	}
	if l.poll == 0 {
		l.poll = min(max(l.ttl/10, 10*time.Millisecond), time.Second)
	}
	if l.poll < 0 {
		return nil, fmt.Errorf("redisstore: lease poll interval %v: %w", l.poll, ErrBadDuration)
	}
	l.key = l.prefix + "{" + subscription + "}"
	l.fenceKey = l.key + ":fence"
	return l, nil
}

// Key returns the Redis key of the lease; its fence is Key() + ":fence".
func (l *Lease) Key() string { return l.key }

// acquireScript takes the free lease for ARGV[1] and returns the new fence,
// or returns 0 when the lease is held.
var acquireScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0`)

// renewScript renews the lease when ARGV[1] holds it.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

type fenceCtxKey struct{}

// Fence returns the fencing number of the acquisition whose held context
// is ctx (or a context derived from it), and whether there is one. Each
// acquisition of a lease gets a larger number than every earlier one (an
// INCR of the fence key in the script that takes the lease), so a system
// fed by the holder can refuse writes carrying a smaller number than it
// has seen.
func Fence(ctx context.Context) (int64, bool) {
	n, ok := ctx.Value(fenceCtxKey{}).(int64)
	return n, ok
}

// Acquire blocks until this process holds the lease, then returns the
// held context and its release function. It returns ctx's error when ctx
// ends first, and Redis's error wrapped when a command fails (the caller
// retries, with backoff; release is then a no-op).
//
// The held context is a child of ctx carrying [Fence]. It is cancelled,
// with cause [ErrLeaseLost], when the lease could not be renewed in time
// (early enough to close the socket before another replica can acquire)
// or was taken over; with cause [ErrLeaseReleased] when release is called;
// or when ctx ends. release deletes the key if this acquisition still
// holds it (so a waiter takes over within one poll interval), stops
// renewing, waits for the goroutine Acquire started, and is safe to call
// more than once and concurrently. When the held context ends otherwise
// (ctx ended, or the lease was lost), renewing stops but the key stays
// until release or its TTL: the holder must be able to close its socket
// before another replica acquires. Always call release.
func (l *Lease) Acquire(ctx context.Context) (context.Context, func(), error) {
	token, err := newToken()
	if err != nil {
		return nil, func() {}, err
	}
	var wait *time.Timer
	for {
		sent := time.Now()
		fence, err := acquireScript.Run(ctx, l.c, []string{l.key, l.fenceKey}, token, millis(l.ttl)).Int64()
		if err != nil {
			if ctx.Err() != nil {
				return nil, func() {}, ctx.Err()
			}
			return nil, func() {}, fmt.Errorf("redisstore: lease acquire: %w", err)
		}
		if fence > 0 {
			return l.hold(ctx, token, fence, sent.Add(l.ttl-l.margin))
		}
		if wait == nil {
			wait = time.NewTimer(l.poll)
			defer wait.Stop()
		} else {
			wait.Reset(l.poll)
		}
		select {
		case <-ctx.Done():
			return nil, func() {}, ctx.Err()
		case <-wait.C:
		}
	}
}

// hold starts the renewing goroutine of an acquisition.
func (l *Lease) hold(ctx context.Context, token string, fence int64, deadline time.Time) (context.Context, func(), error) {
	held, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	var taken atomic.Bool
	go l.renew(held, cancel, token, deadline, &taken, done)
	var once sync.Once
	release := func() {
		once.Do(func() {
			cancel(ErrLeaseReleased)
			<-done
			// The key is given up only here, once the holder has closed its
			// socket and called release: never when the held context merely
			// ended, which is when the holder starts closing.
			if !taken.Load() && !l.abandon {
				l.giveUp(held, token)
			}
		})
		<-done
	}
	return context.WithValue(held, fenceCtxKey{}, fence), release, nil
}

type renewal struct {
	sent time.Time
	ok   bool
	err  error
}

// renew keeps the lease until held ends or the lease is lost, and records
// in taken whether another token took the key. At most one renewal is in
// flight; the loss deadline does not wait for it, since a call to an
// unreachable Redis may last the client's read timeout. The key is left in
// place: release gives it up, after the holder closed its socket.
func (l *Lease) renew(held context.Context, cancel context.CancelCauseFunc, token string, deadline time.Time, taken *atomic.Bool, done chan<- struct{}) {
	defer close(done)
	lost := time.NewTimer(time.Until(deadline))
	defer lost.Stop()
	tick := time.NewTicker(l.ttl / 3)
	defer tick.Stop()
	calls, stopCalls := context.WithCancel(held)
	defer stopCalls()
	results := make(chan renewal, 1)
	inFlight := false
	var lastErr error
loop:
	for {
		select {
		case <-held.Done():
			break loop
		case <-lost.C:
			cause := fmt.Errorf("%w: not renewed within TTL - margin (%v)", ErrLeaseLost, l.ttl-l.margin)
			switch {
			case inFlight:
				cause = fmt.Errorf("%w: not renewed within TTL - margin (%v): a renewal is still waiting for Redis", ErrLeaseLost, l.ttl-l.margin)
			case lastErr != nil:
				cause = fmt.Errorf("%w: not renewed within TTL - margin (%v): %w", ErrLeaseLost, l.ttl-l.margin, lastErr)
			}
			cancel(cause)
			break loop
		case <-tick.C:
			if inFlight {
				continue
			}
			inFlight = true
			go func(sent time.Time) {
				n, err := renewScript.Run(calls, l.c, []string{l.key}, token, millis(l.ttl)).Int()
				results <- renewal{sent: sent, ok: n == 1, err: err}
			}(time.Now())
		case r := <-results:
			inFlight = false
			switch {
			case r.err != nil:
				lastErr = fmt.Errorf("redisstore: lease renew: %w", r.err)
				l.report(lastErr)
			case !r.ok:
				taken.Store(true)
				cancel(fmt.Errorf("%w: the key no longer holds this acquisition's token", ErrLeaseLost))
				break loop
			default:
				deadline = r.sent.Add(l.ttl - l.margin)
				lost.Reset(time.Until(deadline))
			}
		}
	}
	stopCalls()
	if inFlight {
		<-results
	}
}

// giveUp deletes the key if token still holds it (compare-and-DEL), so a
// waiter takes over within one poll interval.
func (l *Lease) giveUp(held context.Context, token string) {
	dctx, stop := context.WithTimeout(context.WithoutCancel(held), l.ttl/3)
	defer stop()
	if err := releaseScript.Run(dctx, l.c, []string{l.key}, token, doneValue).Err(); err != nil {
		l.report(fmt.Errorf("redisstore: lease release: %w", err))
	}
}

func (l *Lease) report(err error) {
	if l.onError != nil {
		l.onError(err)
	}
}

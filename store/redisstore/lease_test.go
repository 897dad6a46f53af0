package redisstore

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The method set wsclient expects of a lease.
var _ interface {
	Acquire(context.Context) (context.Context, func(), error)
} = (*Lease)(nil)

func newLease(t *testing.T, c redis.UniversalClient, prefix string, opts ...LeaseOption) *Lease {
	t.Helper()
	l, err := NewLease(c, "sub", append([]LeaseOption{WithLeaseKeyPrefix(prefix)}, opts...)...)
	require.NoError(t, err)
	return l
}

// acquired is the outcome of an Acquire run in the background.
type acquired struct {
	held    context.Context
	release func()
	err     error
	at      time.Time
}

func acquireAsync(ctx context.Context, l *Lease) <-chan acquired {
	ch := make(chan acquired, 1)
	go func() {
		held, release, err := l.Acquire(ctx)
		ch <- acquired{held, release, err, time.Now()}
	}()
	return ch
}

func TestLeaseContendOneHolds(t *testing.T) {
	t.Parallel()
	c, prefix := testClient(t)
	c2 := newClient(t, redisOptions(t))
	ctx := context.Background()
	a := newLease(t, c, prefix, WithLeaseTTL(time.Second))
	b := newLease(t, c2, prefix, WithLeaseTTL(time.Second))

	heldA, releaseA, err := a.Acquire(ctx)
	require.NoError(t, err)
	defer releaseA()
	fenceA, ok := Fence(heldA)
	require.True(t, ok)

	// B waits through several TTLs: A's renewals keep the lease.
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	_, releaseB, err := b.Acquire(wctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	releaseB() // a no-op
	assert.NoError(t, heldA.Err(), "A still holds after 3 TTLs")

	releaseA()
	assert.ErrorIs(t, context.Cause(heldA), ErrLeaseReleased)
	releaseA() // twice is fine
	heldB, releaseB, err := b.Acquire(ctx)
	require.NoError(t, err)
	defer releaseB()
	fenceB, ok := Fence(heldB)
	require.True(t, ok)
	assert.Greater(t, fenceB, fenceA, "the fence increases")
	_, ok = Fence(ctx)
	assert.False(t, ok)
}

func TestLeaseFenceIncreases(t *testing.T) {
	t.Parallel()
	c, prefix := testClient(t)
	ls := []*Lease{newLease(t, c, prefix), newLease(t, c, prefix)}
	var last int64
	for i := 0; i < 6; i++ {
		held, release, err := ls[i%2].Acquire(context.Background())
		require.NoError(t, err)
		f, ok := Fence(held)
		require.True(t, ok)
		assert.Greater(t, f, last)
		last = f
		release()
	}
}

func TestLeaseReleaseHandsOverFast(t *testing.T) {
	t.Parallel()
	c, prefix := testClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Default TTL (10 s); without the DEL the waiter would wait for the
	// key to expire, at least 2/3 of the TTL after the last renewal.
	a := newLease(t, c, prefix)
	b := newLease(t, c, prefix, WithLeasePoll(50*time.Millisecond))
	_, releaseA, err := a.Acquire(ctx)
	require.NoError(t, err)
	waiting := acquireAsync(ctx, b)
	time.Sleep(200 * time.Millisecond) // let B poll a few times
	start := time.Now()
	releaseA()
	got := <-waiting
	require.NoError(t, got.err)
	defer got.release()
	handover := got.at.Sub(start)
	t.Logf("handover after release: %v", handover)
	assert.Less(t, handover, DefaultLeaseTTL/2)
}

// A holder that dies without releasing (its renewer stops, the key stays)
// is replaced once the key expires.
func TestLeaseCrashedHolderReplaced(t *testing.T) {
	t.Parallel()
	c, prefix := testClient(t)
	const ttl = time.Second
	a := newLease(t, c, prefix, WithLeaseTTL(ttl))
	a.abandon = true
	b := newLease(t, c, prefix, WithLeaseTTL(ttl))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	actx, kill := context.WithCancel(ctx)
	_, releaseA, err := a.Acquire(actx)
	require.NoError(t, err)
	waiting := acquireAsync(ctx, b)
	time.Sleep(ttl / 2)
	killed := time.Now()
	kill()
	releaseA() // waits for A's renewer to stop; it leaves the key
	got := <-waiting
	require.NoError(t, got.err)
	defer got.release()
	failover := got.at.Sub(killed)
	t.Logf("crashed holder replaced after %v (TTL %v, poll %v)", failover, ttl, b.poll)
	assert.Less(t, failover, 5*ttl)
}

// When the holder's connection to Redis is cut, its held context ends
// before another replica can take the lease.
func TestLeaseCutConnectionCancelsHeldFirst(t *testing.T) {
	cases := map[string]func(p *cutProxy, c *redis.Client){
		// Packets vanish: calls hang until the client's read timeout,
		// longer than the TTL.
		"blackhole": func(p *cutProxy, _ *redis.Client) { p.cut() },
		// The client fails at once.
		"closed client": func(_ *cutProxy, c *redis.Client) { _ = c.Close() },
	}
	for name, cut := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, prefix := testClient(t)
			opt := redisOptions(t)
			p := newCutProxy(t, opt.Addr)
			viaProxy := *opt
			viaProxy.Addr = p.addr()
			viaProxy.ReadTimeout = 3 * time.Second // longer than the TTL
			cA := newClient(t, &viaProxy)

			const ttl = 2 * time.Second
			var errs sync.Map
			a := newLease(t, cA, prefix, WithLeaseTTL(ttl), WithLeaseErrorHook(func(err error) { errs.Store(err.Error(), true) }))
			b := newLease(t, c, prefix, WithLeaseTTL(ttl), WithLeasePoll(10*time.Millisecond))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			heldA, releaseA, err := a.Acquire(ctx)
			require.NoError(t, err)

			heldDone := make(chan time.Time, 1)
			go func() { <-heldA.Done(); heldDone <- time.Now() }()
			waiting := acquireAsync(ctx, b)
			time.Sleep(ttl / 2) // a renewal or two succeed
			require.NoError(t, heldA.Err())
			cut(p, cA)

			got := <-waiting
			require.NoError(t, got.err)
			defer got.release()
			aDoneAtB := heldA.Err() != nil
			doneAt := <-heldDone
			assert.True(t, aDoneAtB, "A's held context was still live when B acquired")
			assert.True(t, doneAt.Before(got.at), "A's held ended at %v, B acquired at %v", doneAt, got.at)
			assert.ErrorIs(t, context.Cause(heldA), ErrLeaseLost)
			t.Logf("A's held ended %v before B acquired; cause: %v", got.at.Sub(doneAt), context.Cause(heldA))
			start := time.Now()
			releaseA()
			t.Logf("A's release returned after %v", time.Since(start))
			n := 0
			errs.Range(func(any, any) bool { n++; return true })
			assert.Positive(t, n, "renewal errors reach the hook")
		})
	}
}

// A renewal that finds another token gives the lease up at once and does
// not delete the other's key.
func TestLeaseTakenOverEndsHeld(t *testing.T) {
	t.Parallel()
	c, prefix := testClient(t)
	a := newLease(t, c, prefix, WithLeaseTTL(300*time.Millisecond))
	held, release, err := a.Acquire(context.Background())
	require.NoError(t, err)
	require.NoError(t, c.Set(context.Background(), a.Key(), "intruder", time.Minute).Err())
	select {
	case <-held.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("held not cancelled after the key changed hands")
	}
	assert.ErrorIs(t, context.Cause(held), ErrLeaseLost)
	release()
	assert.Equal(t, "intruder", c.Get(context.Background(), a.Key()).Val(), "the other's key is kept")
}

// Cancelling Acquire's context ends the held context and frees the key.
func TestLeaseContextEndFreesKey(t *testing.T) {
	t.Parallel()
	c, prefix := testClient(t)
	a := newLease(t, c, prefix)
	ctx, cancel := context.WithCancel(context.Background())
	held, release, err := a.Acquire(ctx)
	require.NoError(t, err)
	cancel()
	<-held.Done()
	// The holder is now closing its socket: the key must stay until it
	// calls release, or another replica could dial while the old socket is
	// still open.
	time.Sleep(50 * time.Millisecond) // lets a wrong early delete happen; no timing is asserted
	assert.Equal(t, int64(1), c.Exists(context.Background(), a.Key()).Val(), "kept until release")
	release()
	assert.ErrorIs(t, held.Err(), context.Canceled)
	assert.Equal(t, int64(0), c.Exists(context.Background(), a.Key()).Val(), "given up by release")
	assert.Equal(t, int64(1), c.Exists(context.Background(), a.Key()+":fence").Val(), "the fence outlives the lease")
}

func TestLeaseAcquireErrors(t *testing.T) {
	t.Parallel()
	c, prefix := testClient(t)
	a := newLease(t, c, prefix)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, release, err := a.Acquire(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	release()

	closed := redis.NewClient(redisOptions(t))
	require.NoError(t, closed.Close())
	l := newLease(t, closed, prefix)
	_, release, err = l.Acquire(context.Background())
	assert.ErrorIs(t, err, redis.ErrClosed)
	assert.ErrorContains(t, err, "redisstore: lease acquire")
	release()
}

func TestNewLeaseOptions(t *testing.T) {
	t.Parallel()
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer c.Close()
	_, err := NewLease(nil, "s")
	assert.ErrorIs(t, err, ErrNilClient)
	_, err = NewLease(c, "")
	assert.ErrorIs(t, err, ErrEmptySubscription)
	for _, o := range []LeaseOption{
		WithLeaseTTL(time.Millisecond), WithLeaseTTL(-time.Second),
		WithLeaseMargin(-time.Second), WithLeaseMargin(7 * time.Second),
		WithLeasePoll(-time.Second),
	} {
		_, err = NewLease(c, "s", o)
		assert.ErrorIs(t, err, ErrBadDuration)
	}
	l, err := NewLease(c, "s")
	require.NoError(t, err)
	assert.Equal(t, "zoomevents:ws-lease:{s}", l.Key())
	assert.Equal(t, DefaultLeaseTTL, l.ttl)
	assert.Equal(t, 2*time.Second, l.margin)
	assert.Equal(t, time.Second, l.poll)
	l, err = NewLease(c, "s", WithLeaseTTL(50*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, 10*time.Millisecond, l.poll, "poll clamped")
}

// cutProxy forwards TCP to Redis until cut, then swallows everything: the
// connections stay open but nothing comes back, and new ones are accepted
// and ignored, like a network partition.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	isCut  bool
	conns  []net.Conn
	wg     sync.WaitGroup
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &cutProxy{ln: ln, target: target}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

func (p *cutProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns = append(p.conns, c)
		if p.isCut {
			p.mu.Unlock()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		p.conns = append(p.conns, up)
		p.wg.Add(2)
		go p.pipe(up, c)
		go p.pipe(c, up)
		p.mu.Unlock()
	}
}

func (p *cutProxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	_, _ = io.Copy(dst, src)
}

// cut stops forwarding: the upstream side is closed, the client side is
// left open and silent.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.isCut = true
	for _, c := range p.conns {
		if c.RemoteAddr().String() == p.target {
			_ = c.Close()
		}
	}
}

func (p *cutProxy) close() {
	_ = p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

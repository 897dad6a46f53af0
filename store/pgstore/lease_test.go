package pgstore_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zoomevents/zoomevents/store/pgstore"
)

// The method set is wsclient's lease hook; pgstore does not import wsclient.
var _ interface {
	Acquire(context.Context) (context.Context, func(), error)
} = (*pgstore.Lease)(nil)

func newLease(t *testing.T, pool *pgxpool.Pool, n names, name string, opts ...pgstore.Option) *pgstore.Lease {
	t.Helper()
	l, err := pgstore.NewLease(pool, name, append(append([]pgstore.Option{}, n.opts...), opts...)...)
	mustNil(t, err)
	return l
}

func TestLeaseFenceAndRelease(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	n := tables(t, pool)
	l := newLease(t, pool, n, "sub")
	ctx := context.Background()
	if _, ok := pgstore.Fence(ctx); ok {
		t.Fatal("Fence of a context that holds no lease reported one")
	}
	var last int64
	for i := range 3 {
		held, release, err := l.Acquire(ctx)
		mustNil(t, err)
		f, ok := pgstore.Fence(held)
		if !ok || f <= last {
			t.Fatalf("acquisition %d: fence %d (ok %v), want more than %d", i, f, ok, last)
		}
		last = f
		if held.Err() != nil {
			t.Fatal("held context done at once")
		}
		release()
		release() // safe twice
		if !errors.Is(context.Cause(held), pgstore.ErrLeaseReleased) {
			t.Fatalf("cause after release: %v", context.Cause(held))
		}
		var token *string
		mustNil(t, pool.QueryRow(ctx, "SELECT token FROM "+n.lease+" WHERE name = 'sub'").Scan(&token))
		if token != nil {
			t.Fatal("release left the token in the row")
		}
	}
}

func TestLeaseContention(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	n := tables(t, pool)
	ctx := context.Background()
	var (
		holders, maxHolders atomic.Int32
		mu                  sync.Mutex
		fences              []int64
		wg                  sync.WaitGroup
	)
	for r := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := newLease(t, pool, n, "sub", pgstore.WithLeaseTTL(3*time.Second), pgstore.WithLeasePoll(20*time.Millisecond))
			for range 3 {
				held, release, err := l.Acquire(ctx)
				if err != nil {
					t.Errorf("replica %d: %v", r, err)
					return
				}
				h := holders.Add(1)
				for m := maxHolders.Load(); h > m && !maxHolders.CompareAndSwap(m, h); m = maxHolders.Load() {
				}
				f, _ := pgstore.Fence(held)
				mu.Lock()
				fences = append(fences, f)
				mu.Unlock()
				time.Sleep(30 * time.Millisecond) // hold it a little
				if held.Err() != nil {
					t.Errorf("replica %d lost the lease while holding it: %v", r, context.Cause(held))
				}
				holders.Add(-1)
				release()
			}
		}()
	}
	wg.Wait()
	if m := maxHolders.Load(); m != 1 {
		t.Fatalf("%d replicas held the lease at once, want 1", m)
	}
	// Acquisitions never overlap, so recording order is acquisition order.
	for i := 1; i < len(fences); i++ {
		if fences[i] <= fences[i-1] {
			t.Fatalf("fences not increasing: %v", fences)
		}
	}
	if len(fences) != 9 {
		t.Fatalf("%d acquisitions, want 9", len(fences))
	}
}

func TestLeaseFastHandoverOnRelease(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	n := tables(t, pool)
	ctx := context.Background()
	a := newLease(t, pool, n, "sub") // default TTL 10 s, poll 1 s
	b := newLease(t, pool, n, "sub")
	_, releaseA, err := a.Acquire(ctx)
	mustNil(t, err)
	got := make(chan time.Time, 1)
	var releaseB func()
	go func() {
		_, r, err := b.Acquire(ctx)
		if err != nil {
			t.Error(err)
		}
		releaseB = r
		got <- time.Now()
	}()
	time.Sleep(200 * time.Millisecond) // let b poll at least once
	released := time.Now()
	releaseA()
	handover := (<-got).Sub(released)
	if releaseB == nil {
		t.FailNow()
	}
	defer releaseB()
	t.Logf("handover after release: %v (TTL 10s, poll 1s)", handover)
	if handover > 5*time.Second {
		t.Fatalf("handover took %v, want well under the 10 s TTL", handover)
	}
}

// pgAddr returns the test server's host:port.
func pgAddr(t *testing.T) string {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(serverURL(t))
	mustNil(t, err)
	return net.JoinHostPort(cfg.ConnConfig.Host, strconv.Itoa(int(cfg.ConnConfig.Port)))
}

// viaProxy returns a pool whose connections go through a proxy that the
// test can cut, tagged with an application_name.
func viaProxy(t *testing.T, app string) (*pgxpool.Pool, *proxy) {
	t.Helper()
	p := newProxy(t, pgAddr(t))
	host, port, _ := net.SplitHostPort(p.addr())
	pn, _ := strconv.Atoi(port)
	pool := newPool(t, func(c *pgxpool.Config) {
		c.ConnConfig.Host, c.ConnConfig.Port = host, uint16(pn)
		c.ConnConfig.RuntimeParams["application_name"] = app
		c.ConnConfig.ConnectTimeout = time.Second
	})
	return pool, p
}

func terminate(t *testing.T, admin *pgxpool.Pool, app string) {
	t.Helper()
	_, err := admin.Exec(context.Background(),
		"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", app)
	mustNil(t, err)
}

func TestLeaseHolderCutOff(t *testing.T) {
	t.Parallel()
	admin := newPool(t)
	n := tables(t, admin)
	ctx := context.Background()
	app := "zt_holder_" + randHex(4)
	poolA, p := viaProxy(t, app)
	opts := []pgstore.Option{pgstore.WithLeaseTTL(3 * time.Second), pgstore.WithLeaseMargin(time.Second), pgstore.WithLeasePoll(50 * time.Millisecond)}
	a := newLease(t, poolA, n, "sub", opts...)
	heldA, releaseA, err := a.Acquire(ctx)
	mustNil(t, err)
	defer releaseA()
	fenceA, _ := pgstore.Fence(heldA)

	// A transient cut (its backends terminated, reconnection possible):
	// the holder renews on a new connection and keeps the lease.
	var before time.Time
	mustNil(t, admin.QueryRow(ctx, "SELECT expires_at FROM "+n.lease+" WHERE name = 'sub'").Scan(&before))
	terminate(t, admin, app)
	eventually(t, "a renewal on a new connection", func() bool {
		var after time.Time
		mustNil(t, admin.QueryRow(ctx, "SELECT expires_at FROM "+n.lease+" WHERE name = 'sub'").Scan(&after))
		return after.After(before)
	})
	if heldA.Err() != nil {
		t.Fatalf("a transient cut lost the lease: %v", context.Cause(heldA))
	}

	// A lasting cut: the holder's backends are terminated from another
	// pool and it cannot reconnect. B waits for the lease.
	b := newLease(t, admin, n, "sub", opts...)
	acquired := make(chan struct {
		heldADone bool
		fence     int64
		release   func()
	}, 1)
	go func() {
		held, release, err := b.Acquire(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		f, _ := pgstore.Fence(held)
		// The order that matters: A's held context must be done before B
		// holds the lease, so A closes its socket before B dials.
		acquired <- struct {
			heldADone bool
			fence     int64
			release   func()
		}{heldA.Err() != nil, f, release}
	}()
	p.Cut()
	terminate(t, admin, app)
	got := <-acquired
	defer got.release()
	if !got.heldADone {
		t.Fatal("B acquired the lease while A's held context was still live")
	}
	if cause := context.Cause(heldA); !errors.Is(cause, pgstore.ErrLeaseLost) || cause != pgstore.ErrLeaseNotRenewed {
		t.Fatalf("A's cause: %v, want ErrLeaseLost for want of a renewal", cause)
	}
	if got.fence <= fenceA {
		t.Fatalf("B's fence %d not above A's %d", got.fence, fenceA)
	}
}

func TestLeaseDeadHolderReplacedWithinTTL(t *testing.T) {
	t.Parallel()
	admin := newPool(t)
	n := tables(t, admin)
	ctx := context.Background()
	poolA, p := viaProxy(t, "zt_dead_"+randHex(4))
	a := newLease(t, poolA, n, "sub") // defaults: TTL 10 s, renew 3.3 s, poll 1 s
	b := newLease(t, admin, n, "sub")
	_, releaseA, err := a.Acquire(ctx)
	mustNil(t, err)
	defer releaseA()
	// Let A renew once, so it dies at some point inside a renew period.
	time.Sleep(4 * time.Second)
	died := time.Now()
	p.Cut() // A's process is gone: nothing renews, nothing releases.
	_, releaseB, err := b.Acquire(ctx)
	mustNil(t, err)
	defer releaseB()
	took := time.Since(died)
	t.Logf("dead holder replaced after %v (TTL 10s, target TTL + 1s)", took)
	if took > 14*time.Second {
		t.Fatalf("replacement took %v, want within TTL + 1 s (asserting a generous 14 s)", took)
	}
}

func TestLeaseRenewalFindsItTaken(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	n := tables(t, pool)
	ctx := context.Background()
	l := newLease(t, pool, n, "sub", pgstore.WithLeaseTTL(3*time.Second))
	held, release, err := l.Acquire(ctx)
	mustNil(t, err)
	defer release()
	// Someone else's token (an operator, or a holder after a clock jump).
	_, err = pool.Exec(ctx, "UPDATE "+n.lease+" SET token = 'other' WHERE name = 'sub'")
	mustNil(t, err)
	<-held.Done() // the next renewal (1 s) notices, before the deadline
	if cause := context.Cause(held); !errors.Is(cause, pgstore.ErrLeaseLost) || cause != pgstore.ErrLeaseTaken {
		t.Fatalf("cause %v, want ErrLeaseLost because the renewal found the lease taken", cause)
	}
	release()
	var token string
	mustNil(t, pool.QueryRow(ctx, "SELECT token FROM "+n.lease+" WHERE name = 'sub'").Scan(&token))
	if token != "other" {
		t.Fatalf("release of a lost lease changed the row: token %q", token)
	}
}

func TestLeaseAcquireEnds(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	n := tables(t, pool)
	l := newLease(t, pool, n, "sub")
	held, release, err := l.Acquire(context.Background())
	mustNil(t, err)
	defer release()
	_ = held
	// A waiting replica whose context ends gets the context's error.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, _, err := newLease(t, pool, n, "sub").Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire with an ending context: %v", err)
	}
	// The parent context ending ends held.
	pctx, pcancel := context.WithCancel(context.Background())
	held2, release2, err := newLease(t, pool, n, "other").Acquire(pctx)
	mustNil(t, err)
	pcancel()
	<-held2.Done()
	release2()
	// A missing table is an error at once, not an endless wait.
	bad, err := pgstore.NewLease(pool, "sub", pgstore.WithLeaseTable("zt_missing_"+randHex(4)))
	mustNil(t, err)
	if _, _, err := bad.Acquire(context.Background()); err == nil {
		t.Fatal("Acquire on a missing table succeeded")
	}
}

func TestLeaseOptions(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]pgstore.Option{
		"zero TTL":       {pgstore.WithLeaseTTL(0)},
		"margin > TTL/2": {pgstore.WithLeaseTTL(time.Second), pgstore.WithLeaseMargin(600 * time.Millisecond)},
		"negative poll":  {pgstore.WithLeasePoll(-1)},
		"bad table":      {pgstore.WithLeaseTable("x;y")},
	} {
		if _, err := pgstore.NewLease(&pgxpool.Pool{}, "sub", opts...); !errors.Is(err, pgstore.ErrInvalidOption) {
			t.Errorf("%s: %v, want ErrInvalidOption", name, err)
		}
	}
	if _, err := pgstore.NewLease(&pgxpool.Pool{}, ""); !errors.Is(err, pgstore.ErrInvalidOption) {
		t.Errorf("empty name: %v", err)
	}
	if _, err := pgstore.NewLease(nil, "sub"); !errors.Is(err, pgstore.ErrInvalidOption) {
		t.Errorf("nil pool: %v", err)
	}
}

package pgstore_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/zoomevents/zoomevents/internal/replicatest"
	"github.com/zoomevents/zoomevents/store/pgstore"
)

// replicaTTL is the lease TTL of the multi-replica test: 1 s, or
// ZOOMEVENTS_REPLICA_TTL (a Go duration) to try others.
func replicaTTL(t *testing.T) time.Duration {
	t.Helper()
	ttl := time.Second
	if v := os.Getenv("ZOOMEVENTS_REPLICA_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 100*time.Millisecond {
			t.Fatalf("ZOOMEVENTS_REPLICA_TTL=%q: want a duration of at least 100ms", v)
		}
		ttl = d
	}
	return ttl
}

// crashable is a lease whose release, once crashed, leaves the lease row
// held until it expires: the held context ends with the Run context, which
// stops the renewals, but nothing gives the row up, as when the process
// died. The real releases run at Close, after another replica took over
// (they then find another token and change nothing).
type crashable struct {
	l       *pgstore.Lease
	mu      sync.Mutex
	crashed bool
	pending []func()
}

func (c *crashable) Acquire(ctx context.Context) (context.Context, func(), error) {
	held, release, err := c.l.Acquire(ctx)
	if err != nil {
		return held, release, err
	}
	return held, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.crashed {
			c.pending = append(c.pending, release)
			return
		}
		release()
	}, nil
}

func (c *crashable) crash() {
	c.mu.Lock()
	c.crashed = true
	c.mu.Unlock()
}

func (c *crashable) close() {
	c.mu.Lock()
	pending := c.pending
	c.pending = nil
	c.mu.Unlock()
	for _, release := range pending {
		release()
	}
}

// Three wsclient replicas share one fake Zoom subscription through the
// PostgreSQL lease, each behind event.Dedup on the PostgreSQL store, while
// events are emitted every 5 ms; the holder is killed five times, by a
// crash (its Run cancelled, its lease row left to expire) and, separately,
// by cutting its connections to the database (the lease's pool goes through
// a proxy that is cut). See replicatest.Run for what is asserted; the
// figures are logged.
func TestReplicasFailover(t *testing.T) {
	ttl := replicaTTL(t)
	for _, kill := range []replicatest.Kill{replicatest.Crash, replicatest.Cut} {
		t.Run(kill.String(), func(t *testing.T) {
			t.Parallel()
			store, _, n := newStore(t)
			replicatest.Run(t, replicatest.Config{TTL: ttl, Kill: kill, NewReplica: func(t *testing.T, id int) *replicatest.Replica {
				// The lease's pool goes through a proxy of its own that
				// the test can cut; the dedup store's does not.
				pool, p := viaProxy(t, "zt_replica_"+randHex(4))
				l := &crashable{l: newLease(t, pool, n, "sub", pgstore.WithLeaseTTL(ttl))}
				return &replicatest.Replica{
					Lease: l,
					Store: store,
					Crash: l.crash,
					Cut:   p.Cut,
					Close: func() {
						l.close()
						p.Cut()
						pool.Close()
					},
				}
			}})
		})
	}
}

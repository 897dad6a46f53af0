package redisstore

import (
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/zoomevents/zoomevents/internal/replicatest"
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

// Three wsclient replicas share one fake Zoom subscription through the
// Redis lease, each behind event.Dedup on the Redis store, while events are
// emitted every 5 ms; the holder is killed five times, by a crash (its Run
// cancelled, its lease left to expire) and, separately, by cutting its
// connection to Redis (a blackhole: packets vanish). See replicatest.Run for
// what is asserted; the figures are logged.
func TestReplicasFailover(t *testing.T) {
	ttl := replicaTTL(t)
	for _, kill := range []replicatest.Kill{replicatest.Crash, replicatest.Cut} {
		t.Run(kill.String(), func(t *testing.T) {
			t.Parallel()
			shared, prefix := testClient(t)
			opt := redisOptions(t)
			store, err := New(shared, WithKeyPrefix(prefix+"dedup:"))
			if err != nil {
				t.Fatal(err)
			}
			replicatest.Run(t, replicatest.Config{TTL: ttl, Kill: kill, NewReplica: func(t *testing.T, id int) *replicatest.Replica {
				// The lease goes through a proxy of its own that the test
				// can cut; the dedup store does not.
				p := newCutProxy(t, opt.Addr)
				via := *opt
				via.Addr = p.addr()
				via.ReadTimeout = 2 * ttl
				via.WriteTimeout = 2 * ttl
				lc := redis.NewClient(&via)
				l, err := NewLease(lc, "sub", WithLeaseKeyPrefix(prefix+"lease:"), WithLeaseTTL(ttl))
				if err != nil {
					t.Fatal(err)
				}
				// A crashed replica's lease stays in Redis until it
				// expires: the release that wsclient calls when its Run
				// is cancelled stops renewing and deletes nothing.
				l.abandon = kill == replicatest.Crash
				return &replicatest.Replica{
					Lease: l,
					Store: store,
					Crash: func() {},
					Cut:   p.cut,
					Close: func() {
						_ = lc.Close()
						p.close()
					},
				}
			}})
		})
	}
}

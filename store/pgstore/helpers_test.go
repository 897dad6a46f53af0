package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zoomevents/zoomevents/store/pgstore"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	urlEnv     = "ZOOMEVENTS_POSTGRES_URL"
	requireEnv = "ZOOMEVENTS_REQUIRE_SERVERS"
)

// serverURL returns the test server's URL, skips the test when there is
// none, or fails it when the servers are required.
func serverURL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv(urlEnv)
	if url == "" {
		if os.Getenv(requireEnv) == "1" {
			tb.Fatalf("%s=1 but %s is unset: start a server with `source .ci/postgres.sh && pg_start`", requireEnv, urlEnv)
		}
		tb.Skipf("no PostgreSQL (%s unset); to run: source .ci/postgres.sh && pg_start (at the repository root), then go test ./store/pgstore/...", urlEnv)
	}
	return url
}

// newPool returns a pool on the test server, closed when the test ends.
func newPool(tb testing.TB, edit ...func(*pgxpool.Config)) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(serverURL(tb))
	if err != nil {
		tb.Fatalf("parse %s: %v", urlEnv, err)
	}
	for _, e := range edit {
		e(cfg)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// names are a test's own tables and the options that name them.
type names struct {
	opts         []pgstore.Option
	dedup, lease string
}

// tables migrates a dedup table and a lease table of the test's own and
// drops them when the test ends.
func tables(tb testing.TB, pool *pgxpool.Pool) names {
	tb.Helper()
	id := randHex(6)
	dedup, lease := "zt_dedup_"+id, "zt_lease_"+id
	opts := []pgstore.Option{pgstore.WithTable(dedup), pgstore.WithLeaseTable(lease)}
	ctx := context.Background()
	if err := pgstore.Migrate(ctx, pool, opts...); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := pool.Exec(context.Background(), "DROP TABLE IF EXISTS "+dedup+", "+lease); err != nil {
			tb.Errorf("drop test tables: %v", err)
		}
	})
	return names{opts: opts, dedup: dedup, lease: lease}
}

// eventually polls cond every 20 ms until it holds or 20 s pass (a bound
// for a busy machine, not a measurement).
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func mustNil(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func mustIs(tb testing.TB, err, target error) {
	tb.Helper()
	if !errors.Is(err, target) {
		tb.Fatalf("got error %v, want %v", err, target)
	}
}

// proxy forwards TCP connections to a PostgreSQL server until cut, to
// simulate a replica whose network to the database fails.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	cut    bool
	wg     sync.WaitGroup
}

func newProxy(tb testing.TB, target string) *proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	p.wg.Add(1)
	go p.accept()
	tb.Cleanup(p.Cut)
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.cut {
			p.mu.Unlock()
			c.Close()
			s.Close()
			continue
		}
		p.conns = append(p.conns, c, s)
		p.wg.Add(2)
		p.mu.Unlock()
		go p.pipe(c, s)
		go p.pipe(s, c)
	}
}

func (p *proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
}

// Cut refuses new connections and breaks the open ones; it waits for the
// proxy's goroutines.
func (p *proxy) Cut() {
	p.mu.Lock()
	p.cut = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.ln.Close()
	p.wg.Wait()
}

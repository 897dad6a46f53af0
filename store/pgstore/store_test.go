package pgstore_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/store/pgstore"
)

var _ event.Store = (*pgstore.Store)(nil)

func newStore(t *testing.T, extra ...pgstore.Option) (*pgstore.Store, *pgxpool.Pool, names) {
	t.Helper()
	pool := newPool(t)
	n := tables(t, pool)
	s, err := pgstore.New(pool, append(n.opts, extra...)...)
	mustNil(t, err)
	return s, pool, n
}

// row returns key's state and token ("" for none), and whether it exists.
func row(t *testing.T, pool *pgxpool.Pool, opts names, key string) (state, token string, live, ok bool) {
	t.Helper()
	var tok *string
	err := pool.QueryRow(context.Background(),
		"SELECT state, token, expires_at > now() FROM "+opts.dedup+" WHERE key = $1", key).Scan(&state, &tok, &live)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", false, false
	}
	mustNil(t, err)
	if tok != nil {
		token = *tok
	}
	return state, token, live, true
}

func TestClaimDuplicateDone(t *testing.T) {
	t.Parallel()
	s, pool, opts := newStore(t)
	ctx := context.Background()

	tok, ok, err := s.Claim(ctx, "k", time.Minute)
	mustNil(t, err)
	if !ok || len(tok) != 32 {
		t.Fatalf("first claim: ok=%v token=%q, want true and 32 hex digits", ok, tok)
	}
	tok2, ok, err := s.Claim(ctx, "k", time.Minute)
	mustNil(t, err)
	if ok || tok2 != "" {
		t.Fatalf("claim of an in-progress key: ok=%v token=%q", ok, tok2)
	}
	mustIs(t, s.Extend(ctx, "k", "not-the-token", time.Minute), event.ErrClaimLost)
	mustIs(t, s.Release(ctx, "k", "not-the-token"), event.ErrClaimLost)
	mustIs(t, s.Complete(ctx, "k", "not-the-token", time.Hour), event.ErrClaimLost)
	if st, token, live, _ := row(t, pool, opts, "k"); st != "claimed" || token != tok || !live {
		t.Fatalf("after wrong-token calls: state %q token %q live %v, want the first claim", st, token, live)
	}
	mustNil(t, s.Extend(ctx, "k", tok, time.Minute))
	mustNil(t, s.Complete(ctx, "k", tok, time.Hour))
	if st, _, live, _ := row(t, pool, opts, "k"); st != "done" || !live {
		t.Fatalf("after Complete: state %q live %v", st, live)
	}
	_, ok, err = s.Claim(ctx, "k", time.Minute)
	mustNil(t, err)
	if ok {
		t.Fatal("claim of a done key succeeded")
	}
	// Done is final for every token, the one that completed it included.
	mustIs(t, s.Complete(ctx, "k", tok, time.Hour), event.ErrClaimLost)
	mustIs(t, s.Extend(ctx, "k", tok, time.Minute), event.ErrClaimLost)
	mustIs(t, s.Release(ctx, "k", tok), event.ErrClaimLost)
	mustIs(t, s.Release(ctx, "k", ""), event.ErrClaimLost)

	// Release frees a key for the next claim, with a new token.
	tok, ok, err = s.Claim(ctx, "r", time.Minute)
	mustNil(t, err)
	mustNil(t, s.Release(ctx, "r", tok))
	if _, _, _, exists := row(t, pool, opts, "r"); exists {
		t.Fatal("Release left the row")
	}
	again, ok2, err := s.Claim(ctx, "r", time.Minute)
	mustNil(t, err)
	if !ok || !ok2 || again == tok {
		t.Fatalf("claim after release: ok=%v token reused=%v", ok2, again == tok)
	}

	// Complete of a key nobody holds (for example swept) marks it done.
	mustNil(t, s.Complete(ctx, "absent", "whatever", time.Hour))
	if _, ok, _ := s.Claim(ctx, "absent", time.Minute); ok {
		t.Fatal("claim after Complete of an absent key succeeded")
	}

	// Bad durations are typed errors, and nothing is written.
	_, _, err = s.Claim(ctx, "bad", 0)
	mustIs(t, err, pgstore.ErrInvalidDuration)
	mustIs(t, s.Extend(ctx, "k", tok, -time.Second), pgstore.ErrInvalidDuration)
	mustIs(t, s.Complete(ctx, "k", tok, 0), pgstore.ErrInvalidDuration)
	if _, _, _, exists := row(t, pool, opts, "bad"); exists {
		t.Fatal("a claim with a zero lease wrote a row")
	}
}

// waitExpired waits until the database's clock has passed key's expiry.
func waitExpired(t *testing.T, pool *pgxpool.Pool, opts names, key string) {
	t.Helper()
	eventually(t, "the claim on "+key+" to expire", func() bool {
		_, _, live, ok := row(t, pool, opts, key)
		return ok && !live
	})
}

func TestExpiredClaimFreesKey(t *testing.T) {
	t.Parallel()
	s, pool, opts := newStore(t)
	ctx := context.Background()
	dead, ok, err := s.Claim(ctx, "k", 200*time.Millisecond)
	mustNil(t, err)
	if !ok {
		t.Fatal("first claim failed")
	}
	// The replica holding dead never completes: the key comes free when
	// the lease ends, and Zoom's retry is handled.
	waitExpired(t, pool, opts, "k")
	retry, ok, err := s.Claim(ctx, "k", time.Minute)
	mustNil(t, err)
	if !ok || retry == dead {
		t.Fatalf("claim after the lease ended: ok=%v, same token %v", ok, retry == dead)
	}
	mustNil(t, s.Complete(ctx, "k", retry, time.Hour))

	// An expired claim nobody took over may still be completed by its
	// owner (the key was free), but no longer extended or released.
	slow, _, err := s.Claim(ctx, "slow", 200*time.Millisecond)
	mustNil(t, err)
	waitExpired(t, pool, opts, "slow")
	mustIs(t, s.Extend(ctx, "slow", slow, time.Minute), event.ErrClaimLost)
	mustIs(t, s.Release(ctx, "slow", slow), event.ErrClaimLost)
	mustNil(t, s.Complete(ctx, "slow", slow, time.Hour))
	if st, _, live, _ := row(t, pool, opts, "slow"); st != "done" || !live {
		t.Fatalf("Complete after an expired, untaken claim: state %q live %v", st, live)
	}

	// An expired done row is free again.
	tok, _, err := s.Claim(ctx, "short", time.Minute)
	mustNil(t, err)
	mustNil(t, s.Complete(ctx, "short", tok, 200*time.Millisecond))
	waitExpired(t, pool, opts, "short")
	if _, ok, err := s.Claim(ctx, "short", time.Minute); err != nil || !ok {
		t.Fatalf("claim of an expired done key: ok=%v err=%v", ok, err)
	}
}

func TestSlowReplicaLosesClaim(t *testing.T) {
	t.Parallel()
	s, pool, opts := newStore(t)
	ctx := context.Background()
	slow, _, err := s.Claim(ctx, "k", 200*time.Millisecond)
	mustNil(t, err)
	waitExpired(t, pool, opts, "k")
	other, ok, err := s.Claim(ctx, "k", time.Minute)
	mustNil(t, err)
	if !ok {
		t.Fatal("second replica could not claim an expired key")
	}
	// The slow replica wakes up: every call fails and changes nothing.
	mustIs(t, s.Extend(ctx, "k", slow, time.Minute), event.ErrClaimLost)
	mustIs(t, s.Complete(ctx, "k", slow, time.Hour), event.ErrClaimLost)
	mustIs(t, s.Release(ctx, "k", slow), event.ErrClaimLost)
	if st, token, live, _ := row(t, pool, opts, "k"); st != "claimed" || token != other || !live {
		t.Fatalf("the other's claim was disturbed: state %q, token is other's: %v, live %v", st, token == other, live)
	}
	if _, ok, _ := s.Claim(ctx, "k", time.Minute); ok {
		t.Fatal("key claimable while the other holds it")
	}
	mustNil(t, s.Extend(ctx, "k", other, time.Minute))
	mustNil(t, s.Complete(ctx, "k", other, time.Hour))
}

func TestConcurrentClaimsOneWins(t *testing.T) {
	t.Parallel()
	s, pool, n := newStore(t)
	ctx := context.Background()
	for round := range 6 {
		key := "k" + string(rune('a'+round))
		if round%2 == 1 {
			// Odd rounds race for an expired row rather than no row.
			_, err := pool.Exec(ctx, "INSERT INTO "+n.dedup+" (key, token, state, expires_at) VALUES ($1, 'dead', 'claimed', now() - interval '1 second')", key)
			mustNil(t, err)
		}
		var (
			wins  atomic.Int32
			wg    sync.WaitGroup
			start = make(chan struct{})
			errs  = make(chan error, 20)
		)
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, ok, err := s.Claim(ctx, key, time.Minute)
				if err != nil {
					errs <- err
				}
				if ok {
					wins.Add(1)
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if n := wins.Load(); n != 1 {
			t.Fatalf("round %d: %d of 20 concurrent claims won, want 1", round, n)
		}
	}
}

func TestSweep(t *testing.T) {
	t.Parallel()
	s, pool, opts := newStore(t, pgstore.WithSweepBatch(1000))
	ctx := context.Background()
	table := opts.dedup
	live, _, err := s.Claim(ctx, "live-claim", time.Hour)
	mustNil(t, err)
	done, _, err := s.Claim(ctx, "live-done", time.Hour)
	mustNil(t, err)
	mustNil(t, s.Complete(ctx, "live-done", done, time.Hour))
	// 2500 expired rows, claimed and done: three batches.
	_, err = pool.Exec(ctx, `INSERT INTO `+table+` (key, token, state, expires_at)
SELECT 'old-' || i, CASE WHEN i % 2 = 0 THEN 'tok' END, CASE WHEN i % 2 = 0 THEN 'claimed' ELSE 'done' END,
       now() - interval '1 second' FROM generate_series(1, 2500) AS i`)
	mustNil(t, err)

	// A row locked by a transaction in flight is skipped, not waited for.
	tx, err := pool.Begin(ctx)
	mustNil(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, "SELECT 1 FROM "+table+" WHERE key = 'old-1' FOR UPDATE")
	mustNil(t, err)

	n, err := s.Sweep(ctx)
	mustNil(t, err)
	if n != 2499 {
		t.Fatalf("Sweep deleted %d rows, want 2499 (2500 expired, one locked)", n)
	}
	mustNil(t, tx.Rollback(ctx))
	n, err = s.Sweep(ctx)
	mustNil(t, err)
	if n != 1 {
		t.Fatalf("second Sweep deleted %d rows, want the one that was locked", n)
	}
	var left int
	mustNil(t, pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&left))
	if left != 2 {
		t.Fatalf("%d rows left, want the 2 live ones", left)
	}
	mustNil(t, s.Extend(ctx, "live-claim", live, time.Hour))
	if st, _, l, _ := row(t, pool, opts, "live-done"); st != "done" || !l {
		t.Fatal("Sweep touched a live done row")
	}
}

func TestRunSweeper(t *testing.T) {
	t.Parallel()
	s, pool, opts := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mustIs(t, s.RunSweeper(ctx, 0, nil), pgstore.ErrInvalidDuration)

	tok, _, err := s.Claim(ctx, "k", 100*time.Millisecond)
	mustNil(t, err)
	_ = tok
	ended := make(chan error, 1)
	go func() {
		ended <- s.RunSweeper(ctx, 50*time.Millisecond, func(err error) { t.Errorf("sweep: %v", err) })
	}()
	eventually(t, "the sweeper to delete the expired claim", func() bool {
		_, _, _, ok := row(t, pool, opts, "k")
		return !ok
	})
	cancel()
	if err := <-ended; err != nil {
		t.Fatalf("RunSweeper returned %v after its context ended, want nil", err)
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	bad := []string{"", "1abc", `x"; DROP TABLE y; --`, "a.b.c", "a b", "é", strings.Repeat("a", 52), ".x", "x."}
	for _, name := range bad {
		if _, err := pgstore.Schema(pgstore.WithTable(name)); !errors.Is(err, pgstore.ErrInvalidOption) {
			t.Errorf("WithTable(%q): err %v, want ErrInvalidOption", name, err)
		}
		if _, err := pgstore.Schema(pgstore.WithLeaseTable(name)); !errors.Is(err, pgstore.ErrInvalidOption) {
			t.Errorf("WithLeaseTable(%q): err %v, want ErrInvalidOption", name, err)
		}
		if _, err := pgstore.New(nil, pgstore.WithTable(name)); !errors.Is(err, pgstore.ErrInvalidOption) {
			t.Errorf("New(WithTable(%q)): err %v, want ErrInvalidOption", name, err)
		}
		if err := pgstore.Migrate(context.Background(), nil, pgstore.WithTable(name)); !errors.Is(err, pgstore.ErrInvalidOption) {
			t.Errorf("Migrate(WithTable(%q)): err %v, want ErrInvalidOption", name, err)
		}
	}
	sql, err := pgstore.Schema(pgstore.WithTable("app.Events_1"), pgstore.WithLeaseTable(strings.Repeat("l", 51)))
	mustNil(t, err)
	for _, want := range []string{`"app"."Events_1"`, `"Events_1_expires_idx"`, `"` + strings.Repeat("l", 51) + `"`} {
		if !strings.Contains(sql, want) {
			t.Errorf("schema lacks %s:\n%s", want, sql)
		}
	}
	if strings.Contains(sql, "{{") {
		t.Errorf("schema has an unreplaced placeholder:\n%s", sql)
	}
	if _, err := pgstore.New(nil); !errors.Is(err, pgstore.ErrInvalidOption) {
		t.Errorf("New(nil pool): %v", err)
	}
	if _, err := pgstore.New(nil, pgstore.WithSweepBatch(0)); !errors.Is(err, pgstore.ErrInvalidOption) {
		t.Errorf("WithSweepBatch(0): %v", err)
	}
}

func TestMigrateIdempotentAndConcurrent(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	opts := tables(t, pool).opts // the first run
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = pgstore.Migrate(ctx, pool, opts...) }()
	}
	wg.Wait()
	for _, err := range errs {
		mustNil(t, err)
	}
	// Fresh names migrated by four replicas at once.
	id := randHex(6)
	fresh := []pgstore.Option{pgstore.WithTable("zt_dedup_" + id), pgstore.WithLeaseTable("zt_lease_" + id)}
	t.Cleanup(func() { _, _ = pool.Exec(ctx, "DROP TABLE IF EXISTS zt_dedup_"+id+", zt_lease_"+id) })
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = pgstore.Migrate(ctx, pool, fresh...) }()
	}
	wg.Wait()
	for _, err := range errs {
		mustNil(t, err)
	}
	s, err := pgstore.New(pool, fresh...)
	mustNil(t, err)
	if _, ok, err := s.Claim(ctx, "k", time.Minute); err != nil || !ok {
		t.Fatalf("claim on the migrated table: %v %v", ok, err)
	}
}

// An empty token never holds a key, as in every event.Store.
func TestEmptyTokenHoldsNothing(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t)
	ctx := context.Background()
	mustIs(t, s.Complete(ctx, "free", "", time.Hour), event.ErrClaimLost)
	mustIs(t, s.Extend(ctx, "free", "", time.Minute), event.ErrClaimLost)
	mustIs(t, s.Release(ctx, "free", ""), event.ErrClaimLost)
	tok, ok, err := s.Claim(ctx, "free", time.Minute)
	mustNil(t, err)
	if !ok || tok == "" {
		t.Fatalf("the key stayed free: ok=%v token=%q", ok, tok)
	}
}

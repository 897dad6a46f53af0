package pgstore_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/store/pgstore"
)

// inboxFixture is a store, a table for the handler's own writes, and an
// event.
type inboxFixture struct {
	s       *pgstore.Store
	pool    *pgxpool.Pool
	n       names
	effects string
	ev      *event.Event
}

func newInbox(t *testing.T) *inboxFixture {
	t.Helper()
	s, pool, n := newStore(t)
	f := &inboxFixture{s: s, pool: pool, n: n, effects: "zt_effects_" + randHex(6)}
	ctx := context.Background()
	_, err := pool.Exec(ctx, "CREATE TABLE "+f.effects+" (key text NOT NULL)")
	mustNil(t, err)
	t.Cleanup(func() { _, _ = pool.Exec(context.Background(), "DROP TABLE IF EXISTS "+f.effects) })
	f.ev = newEvent(t)
	return f
}

// newEvent returns a meeting.started event of its own.
func newEvent(t *testing.T) *event.Event {
	t.Helper()
	ev, err := event.Parse([]byte(`{"event":"meeting.started","event_ts":1700000000000,"payload":{"account_id":"a","object":{"id":"` + randHex(4) + `","uuid":"u"}}}`))
	mustNil(t, err)
	return ev
}

// write is the handler's own effect: one row in the effects table.
func (f *inboxFixture) write(ctx context.Context, tx pgx.Tx, ev *event.Event) error {
	_, err := tx.Exec(ctx, "INSERT INTO "+f.effects+" (key) VALUES ($1)", event.EventKey(ev))
	return err
}

func (f *inboxFixture) count(t *testing.T) (effects, doneRows int) {
	t.Helper()
	ctx := context.Background()
	mustNil(t, f.pool.QueryRow(ctx, "SELECT count(*) FROM "+f.effects).Scan(&effects))
	mustNil(t, f.pool.QueryRow(ctx, "SELECT count(*) FROM "+f.n.dedup+" WHERE state = 'done' AND expires_at > now()").Scan(&doneRows))
	return effects, doneRows
}

func TestInboxFailureRollsBackThenRetryCommitsOnce(t *testing.T) {
	t.Parallel()
	f := newInbox(t)
	ctx := context.Background()
	boom := errors.New("boom")
	var calls atomic.Int32
	h := f.s.Inbox(func(ctx context.Context, tx pgx.Tx, ev *event.Event) error {
		if err := f.write(ctx, tx, ev); err != nil {
			return err
		}
		if calls.Add(1) == 1 {
			return boom // the first delivery fails after writing
		}
		return nil
	})
	if err := h.HandleEvent(ctx, f.ev); !errors.Is(err, boom) {
		t.Fatalf("first delivery: %v, want the handler's error", err)
	}
	if e, d := f.count(t); e != 0 || d != 0 {
		t.Fatalf("after the failure: %d effect rows and %d done rows, want neither", e, d)
	}
	mustNil(t, h.HandleEvent(ctx, f.ev)) // Zoom's retry
	mustNil(t, h.HandleEvent(ctx, f.ev)) // a duplicate
	if e, d := f.count(t); e != 1 || d != 1 {
		t.Fatalf("after the retry and a duplicate: %d effect rows and %d done rows, want 1 and 1", e, d)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("handler ran %d times, want 2 (failure, retry)", n)
	}
	if st := f.pool.Stat(); st.AcquiredConns() != 0 {
		t.Fatalf("%d connections still acquired", st.AcquiredConns())
	}
}

func TestInboxPanicRollsBack(t *testing.T) {
	t.Parallel()
	f := newInbox(t)
	ctx := context.Background()
	panicking := true
	var dups atomic.Int32
	h := f.s.Inbox(func(ctx context.Context, tx pgx.Tx, ev *event.Event) error {
		if err := f.write(ctx, tx, ev); err != nil {
			return err
		}
		if panicking {
			panic("handler bug")
		}
		return nil
	}, pgstore.WithInboxDuplicateHook(func(context.Context, *event.Event) { dups.Add(1) }))
	func() {
		defer func() {
			if r := recover(); r != "handler bug" {
				t.Fatalf("recovered %v, want the handler's panic", r)
			}
		}()
		_ = h.HandleEvent(ctx, f.ev)
		t.Fatal("HandleEvent returned instead of panicking")
	}()
	if e, d := f.count(t); e != 0 || d != 0 {
		t.Fatalf("after the panic: %d effect rows and %d done rows, want neither", e, d)
	}
	if st := f.pool.Stat(); st.AcquiredConns() != 0 {
		t.Fatalf("the panic leaked %d connections", st.AcquiredConns())
	}
	panicking = false
	mustNil(t, h.HandleEvent(ctx, f.ev))
	mustNil(t, h.HandleEvent(ctx, f.ev))
	if e, d := f.count(t); e != 1 || d != 1 || dups.Load() != 1 {
		t.Fatalf("after the retry: %d effects, %d done rows, %d duplicates; want 1, 1, 1", e, d, dups.Load())
	}
}

// waitBlocked waits until some backend waits for a lock: the second
// delivery blocked on the first's uncommitted row.
func waitBlocked(t *testing.T, pool *pgxpool.Pool, appName string) {
	t.Helper()
	eventually(t, "the second delivery to wait on the first's row", func() bool {
		var n int
		mustNil(t, pool.QueryRow(context.Background(),
			"SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", appName).Scan(&n))
		return n > 0
	})
}

func TestInboxConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	for _, firstFails := range []bool{false, true} {
		name := "first commits"
		if firstFails {
			name = "first fails"
		}
		t.Run(name, func(t *testing.T) {
			f := newInbox(t)
			app := "zt_inbox_" + randHex(4)
			second := newPool(t, func(c *pgxpool.Config) { c.ConnConfig.RuntimeParams["application_name"] = app })
			s2, err := pgstore.New(second, f.n.opts...)
			mustNil(t, err)
			ctx := context.Background()
			var calls atomic.Int32
			entered, proceed := make(chan struct{}), make(chan struct{})
			fn := func(ctx context.Context, tx pgx.Tx, ev *event.Event) error {
				if err := f.write(ctx, tx, ev); err != nil {
					return err
				}
				if calls.Add(1) == 1 {
					close(entered)
					<-proceed
					if firstFails {
						return errors.New("first fails")
					}
				}
				return nil
			}
			var wg sync.WaitGroup
			var firstErr error
			wg.Add(1)
			go func() { defer wg.Done(); firstErr = f.s.Inbox(fn).HandleEvent(ctx, f.ev) }()
			<-entered
			secondErr := make(chan error, 1)
			go func() { secondErr <- s2.Inbox(fn).HandleEvent(ctx, f.ev) }()
			waitBlocked(t, f.pool, app)
			close(proceed)
			wg.Wait()
			mustNil(t, <-secondErr)
			e, d := f.count(t)
			if firstFails {
				if firstErr == nil || calls.Load() != 2 || e != 1 || d != 1 {
					t.Fatalf("first failed (%v): handler ran %d times, %d effects, %d done rows; want 2, 1, 1", firstErr, calls.Load(), e, d)
				}
			} else if firstErr != nil || calls.Load() != 1 || e != 1 || d != 1 {
				t.Fatalf("first committed (%v): handler ran %d times, %d effects, %d done rows; want 1, 1, 1", firstErr, calls.Load(), e, d)
			}
		})
	}
}

func TestInboxReplicaKilledMidHandler(t *testing.T) {
	t.Parallel()
	t.Run("connection terminated", func(t *testing.T) {
		f := newInbox(t)
		ctx := context.Background()
		// Replica A writes, then hangs; its connection is cut from outside
		// (pg_terminate_backend: the server rolls its transaction back).
		poolA := newPool(t)
		sA, err := pgstore.New(poolA, f.n.opts...)
		mustNil(t, err)
		pid := make(chan uint32, 1)
		resume := make(chan struct{})
		errA := make(chan error, 1)
		go func() {
			errA <- sA.Inbox(func(ctx context.Context, tx pgx.Tx, ev *event.Event) error {
				if err := f.write(ctx, tx, ev); err != nil {
					return err
				}
				pid <- tx.Conn().PgConn().PID()
				<-resume
				return nil // too late: the transaction is gone
			}).HandleEvent(ctx, f.ev)
		}()
		var ok bool
		mustNil(t, f.pool.QueryRow(ctx, "SELECT pg_terminate_backend($1)", <-pid).Scan(&ok))
		if !ok {
			t.Fatal("pg_terminate_backend failed")
		}
		// Zoom's retry reaches replica B while A still hangs.
		var calls atomic.Int32
		mustNil(t, f.s.Inbox(func(ctx context.Context, tx pgx.Tx, ev *event.Event) error {
			calls.Add(1)
			return f.write(ctx, tx, ev)
		}).HandleEvent(ctx, f.ev))
		close(resume)
		if err := <-errA; err == nil {
			t.Fatal("replica A's commit on a terminated connection reported success")
		}
		if e, d := f.count(t); calls.Load() != 1 || e != 1 || d != 1 {
			t.Fatalf("retry ran %d times; %d effects, %d done rows; want 1, 1, 1", calls.Load(), e, d)
		}
	})
	t.Run("context cancelled", func(t *testing.T) {
		f := newInbox(t)
		ctx, cancel := context.WithCancel(context.Background())
		started := make(chan struct{})
		errA := make(chan error, 1)
		go func() {
			errA <- f.s.Inbox(func(ctx context.Context, tx pgx.Tx, ev *event.Event) error {
				if err := f.write(ctx, tx, ev); err != nil {
					return err
				}
				close(started)
				_, err := tx.Exec(ctx, "SELECT pg_sleep(60)") // interrupted
				return err
			}).HandleEvent(ctx, f.ev)
		}()
		<-started
		cancel()
		if err := <-errA; err == nil {
			t.Fatal("cancelled delivery reported success")
		}
		var calls atomic.Int32
		mustNil(t, f.s.Inbox(func(ctx context.Context, tx pgx.Tx, ev *event.Event) error {
			calls.Add(1)
			return f.write(ctx, tx, ev)
		}).HandleEvent(context.Background(), f.ev))
		if e, d := f.count(t); calls.Load() != 1 || e != 1 || d != 1 {
			t.Fatalf("retry ran %d times; %d effects, %d done rows; want 1, 1, 1", calls.Load(), e, d)
		}
	})
}

func TestInboxOptions(t *testing.T) {
	t.Parallel()
	f := newInbox(t)
	ctx := context.Background()
	if err := f.s.Inbox(nil).HandleEvent(ctx, f.ev); err == nil {
		t.Fatal("an inbox without a function accepted an event")
	}
	// A custom key: two different events with one key are one event.
	var calls atomic.Int32
	h := f.s.Inbox(func(ctx context.Context, tx pgx.Tx, ev *event.Event) error {
		calls.Add(1)
		return nil
	}, pgstore.WithInboxKey(func(*event.Event) string { return "same" }), pgstore.WithTxOptions(pgx.TxOptions{IsoLevel: pgx.Serializable}))
	other, err := event.Parse([]byte(`{"event":"meeting.ended","event_ts":1,"payload":{}}`))
	mustNil(t, err)
	mustNil(t, h.HandleEvent(ctx, f.ev))
	mustNil(t, h.HandleEvent(ctx, other))
	if calls.Load() != 1 {
		t.Fatalf("handler ran %d times for two events with one key, want 1", calls.Load())
	}
	// A key in progress through the Store's Claim is a duplicate for the
	// inbox until its lease ends.
	_, ok, err := f.s.Claim(ctx, "claimed", time.Minute)
	mustNil(t, err)
	if !ok {
		t.Fatal("claim failed")
	}
	mustNil(t, f.s.Inbox(func(context.Context, pgx.Tx, *event.Event) error {
		t.Error("the inbox handled a key claimed through the Store")
		return nil
	}, pgstore.WithInboxKey(func(*event.Event) string { return "claimed" })).HandleEvent(ctx, f.ev))
}

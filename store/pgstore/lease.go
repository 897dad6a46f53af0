package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultLeaseTTL is how long a lease lasts without renewal, by default.
// The holder renews it every third of the TTL; a holder that died is
// replaced within about the TTL plus one poll interval.
const DefaultLeaseTTL = 10 * time.Second

// ErrLeaseLost is the cause ([context.Cause]) of a held context cancelled
// because the lease could not be renewed in time, or was found taken (test
// with errors.Is: the cause wraps it with which of the two happened).
var ErrLeaseLost = errors.New("pgstore: lease lost")

// The two ways a lease is lost, both [ErrLeaseLost].
var (
	errNotRenewed = fmt.Errorf("%w: not renewed in time", ErrLeaseLost)
	errTaken      = fmt.Errorf("%w: another holder has it, or it expired", ErrLeaseLost)
)

// ErrLeaseReleased is the cause ([context.Cause]) of a held context
// cancelled by its release function.
var ErrLeaseReleased = errors.New("pgstore: lease released")

// WithLeaseTTL sets the lease's TTL (default [DefaultLeaseTTL]). Read by
// [NewLease]; it must be positive.
func WithLeaseTTL(ttl time.Duration) Option {
	return func(c *config) {
		if ttl <= 0 {
			c.fail("lease TTL %v is not positive", ttl)
		}
		c.leaseTTL = ttl
	}
}

// WithLeaseMargin sets how long before the lease could end the held
// context is cancelled when renewals fail (default: a fifth of the TTL).
// It covers the holder's time to close its socket, network delay and the
// drift between clocks' rates. Read by [NewLease]; it must be positive and
// at most half the TTL.
func WithLeaseMargin(m time.Duration) Option { return func(c *config) { c.margin = m } }

// WithLeasePoll sets how often a replica waiting in [Lease.Acquire] tries
// to take the lease, and how soon a failed renewal is retried (default: a
// tenth of the TTL, with 10% jitter). Read by [NewLease]; it must be
// positive.
func WithLeasePoll(p time.Duration) Option { return func(c *config) { c.poll = p } }

// Lease lets N replicas share one Zoom WebSocket subscription: only the
// holder dials. It is a row of the lease table ([WithLeaseTable]) holding
// the holder's random token, its expiry (the database's clock) and a fence
// counter. It satisfies the lease hook of package wsclient (the method
// Acquire) without importing it.
//
// A row is used rather than a session advisory lock on a dedicated
// connection: the row behaves the same behind a transaction-mode pooler
// such as PgBouncer (where session locks do not survive), needs no
// connection kept aside per replica, survives a connection being cut
// without losing the lease, and carries a fence number that only grows.
// The cost is that a dead holder is replaced only when its TTL has run
// out, not when its connection drops.
type Lease struct {
	pool                         *pgxpool.Pool
	name                         string
	ttl, renew, margin, poll     time.Duration
	acquireSQL, renewSQL, relSQL string
}

// NewLease returns the lease called name (for example the subscription's
// ID) in the lease table of pool (create it with [Migrate]). It reads the
// options [WithLeaseTable], [WithLeaseTTL], [WithLeaseMargin] and
// [WithLeasePoll]; a bad one, an empty name or a nil pool is
// [ErrInvalidOption]. NewLease does not touch the database.
func NewLease(pool *pgxpool.Pool, name string, opts ...Option) (*Lease, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	tn, err := parseTable(c.leaseTable)
	if err != nil {
		return nil, err
	}
	switch {
	case pool == nil:
		return nil, fmt.Errorf("%w: nil pool", ErrInvalidOption)
	case name == "":
		return nil, fmt.Errorf("%w: empty lease name", ErrInvalidOption)
	}
	l := &Lease{pool: pool, name: name, ttl: c.leaseTTL, renew: c.leaseTTL / 3, margin: c.margin, poll: c.poll}
	if l.margin == 0 {
		l.margin = l.ttl / 5
	}
	if l.poll == 0 {
		l.poll = l.ttl / 10
	}
	switch {
	case l.margin <= 0 || l.margin > l.ttl/2:
		return nil, fmt.Errorf("%w: lease margin %v must be positive and at most half the TTL %v", ErrInvalidOption, l.margin, l.ttl)
	case l.poll <= 0:
		return nil, fmt.Errorf("%w: lease poll interval %v is not positive", ErrInvalidOption, l.poll)
	case l.renew <= 0:
		return nil, fmt.Errorf("%w: lease TTL %v is too short", ErrInvalidOption, l.ttl)
	}
	t := tn.quoted()
	l.acquireSQL = `INSERT INTO ` + t + ` AS l (name, token, fence, expires_at)
VALUES ($1, $2, 1, now() + $3::bigint * interval '1 microsecond')
ON CONFLICT (name) DO UPDATE SET token = excluded.token, fence = l.fence + 1, expires_at = excluded.expires_at
WHERE l.expires_at <= now()
RETURNING l.fence`
	l.renewSQL = `UPDATE ` + t + ` SET expires_at = now() + $3::bigint * interval '1 microsecond'
WHERE name = $1 AND token = $2 AND expires_at > now()`
	// Expired at once, not deleted: the fence counter lives on.
	l.relSQL = `UPDATE ` + t + ` SET token = NULL, expires_at = '-infinity'
WHERE name = $1 AND token = $2`
	return l, nil
}

type fenceKey struct{}

// Fence returns the fence number of the acquisition whose held context
// (from [Lease.Acquire]) is ctx or an ancestor of ctx. Every acquisition of
// a lease name gets a larger number than the one before, so a resource that
// records the highest fence it saw can refuse a stale holder's writes.
func Fence(ctx context.Context) (int64, bool) {
	f, ok := ctx.Value(fenceKey{}).(int64)
	return f, ok
}

// Acquire blocks until this process holds the lease, or until ctx ends
// (then it returns ctx's error), trying every poll interval. A database
// error that retrying cannot cure (a missing table, a permission) is
// returned at once; connection errors are retried.
//
// The held context carries the acquisition's [Fence]. It is cancelled, with
// cause [ErrLeaseLost], when no renewal has succeeded by the time the last
// successful one was sent plus the TTL minus the margin (so before the
// database lets another replica take the lease), or at once when a renewal
// finds the lease taken; it is cancelled when ctx ends, and by release
// (cause [ErrLeaseReleased]). release stops renewing, waits for the
// renewing goroutine, cancels held and then gives the lease up in the
// database at once, so that a waiting replica takes over within its poll
// interval; it is safe to call more than once and must be called.
func (l *Lease) Acquire(ctx context.Context) (held context.Context, release func(), err error) {
	token := newToken()
	var (
		fence int64
		sent  time.Time
	)
	for {
		sent = time.Now()
		err := l.pool.QueryRow(ctx, l.acquireSQL, l.name, token, micros(l.ttl)).Scan(&fence)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		if !errors.Is(err, pgx.ErrNoRows) && permanent(err) {
			return nil, nil, fmt.Errorf("pgstore: lease: acquire: %w", err)
		}
		t := time.NewTimer(jitter(l.poll))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, ctx.Err()
		case <-t.C:
		}
	}

	held, cancel := context.WithCancelCause(context.WithValue(ctx, fenceKey{}, fence))
	// The lease is lost at this local deadline unless a renewal succeeds:
	// the database's expiry is at least TTL after the statement was sent.
	lost := time.AfterFunc(time.Until(sent.Add(l.ttl-l.margin)), func() { cancel(errNotRenewed) })
	run, stop := context.WithCancel(held)
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.keep(run, cancel, lost, token, sent)
	}()
	var once sync.Once
	release = func() {
		once.Do(func() {
			stop()
			<-done
			lost.Stop()
			cancel(ErrLeaseReleased)
			rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), l.ttl)
			defer rcancel()
			_, _ = l.pool.Exec(rctx, l.relSQL, l.name, token)
		})
	}
	return held, release, nil
}

// keep renews the lease every renew interval until run ends (release, ctx,
// or the lease lost). lost cancels held at the local deadline; each
// successful renewal moves it.
func (l *Lease) keep(run context.Context, cancel context.CancelCauseFunc, lost *time.Timer, token string, sent time.Time) {
	deadline := sent.Add(l.ttl - l.margin)
	next := time.NewTimer(l.renew)
	defer next.Stop()
	for {
		select {
		case <-run.Done():
			return
		case <-next.C:
		}
		sent := time.Now()
		// A renewal that has not answered by the deadline is too late.
		rctx, rcancel := context.WithDeadline(run, deadline)
		tag, err := l.pool.Exec(rctx, l.renewSQL, l.name, token, micros(l.ttl))
		rcancel()
		switch {
		case err == nil && tag.RowsAffected() == 1:
			if !lost.Stop() {
				return // the deadline passed meanwhile: held is cancelled
			}
			deadline = sent.Add(l.ttl - l.margin)
			lost.Reset(time.Until(deadline))
			next.Reset(l.renew)
		case err == nil:
			// Our row has expired or another holder took it.
			lost.Stop()
			cancel(errTaken)
			return
		default:
			next.Reset(min(jitter(l.poll), l.renew))
		}
	}
}

// permanent reports whether err is a database error that retrying will not
// cure: an answer from the server outside the classes of connection
// problems, transaction rollbacks, lack of resources and operator
// intervention (such as pg_terminate_backend).
func permanent(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || len(pe.Code) < 2 {
		return false
	}
	switch pe.Code[:2] {
	case "08", "40", "53", "57", "58":
		return false
	}
	return true
}

// jitter returns d plus or minus up to 10%.
func jitter(d time.Duration) time.Duration {
	if d < 10 {
		return d
	}
	return d - d/10 + rand.N(d/5)
}

package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zoomevents/zoomevents/event"
)

var _ event.Store = (*Store)(nil)

// Store is an [event.Store] in a PostgreSQL table, shared by every replica
// that uses the same table. Each method is one statement (one round trip);
// expiry is decided by the database's clock (now()), never the
// application's, so replicas with skewed clocks agree. It is safe for
// concurrent use.
type Store struct {
	pool  *pgxpool.Pool
	batch int

	claimSQL, extendSQL, completeSQL, releaseSQL, sweepSQL, inboxSQL string
}

// New returns a Store on the dedup table of pool ([WithTable]; create it
// with [Migrate]). It reads the options [WithTable] and [WithSweepBatch];
// a bad one is [ErrInvalidOption]. New does not touch the database.
func New(pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	tn, err := parseTable(c.table)
	if err != nil {
		return nil, err
	}
	if pool == nil {
		return nil, fmt.Errorf("%w: nil pool", ErrInvalidOption)
	}
	t := tn.quoted()
	return &Store{
		pool:  pool,
		batch: c.sweepBatch,
		// A new token is generated per call, so a returned row is ours.
		claimSQL: `INSERT INTO ` + t + ` AS d (key, token, state, expires_at)
VALUES ($1, $2, 'claimed', now() + $3::bigint * interval '1 microsecond')
ON CONFLICT (key) DO UPDATE SET token = excluded.token, state = 'claimed', expires_at = excluded.expires_at
WHERE d.expires_at <= now()
RETURNING d.token`,
		extendSQL: `UPDATE ` + t + ` SET expires_at = now() + $3::bigint * interval '1 microsecond'
WHERE key = $1 AND token = $2 AND state = 'claimed' AND expires_at > now()`,
		// Done over our live claim, or over a free key (absent, or any
		// expired row): never over another's live claim or a live done row.
		completeSQL: `INSERT INTO ` + t + ` AS d (key, token, state, expires_at)
VALUES ($1, NULL, 'done', now() + $3::bigint * interval '1 microsecond')
ON CONFLICT (key) DO UPDATE SET token = NULL, state = 'done', expires_at = excluded.expires_at
WHERE (d.state = 'claimed' AND d.token = $2) OR d.expires_at <= now()
RETURNING 1`,
		releaseSQL: `DELETE FROM ` + t + `
WHERE key = $1 AND token = $2 AND state = 'claimed' AND expires_at > now()`,
		// SKIP LOCKED: a row locked by an inbox transaction in flight (or
		// by a claim being taken over) is left for the next sweep; the
		// second expiry test reads the row's latest version.
		sweepSQL: `DELETE FROM ` + t + ` AS d USING (
SELECT key FROM ` + t + ` WHERE expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED) AS x
WHERE d.key = x.key AND d.expires_at <= now()`,
		// The inbox writes the done row in the handler's transaction.
		// A concurrent copy of the event blocks on the primary key until
		// that transaction ends; then it finds a live row (a duplicate) or
		// none (the first rolled back) and inserts it.
		inboxSQL: `INSERT INTO ` + t + ` AS d (key, token, state, expires_at)
VALUES ($1, NULL, 'done', now() + $2::bigint * interval '1 microsecond')
ON CONFLICT (key) DO UPDATE SET token = NULL, state = 'done', expires_at = excluded.expires_at
WHERE d.expires_at <= now()
RETURNING 1`,
	}, nil
}

// Claim implements [event.Store]: it takes key for lease unless the key
// has a row that has not expired (done, or claimed under another token).
// One INSERT ... ON CONFLICT DO UPDATE ... WHERE expired statement.
func (s *Store) Claim(ctx context.Context, key string, lease time.Duration) (string, bool, error) {
	if lease <= 0 {
		return "", false, fmt.Errorf("%w: claim lease %v", ErrInvalidDuration, lease)
	}
	token := newToken()
	var got string
	err := s.pool.QueryRow(ctx, s.claimSQL, key, token, micros(lease)).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("pgstore: claim: %w", err)
	}
	return got, true, nil
}

// Extend implements [event.Store]: it renews a live claim of token for
// lease from the database's now. A claim whose lease already ran out is
// lost ([event.ErrClaimLost]), even if nobody took the key since.
func (s *Store) Extend(ctx context.Context, key, token string, lease time.Duration) error {
	if token == "" {
		return event.ErrClaimLost // an empty token never holds a key
	}
	if lease <= 0 {
		return fmt.Errorf("%w: claim lease %v", ErrInvalidDuration, lease)
	}
	tag, err := s.pool.Exec(ctx, s.extendSQL, key, token, micros(lease))
	if err != nil {
		return fmt.Errorf("pgstore: extend: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return event.ErrClaimLost
	}
	return nil
}

// Complete implements [event.Store]: it marks key done for ttl when token
// holds its claim or the key is free (no row, or an expired one). It
// returns [event.ErrClaimLost], changing nothing, when another token's
// claim or a done row is live.
func (s *Store) Complete(ctx context.Context, key, token string, ttl time.Duration) error {
	if token == "" {
		return event.ErrClaimLost // an empty token never holds a key
	}
	if ttl <= 0 {
		return fmt.Errorf("%w: dedup ttl %v", ErrInvalidDuration, ttl)
	}
	var one int
	err := s.pool.QueryRow(ctx, s.completeSQL, key, token, micros(ttl)).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return event.ErrClaimLost
	}
	if err != nil {
		return fmt.Errorf("pgstore: complete: %w", err)
	}
	return nil
}

// Release implements [event.Store]: it deletes key's row when token holds
// a live claim on it, and returns [event.ErrClaimLost] otherwise (an
// expired claim of token is left for the next claim or sweep: the key is
// free already).
func (s *Store) Release(ctx context.Context, key, token string) error {
	if token == "" {
		return event.ErrClaimLost // an empty token never holds a key
	}
	tag, err := s.pool.Exec(ctx, s.releaseSQL, key, token)
	if err != nil {
		return fmt.Errorf("pgstore: release: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return event.ErrClaimLost
	}
	return nil
}

// Sweep deletes expired rows (claims whose lease ran out, done keys past
// their TTL) in statements of at most [WithSweepBatch] rows each, until a
// statement finds fewer, and returns how many it deleted. Rows locked by a
// transaction in flight are skipped. Expired rows are harmless (a claim
// overwrites them); Sweep only keeps the table small. Call it from one
// replica or several: concurrent sweeps skip each other's rows.
func (s *Store) Sweep(ctx context.Context) (int64, error) {
	var total int64
	for {
		tag, err := s.pool.Exec(ctx, s.sweepSQL, s.batch)
		if err != nil {
			return total, fmt.Errorf("pgstore: sweep: %w", err)
		}
		n := tag.RowsAffected()
		total += n
		if n < int64(s.batch) {
			return total, nil
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// RunSweeper calls [Store.Sweep] every interval until ctx ends, then
// returns nil; run it in a goroutine that ctx owns. A failed sweep is
// passed to onError (when not nil) and tried again at the next tick. An
// interval that is not positive is [ErrInvalidDuration], returned at once.
func (s *Store) RunSweeper(ctx context.Context, interval time.Duration, onError func(error)) error {
	if interval <= 0 {
		return fmt.Errorf("%w: sweep interval %v", ErrInvalidDuration, interval)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil && onError != nil {
			onError(err)
		}
	}
}

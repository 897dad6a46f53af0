package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zoomevents/zoomevents/event"
)

// InboxFunc handles one event inside the transaction that records it as
// done. It writes its effects with tx and must neither commit nor roll it
// back: the inbox does, according to what InboxFunc returns.
type InboxFunc func(ctx context.Context, tx pgx.Tx, ev *event.Event) error

// InboxOption configures [Store.Inbox].
type InboxOption func(*inbox)

// WithInboxKey sets how an event is identified (default [event.EventKey],
// the Zoom-aware key that [event.Dedup] uses too).
func WithInboxKey(key func(*event.Event) string) InboxOption {
	return func(h *inbox) {
		if key != nil {
			h.key = key
		}
	}
}

// WithInboxTTL sets how long a handled event is remembered (default
// [event.DefaultDedupTTL], longer than Zoom's retries). Values below one
// second are raised to one second.
func WithInboxTTL(ttl time.Duration) InboxOption {
	return func(h *inbox) { h.ttl = max(ttl, time.Second) }
}

// WithTxOptions sets the transaction's options (default: the server's,
// normally READ COMMITTED). Under SERIALIZABLE a serialization failure is
// returned as an error, so Zoom retries the event.
func WithTxOptions(o pgx.TxOptions) InboxOption { return func(h *inbox) { h.txOpts = o } }

// WithInboxDuplicateHook sets a function called with every event skipped
// as a duplicate, for logs or metrics.
func WithInboxDuplicateHook(f func(ctx context.Context, ev *event.Event)) InboxOption {
	return func(h *inbox) { h.onDuplicate = f }
}

type inbox struct {
	s           *Store
	handle      InboxFunc
	key         func(*event.Event) string
	ttl         time.Duration
	txOpts      pgx.TxOptions
	onDuplicate func(context.Context, *event.Event)
}

// rollbackTimeout bounds the rollback after a failure, which runs even when
// the event's context has ended.
const rollbackTimeout = 10 * time.Second

// Inbox returns an [event.Handler] that handles each event exactly once in
// effect, in the database: it begins a transaction, inserts the event's
// done row into the dedup table, and runs handle with that transaction.
//
//   - The row already exists and has not expired: the event is a
//     duplicate; handle is not called, the transaction is rolled back and
//     HandleEvent returns nil (the webhook answers 200, Zoom stops).
//   - handle returns nil: the transaction commits, so the done row and
//     handle's writes are stored together. If the commit fails, HandleEvent
//     returns the error and Zoom's retry handles the event again.
//   - handle returns an error or panics: the transaction is rolled back,
//     leaving neither the done row nor handle's writes; the error is
//     returned, or the panic goes on after the rollback.
//   - The process dies, or its connection breaks, mid-handler: the server
//     rolls the transaction back, so Zoom's retry is handled. No lease is
//     needed: the uncommitted row is the in-progress lock.
//
// A copy that arrives while the first is being handled waits on the row's
// primary key until the first transaction ends (its context bounds the
// wait), then is skipped if the first committed or handled if it rolled
// back. Keep handlers short: Zoom expects a webhook's answer within 3 s.
//
// The inbox shares the table with [Store]'s Claim: a key claimed there
// counts as a duplicate here until its lease ends. A done row past its TTL
// is taken over like a free key (and [Store.Sweep] deletes it).
func (s *Store) Inbox(handle InboxFunc, opts ...InboxOption) event.Handler {
	h := &inbox{s: s, handle: handle, key: event.EventKey, ttl: event.DefaultDedupTTL}
	for _, o := range opts {
		o(h)
	}
	return h
}

// errNilInboxFunc is returned for every event by an inbox built without a
// function, rather than panicking.
var errNilInboxFunc = errors.New("pgstore: inbox has no handler function")

// HandleEvent implements [event.Handler].
func (h *inbox) HandleEvent(ctx context.Context, ev *event.Event) error {
	if h.handle == nil {
		return errNilInboxFunc
	}
	key := h.key(ev)
	tx, err := h.s.pool.BeginTx(ctx, h.txOpts)
	if err != nil {
		return fmt.Errorf("pgstore: inbox: begin: %w", err)
	}
	finished := false
	defer func() {
		// Also on a panic, which goes on after this deferred call.
		if !finished {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
			defer cancel()
			_ = tx.Rollback(rctx)
		}
	}()
	var one int
	err = tx.QueryRow(ctx, h.s.inboxSQL, key, micros(h.ttl)).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		if h.onDuplicate != nil {
			h.onDuplicate(ctx, ev)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("pgstore: inbox: claim: %w", err)
	}
	if err := h.handle(ctx, tx, ev); err != nil {
		return err
	}
	finished = true
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: inbox: commit: %w", err)
	}
	return nil
}

// Package pgstore keeps zoomevents' shared state in PostgreSQL, for
// deployments with several replicas: an [event.Store] for [event.Dedup]
// ([Store]), a transactional inbox whose handler writes in the same
// transaction as the dedup row ([Store.Inbox]), and a lease that lets one
// of N replicas hold a Zoom WebSocket subscription ([Lease]).
//
// It is a module of its own (github.com/zoomevents/zoomevents/store/pgstore),
// so the core module does not depend on pgx.
//
// # Migration
//
// The tables are created by [Migrate], which runs the SQL embedded in this
// package (migrate.sql; [Schema] returns it for migration tools):
//
//	if err := pgstore.Migrate(ctx, pool); err != nil { ... }
//
// It is idempotent (CREATE ... IF NOT EXISTS) and serialised across
// replicas by an advisory lock, so every replica may run it at start-up.
// The default tables are zoomevents_dedup (key text primary key, token,
// state 'claimed' or 'done', expires_at timestamptz, indexed) and
// zoomevents_lease (name, token, fence, expires_at); [WithTable] and
// [WithLeaseTable] choose other names, checked to be plain identifiers and
// quoted. Pass the same options to [New] and [NewLease].
//
// # Time
//
// Every expiry is computed and compared by the database (now()), never by
// the replicas' clocks, so replicas with skewed clocks agree. Expired rows
// are free: the next claim overwrites them, and [Store.Sweep] (or
// [Store.RunSweeper]) deletes them to keep the table small.
//
// # Store
//
// Claim, Extend, Complete and Release are one statement each (one round
// trip on the pool). Claim is INSERT ... ON CONFLICT (key) DO UPDATE ...
// WHERE expired, so twenty replicas claiming one key at once get one
// winner; Extend, Complete and Release compare the claim's token in their
// WHERE clause, so a slow replica whose lease ran out gets
// [event.ErrClaimLost] and cannot disturb the replica that took over.
//
// # Transactional inbox
//
// [Store.Inbox] gives the handler the [pgx.Tx] in which the event's done row
// was inserted: the handler's writes and the row commit together or not at
// all, so the event's effects in the database happen exactly once. The
// uncommitted row is the in-progress lock; a replica that dies mid-handler
// leaves nothing behind, since the server rolls its transaction back.
//
// # Lease
//
// [Lease] is a row with the holder's token, an expiry and a fence counter,
// renewed by compare-and-renew (UPDATE ... WHERE token = $1 AND expires_at
// > now()). A session advisory lock on a dedicated connection is the
// alternative; the row is preferred because it behaves the same behind a
// transaction-mode pooler, survives a dropped connection without a
// needless handover, and gives a fence number ([Fence]) that only grows.
package pgstore

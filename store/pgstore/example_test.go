package pgstore_test

import (
	"context"
	"log"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/store/pgstore"
)

// Replicas share deduplication through PostgreSQL: migrate at start-up,
// sweep in the background, and either wrap a handler with event.Dedup on
// the Store or handle events in the inbox's transaction. A WebSocket
// worker holds the subscription only while it holds the Lease.
func Example() {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	if err := pgstore.Migrate(ctx, pool); err != nil {
		log.Fatal(err)
	}
	store, err := pgstore.New(pool)
	if err != nil {
		log.Fatal(err)
	}
	go store.RunSweeper(ctx, 10*time.Minute, func(err error) { log.Print(err) })

	// Effects outside the database: each event handled once across
	// replicas, with crash-safe claims.
	mux := event.NewMux()
	handler := event.Dedup(mux, event.WithStore(store))

	// Effects in the database: exactly once, in one transaction.
	inbox := store.Inbox(func(ctx context.Context, tx pgx.Tx, ev *event.Event) error {
		_, err := tx.Exec(ctx, "INSERT INTO meetings_started (id, at) VALUES ($1, $2)", event.EventKey(ev), ev.Time)
		return err
	})
	_, _ = handler, inbox // pass them to webhook.New or wsclient

	// One WebSocket worker per subscription among the replicas.
	lease, err := pgstore.NewLease(pool, "subscription-id")
	if err != nil {
		log.Fatal(err)
	}
	held, release, err := lease.Acquire(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer release()
	fence, _ := pgstore.Fence(held)
	log.Printf("holding the subscription, fence %d", fence)
	<-held.Done() // run the socket with held; it ends when the lease is lost
}

package redisstore_test

import (
	"context"
	"log"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/store/redisstore"
)

// Webhook replicas behind a load balancer share one Redis, so that Zoom's
// retry of an event one replica handled is skipped by the others, and an
// event whose replica died mid-handler is handled on the retry.
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	store, err := redisstore.New(rdb)
	if err != nil {
		log.Fatal(err)
	}
	handler := event.Dedup(event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
		log.Printf("handling %s", ev.Name)
		return nil
	}), event.WithStore(store))
	_ = handler // pass it to the webhook receiver (see package webhook)
}

// WebSocket workers sharing one subscription: only the holder of the lease
// dials, and it closes its socket when the held context ends.
func ExampleLease() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	lease, err := redisstore.NewLease(rdb, "my-subscription-id")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for ctx.Err() == nil {
		held, release, err := lease.Acquire(ctx)
		if err != nil {
			log.Printf("lease: %v", err) // Redis unreachable: back off, try again
			time.Sleep(time.Second)
			continue
		}
		fence, _ := redisstore.Fence(held)
		log.Printf("holding the subscription, fence %d", fence)
		<-held.Done() // run the socket until the lease ends
		log.Printf("lease ended: %v", context.Cause(held))
		release()
	}
}

// Command dedup shows how Zoom's redeliveries are handled once: Zoom
// retries an event whose delivery failed or timed out (5, 20 and 60 minutes
// later) and may send one event through several subscriptions, always with
// the same body. event.Dedup remembers each body's hash and skips repeats,
// while still answering Zoom 200 so that it stops retrying.
//
//	go run ./examples/dedup
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	const secret = "demo-secret"
	failOnce := true
	handled := 0
	mux := event.NewMux()
	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingEnded) error {
		if failOnce { // the first attempt fails: Zoom will retry
			failOnce = false
			return errors.New("database unavailable")
		}
		handled++
		return nil
	})

	// In one process the default in-memory store is enough. Behind a load
	// balancer, pass event.WithStore with a store shared by every replica
	// (the Redis and PostgreSQL stores in store/), so that Zoom's retry
	// landing on another replica is still recognised.
	store := event.NewMemoryStore(10_000)
	h, err := webhook.NewEndpoint(secret, event.Dedup(mux,
		event.WithStore(store),
		event.WithTTL(2*time.Hour),
		event.WithDuplicateHook(func(_ context.Context, ev *event.Event) {
			fmt.Println("  skipped a duplicate of", ev.Name)
		}),
	))
	if err != nil {
		return err
	}

	body := []byte(`{"event":"meeting.ended","event_ts":1720707175904,"payload":{"account_id":"a","object":{"id":85393847045,"topic":"Standup"}}}`)
	for i, why := range []string{"first try", "Zoom's retry after the 500", "the same event via a second subscription"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, webhooktest.NewRequest(secret, "/zoom/webhook", body))
		fmt.Printf("delivery %d (%s): %d %s\n", i+1, why, w.Code, http.StatusText(w.Code))
	}
	fmt.Printf("handled %d time(s); the store remembers %d event(s)\n", handled, store.Len())
	return nil
}

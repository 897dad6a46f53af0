package event_test

import (
	"context"
	"fmt"
	"log"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
)

// Route events to typed handlers, by name, and to a fallback for the rest.
func ExampleMux() {
	mux := event.NewMux()
	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingStarted) error {
		// ev is the envelope (time, account, raw bytes, delivery); p its payload.
		fmt.Printf("%s: meeting %s %q\n", ev.Name, p.Object.ID, p.Object.Topic)
		return nil
	})
	mux.HandleFunc("recording.completed", func(ctx context.Context, ev *event.Event) error {
		fmt.Println("recording, token present:", ev.DownloadToken != "")
		return nil
	})
	mux.Fallback(func(ctx context.Context, ev *event.Event) error {
		fmt.Println("unhandled:", ev.Name, "typed:", (ev.Payload != nil))
		return nil
	})

	for _, body := range []string{
		`{"event":"meeting.started","event_ts":1,"payload":{"object":{"id":85393847045,"topic":"Standup"}}}`,
		`{"event":"recording.completed","event_ts":2,"download_token":"abc","payload":{}}`,
		`{"event":"zoom.something_new","event_ts":3,"payload":{}}`,
	} {
		ev, err := event.Parse([]byte(body))
		if err != nil {
			log.Fatal(err)
		}
		if err := mux.HandleEvent(context.Background(), ev); err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// meeting.started: meeting 85393847045 "Standup"
	// recording, token present: true
	// unhandled: zoom.something_new typed: false
}

// Parse decodes a body once into its typed payload.
func ExampleParse() {
	ev, err := event.Parse([]byte(`{"event":"user.created","event_ts":1720707175904,"payload":{"account_id":"acct","object":{"id":"u1","email":"a@example.com"}}}`))
	if err != nil {
		log.Fatal(err)
	}
	p := ev.Payload.(*payload.UserCreated)
	fmt.Println(ev.Name, ev.Time.Format("2006-01-02"), ev.AccountID, p.Object.Email)
	// Output: user.created 2024-07-11 acct a@example.com
}

// Dedup skips Zoom's redeliveries of an event already handled.
func ExampleDedup() {
	calls := 0
	h := event.Dedup(event.HandlerFunc(func(context.Context, *event.Event) error {
		calls++
		return nil
	}))
	ev, _ := event.Parse([]byte(`{"event":"meeting.ended","event_ts":1,"payload":{}}`))
	_ = h.HandleEvent(context.Background(), ev)
	_ = h.HandleEvent(context.Background(), ev) // Zoom's retry: skipped
	fmt.Println(calls)
	// Output: 1
}

package zjetstream_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/zoomevents/zoomevents/event"
	zjetstream "github.com/zoomevents/zoomevents/jetstream"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook"
)

// The receiving side: a webhook endpoint that answers Zoom once the event
// is stored in JetStream.
func ExamplePublisher() {
	nc, err := nats.Connect(nats.DefaultURL)
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := zjetstream.EnsureStream(ctx, js, zjetstream.StreamConfig{}); err != nil {
		log.Fatal(err)
	}
	pub, err := zjetstream.NewPublisher(js)
	if err != nil {
		log.Fatal(err)
	}
	h, err := webhook.NewEndpoint("secret token from the Zoom app", pub)
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/zoom/webhook", h)
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

// The working side: typed handlers fed from the stream, four at a time,
// each meeting's events in order.
func ExampleConsumer() {
	nc, err := nats.Connect(nats.DefaultURL)
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		log.Fatal(err)
	}
	mux := event.NewMux()
	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingStarted) error {
		d := ev.Delivery
		log.Printf("meeting %s started (attempt %d via %s)", p.Object.UUID, d.Attempt, d.Queue)
		return nil // an error naks the event: it comes back after a backoff
	})
	ctx := context.Background()
	c, err := zjetstream.NewConsumer(ctx, js, zjetstream.ConsumerConfig{
		Workers:  4,
		OrderKey: zjetstream.ObjectKey,
	}, mux)
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Run(ctx); err != nil {
		log.Fatal(err)
	}
}

func ExampleSubject() {
	fmt.Println(zjetstream.Subject(zjetstream.DefaultSubjectPrefix, "meeting.started"))
	fmt.Println(zjetstream.Subject(zjetstream.DefaultSubjectPrefix, "odd name.*"))
	fmt.Println(zjetstream.Subject(zjetstream.DefaultSubjectPrefix, "a..b"))
	// Output:
	// zoom.events.meeting.started
	// zoom.events.odd_name._
	// zoom.events.a._.b
}

package wsclient_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

// Subscribe against wstest, the fake Zoom: the same event.Mux a webhook
// handler would use receives typed events.
func ExampleSubscribe() {
	srv := wstest.NewServer()
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	mux := event.NewMux()
	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingStarted) error {
		fmt.Println("meeting started:", p.Object.Topic)
		cancel() // stop after one event
		return nil
	})

	go func() {
		_ = srv.WaitConnections(ctx, 1)
		_ = srv.Emit([]byte(`{"event":"meeting.started","event_ts":1626230691572,"payload":{"account_id":"a","object":{"id":1,"topic":"Standup"}}}`))
	}()
	err := wsclient.Subscribe(ctx, srv.Config(), mux)
	fmt.Println("Subscribe returned:", err)
	// Output:
	// meeting started: Standup
	// Subscribe returned: context canceled
}

// Production configuration: credentials of a Server-to-Server OAuth app and
// the subscription id Zoom shows for the WebSocket event subscription.
func ExampleSubscribe_production() {
	mux := event.NewMux()
	mux.Fallback(func(ctx context.Context, ev *event.Event) error {
		log.Printf("event %s", ev)
		return nil
	})
	err := wsclient.Subscribe(context.Background(), wsclient.Config{
		AccountID:      "ACCOUNT_ID",
		ClientID:       "CLIENT_ID",
		ClientSecret:   "CLIENT_SECRET",
		SubscriptionID: "SUBSCRIPTION_ID",
	}, mux)
	if errors.Is(err, wsclient.ErrBadCredentials) {
		log.Fatal("check the app's credentials: ", err)
	}
}

// A Client exposes counters for metrics while it runs.
func ExampleClient_Stats() {
	srv := wstest.NewServer()
	defer srv.Close()

	cfg := srv.Config()
	cfg.OnStateChange = func(ch wsclient.StateChange) { fmt.Println(ch.From, "->", ch.To) }
	handled := make(chan struct{})
	c, err := wsclient.New(cfg, event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
		close(handled)
		return nil
	}))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	_ = srv.WaitConnections(ctx, 1)
	_ = srv.Emit([]byte(`{"event":"meeting.ended","payload":{}}`))
	<-handled
	cancel()
	<-done
	st := c.Stats()
	fmt.Println("connects:", st.Connects, "events:", st.Events, "dropped:", st.Dropped)
	// Output:
	// idle -> connecting
	// connecting -> connected
	// connected -> stopping
	// stopping -> idle
	// connects: 1 events: 1 dropped: 0
}

// A custom TokenSource, for tokens obtained elsewhere (a vault, another
// process). Invalidate is called when the WebSocket server rejects a token.
func ExampleTokenSource() {
	var src wsclient.TokenSource = staticToken("token-from-elsewhere")
	_ = wsclient.Config{TokenSource: src, SubscriptionID: "SUBSCRIPTION_ID"}
}

type staticToken string

func (s staticToken) Token(context.Context) (string, error) { return string(s), nil }
func (s staticToken) Invalidate(string)                     {}

func ExampleNewS2STokenSource() {
	ts, err := wsclient.NewS2STokenSource(wsclient.OAuthConfig{
		AccountID:    "ACCOUNT_ID",
		ClientID:     "CLIENT_ID",
		ClientSecret: "CLIENT_SECRET",
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = wsclient.Config{TokenSource: ts, SubscriptionID: "SUBSCRIPTION_ID"}
}

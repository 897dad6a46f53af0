package wstest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

// A test drives the fake: wait for the client, emit an event, break the
// connection, and check the client came back and still delivers.
func ExampleServer() {
	srv := wstest.NewServer()
	defer srv.Close()

	got := make(chan string, 10)
	mux := event.NewMux()
	mux.Fallback(func(ctx context.Context, ev *event.Event) error {
		got <- ev.Name
		return nil
	})
	cfg := srv.Config()
	cfg.HeartbeatInterval = 50 * time.Millisecond // fast liveness for tests
	cfg.InitialBackoff = 5 * time.Millisecond

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- wsclient.Subscribe(ctx, cfg, mux) }()

	_ = srv.WaitConnections(ctx, 1)
	_ = srv.Emit([]byte(`{"event":"meeting.started","payload":{}}`))
	fmt.Println(<-got)

	srv.DropConnections() // abrupt TCP close
	_ = srv.WaitConnections(ctx, 2)
	_ = srv.Emit([]byte(`{"event":"meeting.ended","payload":{}}`))
	fmt.Println(<-got)

	cancel()
	<-done
	st := srv.Stats()
	fmt.Println("connections:", st.Connections, "max open at once:", st.MaxOpenSockets)
	// Output:
	// meeting.started
	// meeting.ended
	// connections: 2 max open at once: 1
}

package bench

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/wsclient"
)

func init() {
	wsImpls = append(wsImpls, wsImpl{"ours", runOurs})
	e2eImpls = append(e2eImpls, wsImpl{"websocket", runOurs})
}

// staticToken is a TokenSource for the loopback server, which checks no
// token: the OAuth round trip happens once per connection, outside the
// timed part, and is not what these benchmarks measure.
type staticToken struct{}

func (staticToken) Token(context.Context) (string, error) { return "bench-token", nil }
func (staticToken) Invalidate(string)                     {}

// runOurs is wsclient.Subscribe against the same server, measured at the
// start of the user's handler. The queue blocks instead of dropping
// (Overflow: Block) so that every event is delivered; heartbeats are every
// minute, so none is sent during a run.
func runOurs(b *testing.B, srv *wsServer, rec *recorder) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var bad error
	h := event.HandlerFunc(func(_ context.Context, ev *event.Event) error {
		if len(ev.Raw) < len(tsField)+tsDigits {
			bad = errors.New("event without a timestamp")
			return bad
		}
		sent := parseTS(ev.Raw[len(tsField):])
		if p, ok := ev.Payload.(*payload.RecordingCompleted); !ok || len(p.Object.RecordingFiles) == 0 {
			bad = errors.New("ours: event not decoded into *payload.RecordingCompleted")
		}
		rec.record(sent)
		return nil
	})
	connected := make(chan struct{})
	var once sync.Once
	cfg := wsclient.Config{
		TokenSource:       staticToken{},
		Endpoint:          srv.URL() + "?subscriptionId=bench",
		Overflow:          wsclient.Block,
		HeartbeatInterval: time.Minute,
		OnStateChange: func(ch wsclient.StateChange) {
			if ch.To == wsclient.StateConnected {
				once.Do(func() { close(connected) })
			}
		},
	}
	done := make(chan error, 1)
	go func() { done <- wsclient.Subscribe(ctx, cfg, h) }()
	select {
	case <-connected:
	case err := <-done:
		b.Fatal("Subscribe returned before connecting:", err)
	case <-time.After(10 * time.Second):
		cancel()
		<-done
		b.Fatal("Subscribe did not connect")
	}
	b.ResetTimer()
	srv.Start()
	select {
	case <-rec.done:
	case err := <-done:
		b.Fatal("Subscribe returned early:", err)
	}
	b.StopTimer()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		b.Fatal("Subscribe:", err)
	}
	if bad != nil {
		b.Fatal(bad)
	}
}

package wsclient_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

// waitLimit bounds every wait; it is a hang guard, never a timing assertion.
const waitLimit = 20 * time.Second

func meetingStarted(i int) []byte {
	return []byte(fmt.Sprintf(`{"event":"meeting.started","event_ts":1626230691572,"payload":{"account_id":"acc-1","object":{"id":%d,"uuid":"uuid-%d==","host_id":"host","topic":"topic %d \"quoted\" ünïcode 🎉","type":2,"start_time":"2021-07-14T02:44:51Z","timezone":"UTC","duration":60}}}`, 1000+i, i, i))
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testConfig is srv's config with short intervals and a captured debug log.
func testConfig(srv *wstest.Server, logs *syncBuffer) wsclient.Config {
	cfg := srv.Config()
	cfg.HeartbeatInterval = 50 * time.Millisecond
	cfg.LivenessTimeout = time.Second
	cfg.InitialBackoff = 5 * time.Millisecond
	cfg.MaxBackoff = 50 * time.Millisecond
	if logs != nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return cfg
}

// collector is a handler that forwards events to a channel.
type collector struct{ ch chan *event.Event }

func newCollector() *collector { return &collector{ch: make(chan *event.Event, 10000)} }

func (c *collector) HandleEvent(_ context.Context, ev *event.Event) error {
	c.ch <- ev
	return nil
}

func (c *collector) next(t *testing.T) *event.Event {
	t.Helper()
	select {
	case ev := <-c.ch:
		return ev
	case <-time.After(waitLimit):
		t.Fatal("no event arrived")
		return nil
	}
}

// running is a client running in the background.
type running struct {
	t      *testing.T
	client *wsclient.Client
	cancel context.CancelFunc
	errc   chan error
}

func start(t *testing.T, cfg wsclient.Config, h event.Handler) *running {
	t.Helper()
	c, err := wsclient.New(cfg, h)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{t: t, client: c, cancel: cancel, errc: make(chan error, 1)}
	go func() { r.errc <- c.Run(ctx) }()
	return r
}

// wait returns Run's error, failing the test if Run does not return.
func (r *running) wait() error {
	r.t.Helper()
	select {
	case err := <-r.errc:
		return err
	case <-time.After(waitLimit):
		r.t.Fatal("Run did not return")
		return nil
	}
}

// stop cancels Run and checks it returned context.Canceled.
func (r *running) stop() {
	r.t.Helper()
	r.cancel()
	require.ErrorIs(r.t, r.wait(), context.Canceled)
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	t.Cleanup(cancel)
	return ctx
}

// emitAndReceive emits a uniquely numbered event and waits for it.
func emitAndReceive(t *testing.T, srv *wstest.Server, col *collector, i int) {
	t.Helper()
	require.NoError(t, srv.Emit(meetingStarted(i)))
	ev := col.next(t)
	p, ok := ev.Payload.(*payload.MeetingStarted)
	require.True(t, ok, "payload %T", ev.Payload)
	require.Equal(t, fmt.Sprint(1000+i), p.Object.ID.String())
}

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/zoomevents/zoomevents/event"
	zjetstream "github.com/zoomevents/zoomevents/jetstream"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const secret = "relay-test-secret"

func runServer(t *testing.T) *server.Server {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	require.NoError(t, err)
	go s.Start()
	require.True(t, s.ReadyForConnections(10*time.Second))
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return s
}

func connect(t *testing.T, s *server.Server) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(s.ClientURL())
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	return js
}

// syncBuffer collects logs.
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

// relay is run() in a goroutine.
type relay struct {
	cancel context.CancelFunc
	done   chan error
	addr   string
	logs   *syncBuffer
}

func startRelay(t *testing.T, environ map[string]string, args ...string) *relay {
	t.Helper()
	return startRelayWith(t, nil, environ, args...)
}

// startRelayWith starts a relay whose WebSocket client uses hc (nil: its
// own).
func startRelayWith(t *testing.T, hc *http.Client, environ map[string]string, args ...string) *relay {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	logs := &syncBuffer{}
	r := &relay{cancel: cancel, done: make(chan error, 1), logs: logs}
	e := env{stderr: logs, getenv: func(k string) string { return environ[k] }, listening: func(a net.Addr) { addrc <- a }, httpClient: hc}
	go func() { r.done <- run(ctx, e, args) }()
	if environ["ZOOM_WEBHOOK_SECRET_TOKEN"] != "" {
		select {
		case a := <-addrc:
			r.addr = a.String()
		case err := <-r.done:
			t.Fatalf("relay ended: %v\n%s", err, logs.String())
		case <-time.After(30 * time.Second):
			t.Fatal("relay not listening")
		}
	}
	t.Cleanup(func() {
		r.stop(t)
		assert.NotContains(t, logs.String(), secret)
		assert.NotContains(t, logs.String(), wstest.DefaultClientSecret)
	})
	return r
}

func (r *relay) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok {
			close(r.done)
			assert.NoError(t, err, "a relay stopped by its context exits cleanly")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("relay did not stop")
	}
}

func body(i int) []byte {
	return []byte(fmt.Sprintf(`{"event":"meeting.started","event_ts":%d,"payload":{"account_id":"a","object":{"id":"%d","uuid":"u%d","topic":"t"}}}`, 1700000000000+i, i, i))
}

// A relay restarted while Zoom keeps sending loses nothing it answered 200
// for, and Zoom's retries of events sent while it was down are stored once:
// the stream ends with exactly one message per event.
func TestWebhookRelayRestartLosesNothing(t *testing.T) {
	s := runServer(t)
	js := connect(t, s)
	environ := map[string]string{"ZOOM_WEBHOOK_SECRET_TOKEN": secret, "NATS_URL": s.ClientURL()}
	// Both relays listen on the same address, as after a restart.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	args := []string{"-addr", addr, "-shutdown-timeout", "5s"}

	first := startRelay(t, environ, args...)
	const n, senders = 200, 4
	var ok200, failed atomic.Int32
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	// "Zoom": each event is retried until it is answered 200.
	var wg sync.WaitGroup
	for w := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += senders {
				for attempt := 0; ; attempt++ {
					if attempt > 2000 {
						t.Errorf("event %d never accepted", i)
						return
					}
					req, err := webhooktest.NewClientRequest(secret, "http://"+addr+"/zoom/webhook", body(i))
					if err != nil {
						t.Error(err)
						return
					}
					resp, err := client.Do(req)
					if err == nil {
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode == http.StatusOK {
							ok200.Add(1)
							break
						}
					}
					failed.Add(1)
					time.Sleep(10 * time.Millisecond)
				}
			}
		}()
	}
	require.Eventually(t, func() bool { return ok200.Load() >= n/3 }, 60*time.Second, time.Millisecond)
	first.stop(t) // mid-stream, with requests in flight
	stoppedAt := ok200.Load()
	startRelay(t, environ, args...)
	wg.Wait()

	stream, err := js.Stream(context.Background(), zjetstream.DefaultStream)
	require.NoError(t, err)
	info, err := stream.Info(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint64(n), info.State.Msgs, "one stored message per event")
	assert.Equal(t, int32(n), ok200.Load())
	assert.Less(t, stoppedAt, int32(n), "the restart happened mid-stream")
	t.Logf("stopped after %d of %d events; %d attempts refused while restarting", stoppedAt, n, failed.Load())
}

// WebSocket (the fake Zoom) -> relay -> JetStream -> consumer.
func TestWebSocketRelayToConsumer(t *testing.T) {
	s := runServer(t)
	js := connect(t, s)
	zoom := wstest.NewServer()
	defer zoom.Close()
	environ := map[string]string{
		"NATS_URL":           s.ClientURL(),
		"ZOOM_ACCOUNT_ID":    wstest.DefaultAccountID,
		"ZOOM_CLIENT_ID":     wstest.DefaultClientID,
		"ZOOM_CLIENT_SECRET": wstest.DefaultClientSecret,
		"ZOOM_WS_ENDPOINT":   zoom.Endpoint(),
		"ZOOM_TOKEN_URL":     zoom.TokenURL(),
	}
	r := startRelay(t, environ, "-source", "websocket")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, zoom.WaitConnections(ctx, 1))

	const n = 20
	got := make(chan *event.Event, n)
	mux := event.NewMux()
	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingStarted) error {
		got <- ev
		return nil
	})
	c, err := zjetstream.NewConsumer(ctx, js, zjetstream.ConsumerConfig{}, mux)
	require.NoError(t, err)
	cctx, stopConsumer := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- c.Run(cctx) }()
	defer func() { stopConsumer(); require.NoError(t, <-runDone) }()

	for i := range n {
		require.NoError(t, zoom.Emit(body(i)))
	}
	for i := range n {
		select {
		case ev := <-got:
			assert.Equal(t, event.TransportWebSocket, ev.Delivery.Transport)
			assert.Equal(t, "jetstream:ZOOM_EVENTS", ev.Delivery.Queue)
			assert.Equal(t, 1, ev.Delivery.Attempt)
		case <-ctx.Done():
			t.Fatalf("received %d of %d events", i, n)
		}
	}
	r.stop(t)
	assert.Contains(t, r.logs.String(), "no -lease", "a relay without a lease warns that it must be alone")
}

func TestUsageErrors(t *testing.T) {
	wsCreds := map[string]string{"ZOOM_ACCOUNT_ID": "a", "ZOOM_CLIENT_ID": "c", "ZOOM_CLIENT_SECRET": "s", "ZOOM_SUBSCRIPTION_ID": "sub"}
	for _, tc := range []struct {
		environ map[string]string
		args    []string
	}{
		{map[string]string{}, nil}, // no secret
		{map[string]string{"ZOOM_WEBHOOK_SECRET_TOKEN": "x"}, []string{"-source", "smoke"}},
		{map[string]string{"ZOOM_WEBHOOK_SECRET_TOKEN": "x"}, []string{"extra"}},
		{map[string]string{}, []string{"-source", "websocket"}}, // no credentials
		{map[string]string{"ZOOM_WEBHOOK_SECRET_TOKEN": "x"}, []string{"-nope"}},
		// A lease only applies to the WebSocket; its URL must name a store.
		{map[string]string{"ZOOM_WEBHOOK_SECRET_TOKEN": "x"}, []string{"-lease", "redis://127.0.0.1:1"}},
		{map[string]string{"ZOOM_WEBHOOK_SECRET_TOKEN": "x", "ZOOMEVENTS_LEASE_URL": "redis://127.0.0.1:1"}, nil},
		{wsCreds, []string{"-source", "websocket", "-lease", "mysql://u:hunter2@h/db"}},
		{wsCreds, []string{"-source", "websocket", "-lease", "redis://127.0.0.1:1", "-lease-ttl", "0s"}},
		{map[string]string{"ZOOM_ACCOUNT_ID": "a", "ZOOM_CLIENT_ID": "c", "ZOOM_CLIENT_SECRET": "s", "ZOOM_WS_ENDPOINT": "ws://127.0.0.1:1/ws?x=1", "ZOOM_SUBSCRIPTION_ID": ""}, []string{"-source", "websocket", "-lease", "redis://127.0.0.1:1"}},
	} {
		logs := &syncBuffer{}
		e := env{stderr: logs, getenv: func(k string) string { return tc.environ[k] }}
		err := run(context.Background(), e, tc.args)
		assert.True(t, errors.Is(err, errUsage), "%v: %v", tc.args, err)
		assert.NotContains(t, fmt.Sprint(err)+logs.String(), "hunter2", "a lease URL's password is never shown")
	}
}

// WebSocket mode: Zoom does not redeliver, so a publish that fails (here:
// the stream does not exist yet) is retried until it succeeds, and each
// event is stored once, in order.
func TestWebSocketPublishRetriedUntilStored(t *testing.T) {
	s := runServer(t)
	js := connect(t, s)
	zoom := wstest.NewServer()
	defer zoom.Close()
	r := startRelay(t, wsEnviron(zoom, s.ClientURL()), "-source", "websocket", "-no-ensure-stream", "-publish-timeout", "2s")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, zoom.WaitConnections(ctx, 1))

	const n = 5
	for i := range n {
		require.NoError(t, zoom.Emit(body(i)))
	}
	// The first publish fails, more than once, and nothing is stored.
	require.Eventually(t, func() bool { return strings.Count(r.logs.String(), "publish failed; retrying") >= 3 }, 30*time.Second, 10*time.Millisecond)
	_, err := js.Stream(ctx, zjetstream.DefaultStream)
	require.ErrorIs(t, err, jetstream.ErrStreamNotFound)

	stream, err := zjetstream.EnsureStream(ctx, js, zjetstream.StreamConfig{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		info, err := stream.Info(ctx)
		return err == nil && info.State.Msgs >= n
	}, 30*time.Second, 10*time.Millisecond, "the retried publishes succeed once the stream exists")
	r.stop(t) // every publish has returned
	info, err := stream.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(n), info.State.Msgs, "each event stored once")
	for seq := uint64(1); seq <= n; seq++ {
		m, err := stream.GetMsg(ctx, seq)
		require.NoError(t, err)
		assert.Equal(t, body(int(seq-1)), m.Data, "stored in the order Zoom sent them")
	}
}

// A WebSocket relay that is stopped while events it received are still
// queued (here: publishes fail until the stream exists) closes its socket
// first, then publishes them before it exits: nothing it received is lost.
func TestWebSocketRelayStopPublishesQueuedEvents(t *testing.T) {
	s := runServer(t)
	js := connect(t, s)
	zoom := wstest.NewServer()
	defer zoom.Close()
	r := startRelayWith(t, zoom.HTTPClient(), wsEnviron(zoom, s.ClientURL()), "-source", "websocket", "-no-ensure-stream", "-shutdown-timeout", "60s")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, zoom.WaitConnections(ctx, 1))

	const n = 20
	for i := range n {
		require.NoError(t, zoom.Emit(body(i)))
	}
	// The first event's publish is failing; the others wait in the queue.
	require.Eventually(t, func() bool { return strings.Count(r.logs.String(), "publish failed; retrying") >= 3 }, 30*time.Second, 10*time.Millisecond)
	r.cancel()
	require.NoError(t, zoom.Wait(ctx, func(st wstest.Stats) bool { return st.OpenSockets == 0 }), "the socket closes first")
	stream, err := zjetstream.EnsureStream(ctx, js, zjetstream.StreamConfig{})
	require.NoError(t, err)
	r.stop(t)
	info, err := stream.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(n), info.State.Msgs, "every event received before the stop is stored, once")
}

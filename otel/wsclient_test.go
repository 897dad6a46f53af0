package zotel_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/zoomevents/zoomevents/event"
	zotel "github.com/zoomevents/zoomevents/otel"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

func testConfig(srv *wstest.Server) wsclient.Config {
	cfg := srv.Config()
	cfg.HeartbeatInterval = 50 * time.Millisecond
	cfg.LivenessTimeout = time.Second
	cfg.InitialBackoff = 5 * time.Millisecond
	cfg.MaxBackoff = 50 * time.Millisecond
	return cfg
}

// collector forwards events to a channel.
type collector chan *event.Event

func (c collector) HandleEvent(_ context.Context, ev *event.Event) error {
	c <- ev
	return nil
}

func (c collector) next(t *testing.T) *event.Event {
	t.Helper()
	select {
	case ev := <-c:
		return ev
	case <-time.After(waitLimit):
		t.Fatal("no event arrived")
		return nil
	}
}

// runClient runs c under ctx in the background; the returned func stops it
// and waits for Run to return.
func runClient(t *testing.T, ctx context.Context, c *wsclient.Client) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- c.Run(ctx) }()
	return func() {
		cancel()
		select {
		case err := <-errc:
			require.ErrorIs(t, err, context.Canceled)
		case <-time.After(waitLimit):
			t.Fatal("Run did not return")
		}
	}
}

func TestWebSocketDeliverySpanAndMetrics(t *testing.T) {
	tel := newTelemetry(t)
	srv := wstest.NewServer()
	defer srv.Close()
	cfg := testConfig(srv)
	zotel.InstrumentClient(&cfg, tel.opts()...)
	col := make(collector, 10)
	client, err := wsclient.New(cfg, zotel.Handler(col, tel.opts()...))
	require.NoError(t, err)
	stopObserving, err := zotel.Observe(client, tel.opts()...)
	require.NoError(t, err)
	defer func() { require.NoError(t, stopObserving()) }()

	// Run's context carries the given trace: without a traceparent in the
	// delivery, the spans are its children.
	stop := runClient(t, givenParent(t), client)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	require.NoError(t, srv.WaitConnections(ctx, 1))
	require.NoError(t, srv.Emit(meetingStarted(1)))
	ev := col.next(t)
	assert.Equal(t, event.TransportWebSocket, ev.Delivery.Transport)

	// Observed while connected.
	rm := tel.collect(t)
	n, _ := value(rm, "zoom.websocket.state", zotel.AttrState.String("connected"))
	assert.Equal(t, 1.0, n)
	n, _ = value(rm, "zoom.websocket.state", zotel.AttrState.String("waiting"))
	assert.Equal(t, 0.0, n)
	n, _ = value(rm, "zoom.websocket.connects")
	assert.Equal(t, 1.0, n)
	depth, found := value(rm, "zoom.websocket.queue.depth")
	assert.True(t, found, "queue depth observed")
	assert.Equal(t, 0.0, depth, "the one event was handled")
	age, found := value(rm, "zoom.websocket.last_event.age")
	assert.True(t, found)
	assert.GreaterOrEqual(t, age, 0.0)
	assert.Less(t, age, waitLimit.Seconds())
	stop()

	ds := tel.ended("process meeting.started")
	require.Len(t, ds, 1)
	assert.Equal(t, trace.SpanKindConsumer, ds[0].SpanKind())
	assert.Equal(t, traceID, ds[0].Parent().TraceID().String())
	assert.Equal(t, parentID, ds[0].Parent().SpanID().String())
	v, _ := attrOf(ds[0], zotel.AttrTransport)
	assert.Equal(t, "websocket", v.AsString())

	connects := tel.ended("zoom.websocket.connect")
	require.Len(t, connects, 1)
	assert.Equal(t, parentID, connects[0].Parent().SpanID().String())
	assert.Equal(t, codes.Unset, connects[0].Status().Code)
	v, _ = attrOf(connects[0], "server.address")
	assert.Equal(t, "127.0.0.1", v.AsString())
	tokens := tel.ended("zoom.token")
	require.Len(t, tokens, 1)
	assert.Equal(t, connects[0].SpanContext().SpanID(), tokens[0].Parent().SpanID(), "the token span is the connect span's child")

	rm = tel.collect(t)
	n, _ = value(rm, "zoom.deliveries", zotel.AttrEventName.String("meeting.started"), zotel.AttrTransport.String("websocket"), zotel.AttrOutcome.String("ok"))
	assert.Equal(t, 1.0, n)
	n, _ = value(rm, "zoom.token.requests", zotel.AttrOutcome.String("ok"))
	assert.Equal(t, 1.0, n)
	n, _ = value(rm, "zoom.websocket.state", zotel.AttrState.String("idle"))
	assert.Equal(t, 1.0, n, "Run has returned")
}

func TestObserveStopUnregisters(t *testing.T) {
	tel := newTelemetry(t)
	srv := wstest.NewServer()
	defer srv.Close()
	client, err := wsclient.New(testConfig(srv), make(collector))
	require.NoError(t, err)
	stop, err := zotel.Observe(client, tel.opts()...)
	require.NoError(t, err)
	_, found := value(tel.collect(t), "zoom.websocket.dropped")
	require.True(t, found)
	require.NoError(t, stop())
	_, found = value(tel.collect(t), "zoom.websocket.dropped")
	assert.False(t, found)
}

func TestReconnectCauses(t *testing.T) {
	for _, c := range []struct {
		want  string
		fault func(srv *wstest.Server)
		// whether the fault acts on a live connection
		live bool
	}{
		{zotel.CauseTokenUnavailable, func(srv *wstest.Server) { srv.FailTokenRequests(1, http.StatusInternalServerError) }, false},
		{zotel.CauseTokenRefused, func(srv *wstest.Server) { srv.FailUpgrades(1, http.StatusUnauthorized, "") }, false},
		{zotel.CauseThrottled, func(srv *wstest.Server) { srv.FailUpgrades(1, http.StatusTooManyRequests, "") }, false},
		{zotel.CauseServerFailure, func(srv *wstest.Server) {
			srv.FailConnections(1, wstest.ConnFailure{Frame: []byte(`{"module":"build_connection","success":false,"content":"internal error","header":{}}`), CloseCode: websocket.StatusInternalError})
		}, false},
		{zotel.CauseTokenRefused, func(srv *wstest.Server) { srv.RejectTokens() }, true},
		{zotel.CauseConnectionLost, func(srv *wstest.Server) { srv.DropConnections() }, true},
		{zotel.CauseServerClosed, func(srv *wstest.Server) { srv.CloseConnections(websocket.StatusInternalError, "bye") }, true},
		{zotel.CauseLivenessTimeout, func(srv *wstest.Server) { srv.GoSilent() }, true},
	} {
		t.Run(c.want, func(t *testing.T) {
			tel := newTelemetry(t)
			srv := wstest.NewServer()
			defer srv.Close()
			cfg := testConfig(srv)
			cfg.LivenessTimeout = 300 * time.Millisecond
			causes := make(chan string, 100)
			cfg.OnStateChange = func(ch wsclient.StateChange) {
				if ch.To == wsclient.StateWaiting {
					causes <- zotel.ReconnectCause(ch)
				}
			}
			zotel.InstrumentClient(&cfg, tel.opts()...)
			if !c.live {
				c.fault(srv)
			}
			client, err := wsclient.New(cfg, make(collector, 10))
			require.NoError(t, err)
			stop := runClient(t, context.Background(), client)
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			require.NoError(t, srv.WaitConnections(ctx, 1))
			if c.live {
				c.fault(srv)
			}
			var seen []string
		wait:
			for {
				select {
				case cause := <-causes:
					seen = append(seen, cause)
					if cause == c.want {
						break wait
					}
				case <-ctx.Done():
					t.Fatalf("no wait with cause %s; saw %v", c.want, seen)
				}
			}
			stop()
			n, _ := value(tel.collect(t), "zoom.websocket.reconnects", zotel.AttrCause.String(c.want))
			assert.GreaterOrEqual(t, n, 1.0, "the metric counts it")
		})
	}
}

func TestFailedConnectAndTokenSpans(t *testing.T) {
	tel := newTelemetry(t)
	srv := wstest.NewServer()
	defer srv.Close()
	srv.FailTokenRequests(1, http.StatusServiceUnavailable)
	cfg := testConfig(srv)
	zotel.InstrumentClient(&cfg, tel.opts()...)
	client, err := wsclient.New(cfg, make(collector, 10))
	require.NoError(t, err)
	stop := runClient(t, context.Background(), client)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	require.NoError(t, srv.WaitConnections(ctx, 1))
	stop()

	tokens := tel.ended("zoom.token")
	require.Len(t, tokens, 2)
	assert.Equal(t, codes.Error, tokens[0].Status().Code)
	assert.Equal(t, codes.Unset, tokens[1].Status().Code)
	connects := tel.ended("zoom.websocket.connect")
	require.Len(t, connects, 2)
	assert.Equal(t, codes.Error, connects[0].Status().Code)
	v, _ := attrOf(connects[0], "error.type")
	assert.Equal(t, zotel.CauseTokenUnavailable, v.AsString())
	rm := tel.collect(t)
	n, _ := value(rm, "zoom.token.requests", zotel.AttrOutcome.String("error"))
	assert.Equal(t, 1.0, n)
	n, _ = value(rm, "zoom.token.requests", zotel.AttrOutcome.String("ok"))
	assert.Equal(t, 1.0, n)
}

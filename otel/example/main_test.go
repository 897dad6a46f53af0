package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

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

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// TestScrapeAfterOneDeliveryEach runs the example against a fake Zoom,
// delivers one webhook and one WebSocket event, and reads /metrics.
func TestScrapeAfterOneDeliveryEach(t *testing.T) {
	fake := wstest.NewServer()
	defer fake.Close()
	cfg := fake.Config()
	traces := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, options{Addr: "127.0.0.1:0", Secret: "example-secret", WS: &cfg, Traces: traces}, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-errc:
		t.Fatal(err)
	case <-time.After(20 * time.Second):
		t.Fatal("not serving")
	}
	wait, cancelWait := context.WithTimeout(ctx, 20*time.Second)
	defer cancelWait()
	require.NoError(t, fake.WaitConnections(wait, 1))

	body := []byte(`{"event":"meeting.started","event_ts":1626230691572,"payload":{"account_id":"acc-1","object":{"id":1,"uuid":"u==","host_id":"h","topic":"t","type":2}}}`)
	require.NoError(t, postWebhook(wait, "http://"+addr+"/zoom/webhook", "example-secret", body))
	require.NoError(t, fake.Emit([]byte(`{"event":"meeting.ended","event_ts":1626230691572,"payload":{"account_id":"acc-1","object":{"id":1,"uuid":"u==","host_id":"h","topic":"t","type":2}}}`)))

	const wsDelivery = `zoom_deliveries_total{otel_scope_name="github.com/zoomevents/zoomevents/otel",otel_scope_schema_url="",otel_scope_version="",zoom_event_name="meeting.ended",zoom_outcome="ok",zoom_transport="websocket"} 1`
	var metrics string
	for metrics = scrape(t, "http://"+addr+"/metrics"); !strings.Contains(metrics, wsDelivery); metrics = scrape(t, "http://"+addr+"/metrics") {
		select {
		case <-wait.Done():
			t.Fatalf("the WebSocket delivery was not counted:\n%s", metrics)
		case <-time.After(10 * time.Millisecond):
		}
	}
	for _, line := range strings.Split(metrics, "\n") {
		if strings.HasPrefix(line, "zoom_") && !strings.Contains(line, "_bucket{") {
			t.Log(line)
		}
	}
	for _, want := range []string{
		`zoom_deliveries_total{otel_scope_name="github.com/zoomevents/zoomevents/otel",otel_scope_schema_url="",otel_scope_version="",zoom_event_name="meeting.started",zoom_outcome="ok",zoom_transport="webhook"} 1`,
		wsDelivery,
		`zoom_handler_duration_seconds_count{otel_scope_name="github.com/zoomevents/zoomevents/otel",otel_scope_schema_url="",otel_scope_version="",zoom_event_name="meeting.started",zoom_outcome="ok",zoom_transport="webhook"} 1`,
		`zoom_websocket_state{otel_scope_name="github.com/zoomevents/zoomevents/otel",otel_scope_schema_url="",otel_scope_version="",zoom_websocket_state="connected"} 1`,
		`zoom_websocket_connects_total{otel_scope_name="github.com/zoomevents/zoomevents/otel",otel_scope_schema_url="",otel_scope_version=""} 1`,
		`zoom_token_requests_total{otel_scope_name="github.com/zoomevents/zoomevents/otel",otel_scope_schema_url="",otel_scope_version="",zoom_outcome="ok"} 1`,
		`# TYPE zoom_websocket_last_event_age_seconds gauge`,
	} {
		assert.Contains(t, metrics, want)
	}

	cancel()
	select {
	case err := <-errc:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return")
	}
	spans := traces.String()
	assert.Contains(t, spans, `"Name":"process meeting.started"`)
	assert.Contains(t, spans, `"Name":"process meeting.ended"`)
	assert.Contains(t, spans, `"TraceID":"4bf92f3577b34da6a3ce929d0e0e4736"`, "the webhook's spans continue Zoom's trace")
	assert.Contains(t, spans, `"Name":"zoom.websocket.connect"`)
}

package attendance_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	attendance "github.com/zoomevents/zoomevents/examples/testing"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

func participant(kind, name string) []byte {
	return []byte(fmt.Sprintf(`{"event":"meeting.participant_%s","event_ts":1,"payload":{"account_id":"a","object":{"id":85393847045,"participant":{"user_name":%q}}}}`, kind, name))
}

// Through the webhook: sign requests as Zoom does and serve them.
func TestTrackerViaWebhook(t *testing.T) {
	tracker := attendance.NewTracker()
	mux := event.NewMux()
	tracker.Register(mux)
	h, err := webhook.NewEndpoint("test-secret", mux)
	require.NoError(t, err)

	for _, body := range [][]byte{participant("joined", "Ada"), participant("joined", "Grace"), participant("left", "Ada")} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, webhooktest.NewRequest("test-secret", "/zoom/webhook", body))
		require.Equal(t, http.StatusOK, w.Code)
	}
	assert.Equal(t, []string{"Grace"}, tracker.Present("85393847045"))
}

// Through the WebSocket: run the real client against the fake Zoom.
func TestTrackerViaWebSocket(t *testing.T) {
	tracker := attendance.NewTracker()
	mux := event.NewMux()
	tracker.Register(mux)

	zoom := wstest.NewServer()
	defer zoom.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- wsclient.Subscribe(ctx, zoom.Config(), mux) }()
	require.NoError(t, zoom.WaitConnections(ctx, 1))
	require.NoError(t, zoom.Emit(participant("joined", "Ada")))
	require.NoError(t, zoom.Emit(participant("joined", "Grace")))

	assert.Eventually(t, func() bool { return len(tracker.Present("85393847045")) == 2 }, 20*time.Second, 5*time.Millisecond)
	cancel()
	<-done // Subscribe returns only after all its goroutines have ended
}

package attendance_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/event/eventtest"
	attendance "github.com/zoomevents/zoomevents/examples/testing"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

// participant builds the body Zoom sends when name joins (or leaves)
// meeting 85393847045, from the typed payload.
func participant(kind, name string) []byte {
	if kind == "left" {
		p := &payload.MeetingParticipantLeft{}
		p.Object.ID = "85393847045"
		p.Object.Participant.UserName = name
		return eventtest.Body(p)
	}
	p := &payload.MeetingParticipantJoined{}
	p.Object.ID = "85393847045"
	p.Object.Participant.UserName = name
	return eventtest.Body(p)
}

// The handlers are plain functions: call them with built values.
func TestTrackerHandlersDirectly(t *testing.T) {
	tracker := attendance.NewTracker()
	joined := &payload.MeetingParticipantJoined{}
	joined.Object.ID = "1"
	joined.Object.Participant.UserName = "Ada"
	require.NoError(t, tracker.Joined(context.Background(), eventtest.New(joined), joined))
	assert.Equal(t, []string{"Ada"}, tracker.Present("1"))

	left := &payload.MeetingParticipantLeft{}
	left.Object.ID = "1"
	left.Object.Participant.UserName = "Ada"
	require.NoError(t, tracker.Left(context.Background(), eventtest.New(left), left))
	assert.Empty(t, tracker.Present("1"))
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

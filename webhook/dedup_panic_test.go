package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// A handler that panics behind event.Dedup must not lose the event: the
// first delivery is answered 500, and Zoom's retry runs the handler again.
func TestDedupPanicRetriedThroughHandler(t *testing.T) {
	const secret = "whsec-panic"
	var calls atomic.Int32
	next := event.Dedup(event.HandlerFunc(func(context.Context, *event.Event) error {
		if calls.Add(1) == 1 {
			panic("crash mid-handler")
		}
		return nil
	}))
	h, err := webhook.NewEndpoint(secret, next)
	require.NoError(t, err)
	body := []byte(`{"event":"meeting.started","event_ts":1700000000000,"payload":{"account_id":"a","object":{"id":"1"}}}`)
	deliver := func() int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, webhooktest.NewRequest(secret, "/zoom", body))
		return rec.Code
	}
	assert.Equal(t, http.StatusInternalServerError, deliver(), "first delivery: the panic is recovered and answered 500")
	assert.Equal(t, http.StatusOK, deliver(), "Zoom's retry")
	assert.EqualValues(t, 2, calls.Load(), "the retry reached the handler")
	assert.Equal(t, http.StatusOK, deliver())
	assert.EqualValues(t, 2, calls.Load(), "a third copy is a duplicate")
}

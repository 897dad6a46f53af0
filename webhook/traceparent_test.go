package webhook_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func TestDeliveryCarriesTraceParent(t *testing.T) {
	const secret = "whsec-trace"
	var got string
	h, err := webhook.NewEndpoint(secret, event.HandlerFunc(func(_ context.Context, ev *event.Event) error {
		got = ev.Delivery.TraceParent
		return nil
	}))
	require.NoError(t, err)
	body := []byte(`{"event":"meeting.started","event_ts":1700000000000,"payload":{"account_id":"a","object":{"id":"1"}}}`)
	valid := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	for header, want := range map[string]string{
		valid: valid,
		"":    "",
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01": "", // uppercase is not the W3C form
		"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01": "", // version ff is invalid
		valid + "-extra":        "",
		strings.Repeat("0", 55): "",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0\n": "",
	} {
		got = "unset"
		req := webhooktest.NewRequest(secret, "/zoom", body)
		if header != "" {
			req.Header.Set("traceparent", header)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, 200, rec.Code)
		assert.Equal(t, want, got, "traceparent %q", header)
	}
}

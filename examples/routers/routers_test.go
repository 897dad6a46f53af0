package routers_test

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/examples/routers"
	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func TestMain(m *testing.M) {
	log.SetOutput(io.Discard)
	goleak.VerifyTestMain(m)
}

const secret = "router-secret"

func TestRouters(t *testing.T) {
	// recording.completed as the snapshot of Zoom's specs gives it: 1.3 KiB,
	// over the 1 KiB limits of the examples' API routes.
	body, err := snapshot.BodyOf("recording.completed")
	require.NoError(t, err)
	require.Greater(t, len(body), 1<<10)

	cases := []struct {
		name        string
		mount, trap func(http.Handler) http.Handler
		trapStatus  int
		trapErr     error // what the Handler's error hook hears; nil: it never runs
	}{
		{"net/http", routers.NetHTTP, routers.NetHTTPTrap, 500, webhook.ErrBodyRead},
		{"net/http restored", routers.NetHTTPRestored, routers.NetHTTPTrap, 500, webhook.ErrBodyRead},
		{"chi", routers.Chi, routers.ChiTrap, 413, webhook.ErrBodyTooLarge},
		{"gin", routers.Gin, routers.GinTrap, 500, webhook.ErrBodyRead},
		{"echo", routers.Echo, routers.EchoTrap, 413, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var handled atomic.Int32
			var hooked error
			zoom, err := webhook.NewEndpoint(secret,
				event.HandlerFunc(func(context.Context, *event.Event) error { handled.Add(1); return nil }),
				webhook.WithErrorHook(func(_ *http.Request, err error) { hooked = err }))
			require.NoError(t, err)

			// Mounted right: a signed event is answered 200 and handled,
			// a challenge is answered, and the API still works.
			w := httptest.NewRecorder()
			c.mount(zoom).ServeHTTP(w, webhooktest.NewRequest(secret, routers.WebhookPath, body))
			assert.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.EqualValues(t, 1, handled.Load())
			assert.NoError(t, hooked)

			challenge, want := webhooktest.URLValidation(secret, "plain")
			w = httptest.NewRecorder()
			c.mount(zoom).ServeHTTP(w, webhooktest.NewRequest(secret, routers.WebhookPath, challenge))
			assert.Equal(t, http.StatusOK, w.Code)
			assert.Contains(t, w.Body.String(), want)

			w = httptest.NewRecorder()
			c.mount(zoom).ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/api/items", nil))
			assert.Equal(t, http.StatusOK, w.Code)

			// The trap: the same genuine event is not handled.
			w = httptest.NewRecorder()
			c.trap(zoom).ServeHTTP(w, webhooktest.NewRequest(secret, routers.WebhookPath, body))
			assert.Equal(t, c.trapStatus, w.Code)
			assert.EqualValues(t, 1, handled.Load(), "the trap loses the event")
			if c.trapErr != nil {
				assert.ErrorIs(t, hooked, c.trapErr, "the Handler reports what it saw")
			} else {
				assert.NoError(t, hooked, "the router answered before the Handler ran")
			}
		})
	}
}

// TestNetHTTPPatternRoutesOtherMethodsAway: with a method pattern, a GET
// never reaches the Handler: the ServeMux answers it (here 404, through the
// catch-all "/"; 405 without one).
func TestNetHTTPPatternRoutesOtherMethodsAway(t *testing.T) {
	var hooked error
	zoom, err := webhook.NewEndpoint(secret, event.NewMux(),
		webhook.WithErrorHook(func(_ *http.Request, err error) { hooked = err }))
	require.NoError(t, err)
	w := httptest.NewRecorder()
	routers.NetHTTP(zoom).ServeHTTP(w, httptest.NewRequest(http.MethodGet, routers.WebhookPath, nil))
	assert.Equal(t, http.StatusNotFound, w.Code)
	w = httptest.NewRecorder()
	routers.NetHTTPRestored(zoom).ServeHTTP(w, httptest.NewRequest(http.MethodGet, routers.WebhookPath, nil))
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
	assert.NoError(t, hooked)
}

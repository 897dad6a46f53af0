package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

const secret = "test-secret-token"

var startedBody = []byte(`{"event":"meeting.started","event_ts":1720707175904,"payload":{"account_id":"acct","object":{"id":85393847045,"uuid":"u","host_id":"h","topic":"Standup","type":2,"start_time":"2024-07-11T14:12:55Z","duration":60}}}`)

// recorder is an event handler that records what it was called with.
type recorder struct {
	calls atomic.Int32
	last  atomic.Pointer[event.Event]
	err   error
	panic bool
}

func (r *recorder) HandleEvent(_ context.Context, ev *event.Event) error {
	r.calls.Add(1)
	r.last.Store(ev)
	if r.panic {
		panic("handler exploded")
	}
	return r.err
}

func newHandler(t testing.TB, next event.Handler, opts ...webhook.Option) *webhook.Endpoint {
	t.Helper()
	h, err := webhook.NewEndpoint(secret, next, opts...)
	require.NoError(t, err)
	return h
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandlerDeliversTypedEvent(t *testing.T) {
	rec := &recorder{}
	r := webhooktest.NewRequest(secret, "/zoom/webhook", startedBody)
	r.Header.Set("x-zm-request-id", "req-1")
	w := serve(newHandler(t, rec), r)

	require.Equal(t, http.StatusOK, w.Code)
	require.EqualValues(t, 1, rec.calls.Load())
	ev := rec.last.Load()
	assert.Equal(t, "meeting.started", ev.Name)
	assert.Equal(t, startedBody, ev.Raw, "raw bytes kept exactly")
	assert.Equal(t, event.TransportWebhook, ev.Delivery.Transport)
	assert.Equal(t, "req-1", ev.Delivery.RequestID)
	p, ok := ev.Payload.(*payload.MeetingStarted)
	require.True(t, ok)
	assert.Equal(t, payload.ID("85393847045"), p.Object.ID)
	assert.Equal(t, "Standup", p.Object.Topic)
}

func TestHandlerUnknownEventIsDeliveredRaw(t *testing.T) {
	rec := &recorder{}
	body := []byte(`{"event":"brand_new.thing","event_ts":1,"payload":{"account_id":"a","object":{"x":1}}}`)
	w := serve(newHandler(t, rec), webhooktest.NewRequest(secret, "/", body))
	require.Equal(t, http.StatusOK, w.Code)
	ev := rec.last.Load()
	assert.False(t, (ev.Payload != nil))
	assert.Equal(t, "a", ev.AccountID)
	assert.JSONEq(t, `{"x":1}`, string(ev.Object()))
}

func TestHandlerURLValidation(t *testing.T) {
	rec := &recorder{}
	h := newHandler(t, rec)
	body, want := webhooktest.URLValidation(secret, "qgg8vlvZRS6UYooatFL8Aw")
	w := serve(h, webhooktest.NewRequest(secret, "/", body))

	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
	var answer struct{ PlainToken, EncryptedToken string }
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &answer))
	assert.Equal(t, "qgg8vlvZRS6UYooatFL8Aw", answer.PlainToken)
	assert.Equal(t, want, answer.EncryptedToken)
	assert.Zero(t, rec.calls.Load(), "the challenge is not an event for the handler")
}

func TestHandlerURLValidationAnsweredWithSigningSecret(t *testing.T) {
	h := newHandler(t, &recorder{}, webhook.WithSecrets("second-app"))
	body, want := webhooktest.URLValidation("second-app", "tok")
	w := serve(h, webhooktest.NewRequest("second-app", "/", body))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), want)
}

func TestHandlerZoomVectorOverHTTP(t *testing.T) {
	// The real captured challenge of zoom-protocol.md §1.3, sent as Zoom sent it.
	rec := &recorder{}
	h, err := webhook.NewEndpoint(vectorSecret, rec, webhook.WithClock(func() time.Time { return time.Unix(1720705460, 0) }))
	require.NoError(t, err)
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(vectors[0].body))
	r.Header = vectorHeader(vectors[0].timestamp, vectors[0].signature)
	w := serve(h, r)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), `"plainToken":"xys8n8PGS7mAU0m5-YJjRA"`)
}

// TestHandlerRejects covers every bad input: the status code Zoom gets, the
// sentinel reported to the hook, and that the event handler never runs.
func TestHandlerRejects(t *testing.T) {
	now := time.Now()
	signed := func(body []byte) *http.Request { return webhooktest.NewRequest(secret, "/", body) }
	challenge, _ := webhooktest.URLValidation(secret, "plain")
	cases := []struct {
		name   string
		req    func() *http.Request
		opts   []webhook.Option
		status int
		want   error
	}{
		{"GET", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) }, nil, 405, webhook.ErrMethodNotAllowed},
		{"no signature", func() *http.Request {
			r := signed(startedBody)
			r.Header.Del("x-zm-signature")
			return r
		}, nil, 401, webhook.ErrMissingSignature},
		{"no timestamp", func() *http.Request {
			r := signed(startedBody)
			r.Header.Del("x-zm-request-timestamp")
			return r
		}, nil, 401, webhook.ErrMissingTimestamp},
		{"wrong secret", func() *http.Request { return webhooktest.NewRequest("other", "/", startedBody) }, nil, 401, webhook.ErrBadSignature},
		{"body changed after signing", func() *http.Request {
			r := signed(startedBody)
			r.Body = io.NopCloser(bytes.NewReader(bytes.Replace(startedBody, []byte("Standup"), []byte("Standdown"), 1)))
			return r
		}, nil, 401, webhook.ErrBadSignature},
		{"stale timestamp", func() *http.Request {
			return webhooktest.NewRequestAt(secret, "/", startedBody, now.Add(-3*time.Hour))
		}, nil, 401, webhook.ErrStaleTimestamp},
		{"future timestamp", func() *http.Request {
			return webhooktest.NewRequestAt(secret, "/", startedBody, now.Add(time.Hour))
		}, nil, 401, webhook.ErrStaleTimestamp},
		{"unsigned challenge", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(challenge))
			return r
		}, nil, 401, webhook.ErrMissingSignature},
		{"challenge signed with another secret", func() *http.Request {
			return webhooktest.NewRequest("attacker", "/", challenge)
		}, nil, 401, webhook.ErrBadSignature},
		{"challenge without plainToken", func() *http.Request {
			return signed([]byte(`{"event":"endpoint.url_validation","payload":{}}`))
		}, nil, 400, webhook.ErrInvalidEvent},
		{"signed but not JSON", func() *http.Request { return signed([]byte(`not json`)) }, nil, 400, event.ErrInvalidJSON},
		{"signed but truncated JSON", func() *http.Request { return signed(startedBody[:40]) }, nil, 400, event.ErrInvalidJSON},
		{"signed JSON without event", func() *http.Request { return signed([]byte(`{"payload":{}}`)) }, nil, 400, event.ErrMissingName},
		{"signed JSON array", func() *http.Request { return signed([]byte(`[1,2]`)) }, nil, 400, webhook.ErrInvalidEvent},
		{"empty body", func() *http.Request { return signed(nil) }, nil, 400, webhook.ErrInvalidEvent},
		{"body over the limit", func() *http.Request { return signed(startedBody) }, []webhook.Option{webhook.WithMaxBodyBytes(64)}, 413, webhook.ErrBodyTooLarge},
		{"chunked body over the limit", func() *http.Request {
			r := signed(startedBody)
			r.ContentLength = -1
			return r
		}, []webhook.Option{webhook.WithMaxBodyBytes(64)}, 413, webhook.ErrBodyTooLarge},
		{"missing basic auth", func() *http.Request { return signed(startedBody) }, []webhook.Option{webhook.WithBasicAuth("zoom", "pw")}, 401, webhook.ErrUnauthorized},
		{"wrong bearer token", func() *http.Request {
			r := signed(startedBody)
			r.Header.Set("Authorization", "Bearer nope")
			return r
		}, []webhook.Option{webhook.WithBearerToken("tok")}, 401, webhook.ErrUnauthorized},
		{"wrong custom header", func() *http.Request {
			r := signed(startedBody)
			r.Header.Set("X-My-Key", "nope")
			return r
		}, []webhook.Option{webhook.WithHeader("X-My-Key", "yes")}, 401, webhook.ErrUnauthorized},
		{"source not allowed", func() *http.Request { return signed(startedBody) }, []webhook.Option{webhook.WithAllowedSources([]string{"10.0.0.0/8"}, nil)}, 403, webhook.ErrSourceNotAllowed},
		{"spoofed X-Forwarded-For from an untrusted peer", func() *http.Request {
			r := signed(startedBody)
			r.Header.Set("X-Forwarded-For", "10.1.2.3")
			return r
		}, []webhook.Option{webhook.WithAllowedSources([]string{"10.0.0.0/8"}, nil)}, 403, webhook.ErrSourceNotAllowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			var hooked error
			opts := append([]webhook.Option{webhook.WithErrorHook(func(_ *http.Request, err error) { hooked = err })}, c.opts...)
			w := serve(newHandler(t, rec, opts...), c.req())
			assert.Equal(t, c.status, w.Code)
			assert.ErrorIs(t, hooked, c.want)
			assert.Zero(t, rec.calls.Load(), "handler must not run")
			assert.NotContains(t, w.Body.String(), secret)
			assert.Equal(t, http.StatusText(c.status)+"\n", w.Body.String(), "body is the status text only")
		})
	}
}

func TestHandlerFailureIs500(t *testing.T) {
	for _, rec := range []*recorder{{err: errors.New("database down")}, {panic: true}} {
		var logs bytes.Buffer
		h := newHandler(t, rec, webhook.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
		w := serve(h, webhooktest.NewRequest(secret, "/", startedBody))
		assert.Equal(t, http.StatusInternalServerError, w.Code, "Zoom retries 5xx")
		assert.EqualValues(t, 1, rec.calls.Load())
		assert.NotContains(t, w.Body.String(), "database down", "internal errors are not echoed")
		assert.NotContains(t, logs.String(), secret)
		if rec.panic {
			assert.Contains(t, logs.String(), "panicked")
		}
	}
}

func TestHandlerExtraChecksPass(t *testing.T) {
	rec := &recorder{}
	h := newHandler(t, rec,
		webhook.WithBasicAuth("zoom", "pw"),
		webhook.WithHeader("X-My-Key", "yes"),
		webhook.WithAllowedSources([]string{"203.0.113.0/24"}, []string{"192.0.2.1"}))
	r := webhooktest.NewRequest(secret, "/", startedBody)
	r.SetBasicAuth("zoom", "pw")
	r.Header.Set("X-My-Key", "yes")
	r.RemoteAddr = "192.0.2.1:4000" // a trusted proxy
	r.Header.Set("X-Forwarded-For", "198.51.100.7, 203.0.113.9")
	w := serve(h, r)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.EqualValues(t, 1, rec.calls.Load())

	bearer := newHandler(t, rec, webhook.WithBearerToken("tok"))
	r = webhooktest.NewRequest(secret, "/", startedBody)
	r.Header.Set("Authorization", "Bearer tok")
	assert.Equal(t, http.StatusOK, serve(bearer, r).Code)
}

func TestNewHandlerRejectsBadConfig(t *testing.T) {
	rec := &recorder{}
	_, err := webhook.NewEndpoint("", rec)
	assert.ErrorIs(t, err, webhook.ErrConfig)
	_, err = webhook.NewEndpoint(secret, nil)
	assert.ErrorIs(t, err, webhook.ErrConfig)
	_, err = webhook.NewEndpoint(secret, rec, webhook.WithBasicAuth("", ""))
	assert.ErrorIs(t, err, webhook.ErrConfig)
	_, err = webhook.NewEndpoint(secret, rec, webhook.WithAllowedSources([]string{"not-a-cidr"}, nil))
	assert.ErrorIs(t, err, webhook.ErrConfig)
}

func TestHandlerOverRealServerWithDedup(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(newHandler(t, event.Dedup(rec)))
	defer srv.Close()
	// Zoom's retry resends the same body: handled once, answered 200 twice.
	for i := 0; i < 2; i++ {
		req, err := webhooktest.NewClientRequest(secret, srv.URL, startedBody)
		require.NoError(t, err)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	}
	assert.EqualValues(t, 1, rec.calls.Load())
}

package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func TestReceiveEvent(t *testing.T) {
	at := time.Unix(1720707200, 0)
	v, err := webhook.NewVerifier(secret, webhook.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	h := webhooktest.Headers(secret, at, startedBody)
	h.Set("X-Zm-Request-Id", "req-9")
	h.Set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")

	got, err := v.Receive(h, startedBody)
	require.NoError(t, err)
	require.Nil(t, got.Challenge)
	require.NotNil(t, got.Event)
	assert.Equal(t, "meeting.started", got.Event.Name)
	assert.Equal(t, startedBody, got.Event.Raw)
	assert.Equal(t, event.Delivery{
		Transport: event.TransportWebhook, RequestID: "req-9", ReceivedAt: at,
		TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
	}, got.Event.Delivery)
	_, typed := got.Event.Payload.(*payload.MeetingStarted)
	assert.True(t, typed)
}

// TestReceiveChallengeWithMatchingSecret: the answer is computed with the
// secret that signed the challenge, not the first one.
func TestReceiveChallengeWithMatchingSecret(t *testing.T) {
	v, err := webhook.NewVerifier(secret, webhook.WithSecrets("second-app"))
	require.NoError(t, err)
	body, want := webhooktest.URLValidation("second-app", "qgg8vlvZRS6UYooatFL8Aw")
	got, err := v.Receive(webhooktest.Headers("second-app", time.Now(), body), body)
	require.NoError(t, err)
	require.Nil(t, got.Event)
	require.NotNil(t, got.Challenge)
	assert.Equal(t, want, got.Challenge.EncryptedToken)
	assert.JSONEq(t, `{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"`+want+`"}`, string(got.Challenge.JSON()))
}

// TestReceiveZoomVector: the real captured challenge of zoom-protocol.md
// §1.3, received as bytes.
func TestReceiveZoomVector(t *testing.T) {
	v, err := webhook.NewVerifier(vectorSecret, webhook.WithClock(func() time.Time { return time.Unix(1720705460, 0) }))
	require.NoError(t, err)
	got, err := v.Receive(vectorHeader(vectors[0].timestamp, vectors[0].signature), []byte(vectors[0].body))
	require.NoError(t, err)
	require.NotNil(t, got.Challenge)
	assert.Equal(t, "xys8n8PGS7mAU0m5-YJjRA", got.Challenge.PlainToken)
}

// TestReceiveAgreesWithHandler: for every bad request that both can see,
// Receive fails with the sentinel the Endpoint reports, and StatusCode of
// Receive's error is the status the Endpoint answers.
func TestReceiveAgreesWithHandler(t *testing.T) {
	now := time.Now()
	challenge, _ := webhooktest.URLValidation(secret, "plain")
	type request struct {
		header http.Header
		body   []byte
	}
	signed := func(body []byte) request { return request{webhooktest.Headers(secret, now, body), body} }
	edit := func(r request, key, value string) request {
		if value == "" {
			r.header.Del(key)
		} else {
			r.header.Set(key, value)
		}
		return r
	}
	cases := []struct {
		name   string
		req    request
		opts   []webhook.VerifyOption
		status int
		want   error
	}{
		{"good event", signed(startedBody), nil, 200, nil},
		{"good challenge", signed(challenge), nil, 200, nil},
		{"no signature", edit(signed(startedBody), webhook.HeaderSignature, ""), nil, 401, webhook.ErrMissingSignature},
		{"no timestamp", edit(signed(startedBody), webhook.HeaderTimestamp, ""), nil, 401, webhook.ErrMissingTimestamp},
		{"timestamp not a number", edit(signed(startedBody), webhook.HeaderTimestamp, "soon"), nil, 401, webhook.ErrBadTimestamp},
		{"stale", request{webhooktest.Headers(secret, now.Add(-3*time.Hour), startedBody), startedBody}, nil, 401, webhook.ErrStaleTimestamp},
		{"wrong secret", request{webhooktest.Headers("other", now, startedBody), startedBody}, nil, 401, webhook.ErrBadSignature},
		{"body changed", request{webhooktest.Headers(secret, now, startedBody), bytes.Replace(startedBody, []byte("Standup"), []byte("Standdown"), 1)}, nil, 401, webhook.ErrBadSignature},
		{"unsigned challenge", request{http.Header{}, challenge}, nil, 401, webhook.ErrMissingSignature},
		{"challenge without plainToken", signed([]byte(`{"event":"endpoint.url_validation","payload":{}}`)), nil, 400, webhook.ErrInvalidEvent},
		{"not JSON", signed([]byte(`not json`)), nil, 400, event.ErrInvalidJSON},
		{"no event name", signed([]byte(`{"payload":{}}`)), nil, 400, event.ErrMissingName},
		{"empty body", signed(nil), nil, 400, webhook.ErrInvalidEvent},
		{"basic auth missing", signed(startedBody), []webhook.VerifyOption{webhook.WithBasicAuth("zoom", "pw")}, 401, webhook.ErrUnauthorized},
		{"bearer wrong", edit(signed(startedBody), "Authorization", "Bearer nope"), []webhook.VerifyOption{webhook.WithBearerToken("tok")}, 401, webhook.ErrUnauthorized},
		{"custom header wrong", edit(signed(startedBody), "X-My-Key", "no"), []webhook.VerifyOption{webhook.WithHeader("X-My-Key", "yes")}, 401, webhook.ErrUnauthorized},
		{"custom header right", edit(signed(startedBody), "X-My-Key", "yes"), []webhook.VerifyOption{webhook.WithHeader("X-My-Key", "yes")}, 200, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := webhook.NewVerifier(secret, c.opts...)
			require.NoError(t, err)
			got, err := v.Receive(c.req.header.Clone(), c.req.body)
			assert.Equal(t, c.status, webhook.StatusCode(err))
			if c.want == nil {
				require.NoError(t, err)
				assert.True(t, (got.Event == nil) != (got.Challenge == nil), "exactly one of Event and Challenge")
			} else {
				assert.ErrorIs(t, err, c.want)
				assert.Equal(t, webhook.Received{}, got)
			}

			var hooked error
			opts := []webhook.Option{webhook.WithErrorHook(func(_ *http.Request, err error) { hooked = err })}
			for _, o := range c.opts {
				opts = append(opts, o)
			}
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(c.req.body))
			r.Header = c.req.header.Clone()
			w := serve(newHandler(t, &recorder{}, opts...), r)
			assert.Equal(t, c.status, w.Code, "the Endpoint answers what StatusCode says")
			if c.want != nil {
				assert.ErrorIs(t, hooked, c.want)
			}
		})
	}
}

// TestReceiveChecksHeadersFirst: an authentication header failure is
// reported before any signature problem, and a stale timestamp before the
// HMAC is computed (a wrong body is not what is reported).
func TestReceiveChecksHeadersFirst(t *testing.T) {
	now := time.Now()
	v, err := webhook.NewVerifier(secret, webhook.WithBasicAuth("zoom", "pw"))
	require.NoError(t, err)
	_, err = v.Receive(http.Header{}, startedBody)
	assert.ErrorIs(t, err, webhook.ErrUnauthorized)

	v, err = webhook.NewVerifier(secret)
	require.NoError(t, err)
	h := webhooktest.Headers(secret, now.Add(-3*time.Hour), startedBody)
	_, err = v.Receive(h, []byte("tampered"))
	assert.ErrorIs(t, err, webhook.ErrStaleTimestamp)
}

// TestVerifyRunsHeaderChecks: a Verifier built with an authentication
// option applies it in Verify too (NewVerifier used to ignore it).
func TestVerifyRunsHeaderChecks(t *testing.T) {
	v, err := webhook.NewVerifier(secret, webhook.WithBearerToken("tok"))
	require.NoError(t, err)
	h := webhooktest.Headers(secret, time.Now(), startedBody)
	assert.ErrorIs(t, v.Verify(h, startedBody), webhook.ErrUnauthorized)
	h.Set("Authorization", "Bearer tok")
	assert.NoError(t, v.Verify(h, startedBody))
}

// TestReceiveFixtures: every committed event body, signed, is received as
// the event it names.
func TestReceiveFixtures(t *testing.T) {
	files, err := filepath.Glob("../event/testdata/bodies/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	v, err := webhook.NewVerifier(secret)
	require.NoError(t, err)
	for _, f := range files {
		body, err := os.ReadFile(f)
		require.NoError(t, err)
		var env struct {
			Event string `json:"event"`
		}
		require.NoError(t, json.Unmarshal(body, &env), f)
		got, err := v.Receive(webhooktest.Headers(secret, time.Now(), body), body)
		require.NoError(t, err, f)
		if env.Event == webhook.URLValidationEvent {
			assert.NotNil(t, got.Challenge, f)
			continue
		}
		require.NotNil(t, got.Event, f)
		assert.Equal(t, env.Event, got.Event.Name, f)
	}
}

func TestStatusCode(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{nil, 200},
		{webhook.ErrMissingSignature, 401},
		{fmt.Errorf("wrapped: %w", webhook.ErrBadSignature), 401},
		{webhook.ErrStaleTimestamp, 401},
		{webhook.ErrBadTimestamp, 401},
		{webhook.ErrMissingTimestamp, 401},
		{webhook.ErrUnauthorized, 401},
		{webhook.ErrBodyTooLarge, 413},
		{fmt.Errorf("%w: %w", webhook.ErrInvalidEvent, event.ErrInvalidJSON), 400},
		{webhook.ErrMethodNotAllowed, 405},
		{webhook.ErrSourceNotAllowed, 403},
		{webhook.ErrHandlerPanic, 500},
		{errors.New("database down"), 500},
		{context.DeadlineExceeded, 500},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, webhook.StatusCode(c.err), "%v", c.err)
	}
}

// TestConfigErrorsAllSurface: every bad option is reported, each wrapping
// ErrConfig, from both constructors.
func TestConfigErrorsAllSurface(t *testing.T) {
	_, err := webhook.NewVerifier("",
		webhook.WithSecrets("ok", ""),
		webhook.WithClock(nil),
		webhook.WithTimestampWindow(-time.Minute, 0),
		webhook.WithBasicAuth("", "pw"),
		webhook.WithBearerToken(""),
		webhook.WithHeader("X-Key", ""),
		nil)
	require.ErrorIs(t, err, webhook.ErrConfig)
	for _, want := range []string{"empty secret token", "WithSecrets", "WithClock", "WithTimestampWindow",
		"WithBasicAuth", "WithBearerToken", "WithHeader", "nil VerifyOption"} {
		assert.Contains(t, err.Error(), want)
	}

	_, err = webhook.NewEndpoint(secret, nil,
		webhook.WithMaxBodyBytes(-1),
		webhook.WithAllowedSources(nil, nil),
		webhook.WithAllowedSources([]string{"10.0.0.0/8"}, []string{"proxy"}),
		webhook.WithClock(nil),
		nil)
	require.ErrorIs(t, err, webhook.ErrConfig)
	for _, want := range []string{"event handler", "WithMaxBodyBytes", "at least one allowed prefix",
		`trusted proxies: bad address prefix "proxy"`, "WithClock", "nil Option"} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), secret)
}

// TestOptionKinds: options that configure only an Endpoint are not
// VerifyOptions, so NewVerifier cannot be given one (a compile error).
func TestOptionKinds(t *testing.T) {
	verify := reflect.TypeOf((*webhook.VerifyOption)(nil)).Elem()
	handler := reflect.TypeOf((*webhook.EndpointOption)(nil)).Elem()
	for _, o := range []webhook.Option{
		webhook.WithMaxBodyBytes(1), webhook.WithLogger(nil),
		webhook.WithErrorHook(nil), webhook.WithAllowedSources([]string{"10.0.0.0/8"}, nil),
	} {
		assert.False(t, reflect.TypeOf(o).Implements(verify), "%T", o)
		assert.True(t, reflect.TypeOf(o).Implements(handler), "%T", o)
	}
	for _, o := range []webhook.VerifyOption{
		webhook.WithSecrets("s"), webhook.WithTimestampWindow(0, 0), webhook.WithoutTimestampCheck(),
		webhook.WithClock(time.Now), webhook.WithBasicAuth("u", "p"), webhook.WithBearerToken("t"), webhook.WithHeader("k", "v"),
	} {
		assert.False(t, reflect.TypeOf(o).Implements(handler), "%T", o)
	}
}

// The Endpoint answers a challenge with exactly Challenge.JSON.
func TestHandlerChallengeBodyIsChallengeJSON(t *testing.T) {
	body, _ := webhooktest.URLValidation(secret, "tok")
	v, err := webhook.NewVerifier(secret)
	require.NoError(t, err)
	got, err := v.Receive(webhooktest.Headers(secret, time.Now(), body), body)
	require.NoError(t, err)
	w := serve(newHandler(t, &recorder{}), webhooktest.NewRequest(secret, "/", body))
	b, err := io.ReadAll(w.Result().Body)
	require.NoError(t, err)
	assert.Equal(t, string(got.Challenge.JSON()), strings.TrimSpace(string(b)))
}

// TestHandlerOuterBodyLimitIs413: a router middleware's smaller
// http.MaxBytesReader (chi's RequestSize) is reported as ErrBodyTooLarge,
// 413, not as a malformed body.
func TestHandlerOuterBodyLimitIs413(t *testing.T) {
	var hooked error
	h := newHandler(t, &recorder{}, webhook.WithErrorHook(func(_ *http.Request, err error) { hooked = err }))
	for _, length := range []int64{int64(len(startedBody)), -1} {
		r := webhooktest.NewRequest(secret, "/", startedBody)
		r.ContentLength = length
		w := httptest.NewRecorder()
		r.Body = http.MaxBytesReader(w, r.Body, 64)
		h.ServeHTTP(w, r)
		assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code, "Content-Length %d", length)
		assert.ErrorIs(t, hooked, webhook.ErrBodyTooLarge)
	}
}

package zoomlambda_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
	zoomlambda "github.com/zoomevents/zoomevents/lambda"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const secret = "lambda-secret-token"

// recorder records the events it is given.
type recorder struct {
	mu     sync.Mutex
	names  []string
	last   *event.Event
	err    error
	panics bool
}

func (r *recorder) HandleEvent(_ context.Context, ev *event.Event) error {
	r.mu.Lock()
	r.names = append(r.names, ev.Name)
	r.last = ev
	r.mu.Unlock()
	if r.panics {
		panic("boom")
	}
	return r.err
}

func newHandler(t *testing.T, next event.Handler, vopts []webhook.VerifyOption, opts ...zoomlambda.Option) *zoomlambda.Handler {
	t.Helper()
	v, err := webhook.NewVerifier(secret, vopts...)
	require.NoError(t, err)
	h, err := zoomlambda.New(v, next, opts...)
	require.NoError(t, err)
	return h
}

// lower returns the headers as API Gateway and function URLs deliver them:
// lower-case keys, one string each.
func lower(h map[string][]string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[strings.ToLower(k)] = strings.Join(v, ",")
	}
	return out
}

func httpAPIRequest(method string, headers map[string]string, body []byte, b64 bool) events.APIGatewayV2HTTPRequest {
	req := events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: "/zoom/webhook", Headers: headers, Body: string(body)}
	req.RequestContext.HTTP.Method = method
	if b64 {
		req.Body, req.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	}
	return req
}

func functionURLRequest(method string, headers map[string]string, body []byte, b64 bool) events.LambdaFunctionURLRequest {
	req := events.LambdaFunctionURLRequest{Version: "2.0", RawPath: "/", Headers: headers, Body: string(body)}
	req.RequestContext.HTTP.Method = method
	if b64 {
		req.Body, req.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	}
	return req
}

// bodies returns the repository's event fixtures and the body synthesized
// from the spec snapshot for every typed event.
func bodies(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	files, err := filepath.Glob("../event/testdata/bodies/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		out[filepath.Base(f)] = b
	}
	s, err := snapshot.Load()
	require.NoError(t, err)
	for _, e := range s.Events {
		out["snapshot:"+e.Name] = snapshot.Body(e)
	}
	return out
}

// TestFixturesOverBothEvents: every fixture and every snapshot body, signed
// as Zoom signs it, plain and base64-encoded, through both event shapes, is
// answered 200 and delivered as the event it names with its exact bytes.
func TestFixturesOverBothEvents(t *testing.T) {
	rec := &recorder{}
	h := newHandler(t, rec, nil)
	ctx := context.Background()
	n := 0
	for name, body := range bodies(t) {
		var env struct {
			Event string `json:"event"`
		}
		require.NoError(t, json.Unmarshal(body, &env), name)
		headers := lower(webhooktest.Headers(secret, time.Now(), body))
		for _, b64 := range []bool{false, true} {
			r1, err := h.HTTPAPI(ctx, httpAPIRequest("POST", headers, body, b64))
			require.NoError(t, err)
			require.Equal(t, 200, r1.StatusCode, "%s base64=%v: %s", name, b64, r1.Body)
			r2, err := h.FunctionURL(ctx, functionURLRequest("POST", headers, body, b64))
			require.NoError(t, err)
			require.Equal(t, 200, r2.StatusCode, "%s base64=%v", name, b64)
			if env.Event == webhook.URLValidationEvent {
				assert.Contains(t, r1.Body, `"encryptedToken"`, name)
				assert.Equal(t, r1.Body, r2.Body, name)
				continue
			}
			rec.mu.Lock()
			assert.Equal(t, env.Event, rec.last.Name, name)
			assert.Equal(t, body, rec.last.Raw, name)
			assert.Equal(t, event.TransportWebhook, rec.last.Delivery.Transport)
			rec.mu.Unlock()
			n += 2
		}
	}
	assert.Equal(t, n, len(rec.names))
	assert.Greater(t, n, 1000, "fixtures and snapshot bodies")
	t.Logf("%d deliveries", n)
}

func TestURLValidation(t *testing.T) {
	h := newHandler(t, &recorder{}, []webhook.VerifyOption{webhook.WithSecrets("second-app")})
	body, want := webhooktest.URLValidation("second-app", "qgg8vlvZRS6UYooatFL8Aw")
	headers := lower(webhooktest.Headers("second-app", time.Now(), body))
	for _, b64 := range []bool{false, true} {
		resp, err := h.FunctionURL(context.Background(), functionURLRequest("POST", headers, body, b64))
		require.NoError(t, err)
		require.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "application/json", resp.Headers["Content-Type"])
		assert.JSONEq(t, `{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"`+want+`"}`, resp.Body)
		assert.False(t, resp.IsBase64Encoded)
	}
}

func TestRejects(t *testing.T) {
	body := []byte(`{"event":"meeting.started","event_ts":1,"payload":{"account_id":"a","object":{"id":1}}}`)
	signed := lower(webhooktest.Headers(secret, time.Now(), body))
	stale := lower(webhooktest.Headers(secret, time.Now().Add(-3*time.Hour), body))
	other := lower(webhooktest.Headers("other", time.Now(), body))
	big := []byte(strings.Repeat("x", 101))
	bigSigned := lower(webhooktest.Headers(secret, time.Now(), big))
	cases := []struct {
		name    string
		method  string
		headers map[string]string
		body    string
		b64     bool
		next    *recorder
		status  int
		want    error
	}{
		{"GET", "GET", signed, string(body), false, nil, 405, webhook.ErrMethodNotAllowed},
		{"unsigned", "POST", map[string]string{}, string(body), false, nil, 401, webhook.ErrMissingSignature},
		{"wrong secret", "POST", other, string(body), false, nil, 401, webhook.ErrBadSignature},
		{"stale", "POST", stale, string(body), false, nil, 401, webhook.ErrStaleTimestamp},
		{"over the limit", "POST", bigSigned, string(big), false, nil, 413, webhook.ErrBodyTooLarge},
		{"base64 over the limit", "POST", bigSigned, base64.StdEncoding.EncodeToString(big), true, nil, 413, webhook.ErrBodyTooLarge},
		// Not base64 at all, and too long: the limit is checked before decoding.
		{"base64 over the limit, undecoded", "POST", signed, strings.Repeat("!", 200), true, nil, 413, webhook.ErrBodyTooLarge},
		{"bad base64", "POST", signed, "!!!!", true, nil, 400, webhook.ErrInvalidEvent},
		{"handler error", "POST", signed, string(body), false, &recorder{err: errors.New("db down")}, 500, nil},
		{"handler panic", "POST", signed, string(body), false, &recorder{panics: true}, 500, webhook.ErrHandlerPanic},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next := c.next
			if next == nil {
				next = &recorder{}
			}
			var hooked error
			h := newHandler(t, next, nil, zoomlambda.WithMaxBodyBytes(100),
				zoomlambda.WithErrorHook(func(_ context.Context, err error) { hooked = err }))
			req := httpAPIRequest(c.method, c.headers, nil, false)
			req.Body, req.IsBase64Encoded = c.body, c.b64
			resp, err := h.HTTPAPI(context.Background(), req)
			require.NoError(t, err, "every outcome is an answer, not a Lambda error")
			assert.Equal(t, c.status, resp.StatusCode)
			require.Error(t, hooked)
			if c.want != nil {
				assert.ErrorIs(t, hooked, c.want)
			}
			assert.NotContains(t, resp.Body, secret)
			assert.NotContains(t, resp.Body, "db down")
			if c.status == 405 {
				assert.Equal(t, "POST", resp.Headers["Allow"])
			}
			if c.next == nil {
				assert.Empty(t, next.names, "the event handler must not run")
			}
		})
	}
}

// TestHeadersAnyCase: header checks see the headers whatever their case.
func TestHeadersAnyCase(t *testing.T) {
	body := []byte(`{"event":"user.created","event_ts":1,"payload":{"account_id":"a","object":{"id":"u"}}}`)
	h := newHandler(t, &recorder{}, []webhook.VerifyOption{webhook.WithBasicAuth("zoom", "pw"), webhook.WithHeader("X-My-Key", "yes")})
	headers := lower(webhooktest.Headers(secret, time.Now(), body))
	resp, err := h.HTTPAPI(context.Background(), httpAPIRequest("POST", headers, body, false))
	require.NoError(t, err)
	assert.Equal(t, 401, resp.StatusCode)
	headers["authorization"] = "Basic " + base64.StdEncoding.EncodeToString([]byte("zoom:pw"))
	headers["X-MY-KEY"] = "yes"
	headers["X-Zm-Request-Id"] = "r1"
	resp, err = h.HTTPAPI(context.Background(), httpAPIRequest("POST", headers, body, false))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
}

func TestNewRejectsBadConfig(t *testing.T) {
	v, err := webhook.NewVerifier(secret)
	require.NoError(t, err)
	_, err = zoomlambda.New(nil, nil, zoomlambda.WithMaxBodyBytes(0), nil)
	require.ErrorIs(t, err, zoomlambda.ErrConfig)
	for _, want := range []string{"Verifier", "event handler", "WithMaxBodyBytes", "nil Option"} {
		assert.Contains(t, err.Error(), want)
	}
	_, err = zoomlambda.New(v, &recorder{})
	assert.NoError(t, err)
}

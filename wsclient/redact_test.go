package wsclient

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
)

func TestRedactIsStructural(t *testing.T) {
	const tok = "eyJhbGciOi.J9+/=="
	cases := []struct{ in, want string }{
		// query and form values, whatever the secret's length
		{`Get "wss://h/ws?subscriptionId=s&access_token=a": refused`, `Get "wss://h/ws?subscriptionId=s&access_token=REDACTED": refused`},
		{`client_secret=x&grant_type=account_credentials`, `client_secret=REDACTED&grant_type=account_credentials`},
		{`refresh_token=abc def`, `refresh_token=REDACTED def`},
		// OAuth bodies and frame headers
		{`{"access_token":"a\"b","token_type":"bearer","expires_in":3600}`, `{"access_token":"REDACTED","token_type":"bearer","expires_in":3600}`},
		{`{"x-zm-signature": "v0=abc"}`, `{"x-zm-signature": "REDACTED"}`},
		// authorization schemes
		{`Authorization: Basic Y2lkOnMzY3IzdC12YWx1ZQ==`, `Authorization: Basic REDACTED`},
		{`bearer abcdefghijklmnop`, `bearer REDACTED`},
		{`Basic auth failed`, `Basic auth failed`},
		// the exact token, verbatim and escaped
		{`raw ` + tok + ` and ` + url.QueryEscape(tok), `raw REDACTED and REDACTED`},
		// nothing to remove: unchanged
		{`account_id=acc&grant_type=account_credentials`, `account_id=acc&grant_type=account_credentials`},
		{`Token is invalid`, `Token is invalid`},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, redact(tc.in, tok), "%q", tc.in)
	}
}

// TestRedactDoesNotGarble: issue 9 §4 measured "aREDACTEDREDACTEDount_id"
// with a one-character client secret.
func TestRedactDoesNotGarble(t *testing.T) {
	text := `Account does not exist: account_id missing; "invalid token abc" (cc)`
	for _, short := range []string{"c", "cc", "a", "t", "abc", "1234567"} {
		assert.Equal(t, text, redact(text, short), "secret %q", short)
	}
	assert.Equal(t, "x REDACTED y", redact("x 12345678 y", "12345678"), "8 bytes is long enough")

	// Through the token source: the endpoint's reason is kept intact.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"reason":"Account does not exist: check account_id","error":"invalid_request"}`)
	}))
	defer srv.Close()
	ts := newTestSource(t, srv, func(c *OAuthConfig) { c.ClientSecret = "c" })
	_, err := ts.Token(context.Background())
	var oe *OAuthError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "Account does not exist: check account_id", oe.Reason)
	assert.Equal(t, "invalid_request", oe.Code)
}

// dnsFailing is a transport whose every dial fails to resolve the host.
func dnsFailing() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(_ context.Context, _, addr string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(addr)
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
		},
	}}
}

// checkCleanChain asserts that err and every error reachable from it print
// no secret.
func checkCleanChain(t *testing.T, err error, secrets ...string) {
	t.Helper()
	var walk func(e error)
	walk = func(e error) {
		for _, s := range secrets {
			assert.NotContains(t, e.Error(), s, "%T", e)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			if n := u.Unwrap(); n != nil {
				walk(n)
			}
		case interface{ Unwrap() []error }:
			for _, n := range u.Unwrap() {
				walk(n)
			}
		}
	}
	walk(err)
}

// TestRedactedErrorsKeepTheirCause: issue 9 §4 found errors.As(err,
// *net.DNSError) impossible; the cause must stay reachable while no error
// in the chain prints a secret.
func TestRedactedErrorsKeepTheirCause(t *testing.T) {
	t.Run("token request", func(t *testing.T) {
		ts, err := NewS2STokenSource(OAuthConfig{AccountID: "acc", ClientID: "cid", ClientSecret: testSecret,
			TokenURL: "https://zoom.invalid/oauth/token?client_secret=" + testSecret, HTTPClient: dnsFailing()})
		require.NoError(t, err)
		_, err = ts.Token(context.Background())
		require.ErrorIs(t, err, ErrTokenUnavailable)
		var dns *net.DNSError
		require.ErrorAs(t, err, &dns)
		assert.Equal(t, "zoom.invalid", dns.Name)
		var ue *url.Error
		require.ErrorAs(t, err, &ue)
		assert.Contains(t, ue.URL, "client_secret=REDACTED")
		checkCleanChain(t, err, testSecret, basicAuth("cid", testSecret))
	})
	t.Run("WebSocket dial", func(t *testing.T) {
		const tok = "access-token-with-some-length"
		c, err := New(Config{TokenSource: fixedToken(tok), Endpoint: "wss://ws.invalid/ws?subscriptionId=s",
			HTTPClient: dnsFailing()}, event.HandlerFunc(func(context.Context, *event.Event) error { return nil }))
		require.NoError(t, err)
		_, got, _, err := c.dial(context.Background())
		require.Error(t, err)
		assert.Equal(t, tok, got)
		var dns *net.DNSError
		require.ErrorAs(t, err, &dns)
		var ue *url.Error
		require.ErrorAs(t, err, &ue)
		assert.Contains(t, ue.URL, "access_token=REDACTED")
		assert.Contains(t, err.Error(), "access_token=REDACTED")
		checkCleanChain(t, err, tok)
	})
	t.Run("context errors", func(t *testing.T) {
		err := redactErr(ErrTokenUnavailable, "p", fmt.Errorf("wrapped %s: %w", testSecret, context.DeadlineExceeded), testSecret)
		assert.ErrorIs(t, err, ErrTokenUnavailable)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		checkCleanChain(t, err, testSecret)
	})
}

type fixedToken string

func (f fixedToken) Token(context.Context) (string, error) { return string(f), nil }
func (fixedToken) Invalidate(string)                       {}

// TestUpgradeRetryAfterSetsTheWait checks, with the client's sleep
// replaced, the wait after a 429 or 503 upgrade: the Retry-After hint
// (seconds or HTTP date) when longer than the backoff, bounded by
// MaxRetryAfter; the backoff when the hint is absent or unreadable.
func TestUpgradeRetryAfterSetsTheWait(t *testing.T) {
	date := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	cases := []struct {
		status     int
		retryAfter string
		min, max   time.Duration
	}{
		{429, "1", time.Second, time.Second},
		{503, "7", 7 * time.Second, 7 * time.Second},
		{503, date, 28 * time.Second, 30 * time.Second},
		{429, "100000", MaxRetryAfter, MaxRetryAfter},
		{429, "99999999999999999999", MaxRetryAfter, MaxRetryAfter},
		{429, "", 0, 10 * time.Millisecond},
		{503, "soon", 0, 10 * time.Millisecond},
		{429, "-5", 0, 10 * time.Millisecond},
		{500, "60", 0, 10 * time.Millisecond}, // only 429 and 503 carry the hint
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status, " ", tc.retryAfter), func(t *testing.T) {
			var dials atomic.Int32
			ws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				dials.Add(1)
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				w.WriteHeader(tc.status)
			}))
			defer ws.Close()
			c, err := New(Config{TokenSource: fixedToken("tok-0123456789"),
				Endpoint:       "ws" + strings.TrimPrefix(ws.URL, "http") + "/ws?subscriptionId=s",
				HTTPClient:     &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
				InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
			}, event.HandlerFunc(func(context.Context, *event.Event) error { return nil }))
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var waits []time.Duration
			c.sleep = func(_ context.Context, d time.Duration) error {
				waits = append(waits, d)
				if len(waits) == 3 {
					cancel()
					return ctx.Err()
				}
				return nil
			}
			require.ErrorIs(t, c.Run(ctx), context.Canceled)
			require.Len(t, waits, 3)
			assert.EqualValues(t, 3, dials.Load())
			for _, w := range waits {
				assert.GreaterOrEqual(t, w, tc.min)
				assert.LessOrEqual(t, w, tc.max)
			}
		})
	}
}

// TestTokenRetryAfterIsBounded: the token endpoint's hint is bounded the
// same way.
func TestTokenRetryAfterIsBounded(t *testing.T) {
	assert.Equal(t, MaxRetryAfter, honourRetryAfter(time.Second, 10*time.Hour))
	assert.Equal(t, 3*time.Second, honourRetryAfter(time.Second, 3*time.Second))
	assert.Equal(t, 2*time.Second, honourRetryAfter(2*time.Second, time.Second))
	assert.Equal(t, time.Second, honourRetryAfter(time.Second, 0))
	assert.Zero(t, parseRetryAfter(time.Now().Add(-time.Minute).UTC().Format(http.TimeFormat), time.Now()))
}

// TestTokenRequestNotRedirected: a redirect answer is an error that names
// it, and the target receives nothing.
func TestTokenRequestNotRedirected(t *testing.T) {
	var got atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got.Add(1) }))
	defer other.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/oauth/token?client_secret=leak", status)
		}))
		_, err := newTestSource(t, srv).Token(context.Background())
		srv.Close()
		var oe *OAuthError
		require.ErrorAs(t, err, &oe, "%d", status)
		assert.Equal(t, status, oe.StatusCode)
		assert.ErrorIs(t, err, ErrTokenUnavailable)
		assert.Contains(t, err.Error(), fmt.Sprintf("HTTP %d", status))
		assert.Contains(t, err.Error(), "redirect to "+other.URL+"/oauth/token not followed")
		assert.NotContains(t, err.Error(), "leak")
	}
	assert.Zero(t, got.Load(), "a redirect was followed")
}

// TestHandshakeNotRedirected: the upgrade is not redirected either (Go
// would send the URL, access token included, as the Referer).
func TestHandshakeNotRedirected(t *testing.T) {
	var referer atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { referer.Store(r.Referer()) }))
	defer other.Close()
	ws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/ws", http.StatusTemporaryRedirect)
	}))
	defer ws.Close()
	c, err := New(Config{TokenSource: fixedToken("tok-0123456789"),
		Endpoint:   "ws" + strings.TrimPrefix(ws.URL, "http") + "/ws?subscriptionId=s",
		HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
	}, event.HandlerFunc(func(context.Context, *event.Event) error { return nil }))
	require.NoError(t, err)
	_, _, _, err = c.dial(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "307")
	assert.Nil(t, referer.Load(), "the redirect was followed")
}

package wsclient

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testSecret = "s3cr3t-value/with+chars"

func newTestSource(t *testing.T, srv *httptest.Server, mutate ...func(*OAuthConfig)) *S2STokenSource {
	t.Helper()
	cfg := OAuthConfig{AccountID: "acc", ClientID: "cid", ClientSecret: testSecret, TokenURL: srv.URL + "/oauth/token", HTTPClient: srv.Client()}
	for _, m := range mutate {
		m(&cfg)
	}
	ts, err := NewS2STokenSource(cfg)
	require.NoError(t, err)
	return ts
}

func TestTokenRequestShape(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, body = r, string(b)
		fmt.Fprint(w, `{"access_token":"tok-1","token_type":"bearer","expires_in":3600,"scope":"x"}`)
	}))
	defer srv.Close()
	tok, err := newTestSource(t, srv).Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/oauth/token", got.URL.Path)
	assert.Equal(t, "account_credentials", got.URL.Query().Get("grant_type"))
	assert.Equal(t, "acc", got.URL.Query().Get("account_id"))
	assert.Equal(t, "account_id=acc&grant_type=account_credentials", body)
	assert.Equal(t, "application/x-www-form-urlencoded", got.Header.Get("Content-Type"))
	assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte("cid:"+testSecret)), got.Header.Get("Authorization"))

	tok, err = newTestSource(t, srv, func(c *OAuthConfig) { c.GrantType = GrantClientCredentials; c.AccountID = "" }).Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok)
	assert.Equal(t, "grant_type=client_credentials", got.URL.RawQuery)
	assert.Equal(t, "grant_type=client_credentials", body)
}

func TestTokenCachedSingleFlightAndInvalidated(t *testing.T) {
	var requests atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		<-release
		fmt.Fprintf(w, `{"access_token":"tok-%d","expires_in":"3600"}`, n)
	}))
	defer srv.Close()
	ts := newTestSource(t, srv)

	var wg sync.WaitGroup
	toks := make([]string, 20)
	for i := range toks {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tok, err := ts.Token(context.Background())
			assert.NoError(t, err)
			toks[i] = tok
		}(i)
	}
	close(release)
	wg.Wait()
	for _, tok := range toks {
		assert.Equal(t, "tok-1", tok)
	}
	assert.EqualValues(t, 1, requests.Load())

	ts.Invalidate("not-the-cached-one")
	tok, err := ts.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok, "invalidating another token keeps the cache")

	ts.Invalidate("tok-1")
	tok, err = ts.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok)
	assert.EqualValues(t, 2, requests.Load())
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"access_token":"tok-%d","expires_in":3600}`, requests.Add(1))
	}))
	defer srv.Close()
	ts := newTestSource(t, srv)
	now := time.Unix(1_700_000_000, 0)
	ts.now = func() time.Time { return now }
	tok, _ := ts.Token(context.Background())
	assert.Equal(t, "tok-1", tok)
	now = now.Add(3539 * time.Second) // 61 s left: still cached
	tok, _ = ts.Token(context.Background())
	assert.Equal(t, "tok-1", tok)
	now = now.Add(2 * time.Second) // 59 s left: refreshed
	tok, _ = ts.Token(context.Background())
	assert.Equal(t, "tok-2", tok)
}

func TestTokenWaiterHonoursContext(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		fmt.Fprint(w, `{"access_token":"tok","expires_in":3600}`)
	}))
	defer srv.Close()
	defer close(release)
	ts := newTestSource(t, srv)
	leader := make(chan error, 1)
	go func() { _, err := ts.Token(context.Background()); leader <- err }()
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ts.Token(ctx)
	require.ErrorIs(t, err, context.Canceled)
	release <- struct{}{}
	require.NoError(t, <-leader)
}

func TestTokenErrors(t *testing.T) {
	cases := []struct {
		status     int
		body       string
		retryAfter string
		permanent  bool
		code       string
	}{
		{400, `{"reason":"Invalid client_id or client_secret","error":"invalid_client"}`, "", true, "invalid_client"},
		{400, `{"reason":"Account does not exist","error":"invalid_request"}`, "", true, "invalid_request"},
		{401, `{"error":"unauthorized_client","error_description":"nope"}`, "", true, "unauthorized_client"},
		{403, `not json`, "", true, ""},
		{429, `{"reason":"Too many requests"}`, "7", false, ""},
		{500, `{"reason":"boom"}`, "", false, ""},
		{503, ``, "", false, ""},
		{400, `{"reason":"bad secret ` + testSecret + `","error":"invalid_client"}`, "", true, "invalid_client"},
		{200, `{"token_type":"bearer"}`, "", false, ""},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status, tc.body), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			_, err := newTestSource(t, srv).Token(context.Background())
			require.Error(t, err)
			assert.Equal(t, tc.permanent, errors.Is(err, ErrBadCredentials), "%v", err)
			assert.Equal(t, !tc.permanent, errors.Is(err, ErrTokenUnavailable), "%v", err)
			assert.NotContains(t, err.Error(), testSecret)
			var oe *OAuthError
			if tc.status != 200 {
				require.ErrorAs(t, err, &oe)
				assert.Equal(t, tc.code, oe.Code)
				if tc.retryAfter != "" {
					assert.Equal(t, 7*time.Second, oe.RetryAfter)
				}
			}
		})
	}
}

func TestTokenNetworkErrorIsRedacted(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	ts, err := NewS2STokenSource(OAuthConfig{AccountID: "acc", ClientID: "cid", ClientSecret: testSecret, TokenURL: url})
	require.NoError(t, err)
	_, err = ts.Token(context.Background())
	require.ErrorIs(t, err, ErrTokenUnavailable)
	assert.NotContains(t, err.Error(), testSecret)
	assert.NotContains(t, err.Error(), base64.StdEncoding.EncodeToString([]byte("cid:"+testSecret)))
}

func TestRedact(t *testing.T) {
	tok := "eyJhbGciOi.J9+/=="
	in := `Get "wss://ws.zoom.us/ws?access_token=` + strings.ReplaceAll(tok, "+", "%2B") + `&subscriptionId=x": dial tcp: refused; raw ` + tok
	out := redact(in, tok)
	assert.NotContains(t, out, tok)
	assert.NotContains(t, out, "J9")
	assert.Contains(t, out, "access_token=REDACTED&subscriptionId=x")

	err := redactErr(ErrTokenUnavailable, "p", fmt.Errorf("wrapped: %w (%s)", context.DeadlineExceeded, tok), tok)
	assert.ErrorIs(t, err, ErrTokenUnavailable)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotContains(t, err.Error(), tok)
}

package wstest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func tokenRequest(t *testing.T, srv *wstest.Server, id, secret, query, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.TokenURL()+query, strings.NewReader(body))
	require.NoError(t, err)
	req.SetBasicAuth(id, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	require.NoError(t, json.Unmarshal(b, &out), string(b))
	return resp.StatusCode, out
}

func TestTokenEndpoint(t *testing.T) {
	srv := wstest.NewServer(wstest.WithTokenTTL(90 * time.Second))
	defer srv.Close()
	id, secret := wstest.DefaultClientID, wstest.DefaultClientSecret

	status, out := tokenRequest(t, srv, id, secret, "?grant_type=account_credentials&account_id="+wstest.DefaultAccountID, "")
	assert.Equal(t, 200, status)
	assert.NotEmpty(t, out["access_token"])
	assert.EqualValues(t, 90, out["expires_in"])

	status, _ = tokenRequest(t, srv, id, secret, "", "grant_type=account_credentials&account_id="+wstest.DefaultAccountID)
	assert.Equal(t, 200, status, "form body accepted too")

	status, out = tokenRequest(t, srv, id, "wrong", "?grant_type=client_credentials", "")
	assert.Equal(t, 400, status)
	assert.Equal(t, "invalid_client", out["error"])
	assert.Equal(t, "Invalid client_id or client_secret", out["reason"])

	status, out = tokenRequest(t, srv, id, secret, "?grant_type=account_credentials&account_id=other", "")
	assert.Equal(t, 400, status)
	assert.Equal(t, "invalid_request", out["error"])

	srv.FailTokenRequests(1, 503)
	status, _ = tokenRequest(t, srv, id, secret, "?grant_type=client_credentials", "")
	assert.Equal(t, 503, status)
	status, _ = tokenRequest(t, srv, id, secret, "?grant_type=client_credentials", "")
	assert.Equal(t, 200, status)

	st := srv.Stats()
	assert.Equal(t, 6, st.TokenRequests)
	assert.Equal(t, 3, st.TokensIssued)
	assert.Len(t, srv.Tokens(), 3)
}

func dial(t *testing.T, srv *wstest.Server, token string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx(t), srv.Endpoint()+"&access_token="+url.QueryEscape(token), &websocket.DialOptions{HTTPClient: srv.HTTPClient()})
	require.NoError(t, err)
	return c
}

func read(t *testing.T, c *websocket.Conn) string {
	t.Helper()
	_, b, err := c.Read(ctx(t))
	require.NoError(t, err)
	return string(b)
}

func TestWebSocketEndpoint(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()

	c := dial(t, srv, srv.IssueToken())
	defer c.CloseNow()
	assert.JSONEq(t, `{"module":"build_connection","success":true,"content":"","header":{}}`, read(t, c))
	require.NoError(t, c.Write(ctx(t), websocket.MessageText, []byte(`{"module":"heartbeat"}`)))
	assert.JSONEq(t, `{"module":"heartbeat","success":true,"content":"live","header":{}}`, read(t, c))
	require.NoError(t, srv.Emit([]byte(`{"event":"meeting.started"}`)))
	assert.JSONEq(t, `{"module":"message","success":true,"content":"{\"event\":\"meeting.started\"}","header":{}}`, read(t, c))

	// A second connection closes the first.
	c2 := dial(t, srv, srv.IssueToken())
	defer c2.CloseNow()
	read(t, c2)
	_, _, err := c.Read(ctx(t))
	assert.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err))
	require.NoError(t, srv.Wait(ctx(t), func(st wstest.Stats) bool { return st.Live == 1 }))
	assert.Equal(t, 2, srv.Stats().Connections)
	assert.Equal(t, 1, srv.Stats().Heartbeats)
	assert.Equal(t, 1, srv.Stats().Events)
}

func TestWebSocketRejectsTokens(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	for token, content := range map[string]string{"": "token is empty", "made-up": "Token is invalid"} {
		c := dial(t, srv, token)
		assert.JSONEq(t, `{"module":"build_connection","success":false,"content":"`+content+`","header":{}}`, read(t, c))
		_, _, err := c.Read(ctx(t))
		var ce websocket.CloseError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, "invalid_token", ce.Reason)
		c.CloseNow()
	}
	tok := srv.IssueToken()
	srv.ExpireTokens()
	c := dial(t, srv, tok)
	assert.Contains(t, read(t, c), "Token is invalid")
	c.CloseNow()
	assert.Equal(t, 3, srv.Stats().Rejected)
	assert.Zero(t, srv.Stats().Connections)
}

func TestScriptedFaults(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()

	// The upgrade answered with a status and Retry-After, once.
	srv.FailUpgrades(1, http.StatusTooManyRequests, "3")
	_, resp, err := websocket.Dial(ctx(t), srv.Endpoint()+"&access_token=x", &websocket.DialOptions{HTTPClient: srv.HTTPClient()})
	require.Error(t, err)
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "3", resp.Header.Get("Retry-After"))

	// A scripted failure frame (token echoed) and close, once.
	srv.FailConnections(1, wstest.ConnFailure{
		Frame:     []byte(`{"module":"message","success":false,"content":"bad ` + wstest.TokenPlaceholder + `"}`),
		CloseCode: websocket.StatusPolicyViolation, CloseReason: "invalid_token " + wstest.TokenPlaceholder,
	})
	tok := srv.IssueToken()
	c := dial(t, srv, tok)
	assert.JSONEq(t, `{"module":"message","success":false,"content":"bad `+tok+`"}`, read(t, c))
	_, _, err = c.Read(ctx(t))
	var ce websocket.CloseError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, websocket.StatusPolicyViolation, ce.Code)
	assert.Equal(t, "invalid_token "+tok, ce.Reason)
	c.CloseNow()

	// Then connections are accepted again.
	c = dial(t, srv, tok)
	assert.JSONEq(t, `{"module":"build_connection","success":true,"content":"","header":{}}`, read(t, c))
	c.CloseNow()

	st := srv.Stats()
	assert.Equal(t, 3, st.Dials)
	assert.Len(t, st.DialTimes, 3)
	assert.Equal(t, 1, st.FailedUpgrades)
	assert.Equal(t, 1, st.Scripted)
	assert.Equal(t, 1, st.Connections)

	// The token endpoint redirects, without checking anything.
	srv.RedirectTokenRequests(1, "http://127.0.0.1:1/elsewhere")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noFollow.Post(srv.TokenURL(), "application/x-www-form-urlencoded", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTemporaryRedirect, resp.StatusCode)
	assert.Equal(t, "http://127.0.0.1:1/elsewhere", resp.Header.Get("Location"))
	status, _ := tokenRequest(t, srv, wstest.DefaultClientID, wstest.DefaultClientSecret, "?grant_type=client_credentials", "")
	assert.Equal(t, http.StatusOK, status, "only once")
}

// Package wstest is a fake Zoom for tests of code that uses package
// wsclient: a Server-to-Server OAuth token endpoint and a WebSocket event
// endpoint on loopback, behaving as Zoom is documented and observed to
// behave, with controls to emit events and to break things.
//
// A test starts a [Server], builds a client from [Server.Config], waits for
// the connection, then emits events and injects faults:
//
//	srv := wstest.NewServer()
//	defer srv.Close()
//	go wsclient.Subscribe(ctx, srv.Config(), mux)
//	srv.WaitConnections(ctx, 1)
//	srv.Emit([]byte(`{"event":"meeting.started","payload":{...}}`))
//
// Behaviour (see the protocol notes in the wsclient package):
//   - POST /oauth/token checks Basic credentials and the grant (taken from
//     the query string or a form body), and answers like Zoom, including
//     400 {"reason":"Invalid client_id or client_secret","error":"invalid_client"}.
//   - GET /ws?subscriptionId=...&access_token=... upgrades, then sends a
//     build_connection frame: success, or failure ("token is empty",
//     "Token is invalid", "Invalid Token") followed by a close with reason
//     "invalid_token".
//   - One connection per subscription: a new connection closes the old one
//     (status 1008). Zoom's behaviour here is unconfirmed.
//   - Every {"module":"heartbeat"} is answered with
//     {"module":"heartbeat","success":true,"content":"live","header":{}}.
//   - Events are sent as {"module":"message","success":true,"content":"<event JSON>","header":{}}.
//
// Faults can be scripted: token requests that fail ([Server.FailTokenRequests])
// or redirect ([Server.RedirectTokenRequests]), upgrades answered with an
// HTTP status and Retry-After ([Server.FailUpgrades]), and connections
// answered with any failure frame and close ([Server.FailConnections]).
//
// Every method is safe for concurrent use.
package wstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/zoomevents/zoomevents/wsclient"
)

// Default credentials and subscription of a Server.
const (
	DefaultAccountID      = "wstest-account"
	DefaultClientID       = "wstest-client-id"
	DefaultClientSecret   = "wstest-client-secret"
	DefaultSubscriptionID = "wstest-subscription"
)

// ErrNoConnection is returned by the send methods when no live connection
// exists for the subscription.
var ErrNoConnection = errors.New("wstest: no live connection")

// Option configures a Server.
type Option func(*Server)

// WithCredentials sets the credentials the token endpoint accepts.
func WithCredentials(accountID, clientID, clientSecret string) Option {
	return func(s *Server) { s.accountID, s.clientID, s.clientSecret = accountID, clientID, clientSecret }
}

// WithSubscriptionID sets the subscription id the WebSocket endpoint
// accepts.
func WithSubscriptionID(id string) Option { return func(s *Server) { s.subscriptionID = id } }

// WithTokenTTL sets the lifetime of issued tokens (rounded to whole
// seconds, at least one; default one hour, as Zoom's).
func WithTokenTTL(ttl time.Duration) Option {
	return func(s *Server) {
		s.ttl = ttl.Round(time.Second)
		if s.ttl < time.Second {
			s.ttl = time.Second
		}
	}
}

// Stats are the server's records.
type Stats struct {
	// TokenRequests counts requests to the token endpoint; TokensIssued
	// those that returned a token.
	TokenRequests int
	TokensIssued  int
	// Connections counts WebSocket connections that were accepted with a
	// valid token (build_connection success sent); Rejected those refused
	// for their token.
	Connections int
	Rejected    int
	// Live is how many accepted connections the server still holds.
	Live int
	// OpenSockets and MaxOpenSockets count WebSocket sockets dialed through
	// [Server.HTTPClient] that the client has not yet closed, now and at
	// most at any moment. They are measured on the client's side, so they
	// are exact: MaxOpenSockets > 1 means the client had two sockets open
	// at once.
	OpenSockets    int
	MaxOpenSockets int
	// Dials counts requests to the WebSocket endpoint, whatever their
	// outcome; DialTimes holds when the first 1000 of them arrived.
	Dials     int
	DialTimes []time.Time
	// Scripted counts connections answered by a [Server.FailConnections]
	// script, and FailedUpgrades upgrades refused by [Server.FailUpgrades].
	Scripted       int
	FailedUpgrades int
	// Heartbeats counts heartbeat frames received; Events counts events
	// sent.
	Heartbeats int
	Events     int
	// CloseCodes lists the close status of every client close frame
	// received, in order.
	CloseCodes []websocket.StatusCode
}

// Server is a fake Zoom. Create it with [NewServer]; Close it when done.
type Server struct {
	accountID, clientID, clientSecret, subscriptionID string
	ttl                                               time.Duration

	tokenSrv, wsSrv *httptest.Server
	transport       *http.Transport
	client          *http.Client
	wg              sync.WaitGroup // connection handlers and closers

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every change
	closed     bool
	tokens     map[string]time.Time // token -> expiry
	failN      int
	failStatus int
	rejectAll  bool
	redirectN  int
	redirectTo string
	upgradeN   int
	upgradeSt  int
	upgradeRA  string
	scriptN    int
	script     ConnFailure
	conns      map[*serverConn]struct{}
	stats      Stats
}

type serverConn struct {
	c      *websocket.Conn
	sub    string
	silent bool
	ready  chan struct{} // closed once build_connection was sent
}

// NewServer starts a fake Zoom on loopback.
func NewServer(opts ...Option) *Server {
	s := &Server{
		accountID:      DefaultAccountID,
		clientID:       DefaultClientID,
		clientSecret:   DefaultClientSecret,
		subscriptionID: DefaultSubscriptionID,
		ttl:            time.Hour,
		changed:        make(chan struct{}),
		tokens:         map[string]time.Time{},
		conns:          map[*serverConn]struct{}{},
	}
	for _, o := range opts {
		o(s)
	}
	s.tokenSrv = httptest.NewServer(http.HandlerFunc(s.serveToken))
	s.wsSrv = httptest.NewServer(http.HandlerFunc(s.serveWS))
	wsAddr := s.wsSrv.Listener.Addr().String()
	dialer := &net.Dialer{}
	s.transport = &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			nc, err := dialer.DialContext(ctx, network, addr)
			if err != nil || addr != wsAddr {
				return nc, err
			}
			s.update(func(st *Stats) {
				st.OpenSockets++
				st.MaxOpenSockets = max(st.MaxOpenSockets, st.OpenSockets)
			})
			return &countedConn{Conn: nc, s: s}, nil
		},
	}
	s.client = &http.Client{Transport: s.transport}
	return s
}

// countedConn decrements the open-socket count when the client closes it.
type countedConn struct {
	net.Conn
	s    *Server
	once sync.Once
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.s.update(func(st *Stats) { st.OpenSockets-- }) })
	return err
}

// TokenURL is the token endpoint's URL (http://127.0.0.1:port/oauth/token).
func (s *Server) TokenURL() string { return s.tokenSrv.URL + "/oauth/token" }

// Endpoint is the WebSocket endpoint URL including the subscription id, as
// Zoom shows it (ws://127.0.0.1:port/ws?subscriptionId=...).
func (s *Server) Endpoint() string {
	return "ws" + s.wsSrv.URL[len("http"):] + "/ws?subscriptionId=" + url.QueryEscape(s.subscriptionID)
}

// HTTPClient is a client for the server that counts WebSocket sockets
// (see Stats.MaxOpenSockets) and keeps no idle connections.
func (s *Server) HTTPClient() *http.Client { return s.client }

// Config returns a wsclient.Config for this server: its credentials,
// TokenURL, Endpoint and HTTPClient. Tests usually shorten
// HeartbeatInterval and the backoff too.
func (s *Server) Config() wsclient.Config {
	return wsclient.Config{
		AccountID:    s.accountID,
		ClientID:     s.clientID,
		ClientSecret: s.clientSecret,
		TokenURL:     s.TokenURL(),
		Endpoint:     s.Endpoint(),
		HTTPClient:   s.client,
	}
}

// Close closes every connection and stops the server, waiting for its
// goroutines.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	conns := s.liveLocked("")
	s.mu.Unlock()
	for _, sc := range conns {
		_ = sc.c.CloseNow()
	}
	s.wg.Wait()
	s.tokenSrv.Close()
	s.wsSrv.Close()
	s.transport.CloseIdleConnections()
}

// Stats returns a snapshot of the records.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.CloseCodes = append([]websocket.StatusCode(nil), st.CloseCodes...)
	st.DialTimes = append([]time.Time(nil), st.DialTimes...)
	st.Live = len(s.conns)
	return st
}

// Wait blocks until cond holds for the server's Stats or ctx is done.
func (s *Server) Wait(ctx context.Context, cond func(Stats) bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond(s.Stats()) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("wstest: condition not met: %w", ctx.Err())
		}
	}
}

// WaitConnections blocks until n connections have been accepted in total
// and one is live, or ctx is done. A connection is live (Emit reaches it)
// from before its build_connection frame is sent until it closes.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	return s.Wait(ctx, func(st Stats) bool { return st.Connections >= n && st.Live > 0 })
}

// update applies f to the stats under the lock and wakes waiters.
func (s *Server) update(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.notifyLocked()
	s.mu.Unlock()
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// IssueToken returns a new valid access token, as the token endpoint
// would, for tests that dial the endpoint themselves.
func (s *Server) IssueToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueLocked()
}

func (s *Server) issueLocked() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := "wstest." + hex.EncodeToString(b[:])
	s.tokens[tok] = time.Now().Add(s.ttl)
	s.stats.TokensIssued++
	s.notifyLocked()
	return tok
}

// Tokens returns every token issued so far, for tests that search logs
// for them.
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.tokens))
	for t := range s.tokens {
		out = append(out, t)
	}
	return out
}

// FailTokenRequests makes the next n token requests fail with HTTP status
// (for example 500 or 429) and a JSON error body.
func (s *Server) FailTokenRequests(n, status int) {
	s.mu.Lock()
	s.failN, s.failStatus = n, status
	s.mu.Unlock()
}

// RedirectTokenRequests makes the next n token requests (every one when n
// is negative) answer 307 Temporary Redirect to location, before any
// credential check.
func (s *Server) RedirectTokenRequests(n int, location string) {
	s.mu.Lock()
	s.redirectN, s.redirectTo = n, location
	s.mu.Unlock()
}

// FailUpgrades makes the next n requests to the WebSocket endpoint (every
// one when n is negative; 0 resets) answer the upgrade with HTTP status
// (for example 429 or 503) and, when retryAfter is not empty, a
// Retry-After header with that value.
func (s *Server) FailUpgrades(n, status int, retryAfter string) {
	s.mu.Lock()
	s.upgradeN, s.upgradeSt, s.upgradeRA = n, status, retryAfter
	s.mu.Unlock()
}

// TokenPlaceholder in a [ConnFailure]'s Frame or CloseReason is replaced
// by the access token the client dialed with, so tests can check that it
// is redacted.
const TokenPlaceholder = "{{access_token}}"

// ConnFailure scripts how the WebSocket endpoint answers a connection
// instead of accepting it: it upgrades, sends Frame (when not nil) as a
// text frame, then closes with CloseCode and CloseReason (when CloseCode
// is not zero) or drops the TCP connection (when it is zero).
type ConnFailure struct {
	Frame       []byte
	CloseCode   websocket.StatusCode
	CloseReason string
}

// FailConnections makes the next n connections (every one when n is
// negative; 0 resets) follow f, whatever their token. They count in
// Stats.Scripted, not in Connections or Rejected.
func (s *Server) FailConnections(n int, f ConnFailure) {
	s.mu.Lock()
	s.scriptN, s.script = n, f
	s.mu.Unlock()
}

// ExpireTokens makes every token issued so far expired. Live connections
// are not affected (whether Zoom closes them is unconfirmed); new
// connections with those tokens are refused with "Token is invalid".
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	for t := range s.tokens {
		s.tokens[t] = time.Time{}
	}
	s.mu.Unlock()
}

// RejectTokens expires every token issued so far and sends each live
// connection {"module":"build_connection","success":false,"content":"Token is invalid","header":{}},
// leaving it open: the client must drop it and reconnect with a new token.
// It returns how many connections were told.
func (s *Server) RejectTokens() int {
	s.ExpireTokens()
	return s.SendText([]byte(`{"module":"build_connection","success":false,"content":"Token is invalid","header":{}}`))
}

// SetRejectAll makes the WebSocket endpoint refuse every token, fresh or
// not, with "Invalid Token" (as for a deactivated app), until reset.
func (s *Server) SetRejectAll(reject bool) {
	s.mu.Lock()
	s.rejectAll = reject
	s.mu.Unlock()
}

// Emit sends an event to the subscription's live connections, wrapped as
// Zoom wraps it (the event JSON as the string content of a "message"
// frame). It returns ErrNoConnection when no connection is live.
func (s *Server) Emit(eventJSON []byte) error {
	f, err := json.Marshal(struct {
		Module  string   `json:"module"`
		Success bool     `json:"success"`
		Content string   `json:"content"`
		Header  struct{} `json:"header"`
	}{"message", true, string(eventJSON), struct{}{}})
	if err != nil {
		return err
	}
	if s.send(websocket.MessageText, f) == 0 {
		return ErrNoConnection
	}
	s.update(func(st *Stats) { st.Events++ })
	return nil
}

// SendText sends data as a text frame, verbatim (garbage included), to
// the live connections and returns how many it was sent to.
func (s *Server) SendText(data []byte) int { return s.send(websocket.MessageText, data) }

// SendBinary sends data as a binary frame to the live connections and
// returns how many it was sent to.
func (s *Server) SendBinary(data []byte) int { return s.send(websocket.MessageBinary, data) }

func (s *Server) send(typ websocket.MessageType, data []byte) int {
	n := 0
	for _, sc := range s.live(s.subscriptionID) {
		<-sc.ready
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if sc.c.Write(ctx, typ, data) == nil {
			n++
		}
		cancel()
	}
	return n
}

// DropConnections closes every live connection's TCP socket without a
// close frame (an abrupt drop) and returns how many there were.
func (s *Server) DropConnections() int {
	conns := s.live("")
	for _, sc := range conns {
		_ = sc.c.CloseNow()
	}
	return len(conns)
}

// GoSilent makes every live connection half-open: the server keeps the
// TCP connection but stops answering heartbeats and sending anything on
// it. New connections behave normally. It returns how many went silent.
func (s *Server) GoSilent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for sc := range s.conns {
		sc.silent = true
		n++
	}
	return n
}

// CloseConnections closes every live connection with a close frame of the
// given status and reason, and returns how many there were.
func (s *Server) CloseConnections(code websocket.StatusCode, reason string) int {
	conns := s.live("")
	for _, sc := range conns {
		s.closeAsync(sc, code, reason)
	}
	return len(conns)
}

// closeAsync runs the close handshake on its own goroutine, since it waits
// for the client's answer.
func (s *Server) closeAsync(sc *serverConn, code websocket.StatusCode, reason string) {
	s.mu.Lock()
	delete(s.conns, sc) // no longer live for Emit
	s.notifyLocked()
	if s.closed {
		s.mu.Unlock()
		_ = sc.c.CloseNow()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		_ = sc.c.Close(code, reason)
	}()
}

// live returns the live, non-silent connections of sub ("" for all
// subscriptions, silent ones included).
func (s *Server) live(sub string) []*serverConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.liveLocked(sub)
}

func (s *Server) liveLocked(sub string) []*serverConn {
	var out []*serverConn
	for sc := range s.conns {
		if sub == "" || (sc.sub == sub && !sc.silent) {
			out = append(out, sc)
		}
	}
	return out
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	_ = r.ParseForm() // query string and form body
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.TokenRequests++
	s.notifyLocked()
	if s.redirectN != 0 {
		if s.redirectN > 0 {
			s.redirectN--
		}
		w.Header().Set("Location", s.redirectTo)
		w.WriteHeader(http.StatusTemporaryRedirect)
		return
	}
	if s.failN > 0 {
		s.failN--
		writeJSON(w, s.failStatus, map[string]string{"reason": "Internal Error", "error": "server_error"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || id != s.clientID || secret != s.clientSecret {
		writeJSON(w, http.StatusBadRequest, map[string]string{"reason": "Invalid client_id or client_secret", "error": "invalid_client"})
		return
	}
	switch r.Form.Get("grant_type") {
	case "account_credentials":
		if r.Form.Get("account_id") != s.accountID {
			writeJSON(w, http.StatusBadRequest, map[string]string{"reason": "Account does not exist", "error": "invalid_request"})
			return
		}
	case "client_credentials":
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"reason": "Unsupported grant type", "error": "unsupported_grant_type"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": s.issueLocked(),
		"token_type":   "bearer",
		"expires_in":   int(s.ttl / time.Second),
		"scope":        "marketplace:read:websocket_connection",
		"api_url":      "https://api.zoom.us",
	})
}

// runScript answers one connection as f says.
func (s *Server) runScript(c *websocket.Conn, tok string, f *ConnFailure) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = c.CloseNow()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if f.Frame != nil {
		_ = c.Write(ctx, websocket.MessageText, []byte(strings.ReplaceAll(string(f.Frame), TokenPlaceholder, tok)))
	}
	if f.CloseCode == 0 {
		_ = c.CloseNow()
		return
	}
	_ = c.Close(f.CloseCode, strings.ReplaceAll(f.CloseReason, TokenPlaceholder, tok))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/ws" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	sub := q.Get("subscriptionId")
	s.mu.Lock()
	s.stats.Dials++
	if len(s.stats.DialTimes) < 1000 {
		s.stats.DialTimes = append(s.stats.DialTimes, time.Now())
	}
	s.notifyLocked()
	var status int
	var retryAfter string
	if s.upgradeN != 0 {
		if s.upgradeN > 0 {
			s.upgradeN--
		}
		status, retryAfter = s.upgradeSt, s.upgradeRA
		s.stats.FailedUpgrades++
	}
	var script *ConnFailure
	if status == 0 && s.scriptN != 0 {
		if s.scriptN > 0 {
			s.scriptN--
		}
		f := s.script
		script = &f
		s.stats.Scripted++
	}
	s.mu.Unlock()
	if status != 0 {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		http.Error(w, `{"reason":"try again later"}`, status)
		return
	}
	if sub != s.subscriptionID {
		http.Error(w, `{"reason":"subscription not found"}`, http.StatusNotFound)
		return
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	if script != nil {
		s.runScript(c, q.Get("access_token"), script)
		return
	}
	c.SetReadLimit(1 << 20)
	ctx := context.Background()
	tok := q.Get("access_token")
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = c.CloseNow()
		return
	}
	s.wg.Add(1) // under mu, so never concurrent with Close's Wait
	defer s.wg.Done()
	reason := ""
	switch exp, known := s.tokens[tok]; {
	case tok == "":
		reason = "token is empty"
	case s.rejectAll:
		reason = "Invalid Token"
	case !known || !time.Now().Before(exp):
		reason = "Token is invalid"
	}
	if reason != "" {
		s.stats.Rejected++
		s.notifyLocked()
		s.mu.Unlock()
		_ = c.Write(ctx, websocket.MessageText, []byte(`{"module":"build_connection","success":false,"content":`+strconv.Quote(reason)+`,"header":{}}`))
		_ = c.Close(websocket.StatusPolicyViolation, "invalid_token")
		return
	}
	sc := &serverConn{c: c, sub: sub, ready: make(chan struct{})}
	var kicked []*serverConn
	for old := range s.conns {
		if old.sub == sub {
			kicked = append(kicked, old)
		}
	}
	s.conns[sc] = struct{}{}
	s.stats.Connections++
	s.notifyLocked()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, sc)
		s.notifyLocked()
		s.mu.Unlock()
		_ = c.CloseNow()
	}()
	for _, old := range kicked {
		s.closeAsync(old, websocket.StatusPolicyViolation, "another connection opened for this subscription")
	}
	// Sends wait for ready, so nothing can precede build_connection.
	err = c.Write(ctx, websocket.MessageText, []byte(`{"module":"build_connection","success":true,"content":"","header":{}}`))
	close(sc.ready)
	if err != nil {
		return
	}
	for {
		typ, data, err := c.Read(ctx)
		if err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				s.update(func(st *Stats) { st.CloseCodes = append(st.CloseCodes, ce.Code) })
			}
			return
		}
		var f struct {
			Module string `json:"module"`
		}
		if typ != websocket.MessageText || json.Unmarshal(data, &f) != nil || f.Module != "heartbeat" {
			continue
		}
		s.mu.Lock()
		s.stats.Heartbeats++
		silent := sc.silent
		s.notifyLocked()
		s.mu.Unlock()
		if !silent {
			_ = c.Write(ctx, websocket.MessageText, []byte(`{"module":"heartbeat","success":true,"content":"live","header":{}}`))
		}
	}
}

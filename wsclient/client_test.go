package wsclient_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

func TestDeliversTypedInOrderExactlyOnce(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	col := newCollector()
	r := start(t, testConfig(srv, nil), col)
	require.NoError(t, srv.WaitConnections(waitCtx(t), 1))

	const n = 200
	for i := 0; i < n; i++ {
		if i%10 == 9 { // an event without a registered struct arrives raw
			require.NoError(t, srv.Emit([]byte(`{"event":"zz.unknown","event_ts":"1626230691572","payload":{"account_id":"acc-1","n":`+string(rune('0'+i%10))+`}}`)))
			continue
		}
		require.NoError(t, srv.Emit(meetingStarted(i)))
	}
	for i := 0; i < n; i++ {
		ev := col.next(t)
		assert.Equal(t, event.TransportWebSocket, ev.Delivery.Transport)
		assert.False(t, ev.Delivery.ReceivedAt.IsZero())
		assert.Equal(t, "acc-1", ev.AccountID)
		if i%10 == 9 {
			assert.Equal(t, "zz.unknown", ev.Name)
			assert.Nil(t, ev.Payload)
			continue
		}
		p, ok := ev.Payload.(*payload.MeetingStarted)
		require.True(t, ok, "event %d: payload %T", i, ev.Payload)
		require.Equal(t, "1000", p.Object.ID.String()[:1]+"000", "sanity")
		require.Equal(t, string(meetingStarted(i)), string(ev.Raw), "event %d out of order or altered", i)
		assert.Contains(t, p.Object.Topic, `"quoted" ünïcode 🎉`)
	}
	// A final marker proves nothing was delivered twice before it.
	emitAndReceive(t, srv, col, 9999)
	assert.Empty(t, col.ch)
	r.stop()

	st := r.client.Stats()
	assert.EqualValues(t, n+1, st.Events)
	assert.EqualValues(t, 1, st.Connects)
	assert.Zero(t, st.Reconnects)
	assert.Zero(t, st.Dropped)
	assert.Zero(t, st.DecodeErrors)
	assert.False(t, st.LastEvent.IsZero())
	assert.Equal(t, wsclient.StateIdle, st.State)
	assert.Equal(t, 1, srv.Stats().MaxOpenSockets)
}

// TestRecovers injects each fault into a working connection and checks that
// the client connects again and delivers, never holding two sockets.
func TestRecovers(t *testing.T) {
	faults := []struct {
		name   string
		inject func(t *testing.T, srv *wstest.Server)
		check  func(t *testing.T, before, after wstest.Stats)
	}{
		{"abrupt drop", func(t *testing.T, srv *wstest.Server) {
			require.Equal(t, 1, srv.DropConnections())
		}, nil},
		{"half-open silence", func(t *testing.T, srv *wstest.Server) {
			require.Equal(t, 1, srv.GoSilent())
		}, nil},
		{"token is invalid frame", func(t *testing.T, srv *wstest.Server) {
			require.Equal(t, 1, srv.RejectTokens())
		}, func(t *testing.T, before, after wstest.Stats) {
			assert.Greater(t, after.TokensIssued, before.TokensIssued, "a fresh token was fetched")
		}},
		{"token endpoint 500s", func(t *testing.T, srv *wstest.Server) {
			srv.FailTokenRequests(3, http.StatusInternalServerError)
			require.Equal(t, 1, srv.RejectTokens())
		}, func(t *testing.T, before, after wstest.Stats) {
			assert.GreaterOrEqual(t, after.TokenRequests, before.TokenRequests+4)
		}},
		{"close by server", func(t *testing.T, srv *wstest.Server) {
			require.Equal(t, 1, srv.CloseConnections(websocket.StatusInternalError, "maintenance"))
		}, nil},
		{"normal close by server", func(t *testing.T, srv *wstest.Server) {
			require.Equal(t, 1, srv.CloseConnections(websocket.StatusNormalClosure, ""))
		}, nil},
		{"close with invalid_token reason", func(t *testing.T, srv *wstest.Server) {
			srv.ExpireTokens()
			require.Equal(t, 1, srv.CloseConnections(websocket.StatusPolicyViolation, "invalid_token"))
		}, nil},
		{"second connection kicks the first", func(t *testing.T, srv *wstest.Server) {
			// Another process on the same subscription; its own client
			// keeps it out of the socket count.
			other := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			ctx := waitCtx(t)
			c, _, err := websocket.Dial(ctx, srv.Endpoint()+"&access_token="+srv.IssueToken(), &websocket.DialOptions{HTTPClient: other})
			require.NoError(t, err)
			go func() { // read until our client takes the subscription back
				for {
					if _, _, err := c.Read(context.Background()); err != nil {
						return
					}
				}
			}()
			require.NoError(t, srv.WaitConnections(ctx, 3))
			_ = c.CloseNow()
		}, nil},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			srv := wstest.NewServer()
			defer srv.Close()
			logs := &syncBuffer{}
			col := newCollector()
			r := start(t, testConfig(srv, logs), col)
			ctx := waitCtx(t)
			require.NoError(t, srv.WaitConnections(ctx, 1))
			emitAndReceive(t, srv, col, 1)

			before := srv.Stats()
			f.inject(t, srv)
			require.NoError(t, srv.Wait(ctx, func(st wstest.Stats) bool {
				return st.Connections > before.Connections+boolInt(f.name == "second connection kicks the first") && st.Live == 1
			}))
			// The connection the client holds now delivers.
			require.NoError(t, srv.Wait(ctx, func(st wstest.Stats) bool { return r.client.Stats().Connects >= 2 }))
			emitAndReceive(t, srv, col, 2)
			if f.check != nil {
				f.check(t, before, srv.Stats())
			}
			r.stop()
			st := srv.Stats()
			assert.Equal(t, 1, st.MaxOpenSockets, "two sockets were open at once")
			assert.Zero(t, st.OpenSockets)
			cst := r.client.Stats()
			assert.GreaterOrEqual(t, cst.Reconnects, uint64(1))
			assert.Empty(t, col.ch, "an event arrived twice")
			assertNoSecrets(t, srv, logs.String())
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestNeverTwoSocketsUnderRepeatedFaults(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	col := newCollector()
	cfg := testConfig(srv, nil)
	cfg.InitialBackoff = 1 // redial as fast as possible
	cfg.MaxBackoff = 1
	r := start(t, cfg, col)
	ctx := waitCtx(t)
	for i := 1; i <= 30; i++ {
		require.NoError(t, srv.WaitConnections(ctx, i), "step %d: %+v %+v", i, srv.Stats(), r.client.Stats())
		switch i % 3 {
		case 0:
			srv.DropConnections()
		case 1:
			srv.RejectTokens()
		case 2:
			srv.CloseConnections(websocket.StatusGoingAway, "bye")
		}
	}
	require.NoError(t, srv.WaitConnections(ctx, 31))
	emitAndReceive(t, srv, col, 1)
	r.stop()
	assert.Equal(t, 1, srv.Stats().MaxOpenSockets)
}

func TestPermanentCredentialFailureEndsSubscribe(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*wsclient.Config)
	}{
		{"wrong secret", func(c *wsclient.Config) { c.ClientSecret = "wrong-secret-value" }},
		{"wrong client id", func(c *wsclient.Config) { c.ClientID = "nobody" }},
		{"unknown account", func(c *wsclient.Config) { c.AccountID = "no-such-account" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := wstest.NewServer()
			defer srv.Close()
			logs := &syncBuffer{}
			cfg := testConfig(srv, logs)
			tc.mutate(&cfg)
			err := wsclient.Subscribe(waitCtx(t), cfg, newCollector())
			require.ErrorIs(t, err, wsclient.ErrBadCredentials)
			var oe *wsclient.OAuthError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, http.StatusBadRequest, oe.StatusCode)
			assert.NotEmpty(t, oe.Code)
			assert.Equal(t, 1, srv.Stats().TokenRequests, "permanent failure retried")
			assert.Zero(t, srv.Stats().Connections)
			assertNoSecretsIn(t, []string{cfg.ClientSecret, basic(cfg.ClientID, cfg.ClientSecret)}, err.Error(), logs.String())
		})
	}
}

func TestTokensRejectedRepeatedlyEndsSubscribe(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	srv.SetRejectAll(true)
	logs := &syncBuffer{}
	cfg := testConfig(srv, logs)
	err := wsclient.Subscribe(waitCtx(t), cfg, newCollector())
	require.ErrorIs(t, err, wsclient.ErrTokenRejected)
	st := srv.Stats()
	assert.Equal(t, wsclient.DefaultMaxTokenRejections, st.Rejected)
	assert.Equal(t, wsclient.DefaultMaxTokenRejections, st.TokensIssued, "each attempt used a fresh token")
	assertNoSecrets(t, srv, err.Error()+logs.String())
}

func TestTransientTokenFailuresAreRetried(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	srv.FailTokenRequests(4, http.StatusServiceUnavailable)
	col := newCollector()
	r := start(t, testConfig(srv, nil), col)
	require.NoError(t, srv.WaitConnections(waitCtx(t), 1))
	emitAndReceive(t, srv, col, 1)
	r.stop()
	assert.Equal(t, 5, srv.Stats().TokenRequests)
}

func TestSlowHandlerDoesNotLookDead(t *testing.T) {
	for _, policy := range []wsclient.OverflowPolicy{wsclient.DropNewest, wsclient.Block} {
		t.Run(fmt.Sprint(policy), func(t *testing.T) {
			srv := wstest.NewServer()
			defer srv.Close()
			release := make(chan struct{})
			started := make(chan struct{}, 1)
			var handled atomic.Int64
			h := event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
				if handled.Add(1) == 1 { // the first event blocks the handler
					started <- struct{}{}
					<-release
				}
				return nil
			})
			cfg := testConfig(srv, nil)
			cfg.HeartbeatInterval = 10 * time.Millisecond
			cfg.LivenessTimeout = time.Second // generous: a busy machine may stall goroutines for long
			cfg.QueueSize = 4
			cfg.Overflow = policy
			r := start(t, cfg, h)
			ctx := waitCtx(t)
			require.NoError(t, srv.WaitConnections(ctx, 1))
			require.NoError(t, srv.Emit(meetingStarted(0)))
			<-started
			for i := 1; i <= 10; i++ { // more than the queue holds
				require.NoError(t, srv.Emit(meetingStarted(i)))
			}
			if policy == wsclient.DropNewest {
				require.NoError(t, srv.Wait(ctx, func(wstest.Stats) bool { return r.client.Stats().Dropped == 6 }))
			}
			// While the handler is stuck, let many liveness deadlines pass,
			// counted in heartbeats the server received (no sleeping).
			require.NoError(t, srv.Wait(ctx, func(st wstest.Stats) bool { return st.Heartbeats >= 300 }))
			assert.Equal(t, 1, srv.Stats().Connections, "a slow handler made the connection look dead")
			close(release)
			want := int64(11)
			if policy == wsclient.DropNewest {
				want = 5 // 1 handled + 4 queued; 6 dropped
			}
			require.NoError(t, srv.Wait(ctx, func(wstest.Stats) bool { return handled.Load() == want }))
			r.stop()
			cst := r.client.Stats()
			assert.Zero(t, cst.Reconnects)
			assert.EqualValues(t, 11-want, cst.Dropped)
			assert.EqualValues(t, want, cst.Events)
		})
	}
}

func TestBlockPolicyKeepsEveryEvent(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	col := &collector{ch: make(chan *event.Event)} // unbuffered: the handler waits for the test
	cfg := testConfig(srv, nil)
	cfg.QueueSize = 1
	cfg.Overflow = wsclient.Block
	r := start(t, cfg, col)
	require.NoError(t, srv.WaitConnections(waitCtx(t), 1))
	for i := 0; i < 20; i++ {
		require.NoError(t, srv.Emit(meetingStarted(i)))
	}
	for i := 0; i < 20; i++ {
		require.Equal(t, string(meetingStarted(i)), string(col.next(t).Raw))
	}
	r.stop()
	assert.Zero(t, r.client.Stats().Dropped)
}

func TestBadFramesAreCountedAndIgnored(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	col := newCollector()
	r := start(t, testConfig(srv, nil), col)
	require.NoError(t, srv.WaitConnections(waitCtx(t), 1))
	require.Equal(t, 1, srv.SendText([]byte("not json at all")))
	require.Equal(t, 1, srv.SendBinary([]byte{0, 1, 2, 3}))
	require.Equal(t, 1, srv.SendText([]byte(`{"module":"message","success":true,"content":"{broken"}`)))
	require.Equal(t, 1, srv.SendText([]byte(`{"module":"message","content":"{\"no_event_name\":1}"}`)))
	require.Equal(t, 1, srv.SendText([]byte(`{"module":"some_future_module","success":true,"content":"x"}`)))
	require.Equal(t, 1, srv.SendText([]byte(`{"module":"build_connection","success":true,"content":"ok"}`)))
	// content as an object (not a string) is accepted as the event itself
	require.Equal(t, 1, srv.SendText([]byte(`{"module":"message","content":`+string(meetingStarted(7))+`}`)))
	require.Equal(t, string(meetingStarted(7)), string(col.next(t).Raw))
	emitAndReceive(t, srv, col, 8)
	r.stop()
	st := r.client.Stats()
	assert.EqualValues(t, 4, st.DecodeErrors)
	assert.EqualValues(t, 1, st.Connects)
	assert.Equal(t, 1, srv.Stats().Connections)
}

func TestTokenRejectedFrameWithUnknownModule(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	col := newCollector()
	r := start(t, testConfig(srv, nil), col)
	ctx := waitCtx(t)
	require.NoError(t, srv.WaitConnections(ctx, 1))
	srv.ExpireTokens()
	require.Equal(t, 1, srv.SendText([]byte(`{"content":"Invalid Token"}`)))
	require.NoError(t, srv.WaitConnections(ctx, 2))
	emitAndReceive(t, srv, col, 1)
	r.stop()
	assert.EqualValues(t, 1, r.client.Stats().TokenRejections)
	assert.Equal(t, 2, srv.Stats().TokensIssued)
}

func TestHandlerPanicIsRecovered(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	col := newCollector()
	first := true
	h := event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
		if first {
			first = false
			panic("boom")
		}
		if ev.Name == "meeting.ended" {
			return errors.New("handler error")
		}
		return col.HandleEvent(ctx, ev)
	})
	r := start(t, testConfig(srv, nil), h)
	require.NoError(t, srv.WaitConnections(waitCtx(t), 1))
	require.NoError(t, srv.Emit(meetingStarted(0)))
	require.NoError(t, srv.Emit([]byte(`{"event":"meeting.ended","payload":{}}`)))
	emitAndReceive(t, srv, col, 2)
	r.stop()
	st := r.client.Stats()
	assert.EqualValues(t, 1, st.HandlerPanics)
	assert.EqualValues(t, 1, st.HandlerErrors)
	assert.EqualValues(t, 3, st.Events)
	assert.EqualValues(t, 1, st.Connects)
}

func TestCancelClosesNormallyAndLeavesNoGoroutine(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	var mu sync.Mutex
	var states []wsclient.State
	cfg := testConfig(srv, nil)
	cfg.OnStateChange = func(ch wsclient.StateChange) {
		mu.Lock()
		states = append(states, ch.To)
		mu.Unlock()
	}
	r := start(t, cfg, newCollector())
	ctx := waitCtx(t)
	require.NoError(t, srv.WaitConnections(ctx, 1))
	require.NoError(t, srv.Wait(ctx, func(wstest.Stats) bool { return r.client.Stats().Heartbeats >= 2 }))
	r.stop()
	require.NoError(t, srv.Wait(ctx, func(st wstest.Stats) bool { return len(st.CloseCodes) == 1 }))
	assert.Equal(t, []websocket.StatusCode{websocket.StatusNormalClosure}, srv.Stats().CloseCodes)
	assert.Zero(t, srv.Stats().OpenSockets)
	mu.Lock()
	assert.Equal(t, []wsclient.State{wsclient.StateConnecting, wsclient.StateConnected, wsclient.StateStopping, wsclient.StateIdle}, states)
	mu.Unlock()
	assert.GreaterOrEqual(t, r.client.Stats().Heartbeats, uint64(2))
}

func TestRunTwiceConcurrently(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	r := start(t, testConfig(srv, nil), newCollector())
	require.NoError(t, srv.WaitConnections(waitCtx(t), 1))
	require.ErrorIs(t, r.client.Run(context.Background()), wsclient.ErrAlreadyRunning)
	r.stop()
}

func TestBeforeDialGate(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	gate := errors.New("lease held elsewhere")
	calls := 0
	cfg := testConfig(srv, nil)
	cfg.BeforeDial = func(ctx context.Context) error {
		calls++
		if calls == 2 {
			return gate
		}
		return nil
	}
	r := start(t, cfg, newCollector())
	require.NoError(t, srv.WaitConnections(waitCtx(t), 1))
	srv.DropConnections()
	err := r.wait()
	require.ErrorIs(t, err, wsclient.ErrGateClosed)
	require.ErrorIs(t, err, gate)
	r.cancel()
}

func TestDialErrorsAreRedacted(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	// An endpoint where nothing listens: every dial fails with a *url.Error
	// that prints the whole URL, access_token included.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	logs := &syncBuffer{}
	cfg := testConfig(srv, logs)
	cfg.Endpoint = "ws://" + addr + "/ws?subscriptionId=x"
	waits := make(chan struct{}, 100)
	cfg.OnStateChange = func(ch wsclient.StateChange) {
		if ch.To == wsclient.StateWaiting {
			select {
			case waits <- struct{}{}:
			default:
			}
		}
	}
	r := start(t, cfg, newCollector())
	for i := 0; i < 3; i++ {
		select {
		case <-waits:
		case <-time.After(waitLimit):
			t.Fatal("no retry")
		}
	}
	r.stop()
	out := logs.String()
	require.Contains(t, out, "access_token=REDACTED", "the dial error was logged, redacted")
	assertNoSecrets(t, srv, out)
}

func TestConfigValidation(t *testing.T) {
	base := wsclient.Config{AccountID: "a", ClientID: "c", ClientSecret: "s", SubscriptionID: "sub"}
	h := newCollector()
	_, err := wsclient.New(base, h)
	require.NoError(t, err)

	bad := []func(*wsclient.Config){
		func(c *wsclient.Config) { c.ClientSecret = "" },
		func(c *wsclient.Config) { c.AccountID = "" },
		func(c *wsclient.Config) { c.SubscriptionID = "" },
		func(c *wsclient.Config) { c.Endpoint = "https://ws.zoom.us/ws?subscriptionId=x" },
		func(c *wsclient.Config) { c.Endpoint = "ws://ws.example.com/ws?subscriptionId=x" },
		func(c *wsclient.Config) { c.TokenURL = "http://zoom.example.com/oauth/token" },
		func(c *wsclient.Config) { c.Overflow = 7 },
		func(c *wsclient.Config) { c.GrantType = "password" },
	}
	for i, mutate := range bad {
		cfg := base
		mutate(&cfg)
		_, err := wsclient.New(cfg, h)
		require.ErrorIs(t, err, wsclient.ErrConfig, "case %d", i)
	}
	_, err = wsclient.New(base, nil)
	require.ErrorIs(t, err, wsclient.ErrConfig)

	cfg := base
	cfg.Endpoint = "ws://ws.example.com/ws?subscriptionId=x"
	_, err = wsclient.New(cfg, h)
	require.ErrorIs(t, err, wsclient.ErrInsecureURL)
	cfg.AllowInsecure = true
	_, err = wsclient.New(cfg, h)
	require.NoError(t, err)

	cfg = base
	cfg.Endpoint = "ws://localhost:1234/ws"
	cfg.GrantType = wsclient.GrantClientCredentials
	cfg.AccountID = ""
	_, err = wsclient.New(cfg, h)
	require.NoError(t, err, "loopback is allowed; client_credentials needs no account")
}

func TestClientCredentialsGrant(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	col := newCollector()
	cfg := testConfig(srv, nil)
	cfg.GrantType = wsclient.GrantClientCredentials
	cfg.AccountID = ""
	r := start(t, cfg, col)
	require.NoError(t, srv.WaitConnections(waitCtx(t), 1))
	emitAndReceive(t, srv, col, 1)
	r.stop()
}

func basic(id, secret string) string {
	return base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))
}

// assertNoSecrets checks that none of srv's tokens, nor its client secret
// or Basic credentials, appear in text.
func assertNoSecrets(t *testing.T, srv *wstest.Server, text ...string) {
	t.Helper()
	cfg := srv.Config()
	secrets := append(srv.Tokens(), cfg.ClientSecret, basic(cfg.ClientID, cfg.ClientSecret))
	assertNoSecretsIn(t, secrets, text...)
}

func assertNoSecretsIn(t *testing.T, secrets []string, text ...string) {
	t.Helper()
	all := strings.Join(text, "\n")
	for _, s := range secrets {
		require.NotEmpty(t, s)
		if strings.Contains(all, s) {
			t.Errorf("secret %.12q... appears in errors or logs", s)
		}
	}
}

// countingSource is a TokenSource that hands out numbered tokens.
type countingSource struct {
	mu          sync.Mutex
	n           int
	invalidated []string
}

func (s *countingSource) Token(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return fmt.Sprintf("custom-token-%d", s.n), nil
}

func (s *countingSource) Invalidate(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invalidated = append(s.invalidated, tok)
}

func TestHandshake401IsATokenRejection(t *testing.T) {
	ws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	}))
	defer ws.Close()
	src := &countingSource{}
	logs := &syncBuffer{}
	err := wsclient.Subscribe(waitCtx(t), wsclient.Config{
		TokenSource:    src,
		Endpoint:       "ws" + strings.TrimPrefix(ws.URL, "http") + "/ws?subscriptionId=s",
		HTTPClient:     &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
		InitialBackoff: time.Millisecond,
		Logger:         slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}, newCollector())
	require.ErrorIs(t, err, wsclient.ErrTokenRejected)
	assert.Equal(t, []string{"custom-token-1", "custom-token-2", "custom-token-3"}, src.invalidated)
	assertNoSecretsIn(t, src.invalidated, err.Error(), logs.String())
}

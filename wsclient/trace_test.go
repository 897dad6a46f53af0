package wsclient_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

type traceKey struct{}

// traceLog records ClientTrace calls, each with the trace value found in
// its context, so a test sees both the order and the context passed on.
type traceLog struct {
	mu    sync.Mutex
	calls []string
	errs  []error
}

func (l *traceLog) add(ctx context.Context, call string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, fmt.Sprintf("%s[%v] err=%v", call, ctx.Value(traceKey{}), err != nil))
	if err != nil {
		l.errs = append(l.errs, err)
	}
}

func (l *traceLog) snapshot() ([]string, []error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.calls...), append([]error(nil), l.errs...)
}

func (l *traceLog) trace() *wsclient.ClientTrace {
	return &wsclient.ClientTrace{
		ConnectStart: func(ctx context.Context, endpoint string) context.Context {
			l.add(ctx, "ConnectStart "+endpoint, nil)
			return context.WithValue(ctx, traceKey{}, "connect")
		},
		ConnectDone: func(ctx context.Context, err error) { l.add(ctx, "ConnectDone", err) },
		TokenStart: func(ctx context.Context) context.Context {
			l.add(ctx, "TokenStart", nil)
			return context.WithValue(ctx, traceKey{}, "token")
		},
		TokenDone: func(ctx context.Context, err error) { l.add(ctx, "TokenDone", err) },
	}
}

// ctxSource is a TokenSource that records the trace value of Token's ctx.
type ctxSource struct {
	wsclient.TokenSource
	mu   sync.Mutex
	seen []any
}

func (s *ctxSource) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	s.seen = append(s.seen, ctx.Value(traceKey{}))
	s.mu.Unlock()
	return s.TokenSource.Token(ctx)
}

func TestClientTraceHooks(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	srv.FailTokenRequests(1, http.StatusServiceUnavailable)
	srv.FailUpgrades(1, http.StatusServiceUnavailable, "")
	log := &traceLog{}
	cfg := testConfig(srv, nil)
	builtin, err := wsclient.NewS2STokenSource(wsclient.OAuthConfig{
		AccountID: cfg.AccountID, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		TokenURL: cfg.TokenURL, HTTPClient: cfg.HTTPClient,
	})
	require.NoError(t, err)
	src := &ctxSource{TokenSource: builtin}
	cfg.TokenSource = src
	cfg.Trace = log.trace()
	col := newCollector()
	r := start(t, cfg, col)
	require.NoError(t, srv.WaitConnections(waitCtx(t), 1))
	emitAndReceive(t, srv, col, 1)
	r.stop()

	calls, errs := log.snapshot()
	endpoint := "ConnectStart " + srv.Endpoint()
	require.Len(t, calls, 12, "%q", calls)
	want := []string{
		// the token request fails
		"ConnectStart", "TokenStart[connect] err=false", "TokenDone[token] err=true", "ConnectDone[connect] err=true",
		// the upgrade fails
		"ConnectStart", "TokenStart[connect] err=false", "TokenDone[token] err=false", "ConnectDone[connect] err=true",
		// connected
		"ConnectStart", "TokenStart[connect] err=false", "TokenDone[token] err=false", "ConnectDone[connect] err=false",
	}
	for i, c := range calls {
		if want[i] == "ConnectStart" {
			assert.True(t, strings.HasPrefix(c, endpoint), "call %d: %q, want the endpoint %q", i, c, srv.Endpoint())
			assert.NotContains(t, c, "access_token")
			continue
		}
		assert.Equal(t, want[i], c, "call %d", i)
	}
	assert.Equal(t, []any{"token", "token", "token"}, src.seen, "Token gets TokenStart's context")
	require.Len(t, errs, 3)
	assert.ErrorIs(t, errs[0], wsclient.ErrTokenUnavailable, "TokenDone")
	assert.Same(t, errs[0], errs[1], "ConnectDone gets the token's error")
	assert.Contains(t, errs[2].Error(), "503")
	for _, e := range errs {
		for _, tok := range srv.Tokens() {
			assert.NotContains(t, e.Error(), tok)
		}
	}
}

func TestClientTraceNilHooksAndNilContexts(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	cfg := testConfig(srv, nil)
	var done int
	cfg.Trace = &wsclient.ClientTrace{
		// A hook that returns nil keeps the context it was given.
		ConnectStart: func(context.Context, string) context.Context { return nil },
		TokenStart:   func(context.Context) context.Context { return nil },
		ConnectDone:  func(context.Context, error) { done++ },
	}
	col := newCollector()
	r := start(t, cfg, col)
	require.NoError(t, srv.WaitConnections(waitCtx(t), 1))
	emitAndReceive(t, srv, col, 1)
	r.stop()
	assert.Equal(t, 1, done)
}

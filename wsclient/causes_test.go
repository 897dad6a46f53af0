package wsclient_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

// causes records the errors of the client's StateWaiting changes.
type causes struct {
	mu   sync.Mutex
	errs []error
	seen chan struct{}
}

func newCauses() *causes { return &causes{seen: make(chan struct{}, 100)} }

func (c *causes) hook(ch wsclient.StateChange) {
	if ch.To != wsclient.StateWaiting || ch.Err == nil {
		return
	}
	c.mu.Lock()
	c.errs = append(c.errs, ch.Err)
	c.mu.Unlock()
	select {
	case c.seen <- struct{}{}:
	default:
	}
}

// first waits for the first cause.
func (c *causes) first(t *testing.T) error {
	t.Helper()
	select {
	case <-c.seen:
	case <-time.After(waitLimit):
		t.Fatal("no connection ended")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.errs[0]
}

// Each way a connection ends is told by a sentinel in StateChange.Err, so
// that an alert or a metric needs no text matching.
func TestStateChangeCauses(t *testing.T) {
	sentinels := []error{wsclient.ErrTokenRefused, wsclient.ErrThrottled, wsclient.ErrServerFailure,
		wsclient.ErrLivenessTimeout, wsclient.ErrHeartbeatFailed}
	for _, tc := range []struct {
		name  string
		fault func(*wstest.Server)
		cfg   func(*wsclient.Config)
		want  error
	}{
		{"token refused by a frame", func(s *wstest.Server) {
			s.FailConnections(1, wstest.ConnFailure{Frame: []byte(`{"module":"message","success":false,"content":"Token is invalid"}`),
				CloseCode: websocket.StatusPolicyViolation, CloseReason: "invalid_token"})
		}, nil, wsclient.ErrTokenRefused},
		{"token refused by the upgrade", func(s *wstest.Server) { s.FailUpgrades(1, http.StatusUnauthorized, "") }, nil, wsclient.ErrTokenRefused},
		{"throttled", func(s *wstest.Server) { s.FailUpgrades(1, http.StatusTooManyRequests, "") }, nil, wsclient.ErrThrottled},
		{"failure frame", func(s *wstest.Server) {
			s.FailConnections(1, wstest.ConnFailure{Frame: []byte(`{"module":"build_connection","success":false,"content":"subscription disabled"}`),
				CloseCode: websocket.StatusNormalClosure})
		}, nil, wsclient.ErrServerFailure},
		{"silent peer", nil, func(cfg *wsclient.Config) {
			cfg.HeartbeatInterval = time.Hour // nothing to answer: the connection goes quiet
			cfg.LivenessTimeout = 300 * time.Millisecond
		}, wsclient.ErrLivenessTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := wstest.NewServer()
			defer srv.Close()
			if tc.fault != nil {
				tc.fault(srv)
			}
			got := newCauses()
			cfg := testConfig(srv, nil)
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			cfg.OnStateChange = got.hook
			r := start(t, cfg, newCollector())
			err := got.first(t)
			r.stop()
			require.ErrorIs(t, err, tc.want, "%v", err)
			for _, other := range sentinels {
				if other != tc.want {
					assert.False(t, errors.Is(err, other), "%v is also %v", err, other)
				}
			}
		})
	}
}

func TestStatsQueued(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	cfg := testConfig(srv, nil)
	cfg.QueueSize = 8
	var once sync.Once
	r := start(t, cfg, event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
		once.Do(func() {
			started <- struct{}{}
			<-release
		})
		return nil
	}))
	ctx := waitCtx(t)
	require.NoError(t, srv.WaitConnections(ctx, 1))
	require.NoError(t, srv.Emit(meetingStarted(0)))
	<-started
	for i := 1; i <= 3; i++ {
		require.NoError(t, srv.Emit(meetingStarted(i)))
	}
	require.Eventually(t, func() bool { return r.client.Stats().Queued == 3 }, waitLimit, poll, "three events wait behind the stuck handler")
	close(release)
	require.Eventually(t, func() bool { return r.client.Stats().Events == 4 }, waitLimit, poll)
	assert.Zero(t, r.client.Stats().Queued)
	r.stop()
	assert.Zero(t, r.client.Stats().Queued, "nothing queued once Run returned")
}

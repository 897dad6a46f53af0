package main

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"net/http/httptest"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

func zoomVars(zoom *wstest.Server) map[string]string {
	cfg := zoom.Config()
	return map[string]string{
		"ZOOM_ACCOUNT_ID":    cfg.AccountID,
		"ZOOM_CLIENT_ID":     cfg.ClientID,
		"ZOOM_CLIENT_SECRET": cfg.ClientSecret,
	}
}

func listenArgs(zoom *wstest.Server, extra ...string) []string {
	return append([]string{"listen", "--endpoint", zoom.Config().Endpoint, "--oauth-url", zoom.TokenURL(), "--heartbeat", "1s"}, extra...)
}

var listenEvents = []string{
	`{"event":"meeting.started","event_ts":1,"payload":{"account_id":"a","object":{"id":1,"topic":"One"}}}`,
	"{\n \"event\": \"meeting.ended\", \"event_ts\": 2, \"payload\": {}\n}",
	`{"event":"unknown.kind","event_ts":3,"payload":{"x":[1,2]}}`,
}

func TestListenPrintsEachEventAsOneLine(t *testing.T) {
	zoom := wstest.NewServer()
	defer zoom.Close()
	te := newTestEnv(zoomVars(zoom), "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, &te.env, listenArgs(zoom)) }()
	require.NoError(t, zoom.WaitConnections(ctx, 1))
	for _, ev := range listenEvents {
		require.NoError(t, zoom.Emit([]byte(ev)))
	}
	waitFor(t, "three lines on stdout", func() bool { return strings.Count(te.out.String(), "\n") == 3 })
	cancel()
	assert.Equal(t, 0, <-done)

	lines := strings.Split(strings.TrimSuffix(te.out.String(), "\n"), "\n")
	assert.Equal(t, listenEvents[0], lines[0])
	assert.Equal(t, `{"event":"meeting.ended","event_ts":2,"payload":{}}`, lines[1], "compacted")
	assert.Equal(t, listenEvents[2], lines[2])
	logs := te.err.String()
	assert.Contains(t, logs, "state=")
	for _, token := range zoom.Tokens() {
		assert.NotContains(t, logs, token, "access tokens never logged")
	}
	assert.NotContains(t, logs, zoom.Config().ClientSecret)
}

func TestListenForwardsSignedEventsToAWebhookHandler(t *testing.T) {
	const secret = "forward-secret"
	var mu sync.Mutex
	var got []string
	fails := 1
	h, err := webhook.NewEndpoint(secret, event.HandlerFunc(func(_ context.Context, ev *event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		if fails > 0 { // the first delivery fails with 500: the forwarder retries
			fails--
			return assert.AnError
		}
		got = append(got, string(ev.Raw))
		return nil
	}))
	require.NoError(t, err)
	hookSrv := httptest.NewServer(h)
	defer hookSrv.Close()

	zoom := wstest.NewServer()
	defer zoom.Close()
	vars := zoomVars(zoom)
	vars["ZOOM_WEBHOOK_SECRET_TOKEN"] = secret
	te := newTestEnv(vars, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, &te.env, listenArgs(zoom, "--forward-to", hookSrv.URL)) }()
	require.NoError(t, zoom.WaitConnections(ctx, 1))
	for _, ev := range listenEvents {
		require.NoError(t, zoom.Emit([]byte(ev)))
	}
	waitFor(t, "three forwarded events", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 3
	})
	cancel()
	assert.Equal(t, 0, <-done)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, listenEvents, got, "exact bytes, in order, verified by the webhook handler")
	assert.Empty(t, te.out.String(), "forwarding prints no events")
	assert.Contains(t, te.err.String(), "forward failed")
}

func TestListenBadCredentialsExit1(t *testing.T) {
	zoom := wstest.NewServer()
	defer zoom.Close()
	vars := zoomVars(zoom)
	vars["ZOOM_CLIENT_SECRET"] = "wrong-secret"
	te := newTestEnv(vars, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	assert.Equal(t, 1, run(ctx, &te.env, listenArgs(zoom)))
	assert.NotContains(t, te.err.String(), "wrong-secret")
}

func TestListenUsageErrors(t *testing.T) {
	zoom := wstest.NewServer()
	defer zoom.Close()
	full := zoomVars(zoom)
	for name, c := range map[string]struct {
		drop string
		args []string
	}{
		"no client id":               {"ZOOM_CLIENT_ID", listenArgs(zoom)},
		"no account id":              {"ZOOM_ACCOUNT_ID", listenArgs(zoom)},
		"no subscription":            {"", []string{"listen"}},
		"bad heartbeat":              {"", listenArgs(zoom, "--heartbeat", "0s")},
		"forward without secret":     {"", listenArgs(zoom, "--forward-to", "http://127.0.0.1:1/hook")},
		"bad forward url":            {"", listenArgs(zoom, "--forward-to", "nope")},
		"plain http beyond loopback": {"", listenArgs(zoom, "--forward-to", "http://hook.example.invalid/hook")},
	} {
		t.Run(name, func(t *testing.T) {
			vars := map[string]string{}
			for k, v := range full {
				if k != c.drop {
					vars[k] = v
				}
			}
			assert.Equal(t, 2, run(context.Background(), &newTestEnv(vars, "").env, c.args))
		})
	}
}

func TestListenEndsCleanlyOnSIGINT(t *testing.T) {
	zoom := wstest.NewServer()
	defer zoom.Close()
	var env []string
	for k, v := range zoomVars(zoom) {
		env = append(env, k+"="+v)
	}
	args := listenArgs(zoom)
	cmd, _, stdout := startUntil(t, env, regexp.MustCompile(`state=connected`), args[0:]...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, zoom.WaitConnections(ctx, 1))
	require.NoError(t, zoom.Emit([]byte(listenEvents[0])))
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	require.NoError(t, cmd.Wait(), "exit status 0 after SIGINT")
	if out := stdout.String(); out != "" {
		assert.Equal(t, listenEvents[0]+"\n", out, "whole lines only")
	}
	require.NoError(t, zoom.Wait(ctx, func(s wstest.Stats) bool { return s.Live == 0 }), "socket closed")
}

func TestDemoRunsOnItsOwn(t *testing.T) {
	te := newTestEnv(nil, "")
	require.Equal(t, 0, runCLI(t, te, "demo"), te.err.String())
	out := te.out.String()
	assert.Regexp(t, `(?m)^  webhook +meeting\.started `, out)
	assert.Regexp(t, `(?m)^  websocket +meeting\.participant_joined +Grace Hopper`, out)
	assert.Contains(t, out, "skipped by event.Dedup")
	assert.Contains(t, out, "401 Unauthorized")
	assert.Contains(t, out, "encryptedToken correct: true")
}

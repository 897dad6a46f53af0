package main

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

// silentEndpoint accepts connections and never answers. It returns the
// URL of a webhook path on it; everything is closed at the end of the test.
func silentEndpoint(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "http://" + ln.Addr().String() + "/zoom/webhook?token=url-secret"
}

func TestListenForwardGivesUpOnASilentEndpointAndGoesOn(t *testing.T) {
	hook := silentEndpoint(t)
	zoom := wstest.NewServer()
	defer zoom.Close()
	vars := zoomVars(zoom)
	vars["ZOOM_WEBHOOK_SECRET_TOKEN"] = "forward-secret"
	te := newTestEnv(vars, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &te.env, listenArgs(zoom, "--forward-to", hook, "--forward-timeout", "200ms", "--forward-retry", "1s"))
	}()
	require.NoError(t, zoom.WaitConnections(ctx, 1))
	require.NoError(t, zoom.Emit([]byte(listenEvents[0])))
	require.NoError(t, zoom.Emit([]byte(listenEvents[1])))
	// The first event is given up on after its retry budget, and the
	// second is tried in turn: a silent endpoint does not hold the stream.
	waitFor(t, "both events given up", func() bool {
		logs := te.err.String()
		return strings.Contains(logs, `msg="forward gave up" event=meeting.started`) &&
			strings.Contains(logs, `msg="forward gave up" event=meeting.ended`)
	})
	cancel()
	assert.Equal(t, 0, <-done)

	logs := te.err.String()
	assert.Contains(t, logs, `msg="forward failed" event=meeting.started attempt=1 error="no answer within 200ms"`)
	assert.Equal(t, 1, strings.Count(logs, "event=meeting.started attempt=1 "), "each failed attempt logged once")
	for _, secret := range []string{"forward-secret", "url-secret", zoom.Config().ClientSecret} {
		assert.NotContains(t, logs, secret)
	}
}

func TestForwarderWithoutRetryTriesOnce(t *testing.T) {
	te := newTestEnv(nil, "")
	f := &forwarder{url: silentEndpoint(t), secret: "s", logger: newLogger(&te.env, false), attemptTimeout: 100 * time.Millisecond}
	ev, err := event.Parse([]byte(listenEvents[0]))
	require.NoError(t, err)
	bound, stop := context.WithTimeout(context.Background(), closeBound)
	defer stop()
	err = f.HandleEvent(bound, ev)
	require.NoError(t, bound.Err(), "an attempt outlived its timeout")
	require.Error(t, err)
	assert.Contains(t, te.err.String(), "attempts=1 ")
	assert.NotContains(t, err.Error(), "url-secret")

	// A stopped listener cancels an attempt in flight: no wait for the
	// attempt's timeout, no retry.
	ctx, cancel := context.WithCancel(context.Background())
	f.attemptTimeout, f.maxElapsed = long, long
	go cancel()
	err = f.HandleEvent(ctx, ev)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
}

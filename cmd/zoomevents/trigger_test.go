package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook"
)

func TestTriggerSendsABodyFileUnchanged(t *testing.T) {
	const secret = "trigger-secret"
	var mu sync.Mutex
	var got []string
	h, err := webhook.NewEndpoint(secret, event.HandlerFunc(func(_ context.Context, ev *event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, string(ev.Raw))
		return nil
	}))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	vars := map[string]string{"ZOOM_WEBHOOK_SECRET_TOKEN": secret}

	body := "{\n  \"event\": \"meeting.ended\",\n  \"event_ts\": 1764232200000,\n  \"payload\": {\"object\": {\"topic\": \"from a file \\uD83D\\uDE80\"}}\n}\n"
	file := filepath.Join(t.TempDir(), "ended.json")
	require.NoError(t, os.WriteFile(file, []byte(body), 0o600))

	// EVENT may be left out; given, it must be the body's.
	for _, args := range [][]string{
		{"trigger", "--body", file, "--to", srv.URL},
		{"trigger", "meeting.ended", "--body", file, "--to", srv.URL},
		{"trigger", "--body", "-", "--to", srv.URL},
	} {
		te := newTestEnv(vars, body)
		require.Equal(t, 0, runCLI(t, te, args...), "%v: %s", args, te.err.String())
		assert.Equal(t, "200 OK\n", te.out.String())
	}
	mu.Lock()
	assert.Equal(t, []string{body, body, body}, got, "the file's exact bytes, verified by the handler")
	got = nil
	mu.Unlock()

	for name, c := range map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"another event":     {"", []string{"trigger", "meeting.started", "--body", file, "--to", srv.URL}, `EVENT "meeting.started" disagrees with the body's event "meeting.ended"`},
		"not json":          {"nope", []string{"trigger", "--body", "-", "--to", srv.URL}, "is not a JSON event body"},
		"no event name":     {`{"payload":{}}`, []string{"trigger", "--body", "-", "--to", srv.URL}, `has no "event" name`},
		"no EVENT, no body": {"", []string{"trigger", "--to", srv.URL}, "need exactly one EVENT"},
	} {
		te := newTestEnv(vars, c.stdin)
		assert.Equal(t, 2, runCLI(t, te, c.args...), name)
		assert.Contains(t, te.err.String(), c.want, name)
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, got, "nothing sent on a mistake")
}

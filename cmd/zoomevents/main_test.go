package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// syncBuffer is a bytes.Buffer safe to write from a command's goroutines
// while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type testEnv struct {
	env
	out, err *syncBuffer
}

func newTestEnv(vars map[string]string, stdin string) *testEnv {
	out, errb := &syncBuffer{}, &syncBuffer{}
	return &testEnv{
		env: env{stdin: strings.NewReader(stdin), stdout: out, stderr: errb, getenv: func(k string) string { return vars[k] }},
		out: out, err: errb,
	}
}

func runCLI(t *testing.T, te *testEnv, args ...string) int {
	t.Helper()
	return run(context.Background(), &te.env, args)
}

func TestUsageAndExitCodes(t *testing.T) {
	te := newTestEnv(nil, "")
	assert.Equal(t, 2, runCLI(t, te))
	assert.Contains(t, te.err.String(), "usage: zoomevents COMMAND")
	assert.Equal(t, 2, runCLI(t, newTestEnv(nil, ""), "nope"))
	assert.Equal(t, 0, runCLI(t, newTestEnv(nil, ""), "-h"))
	for _, c := range commands {
		te := newTestEnv(nil, "")
		assert.Equal(t, 0, runCLI(t, te, c.name, "-h"), c.name)
		assert.Contains(t, te.out.String(), "usage: zoomevents "+c.name, c.name)
	}
	te = newTestEnv(nil, "")
	assert.Equal(t, 2, runCLI(t, te, "events", "--bogus"))
	te = newTestEnv(nil, "")
	assert.Equal(t, 2, runCLI(t, te, "serve"), "missing secret is a usage error")
	assert.Contains(t, te.err.String(), "ZOOM_WEBHOOK_SECRET_TOKEN")
	assert.Equal(t, 1, strings.Count(te.err.String(), "\n"), "one-line error")
}

func TestEvents(t *testing.T) {
	te := newTestEnv(nil, "")
	require.Equal(t, 0, runCLI(t, te, "events", "--json"))
	var rows []struct {
		Name, Product string
		Typed         bool
	}
	require.NoError(t, json.Unmarshal([]byte(te.out.String()), &rows))
	assert.Len(t, rows, len(event.Catalog()))
	assert.Contains(t, rows, struct {
		Name, Product string
		Typed         bool
	}{"meeting.started", "meetings", true})

	te = newTestEnv(nil, "")
	require.Equal(t, 0, runCLI(t, te, "events"))
	assert.Regexp(t, regexp.MustCompile(`(?m)^meeting\.started\s+meetings\s+typed$`), te.out.String())
}

func TestParse(t *testing.T) {
	path := filepath.Join("..", "..", "event", "testdata", "bodies", "meeting.started.real.json")
	te := newTestEnv(nil, "")
	require.Equal(t, 0, runCLI(t, te, "parse", "--json", path))
	var got struct {
		Event    string          `json:"event"`
		GoType   string          `json:"go_type"`
		Payload  json.RawMessage `json:"payload"`
		Problems []string        `json:"problems"`
	}
	require.NoError(t, json.Unmarshal([]byte(te.out.String()), &got))
	assert.Equal(t, "meeting.started", got.Event)
	assert.Equal(t, "*payload.MeetingStarted", got.GoType)
	assert.Empty(t, got.Problems)
	assert.Contains(t, string(got.Payload), `"topic": "Jiří Example's Zoom Meeting"`)

	te = newTestEnv(nil, `{"event":"meeting.started","payload":{"object":{"duration":"long","topic":"T"}}}`)
	require.Equal(t, 0, runCLI(t, te, "parse", "-"))
	assert.Contains(t, te.out.String(), "go type: *payload.MeetingStarted")
	assert.Contains(t, te.out.String(), `"topic": "T"`)
	assert.Contains(t, te.err.String(), "duration")

	te = newTestEnv(nil, `{"event":"brand.new","payload":{"x":1}}`)
	require.Equal(t, 0, runCLI(t, te, "parse"))
	assert.Contains(t, te.out.String(), "raw")

	te = newTestEnv(nil, `not json`)
	assert.Equal(t, 1, runCLI(t, te, "parse"))
	assert.Equal(t, 1, runCLI(t, newTestEnv(nil, ""), "parse", "/no/such/file"))
	assert.Equal(t, 2, runCLI(t, newTestEnv(nil, ""), "parse", "a", "b"))
}

func TestTriggerSendsSignedEventsAWebhookHandlerAccepts(t *testing.T) {
	const secret = "cli-secret"
	var got []*event.Event
	var mu sync.Mutex
	h, err := webhook.NewEndpoint(secret, event.HandlerFunc(func(_ context.Context, ev *event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, ev)
		return nil
	}))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	vars := map[string]string{"ZOOM_WEBHOOK_SECRET_TOKEN": secret}

	for _, name := range []string{"meeting.started", "recording.completed", "not.a_known_event"} {
		te := newTestEnv(vars, "")
		require.Equal(t, 0, runCLI(t, te, "trigger", name, "--to", srv.URL), te.err.String())
		assert.Equal(t, "200 OK\n", te.out.String())
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 3)
	assert.Equal(t, "meeting.started", got[0].Name)
	assert.NoError(t, got[0].Problem)
	assert.NotEmpty(t, got[0].Payload.(*payload.MeetingStarted).Object.Topic)
	assert.Equal(t, "test-download-token", got[1].DownloadToken)
	assert.False(t, (got[2].Payload != nil))

	te := newTestEnv(map[string]string{"ZOOM_WEBHOOK_SECRET_TOKEN": "wrong"}, "")
	assert.Equal(t, 1, runCLI(t, te, "trigger", "meeting.started", "--to", srv.URL))
	assert.Contains(t, te.out.String(), "401")
	assert.Equal(t, 2, runCLI(t, newTestEnv(vars, ""), "trigger", "meeting.started"))
	assert.Equal(t, 2, runCLI(t, newTestEnv(vars, ""), "trigger", "meeting.started", "--to", "ftp://x"))
}

// waitFor polls until cond holds; the bound is generous, never asserted on.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, 20*time.Second, 5*time.Millisecond, what)
}

var listenURL = regexp.MustCompile(`url=(http://\S+)`)

func TestServePrintsVerifiedEventsOncePerLine(t *testing.T) {
	const secret = "serve-secret"
	te := newTestEnv(map[string]string{"ZOOM_WEBHOOK_SECRET_TOKEN": secret}, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, &te.env, []string{"serve", "--addr", "127.0.0.1:0"}) }()
	var url string
	waitFor(t, "serve to listen", func() bool {
		m := listenURL.FindStringSubmatch(te.err.String())
		if m != nil {
			url = m[1]
		}
		return m != nil
	})

	bodies := []string{
		"{\n  \"event\": \"meeting.started\",\n  \"event_ts\": 1, \"payload\": {\"object\": {\"topic\": \"A\"}}\n}",
		`{"event":"meeting.ended","event_ts":2,"payload":{}}`,
	}
	post := func(secret, body string) int {
		req, err := webhooktest.NewClientRequest(secret, url, []byte(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, b := range bodies {
		assert.Equal(t, 200, post(secret, b))
	}
	assert.Equal(t, 200, post(secret, bodies[1]), "a redelivery is acknowledged")
	assert.Equal(t, 401, post("forged", `{"event":"meeting.deleted"}`))
	challenge, _ := webhooktest.URLValidation(secret, "plain-token")
	assert.Equal(t, 200, post(secret, string(challenge)))

	cancel()
	assert.Equal(t, 0, <-done)
	lines := strings.Split(strings.TrimSuffix(te.out.String(), "\n"), "\n")
	require.Len(t, lines, 2, "verified events once each; no challenge, no forgery")
	assert.Equal(t, `{"event":"meeting.started","event_ts":1,"payload":{"object":{"topic":"A"}}}`, lines[0])
	assert.Equal(t, bodies[1], lines[1])
	assert.NotContains(t, te.err.String(), secret)
}

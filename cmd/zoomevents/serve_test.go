package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

const serveSecret = "serve-limits-secret"

// long is a limit no test waits for: a limit set to it is effectively off
// for that test, so each test exercises exactly one limit.
const long = 10 * time.Minute

// closeBound is how long a test waits for the server to close a
// connection. The limits under test are 200 ms; the bound is generous so
// a busy machine cannot fail the test, and far below `long`, so a missing
// limit does.
const closeBound = 30 * time.Second

// startServe runs `zoomevents serve` on a free loopback port with the given
// limits (nil: the defaults) and stdout, and returns the endpoint URL. The
// command stops at the end of the test.
func startServe(t *testing.T, limits *httpLimits, stdout io.Writer) (url string, stderr *syncBuffer) {
	t.Helper()
	te := newTestEnv(map[string]string{"ZOOM_WEBHOOK_SECRET_TOKEN": serveSecret}, "")
	te.env.limits = limits
	if stdout != nil {
		te.env.stdout = stdout
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, &te.env, []string{"serve", "--addr", "127.0.0.1:0"}) }()
	t.Cleanup(func() {
		cancel()
		assert.Equal(t, 0, <-done, "serve's exit status")
	})
	waitFor(t, "serve to listen", func() bool {
		m := listenURL.FindStringSubmatch(te.err.String())
		if m != nil {
			url = m[1]
		}
		return m != nil
	})
	return url, te.err
}

func limitsWith(f func(*httpLimits)) *httpLimits {
	l := httpLimits{readHeader: long, read: long, write: long, idle: long, maxHeaderBytes: 64 << 10}
	f(&l)
	return &l
}

// dial opens a raw connection to the server behind url.
func dial(t *testing.T, url string) net.Conn {
	t.Helper()
	host := strings.TrimPrefix(url, "http://")
	host = host[:strings.IndexByte(host, '/')]
	conn, err := net.Dial("tcp", host)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// signedRequest is a valid webhook request's bytes, with headers for the
// whole body; the caller may send only part of it.
func signedRequest(url string, body []byte) (head string) {
	path := url[strings.Index(strings.TrimPrefix(url, "http://"), "/")+len("http://"):]
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: zoom.test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", path, len(body))
	for k, v := range webhooktest.Headers(serveSecret, time.Now(), body) {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v[0])
	}
	b.WriteString("\r\n")
	return b.String()
}

// waitClosed reads from conn until the server closes it, and fails the
// test if closeBound passes first. It returns what was read.
func waitClosed(t *testing.T, conn net.Conn) string {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(closeBound)))
	got, err := io.ReadAll(conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the server kept the connection open for %s (read so far: %q)", closeBound, got)
	}
	// io.EOF (read as nil) or a reset: either way the server closed it.
	return string(got)
}

func TestServeClosesIdleKeepAliveConnections(t *testing.T) {
	url, _ := startServe(t, limitsWith(func(l *httpLimits) { l.idle = 200 * time.Millisecond }), nil)
	conn := dial(t, url)
	body := []byte(`{"event":"meeting.started","event_ts":1,"payload":{}}`)
	_, err := io.WriteString(conn, signedRequest(url, body)+string(body))
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(closeBound)))
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	assert.False(t, resp.Close, "the connection is kept alive after the answer")

	// Now idle: the server must close it.
	rest, err := io.ReadAll(br)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("an idle keep-alive connection was still open after %s", closeBound)
	}
	assert.Empty(t, rest)
}

func TestServeCutsASlowHeader(t *testing.T) {
	// read is long, so this passes only if readHeader itself is applied
	// (without it, net/http falls back to ReadTimeout for the headers).
	url, _ := startServe(t, limitsWith(func(l *httpLimits) { l.readHeader = 200 * time.Millisecond }), nil)
	conn := dial(t, url)
	_, err := io.WriteString(conn, "POST /zoom/webhook HTTP/1.1\r\nHost: zoom.test\r\n")
	require.NoError(t, err)
	got := waitClosed(t, conn)
	assert.NotContains(t, got, "200 OK")
}

func TestServeCutsASlowBody(t *testing.T) {
	var stdout syncBuffer
	url, _ := startServe(t, limitsWith(func(l *httpLimits) { l.read = 200 * time.Millisecond }), &stdout)
	conn := dial(t, url)
	body := []byte(`{"event":"meeting.started","event_ts":1,"payload":{"object":{"topic":"slow"}}}`)
	_, err := io.WriteString(conn, signedRequest(url, body)+string(body[:10]))
	require.NoError(t, err)
	got := waitClosed(t, conn)
	assert.NotContains(t, got, "200 OK")
	assert.Empty(t, stdout.String(), "half a body is never an event")
}

// gateWriter blocks every Write until released, and says when one waits.
type gateWriter struct {
	entered chan struct{}
	release chan struct{}
	once    sync.Once
	buf     syncBuffer
}

func (g *gateWriter) Write(p []byte) (int, error) {
	g.once.Do(func() { close(g.entered) })
	<-g.release
	return g.buf.Write(p)
}

func TestServeWriteTimeoutBoundsASlowAnswer(t *testing.T) {
	out := &gateWriter{entered: make(chan struct{}), release: make(chan struct{})}
	var released sync.Once
	release := func() { released.Do(func() { close(out.release) }) }
	url, _ := startServe(t, limitsWith(func(l *httpLimits) { l.write = 200 * time.Millisecond }), out)
	t.Cleanup(release) // cleanups run last first: the handler is released before serve stops
	conn := dial(t, url)
	body := []byte(`{"event":"meeting.started","event_ts":1,"payload":{}}`)
	_, err := io.WriteString(conn, signedRequest(url, body)+string(body))
	require.NoError(t, err)
	select {
	case <-out.entered:
	case <-time.After(closeBound):
		t.Fatal("the event never reached stdout")
	}
	// The handler is now stuck on stdout. The write deadline was set when
	// the request's headers were read, 200 ms before; let a full second
	// pass for sure, then let the handler finish.
	time.Sleep(time.Second)
	release()
	got := waitClosed(t, conn)
	assert.NotContains(t, got, "200 OK", "an answer later than WriteTimeout is not sent")
}

func TestServeRefusesOversizedHeaders(t *testing.T) {
	url, _ := startServe(t, nil, nil) // the defaults
	body := []byte(`{"event":"meeting.started","event_ts":1,"payload":{}}`)
	req, err := webhooktest.NewClientRequest(serveSecret, url, body)
	require.NoError(t, err)
	req.Header.Set("X-Padding", strings.Repeat("a", 200<<10))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
}

func TestServeClipsClientValuesInLogs(t *testing.T) {
	// Headers up to 2 MiB get through, so the handler logs the request.
	url, stderr := startServe(t, limitsWith(func(l *httpLimits) {
		*l = defaultLimits
		l.maxHeaderBytes = 2 << 20
	}), nil)
	before := len(stderr.String())
	body := []byte(`{"event":"meeting.started","event_ts":1,"payload":{}}`)
	req, err := webhooktest.NewClientRequest("forged", url, body)
	require.NoError(t, err)
	req.Header.Set("X-Zm-Request-Id", strings.Repeat("r", 900<<10))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	waitFor(t, "the rejection to be logged", func() bool { return strings.Contains(stderr.String(), "request_id=") })
	logged := stderr.String()[before:]
	assert.Less(t, len(logged), 2048, "one rejected request, one bounded log line")
	assert.Contains(t, logged, fmt.Sprintf("[cut: %d bytes]", 900<<10))
	assert.NotContains(t, logged, serveSecret)
}

func TestDefaultLimits(t *testing.T) {
	l := defaultLimits
	assert.Positive(t, l.readHeader)
	assert.LessOrEqual(t, l.readHeader, l.read, "headers are part of the request")
	// Zoom waits 3 s for an answer: a request Zoom still waits for must
	// never be cut, and one it has given up on must not be held long.
	assert.GreaterOrEqual(t, l.read, 3*time.Second)
	assert.GreaterOrEqual(t, l.write, 3*time.Second)
	assert.LessOrEqual(t, l.read, time.Minute)
	assert.LessOrEqual(t, l.write, time.Minute)
	assert.Positive(t, l.idle)
	assert.LessOrEqual(t, l.idle, 2*time.Minute)
	assert.GreaterOrEqual(t, l.maxHeaderBytes, 8<<10)
	assert.Less(t, l.maxHeaderBytes, 1<<20, "below net/http's default of 1 MiB")

	srv := newServer(http.NotFoundHandler(), l, newLogger(&newTestEnv(nil, "").env, false))
	assert.Equal(t, []any{l.readHeader, l.read, l.write, l.idle, l.maxHeaderBytes},
		[]any{srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes})
	assert.NotNil(t, srv.ErrorLog, "net/http's own messages go through the clipping logger")
}

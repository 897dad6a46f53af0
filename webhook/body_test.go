package webhook_test

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// stallReader is the body of a slow attacker: it gives one byte, then
// blocks until release is closed, then ends early.
type stallReader struct {
	sent    bool
	stalled func()
	release <-chan struct{}
}

func (s *stallReader) Read(p []byte) (int, error) {
	if !s.sent {
		s.sent = true
		p[0] = '{'
		return 1, nil
	}
	s.stalled()
	<-s.release
	return 0, io.EOF
}

func (s *stallReader) Close() error { return nil }

func totalAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// TestHandlerMemoryFollowsBytesReceived is the slow-body attack: 50
// requests each claim 8 MiB (the default limit) in Content-Length, send 1
// byte and stall. Memory must follow the 50 bytes received, not the
// 400 MiB claimed.
func TestHandlerMemoryFollowsBytesReceived(t *testing.T) {
	const conns = 50
	h := newHandler(t, &recorder{})
	release := make(chan struct{})
	var stalled sync.WaitGroup
	stalled.Add(conns)
	reqs := make([]*http.Request, conns)
	recs := make([]*httptest.ResponseRecorder, conns)
	for i := range reqs {
		reqs[i] = webhooktest.NewRequest(secret, "/", startedBody)
		reqs[i].Body = &stallReader{stalled: stalled.Done, release: release}
		reqs[i].ContentLength = webhook.DefaultMaxBodyBytes
		recs[i] = httptest.NewRecorder()
	}

	runtime.GC()
	before := totalAlloc()
	var done sync.WaitGroup
	done.Add(conns)
	for i := range reqs {
		go func() {
			defer done.Done()
			h.ServeHTTP(recs[i], reqs[i])
		}()
	}
	stalled.Wait() // every handler has received its byte and waits for more
	grown := totalAlloc() - before
	close(release)
	done.Wait()

	t.Logf("allocated %d KiB for %d stalled requests claiming %d MiB each", grown>>10, conns, webhook.DefaultMaxBodyBytes>>20)
	assert.Less(t, grown, uint64(4<<20), "memory must follow the bytes received (old code: 400 MiB)")
	for _, w := range recs {
		assert.Equal(t, http.StatusInternalServerError, w.Code, "a body cut short is answered 500, so that Zoom retries it")
	}
}

// TestHandlerHugeClaimWithoutLimit: with no practical limit, a request
// claiming 1 TiB and sending a few bytes is answered, with memory for those
// few bytes only (the old code died of an unrecoverable out-of-memory).
func TestHandlerHugeClaimWithoutLimit(t *testing.T) {
	var hooked error
	h := newHandler(t, &recorder{}, webhook.WithMaxBodyBytes(math.MaxInt64),
		webhook.WithErrorHook(func(_ *http.Request, err error) { hooked = err }))
	r := webhooktest.NewRequest(secret, "/", startedBody)
	r.ContentLength = 1 << 40
	runtime.GC()
	before := totalAlloc()
	w := serve(h, r)
	grown := totalAlloc() - before
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assert.ErrorIs(t, hooked, webhook.ErrBodyRead)
	assert.ErrorIs(t, hooked, io.ErrUnexpectedEOF)
	assert.Less(t, grown, uint64(1<<20))
}

// paddedBody is startedBody with n spaces before its last brace: a valid
// event of any size.
func paddedBody(n int) []byte {
	b := append([]byte(nil), startedBody[:len(startedBody)-1]...)
	b = append(b, bytes.Repeat([]byte(" "), n)...)
	return append(b, '}')
}

// TestHandlerBodySizes drives the growing buffer: bodies larger than its
// first allocation, with and without Content-Length, at and around the
// limit.
func TestHandlerBodySizes(t *testing.T) {
	big := paddedBody(300 << 10)
	chunked := func(body []byte) *http.Request {
		r := webhooktest.NewRequest(secret, "/", body)
		r.ContentLength = -1
		return r
	}
	cases := []struct {
		name   string
		req    *http.Request
		limit  int64
		status int
		want   error
	}{
		{"known length over the first allocation", webhooktest.NewRequest(secret, "/", big), 0, 200, nil},
		{"unknown length over the first allocation", chunked(big), 0, 200, nil},
		{"known length at the limit", webhooktest.NewRequest(secret, "/", big), int64(len(big)), 200, nil},
		{"unknown length at the limit", chunked(big), int64(len(big)), 200, nil},
		{"unknown length one byte over the limit", chunked(big), int64(len(big)) - 1, 413, webhook.ErrBodyTooLarge},
		{"unknown length, no practical limit", chunked(big), math.MaxInt64, 200, nil},
		{"known length one byte over the limit", webhooktest.NewRequest(secret, "/", big), int64(len(big)) - 1, 413, webhook.ErrBodyTooLarge},
		{"claims more than it sends", func() *http.Request {
			r := webhooktest.NewRequest(secret, "/", big)
			r.ContentLength++
			return r
		}(), 0, 500, io.ErrUnexpectedEOF},
		{"small body claims more than it sends", func() *http.Request {
			r := webhooktest.NewRequest(secret, "/", startedBody)
			r.ContentLength++
			return r
		}(), 0, 500, io.ErrUnexpectedEOF},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			var hooked error
			h := newHandler(t, rec, webhook.WithMaxBodyBytes(c.limit),
				webhook.WithErrorHook(func(_ *http.Request, err error) { hooked = err }))
			w := serve(h, c.req)
			require.Equal(t, c.status, w.Code)
			if c.want != nil {
				assert.ErrorIs(t, hooked, c.want)
				return
			}
			require.NoError(t, hooked)
			require.EqualValues(t, 1, rec.calls.Load())
			assert.Equal(t, big, rec.last.Load().Raw, "the exact bytes, in order")
		})
	}
}

// countingBody counts the reads of a request body.
type countingBody struct {
	io.Reader
	reads atomic.Int32
}

func (c *countingBody) Read(p []byte) (int, error) {
	c.reads.Add(1)
	return c.Reader.Read(p)
}

func (c *countingBody) Close() error { return nil }

// TestHandlerChecksHeadersBeforeBody: every check that needs no body fails
// without a byte of the body being read, whatever the body's size.
func TestHandlerChecksHeadersBeforeBody(t *testing.T) {
	now := time.Now()
	oversized := func(r *http.Request) *http.Request {
		r.ContentLength = webhook.DefaultMaxBodyBytes + 1
		return r
	}
	signed := func() *http.Request { return webhooktest.NewRequest(secret, "/", startedBody) }
	with := func(key, value string) func() *http.Request {
		return func() *http.Request {
			r := signed()
			if value == "" {
				r.Header.Del(key)
			} else {
				r.Header.Set(key, value)
			}
			return r
		}
	}
	goodSig := webhooktest.Sign(secret, now, startedBody)
	cases := []struct {
		name   string
		req    func() *http.Request
		opts   []webhook.Option
		status int
		want   error
	}{
		{"not POST", func() *http.Request {
			r := signed()
			r.Method = http.MethodPut
			return r
		}, nil, 405, webhook.ErrMethodNotAllowed},
		{"source not allowed", signed, []webhook.Option{webhook.WithAllowedSources([]string{"10.0.0.0/8"}, nil)}, 403, webhook.ErrSourceNotAllowed},
		{"basic auth missing", signed, []webhook.Option{webhook.WithBasicAuth("zoom", "pw")}, 401, webhook.ErrUnauthorized},
		{"bearer token wrong", with("Authorization", "Bearer nope"), []webhook.Option{webhook.WithBearerToken("tok")}, 401, webhook.ErrUnauthorized},
		{"custom header missing", signed, []webhook.Option{webhook.WithHeader("X-My-Key", "yes")}, 401, webhook.ErrUnauthorized},
		{"no signature", with(webhook.HeaderSignature, ""), nil, 401, webhook.ErrMissingSignature},
		{"no timestamp", with(webhook.HeaderTimestamp, ""), nil, 401, webhook.ErrMissingTimestamp},
		{"timestamp not a number", with(webhook.HeaderTimestamp, "yesterday"), nil, 401, webhook.ErrBadTimestamp},
		{"stale timestamp", func() *http.Request {
			return webhooktest.NewRequestAt(secret, "/", startedBody, now.Add(-3*time.Hour))
		}, nil, 401, webhook.ErrStaleTimestamp},
		{"signature without v0=", with(webhook.HeaderSignature, "v1="+goodSig[3:]), nil, 401, webhook.ErrBadSignature},
		{"signature not hex", with(webhook.HeaderSignature, "v0="+strings.Repeat("z", 64)), nil, 401, webhook.ErrBadSignature},
		{"signature too short", with(webhook.HeaderSignature, goodSig[:20]), nil, 401, webhook.ErrBadSignature},
		{"Content-Length over the limit", func() *http.Request { return oversized(signed()) }, nil, 413, webhook.ErrBodyTooLarge},
		// The order of the checks decides these: the headers are checked
		// before the size, the HMAC after it.
		{"oversized and unsigned", func() *http.Request { return oversized(with(webhook.HeaderSignature, "")()) }, nil, 401, webhook.ErrMissingSignature},
		{"oversized and stale", func() *http.Request {
			return oversized(webhooktest.NewRequestAt(secret, "/", startedBody, now.Add(-3*time.Hour)))
		}, nil, 401, webhook.ErrStaleTimestamp},
		{"oversized, signed with another secret", func() *http.Request {
			return oversized(webhooktest.NewRequest("other", "/", startedBody))
		}, nil, 413, webhook.ErrBodyTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			var hooked error
			opts := append([]webhook.Option{webhook.WithErrorHook(func(_ *http.Request, err error) { hooked = err })}, c.opts...)
			r := c.req()
			body := &countingBody{Reader: bytes.NewReader(startedBody)}
			r.Body = body
			w := serve(newHandler(t, rec, opts...), r)
			assert.Equal(t, c.status, w.Code)
			assert.ErrorIs(t, hooked, c.want)
			assert.Zero(t, body.reads.Load(), "the body must not be read")
			assert.Zero(t, rec.calls.Load())
		})
	}

	// The counting body does see the reads of a request that gets through.
	body := &countingBody{Reader: bytes.NewReader(startedBody)}
	r := signed()
	r.Body = body
	rec := &recorder{}
	require.Equal(t, http.StatusOK, serve(newHandler(t, rec), r).Code)
	assert.NotZero(t, body.reads.Load())
	assert.EqualValues(t, 1, rec.calls.Load())
}

// TestHandlerBodyGrowthIsAmortized: a growing buffer doubles, so a large
// honest body costs a small multiple of its size in allocations, not a
// quadratic sum of copies: the body, its growth copies (under twice the
// body with an unknown length), and event.Parse's one copy of the body,
// which the payload's strings share. (Growing by a fixed 8 KiB step
// would allocate about 64 times the body.)
func TestHandlerBodyGrowthIsAmortized(t *testing.T) {
	big := paddedBody(1 << 20)
	h := newHandler(t, &recorder{})
	for _, length := range []int64{int64(len(big)), -1} {
		r := webhooktest.NewRequest(secret, "/", big)
		r.ContentLength = length
		runtime.GC()
		before := totalAlloc()
		w := serve(h, r)
		grown := totalAlloc() - before
		require.Equal(t, http.StatusOK, w.Code)
		assert.Less(t, grown, uint64(6*len(big)), "Content-Length %d: allocated %d bytes for a %d-byte body", length, grown, len(big))
	}
}

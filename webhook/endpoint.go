package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"

	"github.com/zoomevents/zoomevents/event"
)

// More errors reported by an Endpoint (see [WithErrorHook]).
var (
	// ErrMethodNotAllowed: the request was not a POST.
	ErrMethodNotAllowed = errors.New("webhook: method not allowed")
	// ErrBodyTooLarge: the body is over the limit ([WithMaxBodyBytes]).
	ErrBodyTooLarge = errors.New("webhook: body too large")
	// ErrHandlerPanic: the event handler panicked; the panic was recovered.
	ErrHandlerPanic = errors.New("webhook: event handler panicked")
)

// Endpoint is an [http.Handler] that receives Zoom webhooks: the HTTP
// concerns (method, client address, reading the body within its limit),
// then [Verifier.Receive], then the answer: the URL validation challenge's,
// or the event handler's outcome. It works with any router that accepts an
// http.Handler. It is safe for concurrent use.
//
// The event handler runs before Zoom is answered, with the request's
// context, and Zoom waits at most 3 seconds: hand long work off to a queue.
type Endpoint struct {
	verifier *Verifier
	next     event.Handler
	maxBody  int64
	logger   *slog.Logger
	hook     func(*http.Request, error)
	sources  *sourceFilter
}

// NewEndpoint returns an Endpoint that verifies requests with secret (the
// app's Secret Token) and passes events to next (often an [*event.Mux]).
// It accepts both kinds of options: every [VerifyOption] and every
// [EndpointOption]. It returns an error wrapping [ErrConfig] for an empty
// secret, a nil next, and each nil or malformed option.
func NewEndpoint(secret string, next event.Handler, opts ...Option) (*Endpoint, error) {
	c := handlerConfig{verifyConfig: defaultVerifyConfig(), maxBody: DefaultMaxBodyBytes}
	if next == nil {
		c.fail("NewEndpoint needs an event handler")
	}
	for _, o := range opts {
		if o == nil {
			c.fail("nil Option")
			continue
		}
		o.applyHandler(&c)
	}
	v, err := newVerifier(secret, &c.verifyConfig)
	if err != nil {
		return nil, err
	}
	if c.maxBody == 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	return &Endpoint{
		verifier: v, next: next, maxBody: c.maxBody, logger: c.logger,
		hook: c.errorHook, sources: c.sources,
	}, nil
}

// ServeHTTP implements [http.Handler]; see the package documentation for
// the status codes it answers.
func (h *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.reject(w, r, ErrMethodNotAllowed)
		return
	}
	if h.sources != nil && !h.sources.allows(r) {
		h.reject(w, r, ErrSourceNotAllowed)
		return
	}
	// Everything that needs no body is checked before a byte of it is read.
	var hv verifiedHeaders
	if err := h.verifier.checkHeaders(r.Header, &hv); err != nil {
		h.reject(w, r, err)
		return
	}
	body, err := h.readBody(w, r)
	if err != nil {
		if !errors.Is(err, ErrBodyTooLarge) {
			err = fmt.Errorf("%w: %w", ErrBodyRead, err)
		}
		h.reject(w, r, err)
		return
	}
	got, err := h.verifier.receiveBody(&hv, r.Header, body)
	if err != nil {
		h.reject(w, r, err)
		return
	}
	if got.Challenge != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(got.Challenge.JSON())
		if h.logger != nil {
			h.logger.LogAttrs(r.Context(), slog.LevelInfo, "zoom webhook: answered URL validation")
		}
		return
	}
	if err := h.dispatch(r.Context(), got.Event); err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// traceParent returns the request's W3C traceparent header when it has the
// form version-traceid-parentid-flags (55 characters, lowercase hex), and
// "" otherwise, so that nothing else is passed on as one.
func traceParent(h http.Header) string {
	v := h.Get("Traceparent")
	if len(v) != 55 || v[2] != '-' || v[35] != '-' || v[52] != '-' || v[:2] == "ff" {
		return ""
	}
	for i := 0; i < len(v); i++ {
		if i == 2 || i == 35 || i == 52 {
			continue
		}
		if c := v[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return ""
		}
	}
	return v
}

func requestID(h http.Header) string {
	if id := headerValue(h, HeaderRequestID); id != "" {
		return id
	}
	return headerValue(h, HeaderTrackingID)
}

// firstBodyAlloc bounds the first allocation for a body: a body that
// claims more (in Content-Length) gets a buffer that grows only as its
// bytes arrive, so memory follows the bytes received, not the bytes claimed.
// Most Zoom events are a few KiB and fit in one allocation.
const firstBodyAlloc = 8 << 10

// readBody reads the whole body. A Content-Length over the limit is
// answered at once, unread. A known length is read exactly; an unknown one
// through a size limit. Either way the buffer starts at firstBodyAlloc at
// most and grows only as bytes arrive. A smaller limit set by a middleware
// with [http.MaxBytesReader] is reported as ErrBodyTooLarge too.
func (h *Endpoint) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > h.maxBody {
		return nil, ErrBodyTooLarge
	}
	if r.Body == nil {
		return nil, nil
	}
	var body []byte
	var err error
	if r.ContentLength >= 0 {
		body, err = readBytes(r.Body, r.ContentLength, true)
	} else {
		// One byte past the limit shows the body is over it.
		size := h.maxBody
		if size < math.MaxInt64 {
			size++
		}
		body, err = readBytes(http.MaxBytesReader(w, r.Body, h.maxBody), size, false)
	}
	if err != nil && isMaxBytes(err) {
		return nil, ErrBodyTooLarge
	}
	return body, err
}

// isMaxBytes reports a limit of http.MaxBytesReader: ours, or a router
// middleware's (chi's RequestSize) below ours.
func isMaxBytes(err error) bool {
	var tooLarge *http.MaxBytesError
	return errors.As(err, &tooLarge)
}

// readBytes reads size bytes from rd when exact (fewer is
// io.ErrUnexpectedEOF), or else everything up to EOF, which must come
// before size bytes (or it is ErrBodyTooLarge). Its buffer is size bytes
// when that is at most firstBodyAlloc (one allocation, no copy); otherwise
// it starts at firstBodyAlloc and doubles, up to size, only when the bytes
// received have filled it.
func readBytes(rd io.Reader, size int64, exact bool) ([]byte, error) {
	body := make([]byte, 0, min(size, firstBodyAlloc))
	for {
		if len(body) == cap(body) {
			if int64(len(body)) == size {
				if exact {
					return body, nil
				}
				return nil, ErrBodyTooLarge
			}
			next := min(2*int64(cap(body)), size, math.MaxInt)
			if next == int64(cap(body)) { // at math.MaxInt (32-bit)
				return nil, ErrBodyTooLarge
			}
			grown := make([]byte, len(body), next)
			copy(grown, body)
			body = grown
		}
		n, err := rd.Read(body[len(body):cap(body)])
		body = body[:len(body)+n]
		if err == io.EOF {
			if exact && int64(len(body)) < size {
				return nil, io.ErrUnexpectedEOF
			}
			return body, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// dispatch calls the event handler, turning a panic into an error.
func (h *Endpoint) dispatch(ctx context.Context, ev *event.Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if h.logger != nil {
				h.logger.LogAttrs(ctx, slog.LevelError, "zoom webhook: event handler panicked",
					slog.String("event", ev.Name), slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			}
			err = fmt.Errorf("%w: %s: %v", ErrHandlerPanic, ev.Name, p)
		}
	}()
	return h.next.HandleEvent(ctx, ev)
}

// reject answers a request that failed a check, with the status
// [StatusCode] maps err to.
func (h *Endpoint) reject(w http.ResponseWriter, r *http.Request, err error) {
	h.fail(w, r, StatusCode(err), err)
}

// fail answers with the status text only and reports err to the logger
// and the hook.
func (h *Endpoint) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	http.Error(w, http.StatusText(status), status)
	if h.logger != nil {
		h.logger.LogAttrs(r.Context(), slog.LevelWarn, "zoom webhook: request rejected",
			slog.Int("status", status), slog.String("error", err.Error()),
			slog.String("remote", r.RemoteAddr), slog.String("request_id", requestID(r.Header)))
	}
	if h.hook != nil {
		h.hook(r, err)
	}
}

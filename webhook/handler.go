package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/internal/signature"
)

// URLValidationEvent is the event name of Zoom's endpoint validation
// challenge, which the Handler answers itself.
const URLValidationEvent = "endpoint.url_validation"

// More errors reported by a Handler (see [WithErrorHook]).
var (
	// ErrMethodNotAllowed: the request was not a POST.
	ErrMethodNotAllowed = errors.New("webhook: method not allowed")
	// ErrBodyTooLarge: the body is over the limit ([WithMaxBodyBytes]).
	ErrBodyTooLarge = errors.New("webhook: body too large")
	// ErrInvalidEvent: the signed body is not a JSON event, or a URL
	// validation challenge has no plainToken. It wraps the event package's
	// error where there is one.
	ErrInvalidEvent = errors.New("webhook: body is not a Zoom event")
	// ErrHandlerPanic: the event handler panicked; the panic was recovered.
	ErrHandlerPanic = errors.New("webhook: event handler panicked")
)

// Handler is an [http.Handler] that receives Zoom webhooks: it verifies
// each request, answers URL validation challenges, and passes every other
// event to an [event.Handler]. It works with any router that accepts an
// http.Handler. It is safe for concurrent use.
//
// The event handler runs before Zoom is answered, with the request's
// context, and Zoom waits at most 3 seconds: hand long work off to a queue.
type Handler struct {
	verifier *Verifier
	next     event.Handler
	maxBody  int64
	logger   *slog.Logger
	hook     func(*http.Request, error)
	checks   []headerCheck
	sources  *sourceFilter
}

// NewHandler returns a Handler that verifies requests with secret (the
// app's Secret Token) and passes events to next (often an [*event.Mux]).
// It returns an error when secret, or an option's credential, is empty
// ([ErrEmptySecret]), or an option is malformed.
func NewHandler(secret string, next event.Handler, opts ...Option) (*Handler, error) {
	if next == nil {
		return nil, errors.New("webhook: NewHandler needs an event handler")
	}
	c := newConfig(opts)
	if c.err != nil {
		return nil, c.err
	}
	v, err := c.verifier(secret)
	if err != nil {
		return nil, err
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	return &Handler{
		verifier: v, next: next, maxBody: c.maxBody, logger: c.logger,
		hook: c.errorHook, checks: c.checks, sources: c.sources,
	}, nil
}

// ServeHTTP implements [http.Handler]; see the package documentation for
// the status codes it answers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.reject(w, r, http.StatusMethodNotAllowed, ErrMethodNotAllowed)
		return
	}
	if h.sources != nil && !h.sources.allows(r) {
		h.reject(w, r, http.StatusForbidden, ErrSourceNotAllowed)
		return
	}
	for _, check := range h.checks {
		if !check(r.Header) {
			h.reject(w, r, http.StatusUnauthorized, ErrUnauthorized)
			return
		}
	}
	// Everything that needs no body is checked before a byte of it is read.
	var sig [signature.Size]byte
	timestamp := headerValue(r.Header, HeaderTimestamp)
	if err := h.verifier.precheck(headerValue(r.Header, HeaderSignature), timestamp, &sig); err != nil {
		h.reject(w, r, http.StatusUnauthorized, err)
		return
	}
	body, err := h.readBody(w, r)
	if err != nil {
		if errors.Is(err, ErrBodyTooLarge) {
			h.reject(w, r, http.StatusRequestEntityTooLarge, err)
		} else {
			h.reject(w, r, http.StatusBadRequest, fmt.Errorf("%w: reading body: %w", ErrInvalidEvent, err))
		}
		return
	}
	secret, err := h.verifier.match(&sig, timestamp, body)
	if err != nil {
		h.reject(w, r, http.StatusUnauthorized, err)
		return
	}
	ev, err := event.Parse(body)
	if err != nil {
		h.reject(w, r, http.StatusBadRequest, fmt.Errorf("%w: %w", ErrInvalidEvent, err))
		return
	}
	if ev.Name == URLValidationEvent {
		h.answerChallenge(w, r, secret, body)
		return
	}
	ev.Delivery = event.Delivery{
		Transport:   event.TransportWebhook,
		RequestID:   requestID(r.Header),
		ReceivedAt:  h.verifier.now(),
		TraceParent: traceParent(r.Header),
	}
	if err := h.dispatch(r.Context(), ev); err != nil {
		h.reject(w, r, http.StatusInternalServerError, err)
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
// most and grows only as bytes arrive.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > h.maxBody {
		return nil, ErrBodyTooLarge
	}
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength >= 0 {
		return readBytes(r.Body, r.ContentLength, true)
	}
	// One byte past the limit shows the body is over it.
	size := h.maxBody
	if size < math.MaxInt64 {
		size++
	}
	body, err := readBytes(http.MaxBytesReader(w, r.Body, h.maxBody), size, false)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, ErrBodyTooLarge
	}
	return body, err
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

type challenge struct {
	Payload struct {
		PlainToken string `json:"plainToken"`
	} `json:"payload"`
}

type challengeAnswer struct {
	PlainToken     string `json:"plainToken"`
	EncryptedToken string `json:"encryptedToken"`
}

// answerChallenge answers a URL validation whose signature has verified,
// with the secret that signed it.
func (h *Handler) answerChallenge(w http.ResponseWriter, r *http.Request, secret int, body []byte) {
	var c challenge
	if err := json.Unmarshal(body, &c); err != nil || c.Payload.PlainToken == "" {
		h.reject(w, r, http.StatusBadRequest, fmt.Errorf("%w: URL validation without a plainToken", ErrInvalidEvent))
		return
	}
	answer, err := json.Marshal(challengeAnswer{
		PlainToken:     c.Payload.PlainToken,
		EncryptedToken: h.verifier.encryptToken(secret, c.Payload.PlainToken),
	})
	if err != nil { // cannot happen for two strings
		h.reject(w, r, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(answer)
	if h.logger != nil {
		h.logger.LogAttrs(r.Context(), slog.LevelInfo, "zoom webhook: answered URL validation")
	}
}

// dispatch calls the event handler, turning a panic into an error.
func (h *Handler) dispatch(ctx context.Context, ev *event.Event) (err error) {
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

// reject answers with the status text only and reports err to the logger
// and the hook.
func (h *Handler) reject(w http.ResponseWriter, r *http.Request, status int, err error) {
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

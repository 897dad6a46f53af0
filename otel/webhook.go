package zotel

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/zoomevents/zoomevents/webhook"
)

// WebhookOptions returns the webhook.Endpoint options that connect it to
// this package: today one, webhook.WithErrorHook with [WebhookErrorHook]
// (it takes the place of another error hook; to keep yours, pass
// WebhookErrorHook(yours) instead).
//
//	wh, err := webhook.NewEndpoint(secret, zotel.Handler(mux), zotel.WebhookOptions()...)
func WebhookOptions(opts ...Option) []webhook.Option {
	return []webhook.Option{webhook.WithErrorHook(WebhookErrorHook(nil, opts...))}
}

// WebhookErrorHook returns an error hook for webhook.WithErrorHook that
// counts every rejected request in zoom.webhook.rejections by
// [RejectionReason], records it on the request's span (the span of
// [HTTPHandler], when the handler is wrapped in it) with error.type set to
// the reason, and then calls next, when not nil.
func WebhookErrorHook(next func(*http.Request, error), opts ...Option) func(*http.Request, error) {
	in := newInstruments(opts)
	sets := map[string]attribute.Set{}
	for _, r := range reasons {
		sets[r.name] = attribute.NewSet(AttrReason.String(r.name))
	}
	sets[ReasonHandlerError] = attribute.NewSet(AttrReason.String(ReasonHandlerError))
	return func(r *http.Request, err error) {
		reason := RejectionReason(err)
		ctx := r.Context()
		in.rejections.Add(ctx, 1, metricAttrs(sets[reason]))
		span := trace.SpanFromContext(ctx)
		if span.IsRecording() {
			span.RecordError(err)
			span.SetAttributes(semconv.ErrorTypeKey.String(reason), AttrReason.String(reason))
		}
		if next != nil {
			next(r, err)
		}
	}
}

// Rejection reasons: the zoom.reason attribute of zoom.webhook.rejections.
const (
	ReasonBadSignature     = "bad_signature"
	ReasonMissingSignature = "missing_signature"
	ReasonMissingTimestamp = "missing_timestamp"
	ReasonBadTimestamp     = "bad_timestamp"
	ReasonStaleTimestamp   = "stale_timestamp"
	ReasonUnauthorized     = "unauthorized"
	ReasonSourceNotAllowed = "source_not_allowed"
	ReasonMethodNotAllowed = "method_not_allowed"
	ReasonBodyTooLarge     = "body_too_large"
	ReasonInvalidEvent     = "invalid_event"
	ReasonHandlerPanic     = "handler_panic"
	// ReasonHandlerError is every other error: the event handler's own.
	ReasonHandlerError = "handler_error"
)

// reasons maps the webhook package's sentinels to reasons, in the order
// they are tested.
var reasons = []struct {
	err  error
	name string
}{
	{webhook.ErrBadSignature, ReasonBadSignature},
	{webhook.ErrMissingSignature, ReasonMissingSignature},
	{webhook.ErrMissingTimestamp, ReasonMissingTimestamp},
	{webhook.ErrBadTimestamp, ReasonBadTimestamp},
	{webhook.ErrStaleTimestamp, ReasonStaleTimestamp},
	{webhook.ErrUnauthorized, ReasonUnauthorized},
	{webhook.ErrSourceNotAllowed, ReasonSourceNotAllowed},
	{webhook.ErrMethodNotAllowed, ReasonMethodNotAllowed},
	{webhook.ErrBodyTooLarge, ReasonBodyTooLarge},
	{webhook.ErrInvalidEvent, ReasonInvalidEvent},
	{webhook.ErrHandlerPanic, ReasonHandlerPanic},
}

// RejectionReason names the reason of an error the webhook handler
// reported to its error hook: one of the Reason constants, from the webhook
// package's sentinel the error wraps, and [ReasonHandlerError] for any
// other (the event handler's error). The first eight are verification
// failures: someone other than Zoom, a misconfigured secret, or a clock
// out of step.
func RejectionReason(err error) string {
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.name
		}
	}
	return ReasonHandlerError
}

// HTTPHandler wraps the webhook handler (or any http.Handler) in a span of
// kind server per request, following OpenTelemetry's HTTP semantic
// conventions: named after the method and the route (the ServeMux pattern
// that matched, when there is one), a child of the request's traceparent
// header (Zoom sends one), with http.request.method, url.path, url.scheme,
// http.route, client.address, user_agent.original and
// http.response.status_code, and status Error for a 5xx answer. Use it when
// the rejections, which have no delivery span, should be traced too: the
// delivery span of [Handler] is then its child, and [WebhookErrorHook]
// records each rejection's reason on it.
//
//	mux.Handle("POST /zoom/webhook", zotel.HTTPHandler(wh))
//
// If the program already wraps its server in otelhttp, this adds a second
// server span: keep one.
func HTTPHandler(next http.Handler, opts ...Option) http.Handler {
	in := newInstruments(opts)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := in.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		route := r.Pattern
		if i := strings.IndexByte(route, '/'); i > 0 { // "POST host/path" -> "/path"
			route = route[i:]
		}
		name := r.Method
		if route != "" {
			name += " " + route
		}
		ctx, span := in.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer))
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			if span.IsRecording() {
				span.SetAttributes(semconv.HTTPResponseStatusCode(status))
				if status >= 500 {
					span.SetStatus(codes.Error, "")
					span.SetAttributes(semconv.ErrorTypeKey.String(strconv.Itoa(status)))
				}
			}
			span.End()
		}()
		if span.IsRecording() {
			scheme := "http"
			if r.TLS != nil {
				scheme = "https"
			}
			attrs := []attribute.KeyValue{
				semconv.HTTPRequestMethodKey.String(r.Method),
				semconv.URLPath(r.URL.Path),
				semconv.URLScheme(scheme),
			}
			if route != "" {
				attrs = append(attrs, semconv.HTTPRoute(route))
			}
			if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
				attrs = append(attrs, semconv.ClientAddress(host))
			}
			if ua := r.UserAgent(); ua != "" {
				attrs = append(attrs, semconv.UserAgentOriginal(ua))
			}
			span.SetAttributes(attrs...)
		}
		next.ServeHTTP(rec, r.WithContext(ctx))
	})
}

// statusRecorder remembers the status code written.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the wrapped writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

package zotel_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/zoomevents/zoomevents/event"
	zotel "github.com/zoomevents/zoomevents/otel"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

const secret = "test-secret-token"

// webhookServer is a webhook handler instrumented as the package doc shows,
// behind a ServeMux route.
func webhookServer(t *testing.T, tel *telemetry, h event.Handler) http.Handler {
	t.Helper()
	wh, err := webhook.NewEndpoint(secret, zotel.Handler(h, tel.opts()...), zotel.WebhookOptions(tel.opts()...)...)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("POST /zoom/webhook", zotel.HTTPHandler(wh, tel.opts()...))
	return mux
}

func post(h http.Handler, req *http.Request) int {
	req.Header.Set("Traceparent", traceParent)
	req.Header.Set("X-Zm-Request-Id", "req-1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestWebhookDeliverySpanAndMetrics(t *testing.T) {
	tel := newTelemetry(t)
	var handlerSpan trace.SpanContext
	srv := webhookServer(t, tel, event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
		handlerSpan = trace.SpanContextFromContext(ctx)
		return nil
	}))
	require.Equal(t, http.StatusOK, post(srv, webhooktest.NewRequest(secret, "/zoom/webhook", meetingStarted(1))))

	httpSpans := tel.ended("POST /zoom/webhook")
	require.Len(t, httpSpans, 1)
	hs := httpSpans[0]
	assert.Equal(t, trace.SpanKindServer, hs.SpanKind())
	assert.Equal(t, traceID, hs.Parent().TraceID().String(), "the HTTP span continues Zoom's trace")
	assert.Equal(t, parentID, hs.Parent().SpanID().String())
	assert.True(t, hs.Parent().IsRemote())
	v, _ := attrOf(hs, "http.response.status_code")
	assert.Equal(t, int64(200), v.AsInt64())
	v, _ = attrOf(hs, "http.route")
	assert.Equal(t, "/zoom/webhook", v.AsString())

	deliveries := tel.ended("process meeting.started")
	require.Len(t, deliveries, 1)
	ds := deliveries[0]
	assert.Equal(t, trace.SpanKindConsumer, ds.SpanKind())
	assert.Equal(t, hs.SpanContext().SpanID(), ds.Parent().SpanID(), "the delivery span is the HTTP span's child")
	assert.Equal(t, traceID, ds.SpanContext().TraceID().String())
	assert.Equal(t, ds.SpanContext(), handlerSpan, "the handler's ctx carries the delivery span")
	assert.Equal(t, codes.Unset, ds.Status().Code)
	want := map[attribute.Key]string{
		"messaging.system": "zoom", "messaging.operation.type": "process", "messaging.destination.name": "meeting.started",
		"messaging.message.id": "req-1", "zoom.event.name": "meeting.started", "zoom.transport": "webhook",
		"zoom.request_id": "req-1", "zoom.account_id": "acc-1",
	}
	for k, w := range want {
		v, ok := attrOf(ds, k)
		assert.True(t, ok, "attribute %s", k)
		assert.Equal(t, w, v.String(), "attribute %s", k)
	}

	rm := tel.collect(t)
	ok := []attribute.KeyValue{zotel.AttrEventName.String("meeting.started"), zotel.AttrTransport.String("webhook"), zotel.AttrOutcome.String("ok")}
	n, found := value(rm, "zoom.deliveries", ok...)
	assert.True(t, found)
	assert.Equal(t, 1.0, n)
	n, _ = value(rm, "zoom.handler.duration", ok...)
	assert.Equal(t, 1.0, n, "one duration recorded")
	_, found = value(rm, "zoom.webhook.rejections")
	assert.False(t, found, "nothing rejected")
}

// Without the HTTP span, the delivery span's parent is Zoom's traceparent
// itself.
func TestDeliverySpanParentedOnTraceParent(t *testing.T) {
	tel := newTelemetry(t)
	wh, err := webhook.NewEndpoint(secret, zotel.Handler(event.HandlerFunc(func(context.Context, *event.Event) error { return nil }), tel.opts()...))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, post(wh, webhooktest.NewRequest(secret, "/", meetingStarted(1))))
	spans := tel.spans.Ended()
	require.Len(t, spans, 1)
	assert.Equal(t, traceID, spans[0].Parent().TraceID().String())
	assert.Equal(t, parentID, spans[0].Parent().SpanID().String())
	assert.True(t, spans[0].Parent().IsRemote())
}

// A span from another trace in ctx does not take the traceparent's place.
func TestTraceParentWinsOverAnUnrelatedSpan(t *testing.T) {
	tel := newTelemetry(t)
	h := zotel.Handler(event.HandlerFunc(func(context.Context, *event.Event) error { return nil }), tel.opts()...)
	ctx, unrelated := tel.tp.Tracer("test").Start(context.Background(), "long-lived")
	ev, err := event.Parse(meetingStarted(1))
	require.NoError(t, err)
	ev.Delivery = event.Delivery{Transport: event.TransportWebhook, TraceParent: traceParent, Queue: "jetstream:ZOOM", Attempt: 2}
	require.NoError(t, h.HandleEvent(ctx, ev))
	unrelated.End()
	ds := tel.ended("process meeting.started")
	require.Len(t, ds, 1)
	assert.Equal(t, parentID, ds[0].Parent().SpanID().String())
	v, _ := attrOf(ds[0], zotel.AttrQueue)
	assert.Equal(t, "jetstream:ZOOM", v.AsString())
	v, _ = attrOf(ds[0], zotel.AttrAttempt)
	assert.Equal(t, int64(2), v.AsInt64())
}

func TestFailingHandlerMarksSpanAsError(t *testing.T) {
	tel := newTelemetry(t)
	boom := errors.New("database down")
	srv := webhookServer(t, tel, event.HandlerFunc(func(context.Context, *event.Event) error { return boom }))
	require.Equal(t, http.StatusInternalServerError, post(srv, webhooktest.NewRequest(secret, "/zoom/webhook", meetingStarted(1))))

	ds := tel.ended("process meeting.started")
	require.Len(t, ds, 1)
	assert.Equal(t, codes.Error, ds[0].Status().Code)
	assert.Equal(t, "database down", ds[0].Status().Description)
	require.Len(t, ds[0].Events(), 1)
	assert.Equal(t, "exception", ds[0].Events()[0].Name)
	hs := tel.ended("POST /zoom/webhook")
	require.Len(t, hs, 1)
	assert.Equal(t, codes.Error, hs[0].Status().Code, "500 answered")
	v, _ := attrOf(hs[0], zotel.AttrReason)
	assert.Equal(t, "handler_error", v.AsString())

	rm := tel.collect(t)
	n, _ := value(rm, "zoom.deliveries", zotel.AttrOutcome.String("error"))
	assert.Equal(t, 1.0, n)
	n, _ = value(rm, "zoom.webhook.rejections", zotel.AttrReason.String("handler_error"))
	assert.Equal(t, 1.0, n)
}

func TestPanicIsRecordedAndGoesOn(t *testing.T) {
	tel := newTelemetry(t)
	h := zotel.Handler(event.HandlerFunc(func(context.Context, *event.Event) error { panic("nil map") }), tel.opts()...)
	ev, err := event.Parse(meetingStarted(1))
	require.NoError(t, err)
	require.PanicsWithValue(t, "nil map", func() { _ = h.HandleEvent(context.Background(), ev) })

	ds := tel.ended("process meeting.started")
	require.Len(t, ds, 1)
	assert.Equal(t, codes.Error, ds[0].Status().Code)
	assert.Equal(t, "panic: nil map", ds[0].Status().Description)
	require.Len(t, ds[0].Events(), 1)
	var stack string
	for _, kv := range ds[0].Events()[0].Attributes {
		if kv.Key == "exception.stacktrace" {
			stack = kv.Value.AsString()
		}
	}
	assert.Contains(t, stack, "TestPanicIsRecordedAndGoesOn", "the stack of the panic site")
	n, _ := value(tel.collect(t), "zoom.deliveries", zotel.AttrOutcome.String("panic"))
	assert.Equal(t, 1.0, n)

	// Through the webhook handler, which recovers it and answers 500.
	srv := webhookServer(t, tel, event.HandlerFunc(func(context.Context, *event.Event) error { panic("again") }))
	require.Equal(t, http.StatusInternalServerError, post(srv, webhooktest.NewRequest(secret, "/zoom/webhook", meetingStarted(1))))
	n, _ = value(tel.collect(t), "zoom.webhook.rejections", zotel.AttrReason.String("handler_panic"))
	assert.Equal(t, 1.0, n)
}

func TestVerificationFailuresByReason(t *testing.T) {
	tel := newTelemetry(t)
	srv := webhookServer(t, tel, event.HandlerFunc(func(context.Context, *event.Event) error { return nil }))
	bad := webhooktest.NewRequest("another-secret", "/zoom/webhook", meetingStarted(1))
	require.Equal(t, http.StatusUnauthorized, post(srv, bad))
	unsigned := webhooktest.NewRequest(secret, "/zoom/webhook", meetingStarted(1))
	unsigned.Header.Del("X-Zm-Signature")
	require.Equal(t, http.StatusUnauthorized, post(srv, unsigned))
	require.Equal(t, http.StatusUnauthorized, post(srv, webhooktest.NewRequest("another-secret", "/zoom/webhook", meetingStarted(2))))

	rm := tel.collect(t)
	n, _ := value(rm, "zoom.webhook.rejections", zotel.AttrReason.String("bad_signature"))
	assert.Equal(t, 2.0, n)
	n, _ = value(rm, "zoom.webhook.rejections", zotel.AttrReason.String("missing_signature"))
	assert.Equal(t, 1.0, n)
	_, found := value(rm, "zoom.deliveries")
	assert.False(t, found, "no delivery")
	hs := tel.ended("POST /zoom/webhook")
	require.Len(t, hs, 3)
	v, _ := attrOf(hs[0], "error.type")
	assert.Equal(t, "bad_signature", v.AsString())
	assert.Equal(t, codes.Unset, hs[0].Status().Code, "a 4xx is not a server error")
	require.Len(t, hs[0].Events(), 1, "the rejection is recorded")
}

func TestRejectionReason(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("x: %w", webhook.ErrBadSignature), zotel.ReasonBadSignature},
		{webhook.ErrStaleTimestamp, zotel.ReasonStaleTimestamp},
		{webhook.ErrMissingTimestamp, zotel.ReasonMissingTimestamp},
		{webhook.ErrBadTimestamp, zotel.ReasonBadTimestamp},
		{webhook.ErrUnauthorized, zotel.ReasonUnauthorized},
		{webhook.ErrSourceNotAllowed, zotel.ReasonSourceNotAllowed},
		{webhook.ErrMethodNotAllowed, zotel.ReasonMethodNotAllowed},
		{webhook.ErrBodyTooLarge, zotel.ReasonBodyTooLarge},
		{fmt.Errorf("%w: %w", webhook.ErrInvalidEvent, event.ErrInvalidJSON), zotel.ReasonInvalidEvent},
		{webhook.ErrHandlerPanic, zotel.ReasonHandlerPanic},
		{errors.New("mine"), zotel.ReasonHandlerError},
	} {
		assert.Equal(t, c.want, zotel.RejectionReason(c.err), "%v", c.err)
	}
}

func TestDuplicatesAreCounted(t *testing.T) {
	tel := newTelemetry(t)
	calls := 0
	h := zotel.Handler(event.Dedup(event.HandlerFunc(func(context.Context, *event.Event) error {
		calls++
		return nil
	}), zotel.DedupOptions(tel.opts()...)...), tel.opts()...)
	for range 2 {
		ev, err := event.Parse(meetingStarted(1))
		require.NoError(t, err)
		ev.Delivery.Transport = event.TransportWebhook
		require.NoError(t, h.HandleEvent(context.Background(), ev))
	}
	assert.Equal(t, 1, calls)
	rm := tel.collect(t)
	n, _ := value(rm, "zoom.deliveries", zotel.AttrOutcome.String("ok"))
	assert.Equal(t, 1.0, n)
	n, _ = value(rm, "zoom.deliveries", zotel.AttrOutcome.String("duplicate"))
	assert.Equal(t, 1.0, n)
	n, _ = value(rm, "zoom.duplicates", zotel.AttrEventName.String("meeting.started"))
	assert.Equal(t, 1.0, n)
	ds := tel.ended("process meeting.started")
	require.Len(t, ds, 2)
	require.Len(t, ds[1].Events(), 1)
	assert.Equal(t, "zoom.duplicate", ds[1].Events()[0].Name)
}

func TestDecodeProblemsAreCounted(t *testing.T) {
	tel := newTelemetry(t)
	h := zotel.Handler(event.HandlerFunc(func(context.Context, *event.Event) error { return nil }), tel.opts()...)
	ev, err := event.Parse([]byte(`{"event":"meeting.started","event_ts":"not a time","payload":{"account_id":"a","object":{"id":"x"}}}`))
	require.NoError(t, err)
	require.Error(t, ev.Problem)
	require.NoError(t, h.HandleEvent(context.Background(), ev))
	n, _ := value(tel.collect(t), "zoom.decode.problems", zotel.AttrEventName.String("meeting.started"))
	assert.Equal(t, 1.0, n)
	_, ok := attrOf(tel.ended("process meeting.started")[0], zotel.AttrDecodeProblem)
	assert.True(t, ok)
}

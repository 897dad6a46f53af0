package zotel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/zoomevents/zoomevents/event"
)

// MessagingSystem is the messaging.system attribute of delivery spans.
const MessagingSystem = "zoom"

// Handler returns an event.Handler that runs next inside a span and
// records the delivery's metrics (see the package documentation). Wrap the
// outermost handler given to a transport, outside event.Dedup:
//
//	h := zotel.Handler(event.Dedup(mux, zotel.DedupOptions()...))
//
// The span, of kind consumer, is named "process <event name>". Its parent
// is the delivery's W3C traceparent (event.Delivery.TraceParent, Zoom's
// traceparent header) when there is one, except when ctx already carries a
// span of that same trace (such as the span of [HTTPHandler], itself a
// child of that traceparent), which is then the parent; without a
// traceparent, the span in ctx, if any, is the parent. The context next is
// called with carries the span, so next's own spans are its children.
//
// A non-nil error from next is recorded on the span, whose status is then
// Error. A panic in next is recorded the same way (with its stack, outcome
// "panic") and then goes on unchanged, for the transport to recover.
func Handler(next event.Handler, opts ...Option) event.Handler {
	return &handler{next: next, in: newInstruments(opts)}
}

type handler struct {
	next event.Handler
	in   *instruments
}

// delivery is the state a delivery's hooks share through its context.
type delivery struct {
	duplicate bool
}

type deliveryKey struct{}

func (h *handler) HandleEvent(ctx context.Context, ev *event.Event) (err error) {
	start := time.Now()
	in := h.in
	ctx, span := in.tracer.Start(h.parent(ctx, ev), "process", trace.WithSpanKind(trace.SpanKindConsumer))
	if span.IsRecording() {
		span.SetName("process " + ev.Name)
		span.SetAttributes(spanAttributes(ev)...)
	}
	d := &delivery{}
	ctx = context.WithValue(ctx, deliveryKey{}, d)
	sets := in.sets(ev.Name)
	t := transportIndex(ev.Delivery.Transport)
	if ev.Problem != nil {
		in.problems.Add(ctx, 1, sets.plain[t])
	}
	panicked := true
	defer func() {
		outcome := 0
		switch {
		case panicked:
			outcome = 2
			p := recover()
			perr := fmt.Errorf("panic: %v", p)
			if p == nil { // runtime.Goexit, which goes on by itself
				perr = errors.New("runtime.Goexit called")
			} else {
				defer panic(p) // once the span has ended and the metrics are recorded
			}
			span.RecordError(perr, trace.WithStackTrace(true))
			span.SetStatus(codes.Error, perr.Error())
			span.SetAttributes(semconv.ErrorTypeKey.String("panic"))
		case err != nil:
			outcome = 1
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
			span.SetAttributes(semconv.ErrorTypeKey.String(fmt.Sprintf("%T", err)))
		case d.duplicate:
			outcome = 3
		}
		span.End()
		in.deliveries.Add(ctx, 1, sets.byOutcome[t][outcome])
		in.duration.Record(ctx, time.Since(start).Seconds(), sets.byOutcome[t][outcome])
	}()
	err = h.next.HandleEvent(ctx, ev)
	panicked = false
	return err
}

// parent is the context whose span is the delivery span's parent.
func (h *handler) parent(ctx context.Context, ev *event.Event) context.Context {
	if ev.Delivery.TraceParent == "" {
		return ctx
	}
	remote := trace.SpanContextFromContext(h.in.prop.Extract(context.Background(), traceParentCarrier(ev.Delivery.TraceParent)))
	if !remote.IsValid() {
		return ctx
	}
	if cur := trace.SpanContextFromContext(ctx); cur.IsValid() && cur.TraceID() == remote.TraceID() {
		return ctx
	}
	return trace.ContextWithRemoteSpanContext(ctx, remote)
}

func spanAttributes(ev *event.Event) []attribute.KeyValue {
	dl := &ev.Delivery
	attrs := make([]attribute.KeyValue, 0, 12)
	attrs = append(attrs,
		semconv.MessagingSystemKey.String(MessagingSystem),
		semconv.MessagingOperationTypeProcess,
		semconv.MessagingOperationName("process"),
		semconv.MessagingDestinationName(ev.Name),
		semconv.MessagingMessageBodySize(len(ev.Raw)),
		AttrEventName.String(ev.Name),
		AttrTransport.String(string(dl.Transport)),
	)
	if dl.RequestID != "" {
		attrs = append(attrs, semconv.MessagingMessageID(dl.RequestID), AttrRequestID.String(dl.RequestID))
	}
	if ev.AccountID != "" {
		attrs = append(attrs, AttrAccountID.String(ev.AccountID))
	}
	if dl.Queue != "" {
		attrs = append(attrs, AttrQueue.String(dl.Queue), AttrAttempt.Int(dl.Attempt))
	}
	if ev.Problem != nil {
		attrs = append(attrs, AttrDecodeProblem.String(ev.Problem.Error()))
	}
	return attrs
}

// traceParentCarrier is a TextMapCarrier holding only a traceparent.
type traceParentCarrier string

func (c traceParentCarrier) Get(key string) string {
	if key == "traceparent" {
		return string(c)
	}
	return ""
}

func (traceParentCarrier) Set(string, string) {}

func (traceParentCarrier) Keys() []string { return []string{"traceparent"} }

// DedupOptions returns the options that connect event.Dedup to this
// package: duplicates skipped are counted (zoom.duplicates), marked on the
// delivery span (an event "zoom.duplicate") and give the delivery the
// outcome "duplicate"; store errors are counted (zoom.dedup.store_errors)
// and recorded on the span. Pass them to event.Dedup inside [Handler].
// They take the place of event.WithDuplicateHook and
// event.WithStoreErrorHook (the last of each given to Dedup wins).
func DedupOptions(opts ...Option) []event.DedupOption {
	in := newInstruments(opts)
	return []event.DedupOption{
		event.WithDuplicateHook(func(ctx context.Context, ev *event.Event) {
			if d, ok := ctx.Value(deliveryKey{}).(*delivery); ok {
				d.duplicate = true
			}
			trace.SpanFromContext(ctx).AddEvent("zoom.duplicate")
			in.duplicates.Add(ctx, 1, in.sets(ev.Name).plain[transportIndex(ev.Delivery.Transport)])
		}),
		event.WithStoreErrorHook(func(ctx context.Context, ev *event.Event, err error) {
			trace.SpanFromContext(ctx).RecordError(err)
			in.storeErrors.Add(ctx, 1, in.sets(ev.Name).plain[transportIndex(ev.Delivery.Transport)])
		}),
	}
}

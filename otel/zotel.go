package zotel

import (
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/zoomevents/zoomevents/event"
)

// ScopeName is the instrumentation scope of this package's tracer and
// meter.
const ScopeName = "github.com/zoomevents/zoomevents/otel"

// Option configures where this package's telemetry goes. Every function of
// the package takes the same options; without any, the global providers
// (otel.GetTracerProvider, otel.GetMeterProvider) are used, so telemetry
// follows whatever the program installs with otel.SetTracerProvider and
// otel.SetMeterProvider, also later.
type Option func(*config)

type config struct {
	tp   trace.TracerProvider
	mp   metric.MeterProvider
	prop propagation.TextMapPropagator

	clientAttrs []attribute.KeyValue
}

// WithTracerProvider sets the TracerProvider spans are started with.
func WithTracerProvider(tp trace.TracerProvider) Option { return func(c *config) { c.tp = tp } }

// WithMeterProvider sets the MeterProvider instruments are created with.
func WithMeterProvider(mp metric.MeterProvider) Option { return func(c *config) { c.mp = mp } }

// WithPropagator sets how a delivery's traceparent and an HTTP request's
// headers are read. The default is the W3C Trace Context propagator
// (propagation.TraceContext), which is what Zoom sends.
func WithPropagator(p propagation.TextMapPropagator) Option { return func(c *config) { c.prop = p } }

// WithClientAttributes adds attributes to the observations of [Observe],
// to tell several WebSocket clients apart (for example
// attribute.String("zoom.subscription", "billing")). Other functions ignore
// it.
func WithClientAttributes(attrs ...attribute.KeyValue) Option {
	return func(c *config) { c.clientAttrs = append(c.clientAttrs, attrs...) }
}

// Attribute keys of this package's spans and metrics, besides the
// OpenTelemetry semantic conventions' own.
const (
	// AttrEventName is the Zoom event name, such as "meeting.started".
	AttrEventName = attribute.Key("zoom.event.name")
	// AttrTransport is "webhook" or "websocket" (event.Transport).
	AttrTransport = attribute.Key("zoom.transport")
	// AttrRequestID is Zoom's id for the delivery (event.Delivery.RequestID).
	AttrRequestID = attribute.Key("zoom.request_id")
	// AttrAccountID is the event's account_id.
	AttrAccountID = attribute.Key("zoom.account_id")
	// AttrQueue is the durable queue a delivery came through
	// (event.Delivery.Queue), such as "jetstream:ZOOM_EVENTS".
	AttrQueue = attribute.Key("zoom.queue")
	// AttrAttempt is the queue's delivery attempt (event.Delivery.Attempt).
	AttrAttempt = attribute.Key("zoom.delivery.attempt")
	// AttrDecodeProblem is the text of event.Event.Problem.
	AttrDecodeProblem = attribute.Key("zoom.decode.problem")
	// AttrOutcome is how a delivery, token request or connection attempt
	// ended: see the package documentation for its values.
	AttrOutcome = attribute.Key("zoom.outcome")
	// AttrReason is why the webhook handler rejected a request: see
	// [RejectionReason].
	AttrReason = attribute.Key("zoom.reason")
	// AttrCause is what made a WebSocket client wait before redialing:
	// see [ReconnectCause].
	AttrCause = attribute.Key("zoom.cause")
	// AttrState is a WebSocket client's state (wsclient.State's String).
	AttrState = attribute.Key("zoom.websocket.state")
)

// Outcomes of a delivery (the zoom.outcome attribute of zoom.deliveries and
// zoom.handler.duration).
const (
	OutcomeOK        = "ok"
	OutcomeError     = "error"
	OutcomePanic     = "panic"
	OutcomeDuplicate = "duplicate"
)

// maxEventNames bounds the distinct zoom.event.name values in metrics;
// names beyond it are recorded as otherEventName. Events reach handlers
// only once signed by Zoom (or from a trusted queue), so the catalog's few
// hundred names are the practical set.
const maxEventNames = 2048

const otherEventName = "_OTHER"

// durationBuckets are the handler duration histogram's bounds, in seconds:
// from 1 ms to Zoom's 3 s answer deadline and beyond.
var durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10}

// instruments are the tracer and the instruments every function shares.
// The providers deduplicate instruments by name, so functions called with
// the same providers record into the same series.
type instruments struct {
	tracer trace.Tracer
	meter  metric.Meter
	prop   propagation.TextMapPropagator

	deliveries  metric.Int64Counter
	duration    metric.Float64Histogram
	problems    metric.Int64Counter
	duplicates  metric.Int64Counter
	storeErrors metric.Int64Counter
	rejections  metric.Int64Counter
	reconnects  metric.Int64Counter
	tokens      metric.Int64Counter

	mu     sync.RWMutex
	events map[string]*eventSets
}

// eventSets holds the precomputed attribute options of one event name, so
// that recording a delivery allocates nothing.
type eventSets struct {
	// byOutcome is indexed by transport (webhook, websocket, other) and
	// outcome (ok, error, panic, duplicate).
	byOutcome [3][4]metric.MeasurementOption
	// plain is indexed by transport.
	plain [3]metric.MeasurementOption
}

var outcomes = [4]string{OutcomeOK, OutcomeError, OutcomePanic, OutcomeDuplicate}

func transportIndex(t event.Transport) int {
	switch t {
	case event.TransportWebhook:
		return 0
	case event.TransportWebSocket:
		return 1
	}
	return 2
}

func transportName(i int) string {
	return [3]string{string(event.TransportWebhook), string(event.TransportWebSocket), "other"}[i]
}

func newInstruments(opts []Option) *instruments {
	c := config{}
	for _, o := range opts {
		o(&c)
	}
	if c.tp == nil {
		c.tp = otel.GetTracerProvider()
	}
	if c.mp == nil {
		c.mp = otel.GetMeterProvider()
	}
	if c.prop == nil {
		c.prop = propagation.TraceContext{}
	}
	m := c.mp.Meter(ScopeName)
	in := &instruments{
		tracer: c.tp.Tracer(ScopeName),
		meter:  m,
		prop:   c.prop,
		events: map[string]*eventSets{},
	}
	var err error
	report := func(e error) {
		if e != nil && err == nil {
			err = e
		}
	}
	in.deliveries, err = m.Int64Counter("zoom.deliveries", metric.WithUnit("{delivery}"),
		metric.WithDescription("Zoom events passed to the handler, by event name, transport and outcome."))
	var e error
	in.duration, e = m.Float64Histogram("zoom.handler.duration", metric.WithUnit("s"),
		metric.WithDescription("Time the handler took per delivery, by event name, transport and outcome."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	report(e)
	in.problems, e = m.Int64Counter("zoom.decode.problems", metric.WithUnit("{event}"),
		metric.WithDescription("Delivered events with a field that could not be decoded (event.Event.Problem)."))
	report(e)
	in.duplicates, e = m.Int64Counter("zoom.duplicates", metric.WithUnit("{event}"),
		metric.WithDescription("Deliveries skipped by event.Dedup as duplicates."))
	report(e)
	in.storeErrors, e = m.Int64Counter("zoom.dedup.store_errors", metric.WithUnit("{error}"),
		metric.WithDescription("Errors of event.Dedup's store (the event was handled anyway or may be handled again)."))
	report(e)
	in.rejections, e = m.Int64Counter("zoom.webhook.rejections", metric.WithUnit("{request}"),
		metric.WithDescription("Webhook requests not answered 200, by reason (verification failures and handler failures)."))
	report(e)
	in.reconnects, e = m.Int64Counter("zoom.websocket.reconnects", metric.WithUnit("{reconnect}"),
		metric.WithDescription("Times a WebSocket client went to wait before redialing, by cause."))
	report(e)
	in.tokens, e = m.Int64Counter("zoom.token.requests", metric.WithUnit("{request}"),
		metric.WithDescription("Access tokens asked of the WebSocket client's TokenSource (cached answers included), by outcome."))
	report(e)
	if err != nil {
		otel.Handle(err) // the instruments are no-ops; nothing else to do
	}
	return in
}

// sets returns the precomputed attribute options for an event name.
func (in *instruments) sets(name string) *eventSets {
	in.mu.RLock()
	s := in.events[name]
	in.mu.RUnlock()
	if s != nil {
		return s
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if s = in.events[name]; s != nil {
		return s
	}
	if len(in.events) >= maxEventNames {
		if s = in.events[otherEventName]; s != nil {
			return s
		}
		name = otherEventName
	}
	s = &eventSets{}
	for t := range s.byOutcome {
		tr := AttrTransport.String(transportName(t))
		s.plain[t] = metric.WithAttributeSet(attribute.NewSet(AttrEventName.String(name), tr))
		for o, outcome := range outcomes {
			s.byOutcome[t][o] = metric.WithAttributeSet(attribute.NewSet(
				AttrEventName.String(name), tr, AttrOutcome.String(outcome)))
		}
	}
	in.events[name] = s
	return s
}

func metricAttrs(s attribute.Set) metric.MeasurementOption { return metric.WithAttributeSet(s) }

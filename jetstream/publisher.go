package zjetstream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/zoomevents/zoomevents/event"
)

// Defaults of this package.
const (
	// DefaultStream is the name of the events stream.
	DefaultStream = "ZOOM_EVENTS"
	// DefaultSubjectPrefix is the prefix of event subjects: meeting.started
	// is published on "zoom.events.meeting.started".
	DefaultSubjectPrefix = "zoom.events"
	// DefaultDeadLetterSubject is where a [Consumer] puts events it gives up
	// on; [EnsureStream] creates a stream that keeps them.
	DefaultDeadLetterSubject = "zoom.deadletter"
	// DefaultDuplicateWindow is the stream's duplicate window: a publish
	// whose Nats-Msg-Id was stored less than this long ago is acknowledged
	// but not stored again. Zoom retries an unanswered webhook 5, 20 and 60
	// minutes after one another (the last retry about 85 minutes after the
	// first try), so two hours covers every retry of one event, as
	// [event.DefaultDedupTTL] does.
	DefaultDuplicateWindow = 2 * time.Hour
	// DefaultMaxAge is how long the streams keep events by default.
	DefaultMaxAge = 7 * 24 * time.Hour
	// DefaultPublishTimeout bounds one publish, acknowledgement included.
	// It is under Zoom's 3 seconds, so that a webhook whose publish is stuck
	// answers 500 (and Zoom retries) before Zoom gives up on it.
	DefaultPublishTimeout = 2 * time.Second
)

// Headers set on every published event. The consumer reads them back into
// [event.Delivery].
const (
	// HeaderTransport is the transport the event came by (webhook,
	// websocket).
	HeaderTransport = "Zoom-Transport"
	// HeaderRequestID is Zoom's request id of the delivery, when it had one.
	HeaderRequestID = "Zoom-Request-Id"
	// HeaderReceivedAt is when the relay received the event, RFC 3339 with
	// nanoseconds.
	HeaderReceivedAt = "Zoom-Received-At"
	// HeaderEventName is the event's name exactly (the subject has it
	// sanitized).
	HeaderEventName = "Zoom-Event"
	// HeaderTraceParent is the W3C trace context header, copied from the
	// delivery when it had one.
	HeaderTraceParent = "traceparent"
)

// Errors of the publisher.
var (
	// ErrPublish: JetStream did not acknowledge the event (timeout, no
	// stream for the subject, connection down). The event is not known to
	// be stored; a webhook answers 500 and Zoom retries.
	ErrPublish = errors.New("zjetstream: publish not acknowledged")
	// ErrEmptyEvent: the event has no raw bytes to publish.
	ErrEmptyEvent = errors.New("zjetstream: event has no raw bytes")
)

// Publisher is an [event.Handler] that stores each event in a JetStream
// stream. HandleEvent returns only after JetStream acknowledged the
// publish, so behind a [webhook.Endpoint] Zoom is answered 200 only once the
// event is durable, and 500 (Zoom retries) when it is not.
//
// What is published: the event's exact bytes ([event.Event.Raw]) on
// [Subject](prefix, name), with Nats-Msg-Id set to [event.EventKey] (so a
// Zoom retry, or a publish retried after a lost acknowledgement, is stored
// once within the stream's duplicate window), and the headers
// [HeaderTransport], [HeaderRequestID], [HeaderReceivedAt],
// [HeaderEventName] and [HeaderTraceParent].
//
// A Publisher is safe for concurrent use.
//
// [webhook.Endpoint]: https://pkg.go.dev/github.com/zoomevents/zoomevents/webhook#Handler
type Publisher struct {
	js      jetstream.JetStream
	prefix  string
	timeout time.Duration
}

// PublisherOption configures a [Publisher].
type PublisherOption func(*Publisher)

// WithSubjectPrefix sets the subject prefix (default
// [DefaultSubjectPrefix]). It must be literal dot-separated tokens, and the
// stream must capture prefix + ".>".
func WithSubjectPrefix(prefix string) PublisherOption {
	return func(p *Publisher) { p.prefix = prefix }
}

// WithPublishTimeout bounds each publish including its acknowledgement
// (default [DefaultPublishTimeout]). A webhook's request context bounds it
// too.
func WithPublishTimeout(d time.Duration) PublisherOption {
	return func(p *Publisher) { p.timeout = d }
}

// NewPublisher returns a Publisher that publishes through js. It returns
// an error wrapping [ErrInvalidSubject] for a bad prefix.
func NewPublisher(js jetstream.JetStream, opts ...PublisherOption) (*Publisher, error) {
	if js == nil {
		return nil, errors.New("zjetstream: NewPublisher needs a JetStream context")
	}
	p := &Publisher{js: js, prefix: DefaultSubjectPrefix, timeout: DefaultPublishTimeout}
	for _, o := range opts {
		o(p)
	}
	if err := checkSubject("subject prefix", p.prefix); err != nil {
		return nil, err
	}
	if p.timeout <= 0 {
		p.timeout = DefaultPublishTimeout
	}
	return p, nil
}

// HandleEvent publishes ev and waits for JetStream's acknowledgement. It
// returns nil when the event is stored (or was already stored: a duplicate
// within the window), and otherwise an error wrapping [ErrPublish] (or
// [ErrEmptyEvent] when ev has no raw bytes).
func (p *Publisher) HandleEvent(ctx context.Context, ev *event.Event) error {
	if len(ev.Raw) == 0 {
		return ErrEmptyEvent
	}
	msg := p.Msg(ev)
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	if _, err := p.js.PublishMsg(ctx, msg); err != nil {
		return fmt.Errorf("%w: %s on %s: %w", ErrPublish, ev.Name, msg.Subject, err)
	}
	return nil
}

// Msg returns the message HandleEvent publishes for ev, for callers that
// publish themselves (batching, a transaction outbox).
func (p *Publisher) Msg(ev *event.Event) *nats.Msg {
	msg := nats.NewMsg(Subject(p.prefix, ev.Name))
	msg.Data = ev.Raw
	msg.Header.Set(jetstream.MsgIDHeader, event.EventKey(ev))
	msg.Header.Set(HeaderEventName, ev.Name)
	d := ev.Delivery
	if d.Transport != "" {
		msg.Header.Set(HeaderTransport, string(d.Transport))
	}
	if d.RequestID != "" {
		msg.Header.Set(HeaderRequestID, d.RequestID)
	}
	if !d.ReceivedAt.IsZero() {
		msg.Header.Set(HeaderReceivedAt, d.ReceivedAt.UTC().Format(time.RFC3339Nano))
	}
	if d.TraceParent != "" {
		msg.Header.Set(HeaderTraceParent, d.TraceParent)
	}
	return msg
}

// StreamConfig describes the streams [EnsureStream] creates. Zero fields
// take the documented defaults.
type StreamConfig struct {
	// Name is the events stream's name (default [DefaultStream]).
	Name string
	// SubjectPrefix is the publisher's prefix (default
	// [DefaultSubjectPrefix]); the stream captures SubjectPrefix + ".>".
	SubjectPrefix string
	// DuplicateWindow is how long a Nats-Msg-Id is remembered (default
	// [DefaultDuplicateWindow], which covers Zoom's retry schedule).
	DuplicateWindow time.Duration
	// MaxAge is how long events are kept (default [DefaultMaxAge]). The
	// stream keeps acknowledged events too (it is not a work queue: other
	// consumers may replay it), so this bounds its size. It must be at
	// least DuplicateWindow.
	MaxAge time.Duration
	// Storage defaults to file storage.
	Storage jetstream.StorageType
	// Replicas defaults to 1; use 3 on a cluster.
	Replicas int
	// DeadLetterSubject is the consumers' dead-letter subject (default
	// [DefaultDeadLetterSubject]); EnsureStream makes a second stream,
	// Name + "_DEADLETTER", that stores it. Set NoDeadLetterStream to skip it.
	DeadLetterSubject  string
	NoDeadLetterStream bool
}

func (c StreamConfig) withDefaults() (StreamConfig, error) {
	if c.Name == "" {
		c.Name = DefaultStream
	}
	if c.SubjectPrefix == "" {
		c.SubjectPrefix = DefaultSubjectPrefix
	}
	if c.DuplicateWindow <= 0 {
		c.DuplicateWindow = DefaultDuplicateWindow
	}
	if c.MaxAge <= 0 {
		c.MaxAge = DefaultMaxAge
	}
	if c.DeadLetterSubject == "" {
		c.DeadLetterSubject = DefaultDeadLetterSubject
	}
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	if err := checkSubject("subject prefix", c.SubjectPrefix); err != nil {
		return c, err
	}
	if err := checkSubject("dead-letter subject", c.DeadLetterSubject); err != nil {
		return c, err
	}
	if c.MaxAge < c.DuplicateWindow {
		return c, fmt.Errorf("zjetstream: MaxAge %s is shorter than the duplicate window %s", c.MaxAge, c.DuplicateWindow)
	}
	return c, nil
}

// EnsureStream creates the events stream, and the dead-letter stream,
// or updates them to cfg when they exist. It returns the events stream.
// Run it at start-up from the relay or the consumer (both may: it is
// idempotent).
func EnsureStream(ctx context.Context, js jetstream.JetStream, cfg StreamConfig) (jetstream.Stream, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        cfg.Name,
		Description: "Zoom events, published by zoomevents",
		Subjects:    []string{cfg.SubjectPrefix + ".>"},
		Duplicates:  cfg.DuplicateWindow,
		MaxAge:      cfg.MaxAge,
		Storage:     cfg.Storage,
		Replicas:    cfg.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("zjetstream: stream %s: %w", cfg.Name, err)
	}
	if !cfg.NoDeadLetterStream {
		name := cfg.Name + "_DEADLETTER"
		if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
			Name:        name,
			Description: "Zoom events that consumers gave up on",
			Subjects:    []string{cfg.DeadLetterSubject, cfg.DeadLetterSubject + ".>"},
			Duplicates:  cfg.DuplicateWindow,
			MaxAge:      cfg.MaxAge,
			Storage:     cfg.Storage,
			Replicas:    cfg.Replicas,
		}); err != nil {
			return nil, fmt.Errorf("zjetstream: stream %s: %w", name, err)
		}
	}
	return s, nil
}

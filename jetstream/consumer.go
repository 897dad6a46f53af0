package zjetstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/zoomevents/zoomevents/event"
)

// Consumer defaults.
const (
	// DefaultDurable is the durable consumer's name.
	DefaultDurable = "zoomevents"
	// DefaultAckWait is how long the server waits for an acknowledgement
	// before redelivering; a running handler's message is kept alive with
	// progress notes every AckWait/2, so this bounds how long a crashed
	// worker's events wait, not how long a handler may take.
	DefaultAckWait = 30 * time.Second
	// DefaultMaxDeliver is how many deliveries an event gets before it is
	// dead-lettered.
	DefaultMaxDeliver = 5
	// DefaultAckTimeout bounds an acknowledgement round trip and a
	// dead-letter publish.
	DefaultAckTimeout = 5 * time.Second
)

// DefaultBackoff is the redelivery delay after the handler's first,
// second, ... failure; the last entry repeats.
var DefaultBackoff = []time.Duration{time.Second, 10 * time.Second, time.Minute, 5 * time.Minute}

// Headers on a dead-lettered message, besides the original's.
const (
	// HeaderDeadReason is why: "unparsable" (not a Zoom event),
	// "handler-failed" (the last allowed delivery failed) or
	// "max-deliveries" (delivered MaxDeliver times without an answer, as
	// when workers crashed).
	HeaderDeadReason = "Zoom-Dead-Letter-Reason"
	// HeaderDeadError is the last error's text (at most 1 KiB, one line).
	HeaderDeadError = "Zoom-Dead-Letter-Error"
	// HeaderDeadAttempts is how many deliveries the event had.
	HeaderDeadAttempts = "Zoom-Dead-Letter-Attempts"
	// HeaderDeadStream, HeaderDeadSequence and HeaderDeadSubject locate the
	// original message.
	HeaderDeadStream   = "Zoom-Dead-Letter-Stream"
	HeaderDeadSequence = "Zoom-Dead-Letter-Sequence"
	HeaderDeadSubject  = "Zoom-Dead-Letter-Subject"
)

// Dead-letter reasons, the values of [HeaderDeadReason].
const (
	ReasonUnparsable    = "unparsable"
	ReasonHandlerFailed = "handler-failed"
	ReasonMaxDeliveries = "max-deliveries"
)

// ErrHandlerPanic wraps a recovered panic of the event handler; it counts
// as a failure (the message is naked and retried).
var ErrHandlerPanic = errors.New("zjetstream: event handler panicked")

// ConsumerConfig configures a [Consumer]. Zero fields take the documented
// defaults.
type ConsumerConfig struct {
	// Stream is the events stream (default [DefaultStream]).
	Stream string
	// Durable is the durable consumer's name (default [DefaultDurable]).
	// Every process that runs a Consumer with the same Stream and Durable
	// shares one queue: each event goes to one of them.
	Durable string
	// FilterSubject limits the consumer to some subjects, such as
	// "zoom.events.recording.>". Empty takes every event of the stream.
	FilterSubject string
	// Workers is how many events are handled at once in this process
	// (default 1).
	Workers int
	// OrderKey, when set, keeps per-object order: events with the same key
	// go to the same worker, in stream order, so one object's events are
	// handled one after another. [ObjectKey] keys by payload.object's id or
	// uuid. An empty key goes to any worker. Order holds while handlers
	// succeed; an event that fails is redelivered after its backoff, behind
	// later events of its object. For strict order use Workers 1 and
	// MaxAckPending 1 (one event in flight in the whole queue).
	OrderKey func(*event.Event) string
	// AckWait is the server's redelivery timer (default [DefaultAckWait]).
	// Events are kept alive with progress notes every AckWait/2 from
	// receipt until they are acknowledged, so a handler may run longer.
	AckWait time.Duration
	// MaxDeliver is how many deliveries an event gets (default
	// [DefaultMaxDeliver]); when the last one fails, or a delivery beyond
	// it arrives, the event is published to DeadLetterSubject and
	// terminated.
	MaxDeliver int
	// Backoff is the delay before the redelivery of a failed event, by
	// failure number (default [DefaultBackoff]; the last entry repeats).
	Backoff []time.Duration
	// MaxAckPending bounds the events delivered and not yet acknowledged,
	// across every process of the durable (default 1000).
	MaxAckPending int
	// DeadLetterSubject is where events are put when given up on (default
	// [DefaultDeadLetterSubject]); a stream must capture it
	// ([EnsureStream] makes one).
	DeadLetterSubject string
	// AckTimeout bounds an acknowledgement and a dead-letter publish
	// (default [DefaultAckTimeout]).
	AckTimeout time.Duration
	// Logger receives failures (default: discarded). Logs never contain
	// payloads.
	Logger *slog.Logger
	// ErrorHook, when set, is called with every handler failure and every
	// failure to acknowledge or dead-letter; ev is nil for an unparsable
	// message.
	ErrorHook func(ev *event.Event, err error)
}

func (c ConsumerConfig) withDefaults() (ConsumerConfig, error) {
	if c.Stream == "" {
		c.Stream = DefaultStream
	}
	if c.Durable == "" {
		c.Durable = DefaultDurable
	}
	if c.Workers <= 0 {
		c.Workers = 1
	}
	if c.AckWait <= 0 {
		c.AckWait = DefaultAckWait
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = DefaultMaxDeliver
	}
	if len(c.Backoff) == 0 {
		c.Backoff = DefaultBackoff
	}
	if c.MaxAckPending <= 0 {
		c.MaxAckPending = 1000
	}
	if c.DeadLetterSubject == "" {
		c.DeadLetterSubject = DefaultDeadLetterSubject
	}
	if c.AckTimeout <= 0 {
		c.AckTimeout = DefaultAckTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(discardHandler{})
	}
	if err := checkSubject("dead-letter subject", c.DeadLetterSubject); err != nil {
		return c, err
	}
	return c, nil
}

// Consumer feeds a durable JetStream pull consumer into an [event.Handler]:
// each message is parsed with [event.Parse], its [event.Delivery] is
// restored from the headers (Transport, RequestID, ReceivedAt and
// TraceParent of Zoom's delivery, Queue "jetstream:<stream>", Attempt the
// delivery count), and the handler runs:
//   - nil: the message is acknowledged (and the acknowledgement confirmed);
//   - an error or a panic: it is naked with the configured backoff, and
//     after MaxDeliver deliveries published to the dead-letter subject and
//     terminated;
//   - a body that is not an event: dead-lettered at once.
//
// A message is never dropped: if a dead-letter publish fails, the message
// is naked and dead-lettered on its next delivery.
type Consumer struct {
	cfg   ConsumerConfig
	js    jetstream.JetStream
	cons  jetstream.Consumer
	h     event.Handler
	queue string
}

// NewConsumer creates or updates the durable consumer cfg describes and
// returns a Consumer that delivers to h. Run it with [Consumer.Run].
func NewConsumer(ctx context.Context, js jetstream.JetStream, cfg ConsumerConfig, h event.Handler) (*Consumer, error) {
	if js == nil || h == nil {
		return nil, errors.New("zjetstream: NewConsumer needs a JetStream context and a handler")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, cfg.Stream, jetstream.ConsumerConfig{
		Durable:       cfg.Durable,
		Description:   "zoomevents consumer",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cfg.AckWait,
		FilterSubject: cfg.FilterSubject,
		// The server redelivers without limit; this package counts
		// deliveries and dead-letters, so that no event is dropped by the
		// server without a trace.
		MaxDeliver:    -1,
		MaxAckPending: cfg.MaxAckPending,
	})
	if err != nil {
		return nil, fmt.Errorf("zjetstream: consumer %s on %s: %w", cfg.Durable, cfg.Stream, err)
	}
	return &Consumer{cfg: cfg, js: js, cons: cons, h: h, queue: "jetstream:" + cfg.Stream}, nil
}

type job struct {
	msg      jetstream.Msg
	ev       *event.Event
	parseErr error
}

// Run receives and handles events until ctx ends, then stops receiving,
// lets running handlers finish (their context is ctx, so they see it
// end), naks events received but not handled (so another process takes
// them at once), and returns nil once every goroutine it started has
// ended. It returns an error when the consumer cannot continue (the
// connection was closed, the consumer deleted). Run may be called again
// after it returns, but not concurrently.
func (c *Consumer) Run(ctx context.Context) error {
	it, err := c.cons.Messages(jetstream.PullMaxMessages(2 * c.cfg.Workers))
	if err != nil {
		return fmt.Errorf("zjetstream: consuming %s: %w", c.cfg.Durable, err)
	}
	defer it.Stop()

	inflight := newInflight()
	keeperDone := make(chan struct{})
	keeperCtx, stopKeeper := context.WithCancel(context.Background())
	go func() {
		defer close(keeperDone)
		inflight.keepAlive(keeperCtx, c.cfg.AckWait/2)
	}()

	chans := make([]chan job, c.cfg.Workers)
	shared := make(chan job)
	var wg sync.WaitGroup
	for i := range chans {
		if c.cfg.OrderKey != nil {
			chans[i] = make(chan job, 16)
		} else {
			chans[i] = shared
		}
		wg.Add(1)
		go func(ch <-chan job) {
			defer wg.Done()
			for j := range ch {
				c.process(ctx, j)
				inflight.remove(j.msg)
			}
		}(chans[i])
	}

	runErr := c.receive(ctx, it, inflight, chans)

	it.Stop()
	if c.cfg.OrderKey != nil {
		for _, ch := range chans {
			close(ch)
		}
	} else {
		close(shared)
	}
	wg.Wait()
	stopKeeper()
	<-keeperDone
	return runErr
}

// receive reads messages and dispatches them until ctx ends or the
// iterator fails.
func (c *Consumer) receive(ctx context.Context, it jetstream.MessagesContext, inflight *inflight, chans []chan job) error {
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) || errors.Is(err, jetstream.ErrConsumerDeleted) ||
				errors.Is(err, nats.ErrConnectionClosed) || errors.Is(err, jetstream.ErrBadRequest) {
				return fmt.Errorf("zjetstream: consuming %s: %w", c.cfg.Durable, err)
			}
			c.cfg.Logger.Warn("zjetstream: receiving", "error", err)
			continue
		}
		inflight.add(msg)
		j := job{msg: msg}
		j.ev, j.parseErr = event.Parse(msg.Data())
		ch := chans[0]
		if c.cfg.OrderKey != nil && j.ev != nil {
			if key := c.cfg.OrderKey(j.ev); key != "" {
				h := fnv.New32a()
				_, _ = h.Write([]byte(key))
				ch = chans[int(h.Sum32()%uint32(len(chans)))]
			} else {
				ch = chans[int(inflight.next()%uint64(len(chans)))]
			}
		}
		select {
		case ch <- j:
		case <-ctx.Done():
			_ = msg.Nak()
			inflight.remove(msg)
			return nil
		}
	}
}

// process handles one message to its end: ack, nak or dead letter.
func (c *Consumer) process(ctx context.Context, j job) {
	msg := j.msg
	if ctx.Err() != nil {
		// Shutting down: give the event back at once.
		_ = msg.Nak()
		return
	}
	attempt := 1
	if md, err := msg.Metadata(); err == nil && md.NumDelivered > 0 {
		attempt = int(md.NumDelivered)
	}
	switch {
	case j.parseErr != nil:
		c.deadLetter(msg, nil, ReasonUnparsable, j.parseErr, attempt)
		return
	case attempt > c.cfg.MaxDeliver:
		c.deadLetter(msg, j.ev, ReasonMaxDeliveries,
			fmt.Errorf("delivered %d times, more than MaxDeliver %d, without an answer", attempt, c.cfg.MaxDeliver), attempt)
		return
	}
	ev := j.ev
	ev.Delivery = deliveryFrom(msg.Headers(), c.queue, attempt)
	err := c.handle(ctx, ev)
	if err == nil {
		actx, cancel := context.WithTimeout(context.Background(), c.cfg.AckTimeout)
		defer cancel()
		if err := msg.DoubleAck(actx); err != nil {
			c.report(ev, fmt.Errorf("zjetstream: acknowledging %s: %w", ev.Name, err))
		}
		return
	}
	c.report(ev, err)
	switch {
	case ctx.Err() != nil:
		_ = msg.Nak() // shutting down: redeliver at once, elsewhere
	case attempt >= c.cfg.MaxDeliver:
		c.deadLetter(msg, ev, ReasonHandlerFailed, err, attempt)
	default:
		_ = msg.NakWithDelay(c.backoff(attempt))
	}
}

func (c *Consumer) backoff(attempt int) time.Duration {
	i := attempt - 1
	if i >= len(c.cfg.Backoff) {
		i = len(c.cfg.Backoff) - 1
	}
	if i < 0 {
		i = 0
	}
	return c.cfg.Backoff[i]
}

// handle runs the handler, turning a panic into an error.
func (c *Consumer) handle(ctx context.Context, ev *event.Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			c.cfg.Logger.Error("zjetstream: event handler panicked",
				"event", ev.Name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("%w: %s: %v", ErrHandlerPanic, ev.Name, p)
		}
	}()
	return c.h.HandleEvent(ctx, ev)
}

// deadLetter publishes msg to the dead-letter subject and terminates it;
// if the publish fails, it naks msg so that it comes back.
func (c *Consumer) deadLetter(msg jetstream.Msg, ev *event.Event, reason string, cause error, attempt int) {
	out := nats.NewMsg(c.cfg.DeadLetterSubject)
	out.Data = msg.Data()
	for k, v := range msg.Headers() {
		if !strings.HasPrefix(k, "Nats-") {
			out.Header[k] = v
		}
	}
	var seq uint64
	if md, err := msg.Metadata(); err == nil {
		seq = md.Sequence.Stream
	}
	out.Header.Set(HeaderDeadReason, reason)
	out.Header.Set(HeaderDeadError, oneLine(cause.Error(), 1024))
	out.Header.Set(HeaderDeadAttempts, strconv.Itoa(attempt))
	out.Header.Set(HeaderDeadStream, c.cfg.Stream)
	out.Header.Set(HeaderDeadSequence, strconv.FormatUint(seq, 10))
	out.Header.Set(HeaderDeadSubject, msg.Subject())
	// One dead letter per stream message, even if this is retried.
	out.Header.Set(jetstream.MsgIDHeader, "deadletter:"+c.cfg.Stream+":"+strconv.FormatUint(seq, 10))

	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.AckTimeout)
	defer cancel()
	if _, err := c.js.PublishMsg(ctx, out); err != nil {
		c.report(ev, fmt.Errorf("zjetstream: dead-lettering message %d (%s): %w", seq, reason, err))
		_ = msg.NakWithDelay(c.backoff(attempt))
		return
	}
	c.cfg.Logger.Warn("zjetstream: dead-lettered", "reason", reason, "sequence", seq, "attempts", attempt, "subject", msg.Subject())
	if err := msg.TermWithReason(reason); err != nil {
		c.report(ev, fmt.Errorf("zjetstream: terminating message %d: %w", seq, err))
	}
}

func (c *Consumer) report(ev *event.Event, err error) {
	name := ""
	if ev != nil {
		name = ev.Name
	}
	c.cfg.Logger.Warn("zjetstream: event failed", "event", name, "error", err)
	if c.cfg.ErrorHook != nil {
		c.cfg.ErrorHook(ev, err)
	}
}

// deliveryFrom restores Zoom's delivery from the headers.
func deliveryFrom(h nats.Header, queue string, attempt int) event.Delivery {
	d := event.Delivery{
		Transport:   event.Transport(h.Get(HeaderTransport)),
		RequestID:   h.Get(HeaderRequestID),
		TraceParent: h.Get(HeaderTraceParent),
		Queue:       queue,
		Attempt:     attempt,
	}
	if t, err := time.Parse(time.RFC3339Nano, h.Get(HeaderReceivedAt)); err == nil {
		d.ReceivedAt = t
	}
	return d
}

// ObjectKey is an OrderKey: payload.object's "id", else its "uuid", as
// text (numbers included), or "" when the event has neither.
func ObjectKey(ev *event.Event) string {
	obj := ev.Object()
	if obj == nil {
		return ""
	}
	var o struct {
		ID   json.RawMessage `json:"id"`
		UUID json.RawMessage `json:"uuid"`
	}
	if json.Unmarshal(obj, &o) != nil {
		return ""
	}
	for _, v := range []json.RawMessage{o.ID, o.UUID} {
		if len(v) == 0 || string(v) == "null" {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			if s != "" {
				return s
			}
			continue
		}
		return string(v)
	}
	return ""
}

func oneLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	if len(s) > max {
		s = s[:max]
	}
	return s
}

// inflight is the set of messages received and not yet answered; it
// sends each a progress note every interval so the server does not
// redeliver them while they wait for or run in a handler.
type inflight struct {
	mu   sync.Mutex
	msgs map[jetstream.Msg]struct{}
	n    uint64
}

func newInflight() *inflight { return &inflight{msgs: map[jetstream.Msg]struct{}{}} }

func (f *inflight) add(m jetstream.Msg) {
	f.mu.Lock()
	f.msgs[m] = struct{}{}
	f.mu.Unlock()
}

func (f *inflight) remove(m jetstream.Msg) {
	f.mu.Lock()
	delete(f.msgs, m)
	f.mu.Unlock()
}

// next counts round-robin for events without an order key.
func (f *inflight) next() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	return f.n
}

func (f *inflight) keepAlive(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		f.mu.Lock()
		msgs := make([]jetstream.Msg, 0, len(f.msgs))
		for m := range f.msgs {
			msgs = append(msgs, m)
		}
		f.mu.Unlock()
		for _, m := range msgs {
			_ = m.InProgress()
		}
	}
}

type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (d discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discardHandler) WithGroup(string) slog.Handler           { return d }

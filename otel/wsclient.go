package zotel

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/coder/websocket"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/zoomevents/zoomevents/wsclient"
)

// InstrumentClient sets cfg's hooks so that a WebSocket client built from
// it is traced and counted: a span "zoom.websocket.connect" (kind client)
// per connection attempt, from the token fetch to the end of the
// handshake, with a child span "zoom.token" per token request; the
// counters zoom.token.requests and zoom.websocket.reconnects. Hooks already
// in cfg (Trace, OnStateChange) are kept and called after this package's.
// Call it before wsclient.New, and [Observe] after:
//
//	cfg := wsclient.Config{...}
//	zotel.InstrumentClient(&cfg)
//	client, err := wsclient.New(cfg, zotel.Handler(mux))
//	stop, err := zotel.Observe(client)
func InstrumentClient(cfg *wsclient.Config, opts ...Option) {
	in := newInstruments(opts)
	prev := cfg.Trace
	if prev == nil {
		prev = &wsclient.ClientTrace{}
	}
	ok := metricAttrs(attribute.NewSet(AttrOutcome.String(OutcomeOK)))
	failed := metricAttrs(attribute.NewSet(AttrOutcome.String(OutcomeError)))
	cfg.Trace = &wsclient.ClientTrace{
		ConnectStart: func(ctx context.Context, endpoint string) context.Context {
			ctx, span := in.tracer.Start(ctx, "zoom.websocket.connect", trace.WithSpanKind(trace.SpanKindClient))
			if span.IsRecording() {
				span.SetAttributes(endpointAttributes(endpoint)...)
			}
			if prev.ConnectStart != nil {
				if c := prev.ConnectStart(ctx, endpoint); c != nil {
					ctx = c
				}
			}
			return ctx
		},
		ConnectDone: func(ctx context.Context, err error) {
			span := trace.SpanFromContext(ctx)
			if err != nil {
				span.RecordError(err)
				span.SetStatus(codes.Error, err.Error())
				span.SetAttributes(semconv.ErrorTypeKey.String(
					ReconnectCause(wsclient.StateChange{From: wsclient.StateConnecting, To: wsclient.StateWaiting, Err: err})))
			}
			span.End()
			if prev.ConnectDone != nil {
				prev.ConnectDone(ctx, err)
			}
		},
		TokenStart: func(ctx context.Context) context.Context {
			ctx, _ = in.tracer.Start(ctx, "zoom.token", trace.WithSpanKind(trace.SpanKindClient))
			if prev.TokenStart != nil {
				if c := prev.TokenStart(ctx); c != nil {
					ctx = c
				}
			}
			return ctx
		},
		TokenDone: func(ctx context.Context, err error) {
			span := trace.SpanFromContext(ctx)
			if err != nil {
				span.RecordError(err)
				span.SetStatus(codes.Error, err.Error())
				in.tokens.Add(ctx, 1, failed)
			} else {
				in.tokens.Add(ctx, 1, ok)
			}
			span.End()
			if prev.TokenDone != nil {
				prev.TokenDone(ctx, err)
			}
		},
	}
	prevState := cfg.OnStateChange
	causes := map[string]metric.MeasurementOption{}
	for _, c := range allCauses {
		causes[c] = metricAttrs(attribute.NewSet(AttrCause.String(c)))
	}
	cfg.OnStateChange = func(ch wsclient.StateChange) {
		if ch.To == wsclient.StateWaiting {
			in.reconnects.Add(context.Background(), 1, causes[ReconnectCause(ch)])
		}
		if prevState != nil {
			prevState(ch)
		}
	}
}

func endpointAttributes(endpoint string) []attribute.KeyValue {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil
	}
	attrs := []attribute.KeyValue{semconv.ServerAddress(u.Hostname()), semconv.URLScheme(u.Scheme)}
	if p, err := strconv.Atoi(u.Port()); err == nil {
		attrs = append(attrs, semconv.ServerPort(p))
	}
	return attrs
}

// Causes of a wait before redialing: the zoom.cause attribute of
// zoom.websocket.reconnects (see [ReconnectCause]).
const (
	// CauseClosed: the connection ended without an error (the server
	// closed it normally).
	CauseClosed = "closed"
	// CauseTokenUnavailable: no access token could be fetched (network,
	// 5xx, 429 from the token endpoint).
	CauseTokenUnavailable = "token_unavailable"
	// CauseBadCredentials: the token endpoint refused the credentials.
	CauseBadCredentials = "bad_credentials"
	// CauseTokenRefused: the WebSocket server refused the access token
	// (401 or 403 to the upgrade, or a refusal frame or close).
	CauseTokenRefused = "token_refused"
	// CauseThrottled: the upgrade was answered 429 or 503.
	CauseThrottled = "throttled"
	// CauseDialFailed: the handshake failed for another reason (network,
	// timeout, another status).
	CauseDialFailed = "dial_failed"
	// CauseServerFailure: the server sent a failure frame.
	CauseServerFailure = "server_failure"
	// CauseServerClosed: the server closed the connection with a close
	// frame and an error status.
	CauseServerClosed = "server_closed"
	// CauseLivenessTimeout: no frame arrived within Config.LivenessTimeout.
	CauseLivenessTimeout = "liveness_timeout"
	// CauseHeartbeatFailed: a heartbeat could not be written.
	CauseHeartbeatFailed = "heartbeat_failed"
	// CauseConnectionLost: an open connection failed otherwise (reset,
	// EOF).
	CauseConnectionLost = "connection_lost"
)

var allCauses = []string{
	CauseClosed, CauseTokenUnavailable, CauseBadCredentials, CauseTokenRefused, CauseThrottled,
	CauseDialFailed, CauseServerFailure, CauseServerClosed, CauseLivenessTimeout, CauseHeartbeatFailed,
	CauseConnectionLost,
}

// ReconnectCause classifies why a WebSocket client went to wait before
// redialing, from a StateChange to wsclient.StateWaiting: one of the Cause
// constants. It reads the error's sentinels (wsclient.ErrTokenUnavailable,
// wsclient.ErrBadCredentials), its websocket.CloseError, whether the
// connection was open (ch.From), and, where the wsclient package offers no
// sentinel, its error text.
func ReconnectCause(ch wsclient.StateChange) string {
	err := ch.Err
	if err == nil {
		return CauseClosed
	}
	switch {
	case errors.Is(err, wsclient.ErrTokenUnavailable):
		return CauseTokenUnavailable
	case errors.Is(err, wsclient.ErrBadCredentials):
		return CauseBadCredentials
	}
	var ce websocket.CloseError
	switch {
	case errors.Is(err, wsclient.ErrTokenRefused):
		return CauseTokenRefused
	case errors.Is(err, wsclient.ErrThrottled):
		return CauseThrottled
	case errors.Is(err, wsclient.ErrServerFailure):
		return CauseServerFailure
	case errors.Is(err, wsclient.ErrLivenessTimeout):
		return CauseLivenessTimeout
	case errors.Is(err, wsclient.ErrHeartbeatFailed):
		return CauseHeartbeatFailed
	case ch.From == wsclient.StateConnecting:
		return CauseDialFailed
	case errors.As(err, &ce):
		return CauseServerClosed
	}
	return CauseConnectionLost
}

// Observe registers the observable instruments that read a client's
// Stats when metrics are collected: zoom.websocket.state,
// zoom.websocket.last_event.age, zoom.websocket.connects,
// zoom.websocket.dropped, zoom.websocket.decode_errors,
// zoom.websocket.token_rejections and zoom.websocket.lease_losses (see the
// package documentation). stop unregisters them; call it when the client
// is discarded. With several clients, pass a distinct
// [WithClientAttributes] to each.
func Observe(c *wsclient.Client, opts ...Option) (stop func() error, err error) {
	in := newInstruments(opts)
	cfg := config{}
	for _, o := range opts {
		o(&cfg)
	}
	m := in.meter
	base := cfg.clientAttrs
	var errs []error
	check := func(e error) {
		if e != nil {
			errs = append(errs, e)
		}
	}
	state, e := m.Int64ObservableGauge("zoom.websocket.state", metric.WithUnit("{state}"),
		metric.WithDescription("1 for the WebSocket client's current state, 0 for the others."))
	check(e)
	queued, e := m.Int64ObservableGauge("zoom.websocket.queue.depth", metric.WithUnit("{event}"),
		metric.WithDescription("Events received and waiting for the handler now."))
	check(e)
	age, e := m.Float64ObservableGauge("zoom.websocket.last_event.age", metric.WithUnit("s"),
		metric.WithDescription("Time since the WebSocket client last received an event (since Observe when none yet)."))
	check(e)
	counter := func(name, unit, desc string) metric.Int64ObservableCounter {
		c, e := m.Int64ObservableCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		check(e)
		return c
	}
	connects := counter("zoom.websocket.connects", "{connection}", "WebSocket connections opened.")
	dropped := counter("zoom.websocket.dropped", "{event}", "Events received but never handed to the handler (queue full, or stopping).")
	decodeErrors := counter("zoom.websocket.decode_errors", "{frame}", "Frames that were not events (not JSON, binary, or not an event).")
	rejections := counter("zoom.websocket.token_rejections", "{token}", "Access tokens the WebSocket server refused.")
	leaseLosses := counter("zoom.websocket.lease_losses", "{loss}", "Times the client lost its lease while holding it.")
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	states := []wsclient.State{wsclient.StateIdle, wsclient.StateConnecting, wsclient.StateConnected,
		wsclient.StateWaiting, wsclient.StateStopping, wsclient.StateStandby}
	stateSets := make([]metric.ObserveOption, len(states))
	for i, s := range states {
		stateSets[i] = metric.WithAttributeSet(attribute.NewSet(append([]attribute.KeyValue{AttrState.String(s.String())}, base...)...))
	}
	plain := metric.WithAttributeSet(attribute.NewSet(base...))
	since := time.Now()
	reg, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		st := c.Stats()
		for i, s := range states {
			v := int64(0)
			if st.State == s {
				v = 1
			}
			o.ObserveInt64(state, v, stateSets[i])
		}
		last := st.LastEvent
		if last.IsZero() {
			last = since
		}
		o.ObserveFloat64(age, max(time.Since(last).Seconds(), 0), plain)
		o.ObserveInt64(queued, int64(st.Queued), plain)
		o.ObserveInt64(connects, int64(st.Connects), plain)
		o.ObserveInt64(dropped, int64(st.Dropped), plain)
		o.ObserveInt64(decodeErrors, int64(st.DecodeErrors), plain)
		o.ObserveInt64(rejections, int64(st.TokenRejections), plain)
		o.ObserveInt64(leaseLosses, int64(st.LeaseLosses), plain)
		return nil
	}, state, queued, age, connects, dropped, decodeErrors, rejections, leaseLosses)
	if err != nil {
		return nil, err
	}
	return reg.Unregister, nil
}

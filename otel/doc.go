// Package zotel connects the zoomevents SDK to OpenTelemetry: a span per
// delivered event on every transport (a child of Zoom's traceparent), spans
// for the WebSocket client's connection attempts and token requests, and
// metrics for deliveries, handler time, verification failures, duplicates,
// decode problems, WebSocket state, reconnects, drops and token requests.
// It uses only the OpenTelemetry API: telemetry goes to the providers the
// program installs (the global ones unless [WithTracerProvider] and
// [WithMeterProvider] say otherwise), and costs little with none installed.
// The core module stays free of OpenTelemetry; this is its own module.
//
// # Wiring
//
// Webhook (two lines: the handler, and optionally the HTTP span):
//
//	wh, err := webhook.NewEndpoint(secret, zotel.Handler(mux), zotel.WebhookOptions()...)
//	http.Handle("POST /zoom/webhook", zotel.HTTPHandler(wh))
//
// WebSocket (one line before New, one after):
//
//	zotel.InstrumentClient(&cfg)
//	client, err := wsclient.New(cfg, zotel.Handler(mux))
//	stop, err := zotel.Observe(client)
//
// With event.Dedup, wrap it and give it [DedupOptions], so that duplicates
// are counted and get the outcome "duplicate":
//
//	zotel.Handler(event.Dedup(mux, zotel.DedupOptions()...))
//
// A JetStream consumer takes an event.Handler too: zotel.Handler(mux) gives
// each redelivered event its span (with zoom.queue and
// zoom.delivery.attempt), still a child of Zoom's traceparent.
//
// # Spans
//
//   - "process <event name>" (kind consumer), per delivery, by [Handler]:
//     messaging.system "zoom", messaging.operation.type and
//     messaging.operation.name "process", messaging.destination.name (the
//     event name: Zoom routes by it as a broker routes by topic; the
//     subscription itself has no name in the delivery),
//     messaging.message.id (Zoom's request id), messaging.message.body.size,
//     zoom.event.name, zoom.transport, zoom.request_id, zoom.account_id,
//     zoom.queue and zoom.delivery.attempt (queued events),
//     zoom.decode.problem; an error or a panic sets status Error and
//     error.type. Attributes are set after the span starts, so samplers
//     do not see them.
//   - "POST /route" (kind server), per webhook request, by [HTTPHandler],
//     with HTTP semantic-convention attributes; [WebhookErrorHook] records
//     each rejection on it with zoom.reason.
//   - "zoom.websocket.connect" (kind client), per connection attempt, and
//     its child "zoom.token", per token request, by [InstrumentClient].
//
// # Metrics
//
// Names are OpenTelemetry's; the Prometheus exporter turns dots into
// underscores and adds the unit and _total, as shown in brackets.
//
//   - zoom.deliveries {delivery} [zoom_deliveries_total], counter: events
//     passed to the handler, by zoom.event.name, zoom.transport and
//     zoom.outcome: "ok", "error" (the handler returned an error), "panic",
//     "duplicate" (skipped by event.Dedup; needs [DedupOptions]).
//   - zoom.handler.duration s [zoom_handler_duration_seconds], histogram:
//     handler time per delivery, same attributes, buckets 1 ms to 10 s.
//   - zoom.decode.problems {event} [zoom_decode_problems_total], counter:
//     delivered events with a field that could not be decoded
//     (event.Event.Problem), by zoom.event.name and zoom.transport.
//   - zoom.duplicates {event} [zoom_duplicates_total], counter: deliveries
//     skipped by event.Dedup, by zoom.event.name and zoom.transport.
//   - zoom.dedup.store_errors {error} [zoom_dedup_store_errors_total],
//     counter: errors of Dedup's store (the event was handled anyway).
//   - zoom.webhook.rejections {request} [zoom_webhook_rejections_total],
//     counter: webhook requests not answered 200, by zoom.reason (see
//     [RejectionReason]): bad_signature, missing_signature,
//     missing_timestamp, bad_timestamp, stale_timestamp, unauthorized,
//     source_not_allowed, method_not_allowed (verification failures),
//     body_too_large, invalid_event, handler_panic, handler_error.
//   - zoom.websocket.reconnects {reconnect} [zoom_websocket_reconnects_total],
//     counter: times the client went to wait before redialing, by
//     zoom.cause (see [ReconnectCause]).
//   - zoom.token.requests {request} [zoom_token_requests_total], counter:
//     tokens asked of the client's TokenSource (cached answers included),
//     by zoom.outcome "ok" or "error".
//   - zoom.websocket.state {state} [zoom_websocket_state], gauge ([Observe]): 1
//     for the current zoom.websocket.state (idle, connecting, connected,
//     waiting, stopping, standby), 0 for the others.
//   - zoom.websocket.queue.depth {event} [zoom_websocket_queue_depth], gauge
//     ([Observe]): events received and waiting for the handler now (at most
//     the client's QueueSize; a queue that stays full means the handler is
//     too slow).
//   - zoom.websocket.last_event.age s [zoom_websocket_last_event_age_seconds],
//     gauge ([Observe]): time since the last event was received (since
//     Observe was called, when none yet).
//   - zoom.websocket.connects {connection} [zoom_websocket_connects_total],
//     zoom.websocket.dropped {event} [zoom_websocket_dropped_total],
//     zoom.websocket.decode_errors {frame} [zoom_websocket_decode_errors_total],
//     zoom.websocket.token_rejections {token} [zoom_websocket_token_rejections_total],
//     zoom.websocket.lease_losses {loss} [zoom_websocket_lease_losses_total]:
//     counters ([Observe]) read from the client's Stats: sockets opened,
//     events received but never handled (queue full under DropNewest, or
//     stopping), frames that were not events, tokens the server refused,
//     leases lost.
//
// Event names are bounded to 2048 distinct values per instrument set
// (beyond that, "_OTHER"); only signed events reach a handler.
//
// # Alert rules
//
// For Prometheus, with the names above:
//
//	groups:
//	- name: zoomevents
//	  rules:
//	  - alert: ZoomNoEventsWhileConnected   # connected, yet silent for 30 minutes
//	    expr: zoom_websocket_state{zoom_websocket_state="connected"} == 1
//	          and on(instance, job) zoom_websocket_last_event_age_seconds > 1800
//	    for: 5m
//	  - alert: ZoomReconnecting             # more than 6 redials in 15 minutes
//	    expr: sum by (instance, job) (increase(zoom_websocket_reconnects_total[15m])) > 6
//	  - alert: ZoomNotConnected
//	    expr: zoom_websocket_state{zoom_websocket_state="connected"} == 0
//	    for: 10m
//	  - alert: ZoomWebhookVerificationFailures   # forged requests, or a rotated secret
//	    expr: sum by (instance, job, zoom_reason) (rate(zoom_webhook_rejections_total{zoom_reason=~"bad_signature|missing_signature|missing_timestamp|bad_timestamp|stale_timestamp|unauthorized"}[5m])) > 0.1
//	    for: 10m
//	  - alert: ZoomHandlerFailures
//	    expr: sum by (instance, job) (rate(zoom_deliveries_total{zoom_outcome=~"error|panic"}[5m]))
//	          / sum by (instance, job) (rate(zoom_deliveries_total[5m])) > 0.05
//	    for: 10m
//	  - alert: ZoomEventsDropped
//	    expr: increase(zoom_websocket_dropped_total[10m]) > 0
//	  - alert: ZoomSlowHandler              # Zoom waits at most 3 s for a webhook answer
//	    expr: histogram_quantile(0.99, sum by (le, instance, job) (rate(zoom_handler_duration_seconds_bucket{zoom_transport="webhook"}[5m]))) > 2
//	    for: 10m
//
// The quiet-period threshold depends on the account: a small account may
// see no event for hours.
package zotel

// Package event is the model of Zoom events shared by both transports of
// this module: the webhook handler (package webhook) and the WebSocket
// client (package wsclient) decode the same JSON into the same [Event], and
// deliver it to the same [Handler].
//
// An event is the JSON object Zoom sends:
//
//	{"event": "meeting.started", "event_ts": 1626230691572, "payload": {"account_id": "...", "object": {...}}}
//
// [Parse] finds the event name, then decodes the whole body once, straight
// into the payload struct of package payload registered for that name (for
// example payload.MeetingStarted), with code generated for each struct:
// no reflection, one copy of the body, a few allocations per event. Events without a registered struct are
// delivered raw: [Event.Payload] is nil and [Event.Raw] holds the exact
// bytes. An unknown event is never an error, because Zoom adds events every
// month. [Lookup] and [Catalog] say which events are known, typed or not.
//
// Decoding is lenient, because Zoom's own schemas and deliveries disagree:
// ids arrive as numbers or strings, event_ts as a number or a string,
// strings as null. A field of an unexpected JSON type does not fail the
// event: the rest still arrives typed and the problem is reported in
// [Event.Problem].
//
// A [Mux] routes events to handlers, typed with [On] or by name with
// [Mux.HandleFunc]:
//
//	mux := event.NewMux()
//	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingStarted) error { ... })
//
// [Dedup] skips deliveries already handled (Zoom delivers at least once),
// with a [Store] shared by replicas when they run more than one. Package
// eventtest builds events for tests.
package event

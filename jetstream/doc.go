// Package zjetstream makes Zoom events durable: it hands them to NATS
// JetStream as they arrive, so Zoom is answered at once, and feeds them from
// JetStream to the same handlers later, with retries, a dead-letter
// subject and per-object order.
//
// (The package is named zjetstream so that it does not collide with
// github.com/nats-io/nats.go/jetstream, which code using it also imports.)
//
// The flow, in words:
//
//	Zoom ──webhook or WebSocket──▶ webhook.Endpoint / wsclient
//	     ──event.Handler──▶ Publisher ──publish, wait for the ack──▶ JetStream stream ZOOM_EVENTS
//	                                      (subject zoom.events.<name>, Nats-Msg-Id = event.EventKey)
//	JetStream ──durable pull consumer──▶ Consumer (N workers, optional per-object order)
//	     ──event.Handler──▶ your event.Mux and typed handlers
//	     ── on success: ack; on error or panic: nak with backoff;
//	        after MaxDeliver deliveries, or for a body that is not an event: dead-letter subject
//
// The webhook answers 200 only once JetStream has stored the event, 500
// (Zoom retries) otherwise; a Zoom retry, or a publish repeated after a
// lost acknowledgement, carries the same Nats-Msg-Id and is stored once
// within the stream's duplicate window ([DefaultDuplicateWindow], two
// hours, longer than Zoom's retry schedule). A consumer that dies while a
// handler runs leaves its event unacknowledged, and the server delivers
// it again after AckWait; a handler that runs long is kept alive with
// progress notes every AckWait/2, so it is not delivered twice.
//
// The relay program, cmd/zoomevents-relay at the repository root (a
// module of its own, so this one needs no lease drivers), runs the first
// half (Zoom to JetStream) as a standalone binary; run as many relays
// (WebSocket relays share the subscription through a lease) and consumers
// as you like.
package zjetstream

// Package wsclient receives Zoom events over Zoom's WebSocket event
// subscription: one reconnecting connection per client, delivering the same
// [event.Event] values (through the same [event.Mux]) as the webhook
// transport.
//
//	mux := event.NewMux()
//	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingStarted) error { ... })
//	err := wsclient.Subscribe(ctx, wsclient.Config{
//		AccountID: "...", ClientID: "...", ClientSecret: "...", SubscriptionID: "...",
//	}, mux)
//
// # Protocol
//
// Before every dial the client gets an access token from the
// Server-to-Server OAuth endpoint (POST https://zoom.us/oauth/token, Basic
// client_id:client_secret, grant_type=account_credentials&account_id=...,
// or grant_type=client_credentials), cached until 60 s before it expires and
// fetched by one request at a time. It then dials
// wss://ws.zoom.us/ws?subscriptionId=...&access_token=... (the token goes in
// the query string only; Zoom ignores an Authorization header).
//
// Every frame is a JSON text frame {"module","success","content","header"}.
// A frame whose content says the token was refused ("token is empty",
// "Token is invalid", "Invalid Token", in any module: Zoom does not
// document which) ends the connection at once. A frame with success false
// ends it too, after waiting up to Config.CloseTimeout for the server's
// close. The outcome is decided from everything the connection saw, the
// frames and the close status and reason together: when a frame's content
// or the close reason (such as "invalid_token") refuses the token, the
// token is invalidated, counted in Stats.TokenRejections, and the next dial
// uses a fresh one; otherwise the token is kept and the client backs off.
// The close code alone (1008) is not taken as a refusal. "message" frames
// carry the event JSON as a string in content, decoded with
// [event.Parse]; heartbeat replies and build_connection frames are noted;
// unknown modules are logged and ignored; invalid JSON and binary frames
// are counted in Stats.DecodeErrors, logged, and do not end the
// connection. The
// connection counts as up once the handshake succeeds: whether Zoom always
// sends a build_connection success frame is not documented.
//
// # Liveness and reconnection
//
// The client sends {"module":"heartbeat"} every Config.HeartbeatInterval
// (30 s). Frames are read by a goroutine that never runs the handler, and
// a connection on which no frame at all arrived for Config.LivenessTimeout
// (two heartbeat intervals) is closed and redialed, so a slow handler
// cannot make a healthy connection look dead, and a half-open connection
// is detected.
//
// After a failure the client waits with exponential backoff
// (cenkalti/backoff: Config.InitialBackoff 0.5 s, factor 2, ±50 % jitter,
// capped at Config.MaxBackoff 60 s, never giving up on transient errors)
// and tries again. A 429 or 503 answer to the upgrade, like one from the
// token endpoint, delays the next attempt by its Retry-After (seconds or an
// HTTP date) when that is longer, bounded by [MaxRetryAfter]. The backoff
// resets only after a connection completed
// two heartbeat round trips, so a connection that dies right after the
// handshake cannot cause a reconnect storm, and the first redial after a
// healthy connection drops comes within about a second. A token refused by
// the WebSocket server is retried at once with a fresh token; after
// Config.MaxTokenRejections refusals in a row Run gives up with
// [ErrTokenRejected]. Credentials refused by the token endpoint end Run with
// [ErrBadCredentials] at the first answer.
//
// The client never has two sockets open: the previous socket is closed and
// its reader has exited before the next dial. Zoom allows one connection
// per subscription, so two processes sharing a subscription take it from
// each other in turn; Config.Lease prevents this: only the replica that
// holds the lease dials, and it closes its socket when it loses the lease.
//
// # Delivery
//
// Events go to the handler one at a time, in the order received, through a
// queue of Config.QueueSize events. When the queue is full the newest event
// is dropped, counted in Stats.Dropped and logged (policy [DropNewest]), or
// the reader waits ([Block]). Handler panics are recovered, counted and
// logged. Zoom does not queue events for a disconnected subscription:
// events emitted while the client is reconnecting are lost, and Zoom
// delivers at least once, so deduplicate with [event.Dedup] if it matters.
//
// # Security
//
// Access tokens, the client secret and the Authorization header never
// appear in returned errors or log lines. Redaction is structural: the
// values of query, form and JSON parameters named *token, *secret,
// *password or *signature, credentials after Basic or Bearer, and the exact
// access token and client secret when at least 8 bytes long (shorter
// values would garble text, and are not plausible secrets). It applies to
// frame content, close reasons, OAuth answers and errors from net/http and
// the WebSocket dialer. Returned errors keep their cause reachable with
// errors.Is and errors.As (a *net.DNSError, a *url.Error whose URL is
// redacted), dropping only the wrappers whose text held a secret; log the
// returned error itself.
//
// Neither the token request (which carries the Basic credentials) nor the
// upgrade (whose URL carries the token, which Go would repeat in a Referer
// header) follows redirects: a redirect answer is an error. Plain ws://
// and http:// URLs are refused except to loopback addresses unless
// Config.AllowInsecure is set.
//
// Package [github.com/zoomevents/zoomevents/wsclient/wstest] is a fake Zoom
// for tests.
package wsclient

// Package webhook receives Zoom webhooks inside any net/http server or
// router: it verifies the x-zm-signature of the exact bytes received,
// answers Zoom's endpoint.url_validation challenge (only once the
// challenge's own signature verified), decodes the event with package
// event and passes it to an [event.Handler].
//
//	h, err := webhook.NewHandler(os.Getenv("ZOOM_WEBHOOK_SECRET_TOKEN"), mux)
//	if err != nil { ... }
//	http.Handle("/zoom/webhook", h)
//
// What Zoom is answered, and why (Zoom retries 5xx and timeouts after 5, 20
// and 60 minutes, and never retries 4xx), in the order the checks run (the
// first that fails decides):
//
//	not POST                                405
//	source address not allowed              403
//	extra header check failed               401
//	signature or timestamp missing or
//	malformed, timestamp outside the window 401
//	body over the limit (default 8 MiB)     413
//	signature does not match the body       401
//	signed, but not a JSON event            400
//	URL validation challenge                200 {"plainToken","encryptedToken"}
//	handler returned nil                    200
//	handler returned an error or panicked   500 (Zoom retries)
//
// Every check that needs no body runs before a byte of the body is read: a
// request without the right headers is answered 401 whatever its size,
// while a well-formed signature on a body over the limit is answered 413,
// as the signature cannot be checked without the body. A Content-Length
// over the limit is answered at once, unread. Memory follows the bytes
// received, not the bytes claimed: the body's buffer starts at 8 KiB at
// most and grows only as bytes arrive. A client that stalls still holds a
// goroutine: set the server's ReadTimeout.
//
// Error bodies are the status text only: never the secret, a computed MAC
// or an internal error. [Verifier] is the transport-free core, for code that
// has the headers and raw body some other way.
package webhook

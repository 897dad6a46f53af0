// Package webhook receives Zoom webhooks: it verifies the x-zm-signature of
// the exact bytes received, answers Zoom's endpoint.url_validation
// challenge (only once the challenge's own signature verified), decodes the
// event with package event and passes it to an [event.Handler].
//
// It has two layers. [Verifier] is transport-free: [Verifier.Receive] takes
// the headers and raw body and returns the event or the challenge's answer,
// for AWS Lambda, queues and frameworks that hand over bytes ([StatusCode]
// maps its errors to the status Zoom should get). [Endpoint] is that core
// inside an [http.Handler], for any net/http server or router:
//
//	h, err := webhook.NewEndpoint(os.Getenv("ZOOM_WEBHOOK_SECRET_TOKEN"), mux)
//	if err != nil { ... }
//	http.Handle("POST /zoom/webhook", h)
//
// Options come in two kinds: a [VerifyOption] configures what makes a
// request genuine (secrets, timestamp window, clock, authentication
// headers) and applies to both; an [EndpointOption] configures HTTP handling
// (body limit, client addresses, logger, error hook) and only an Endpoint
// takes one. Every configuration error wraps [ErrConfig], and all of them
// are reported at once.
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
//	body cut short (client stopped, timeout) 500 (Zoom retries)
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
// or an internal error.
//
// # Routers
//
// The signature covers the exact bytes Zoom sent, so the Endpoint must be
// the first to read the body. Mount it wherever your router takes an
// http.Handler, with no middleware in front that reads, decodes, limits or
// rewrites the body:
//
//   - net/http (Go 1.22 patterns): mux.Handle("POST /zoom/webhook", h).
//     The trap: a wrapping middleware that calls io.ReadAll(r.Body) (a
//     request logger) and does not put the bytes back leaves the Endpoint
//     an empty body: 500 or 401, never 200. Mount the webhook outside it.
//     (Other methods never reach the Endpoint: the ServeMux answers 405, or
//     404 through a catch-all "/".)
//   - chi: r.Method(http.MethodPost, "/zoom/webhook", h). The trap:
//     middleware.RequestSize(n) with n below the Endpoint's limit turns a
//     large genuine event into 413 (Zoom never retries 4xx); set the limit
//     with [WithMaxBodyBytes] instead. middleware.Logger is harmless: it
//     does not read the body.
//   - gin: router.POST("/zoom/webhook", gin.WrapH(h)). The trap: a
//     middleware that called c.GetRawData (or c.ShouldBindJSON) has
//     consumed the body, and the Endpoint answers 500. Register the webhook
//     outside that middleware's group, or have it put the bytes back.
//   - echo: e.POST("/zoom/webhook", echo.WrapHandler(h)). The trap:
//     middleware.BodyLimit answers a larger genuine event 413 itself,
//     before the Endpoint runs (its error hook never hears of it), and Zoom
//     never retries 4xx; keep BodyLimit off this route, or at or above the
//     Endpoint's limit. (middleware.BodyDump puts the body back: harmless.)
//
// Compiled examples of all four, with a test of each trap, are in the
// repository's examples/routers module (gin and echo stay out of this
// module's dependencies). For AWS Lambda, see the nested module
// github.com/zoomevents/zoomevents/lambda.
package webhook

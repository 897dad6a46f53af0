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
// and 60 minutes, and never retries 4xx):
//
//	not POST                                405
//	source address not allowed              403
//	body over the limit (default 8 MiB)     413
//	extra header check failed               401
//	signature or timestamp missing or wrong 401
//	timestamp outside the window            401
//	signed, but not a JSON event            400
//	URL validation challenge                200 {"plainToken","encryptedToken"}
//	handler returned nil                    200
//	handler returned an error or panicked   500 (Zoom retries)
//
// Error bodies are the status text only: never the secret, a computed MAC
// or an internal error. [Verifier] is the transport-free core, for code that
// has the headers and raw body some other way.
package webhook

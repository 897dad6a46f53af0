package routers

import "net/http"

// NetHTTP mounts zoom with a Go 1.22 method pattern. Other methods never
// reach the Handler: the ServeMux answers them 405, or, as here, passes
// them to the catch-all "/" (404). The rest of the
// application sits behind a body-logging middleware; the webhook route
// does not.
func NetHTTP(zoom http.Handler) http.Handler {
	app := http.NewServeMux()
	app.HandleFunc("POST /api/items", api)

	mux := http.NewServeMux()
	mux.Handle("POST "+WebhookPath, zoom)
	mux.Handle("/", logBodies(app))
	return mux
}

// NetHTTPRestored keeps one middleware for everything, but one that puts
// the body back after reading it.
func NetHTTPRestored(zoom http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/items", api)
	mux.Handle("POST "+WebhookPath, zoom)
	return logBodiesRestored(mux)
}

// NetHTTPTrap puts the webhook behind the body-logging middleware: the
// Handler gets a body already read, and answers 500 (or 401), never 200.
func NetHTTPTrap(zoom http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/items", api)
	mux.Handle("POST "+WebhookPath, zoom)
	return logBodies(mux)
}

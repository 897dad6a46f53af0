package routers

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// Chi mounts zoom with r.Method. The rest of the application is limited to
// 1 KiB bodies by middleware.RequestSize, in a group the webhook is not
// in: its limit is the Handler's own (webhook.WithMaxBodyBytes).
// middleware.Logger, which does not read bodies, is harmless.
func Chi(zoom http.Handler) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.Logger)
	r.Method(http.MethodPost, WebhookPath, zoom)
	r.Group(func(r chi.Router) {
		r.Use(middleware.RequestSize(1 << 10))
		r.Post("/api/items", api)
	})
	return r
}

// ChiTrap applies RequestSize(1 KiB) to every route: a genuine event
// larger than that (recording.completed is 1.3 KiB and more) is answered
// 413, which Zoom never retries.
func ChiTrap(zoom http.Handler) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestSize(1 << 10))
	r.Method(http.MethodPost, WebhookPath, zoom)
	r.Post("/api/items", api)
	return r
}

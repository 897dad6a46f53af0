// Command webhook-router mounts the Zoom webhook handler in a third-party
// router (chi), beside the routes an application already has. It lives in
// its own module so that the SDK's go.mod never names chi.
//
//	ZOOM_WEBHOOK_SECRET_TOKEN=... go run . -addr 127.0.0.1:8080
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook"
)

func newRouter(secret string, logger *slog.Logger) (http.Handler, error) {
	mux := event.NewMux()
	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingParticipantJoined) error {
		logger.Info("participant joined", "meeting", p.Object.ID, "name", p.Object.Participant.UserName)
		return nil
	})
	zoom, err := webhook.NewEndpoint(secret, event.Dedup(mux), webhook.WithLogger(logger))
	if err != nil {
		return nil, err
	}
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	// The handler reads the raw body itself: mount it before any middleware
	// that would decode or rewrite the body.
	r.Method(http.MethodPost, "/zoom/webhook", zoom)
	return r, nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	router, err := newRouter(os.Getenv("ZOOM_WEBHOOK_SECRET_TOKEN"), logger)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Addr: *addr, Handler: router, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

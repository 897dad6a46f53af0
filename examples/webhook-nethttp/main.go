// Command webhook-nethttp receives Zoom webhooks with nothing but net/http,
// and shuts down gracefully on SIGINT or SIGTERM.
//
//	ZOOM_WEBHOOK_SECRET_TOKEN=... go run ./examples/webhook-nethttp -addr :8080
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*addr, os.Getenv("ZOOM_WEBHOOK_SECRET_TOKEN"), logger); err != nil {
		logger.Error("webhook-nethttp", "error", err)
		os.Exit(1)
	}
}

func run(addr, secret string, logger *slog.Logger) error {
	routes, err := newRoutes(secret, logger)
	if err != nil {
		return err // an empty secret is refused here, not at the first request
	}
	srv := &http.Server{Addr: addr, Handler: routes, ReadHeaderTimeout: 5 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("listening", "addr", addr, "path", "/zoom/webhook")
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newRoutes builds the application's routes with the Zoom webhook mounted.
func newRoutes(secret string, logger *slog.Logger) (http.Handler, error) {
	mux := event.NewMux()
	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingStarted) error {
		logger.Info("meeting started", "id", p.Object.ID, "topic", p.Object.Topic)
		return nil
	})
	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.RecordingCompleted) error {
		logger.Info("recording completed", "files", len(p.Object.RecordingFiles), "has_download_token", ev.DownloadToken != "")
		return nil
	})
	mux.Fallback(func(ctx context.Context, ev *event.Event) error {
		logger.Info("event", "name", ev.Name, "typed", (ev.Payload != nil))
		return nil
	})

	hook, err := webhook.NewEndpoint(secret, event.Dedup(mux), webhook.WithLogger(logger))
	if err != nil {
		return nil, err
	}
	routes := http.NewServeMux()
	routes.Handle("POST /zoom/webhook", hook)
	return routes, nil
}

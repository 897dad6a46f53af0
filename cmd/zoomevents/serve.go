package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "[flags]",
		"Receives Zoom webhooks and writes each verified event to stdout as one line of JSON, exactly as Zoom\n"+
			"sent it. Answers URL validation challenges (never printed). Secret from ZOOM_WEBHOOK_SECRET_TOKEN.")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	path := fs.String("path", "/zoom/webhook", "URL path of the webhook endpoint")
	noDedup := fs.Bool("no-dedup", false, "print identical redeliveries too (Zoom retries)")
	verbose := fs.Bool("v", false, "verbose: debug logging on stderr")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("unexpected argument %q", rest[0])
	}
	secret, err := requireEnv(e, "ZOOM_WEBHOOK_SECRET_TOKEN")
	if err != nil {
		return err
	}
	logger := newLogger(e, *verbose)

	var out event.Handler = newLineWriter(e.stdout)
	if !*noDedup {
		out = event.Dedup(out, event.WithDuplicateHook(func(_ context.Context, ev *event.Event) {
			logger.Info("skipped a redelivery", "event", ev.Name)
		}))
	}
	h, err := webhook.NewHandler(secret, out, webhook.WithLogger(logger))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	routes := http.NewServeMux()
	routes.Handle(*path, h)
	logger.Info("receiving Zoom webhooks", "url", "http://"+ln.Addr().String()+*path)
	return serveUntilDone(ctx, &http.Server{Handler: routes, ReadHeaderTimeout: 5 * time.Second}, ln)
}

// serveUntilDone serves on ln until ctx ends, then shuts down, giving
// requests in flight up to a second to finish.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newLogger logs state changes and errors to stderr, and debug detail
// with verbose.
func newLogger(e *env, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
}

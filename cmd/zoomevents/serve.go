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
	fs := newFlags(e, "serve", "",
		"Receives Zoom webhooks and writes each verified event to stdout as one line of JSON, exactly as Zoom\n"+
			"sent it. Answers URL validation challenges (never printed). Secret from ZOOM_WEBHOOK_SECRET_TOKEN.")
	addr := fs.String("addr", "127.0.0.1:8080", "`address` to listen on (host:port)")
	path := fs.String("path", "/zoom/webhook", "URL `path` of the webhook endpoint")
	noDedup := fs.Bool("no-dedup", false, "print identical redeliveries too (Zoom retries)")
	verbose := fs.Bool("v", false, "verbose: debug logging on stderr")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("unexpected argument %q", rest[0])
	}
	if err := missingEnv(e, "ZOOM_WEBHOOK_SECRET_TOKEN"); err != nil {
		return err
	}
	secret := e.getenv("ZOOM_WEBHOOK_SECRET_TOKEN")
	logger := newLogger(e, *verbose)

	var out event.Handler = newLineWriter(e.stdout)
	if !*noDedup {
		out = event.Dedup(out, event.WithDuplicateHook(func(_ context.Context, ev *event.Event) {
			logger.Info("skipped a redelivery", "event", ev.Name)
		}))
	}
	h, err := webhook.NewEndpoint(secret, out, webhook.WithLogger(logger))
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
	limits := defaultLimits
	if e.limits != nil {
		limits = *e.limits
	}
	return serveUntilDone(ctx, newServer(routes, limits, logger), ln)
}

// httpLimits bound what one client can hold of serve's HTTP server.
type httpLimits struct {
	readHeader     time.Duration // from the connection (or the request's first byte) to the end of its headers
	read           time.Duration // from the same start to the end of the body
	write          time.Duration // from the end of the headers to the end of the answer: the handler's time
	idle           time.Duration // a keep-alive connection waiting for its next request
	maxHeaderBytes int
}

// defaultLimits: Zoom expects an answer within 3 seconds (zoom-protocol.md
// §1.5) and treats a slower one as a failed delivery to retry, so a request
// still being read or answered after 10 seconds is not Zoom's, or is a
// delivery Zoom has already given up on. Zoom's requests carry a dozen
// short headers (§1.2), far below 64 KiB. Idle keep-alive connections are
// kept 30 seconds: long enough to reuse a connection within a burst of
// events, short enough that idle sockets cannot pile up.
var defaultLimits = httpLimits{
	readHeader:     5 * time.Second,
	read:           10 * time.Second,
	write:          10 * time.Second,
	idle:           30 * time.Second,
	maxHeaderBytes: 64 << 10,
}

// newServer returns serve's HTTP server: every timeout set, and the
// server's own error log (which can quote client input) through logger.
func newServer(h http.Handler, l httpLimits, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.readHeader,
		ReadTimeout:       l.read,
		WriteTimeout:      l.write,
		IdleTimeout:       l.idle,
		MaxHeaderBytes:    l.maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
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

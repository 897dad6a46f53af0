// Command zoomevents-relay receives Zoom events, from webhooks or from a
// WebSocket subscription, and stores each in a NATS JetStream stream,
// answering Zoom only once the event is durable. Consumers (package
// zjetstream's Consumer) handle the events later, at their own pace; run as
// many relays and consumers as you need.
//
//	zoomevents-relay [flags]                      webhook mode, listening on -addr
//	zoomevents-relay -source websocket [flags]    WebSocket mode
//
// Environment:
//
//	NATS_URL                   NATS server URL(s), comma-separated (default nats://127.0.0.1:4222)
//	NATS_CREDS                 optional NATS credentials file
//	ZOOM_WEBHOOK_SECRET_TOKEN  the app's Secret Token (webhook mode)
//	ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET
//	                           Server-to-Server OAuth credentials (WebSocket mode)
//	ZOOM_SUBSCRIPTION_ID       the WebSocket subscription id, or
//	ZOOM_WS_ENDPOINT           the full endpoint URL Zoom shows (WebSocket mode)
//	ZOOM_TOKEN_URL             OAuth token URL (default Zoom's)
//	ZOOMEVENTS_LEASE_URL       the lease store (WebSocket mode), as -lease
//
// Webhook mode answers 200 once JetStream acknowledged the event and 500
// (Zoom retries; the retry is stored once, by its Nats-Msg-Id) when it did
// not. WebSocket mode retries a failed publish until it succeeds or the
// relay stops, because Zoom does not redeliver WebSocket events, and reads
// with backpressure (wsclient.Block) so no event is dropped in the relay.
//
// Zoom allows one socket per WebSocket subscription: a second connection
// takes the subscription from the first. To run several relays on one
// subscription (for availability), give them a lease with -lease (or
// ZOOMEVENTS_LEASE_URL): a redis:// or rediss:// URL (package redisstore)
// or a postgres:// URL (package pgstore; the relay creates the lease
// table unless -no-migrate). Only the relay holding the lease connects;
// the others wait and one takes over when the holder stops (at once, as
// it gives the lease up) or dies (after -lease-ttl). Events Zoom emits
// while no relay is connected are lost, as Zoom does not queue them.
// Without -lease the relay warns and assumes it is alone.
//
// SIGINT or SIGTERM stops the relay gracefully: the listener closes,
// requests in flight finish (up to -shutdown-timeout), then the NATS
// connection is flushed. In WebSocket mode the socket is closed and the
// lease given up first, then the events already received are published
// (up to -shutdown-timeout) before the relay exits; events Zoom sent that
// were still in flight on the socket when it closed are lost.
//
// Exit status: 0 after a graceful stop, 2 on a usage error, 1 on a runtime
// failure.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/zoomevents/zoomevents/event"
	zjetstream "github.com/zoomevents/zoomevents/jetstream"
	"github.com/zoomevents/zoomevents/store/redisstore"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/wsclient"
)

// env is what run reads from its surroundings, so tests can run the relay
// in-process.
type env struct {
	stderr io.Writer
	getenv func(string) string
	// listening, when set, is called with the webhook listener's address.
	listening func(net.Addr)
	// httpClient, when set, is the WebSocket client's HTTP client.
	httpClient *http.Client
}

// errUsage marks errors that exit with status 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, env{stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "zoomevents-relay:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "zoomevents-relay:", err)
		os.Exit(1)
	}
}

type options struct {
	source          string
	addr, path      string
	natsURL         string
	stream, prefix  string
	dupWindow       time.Duration
	maxAge          time.Duration
	publishTimeout  time.Duration
	shutdownTimeout time.Duration
	noEnsure        bool
	verbose         bool
	leaseURL        string
	leaseName       string
	leaseTable      string
	leaseTTL        time.Duration
	noMigrate       bool
}

func parse(e env, args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("zoomevents-relay", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	natsDefault := e.getenv("NATS_URL")
	if natsDefault == "" {
		natsDefault = nats.DefaultURL
	}
	fs.StringVar(&o.source, "source", "webhook", "where events come from: webhook or websocket")
	fs.StringVar(&o.addr, "addr", ":8080", "webhook mode: listen address")
	fs.StringVar(&o.path, "path", "/zoom/webhook", "webhook mode: URL path of the endpoint")
	fs.StringVar(&o.natsURL, "nats-url", natsDefault, "NATS server URL(s) (env NATS_URL)")
	fs.StringVar(&o.stream, "stream", zjetstream.DefaultStream, "JetStream stream name")
	fs.StringVar(&o.prefix, "subject-prefix", zjetstream.DefaultSubjectPrefix, "subject prefix; events go to PREFIX.<event name>")
	fs.DurationVar(&o.dupWindow, "duplicate-window", zjetstream.DefaultDuplicateWindow, "stream duplicate window (covers Zoom's retries)")
	fs.DurationVar(&o.maxAge, "max-age", zjetstream.DefaultMaxAge, "how long the stream keeps events")
	fs.DurationVar(&o.publishTimeout, "publish-timeout", zjetstream.DefaultPublishTimeout, "bound on one publish and its acknowledgement")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long requests in flight may finish on shutdown")
	fs.BoolVar(&o.noEnsure, "no-ensure-stream", false, "do not create or update the stream (it is managed elsewhere)")
	fs.BoolVar(&o.verbose, "v", false, "debug logging")
	fs.StringVar(&o.leaseURL, "lease", e.getenv("ZOOMEVENTS_LEASE_URL"), "WebSocket mode: redis:// or postgres:// URL of the lease that lets several relays share the subscription (env ZOOMEVENTS_LEASE_URL)")
	fs.StringVar(&o.leaseName, "lease-name", "", "name of the lease (default: the subscription id)")
	fs.DurationVar(&o.leaseTTL, "lease-ttl", redisstore.DefaultLeaseTTL, "lease TTL: a relay that dies is replaced after about this long")
	fs.StringVar(&o.leaseTable, "lease-table", "", "PostgreSQL lease: table name (default pgstore's)")
	fs.BoolVar(&o.noMigrate, "no-migrate", false, "PostgreSQL lease: do not create the lease table (it is managed elsewhere)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if o.source != "webhook" && o.source != "websocket" {
		return nil, fmt.Errorf("%w: -source must be webhook or websocket, not %q", errUsage, o.source)
	}
	if o.leaseURL != "" {
		if o.source != "websocket" {
			return nil, fmt.Errorf("%w: -lease (ZOOMEVENTS_LEASE_URL) applies only to -source websocket", errUsage)
		}
		if _, err := leaseKind(o.leaseURL); err != nil {
			return nil, err
		}
		if o.leaseTTL <= 0 {
			return nil, fmt.Errorf("%w: -lease-ttl must be positive", errUsage)
		}
	}
	return o, nil
}

// run runs the relay until ctx ends.
func run(ctx context.Context, e env, args []string) error {
	o, err := parse(e, args)
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))

	// Check the source's configuration before connecting anywhere.
	var secret string
	var wsCfg wsclient.Config
	switch o.source {
	case "webhook":
		if secret = e.getenv("ZOOM_WEBHOOK_SECRET_TOKEN"); secret == "" {
			return fmt.Errorf("%w: ZOOM_WEBHOOK_SECRET_TOKEN is not set", errUsage)
		}
	case "websocket":
		wsCfg = wsclient.Config{
			AccountID:      e.getenv("ZOOM_ACCOUNT_ID"),
			ClientID:       e.getenv("ZOOM_CLIENT_ID"),
			ClientSecret:   e.getenv("ZOOM_CLIENT_SECRET"),
			SubscriptionID: e.getenv("ZOOM_SUBSCRIPTION_ID"),
			Endpoint:       e.getenv("ZOOM_WS_ENDPOINT"),
			TokenURL:       e.getenv("ZOOM_TOKEN_URL"),
			Overflow:       wsclient.Block,
			HTTPClient:     e.httpClient,
			Logger:         logger,
		}
		if _, err := wsclient.New(wsCfg, event.HandlerFunc(func(context.Context, *event.Event) error { return nil })); err != nil {
			return fmt.Errorf("%w: %v (set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET and ZOOM_SUBSCRIPTION_ID)", errUsage, err)
		}
		if o.leaseURL == "" {
			logger.Warn("no -lease: this relay assumes it is the only one on the subscription; two relays without a lease take the subscription from each other, losing events")
		} else {
			name, err := leaseName(o, wsCfg)
			if err != nil {
				return err
			}
			lease, closeLease, err := openLease(ctx, o, name, logger)
			if err != nil {
				return err
			}
			defer closeLease()
			wsCfg.Lease = lease
		}
	}

	natsOpts := []nats.Option{nats.Name("zoomevents-relay"), nats.MaxReconnects(-1)}
	if creds := e.getenv("NATS_CREDS"); creds != "" {
		natsOpts = append(natsOpts, nats.UserCredentials(creds))
	}
	nc, err := nats.Connect(o.natsURL, natsOpts...)
	if err != nil {
		return fmt.Errorf("connecting to NATS: %w", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	if !o.noEnsure {
		if _, err := zjetstream.EnsureStream(ctx, js, zjetstream.StreamConfig{
			Name: o.stream, SubjectPrefix: o.prefix, DuplicateWindow: o.dupWindow, MaxAge: o.maxAge,
		}); err != nil {
			return err
		}
	}
	pub, err := zjetstream.NewPublisher(js, zjetstream.WithSubjectPrefix(o.prefix), zjetstream.WithPublishTimeout(o.publishTimeout))
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}

	switch o.source {
	case "webhook":
		err = serveWebhook(ctx, e, o, logger, secret, pub)
	default:
		logger.Info("relaying Zoom WebSocket events to JetStream", "stream", o.stream)
		err = relayWebSocket(ctx, o, logger, wsCfg, pub)
	}
	// Publishes in flight have finished; flush what the connection holds.
	if derr := nc.FlushTimeout(o.publishTimeout); derr != nil && err == nil && ctx.Err() == nil {
		err = derr
	}
	if ctx.Err() != nil && (err == nil || errors.Is(err, context.Canceled)) {
		return nil
	}
	return err
}

// serveWebhook serves the webhook endpoint until ctx ends, then shuts the
// server down gracefully.
func serveWebhook(ctx context.Context, e env, o *options, logger *slog.Logger, secret string, pub *zjetstream.Publisher) error {
	h, err := webhook.NewEndpoint(secret, pub, webhook.WithLogger(logger))
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	mux := http.NewServeMux()
	mux.Handle(o.path, h)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10*time.Second + o.publishTimeout,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	logger.Info("relaying Zoom webhooks to JetStream", "addr", ln.Addr().String(), "path", o.path, "stream", o.stream)
	if e.listening != nil {
		e.listening(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// retrying publishes with retries until it succeeds or ctx ends: over
// WebSocket Zoom does not redeliver, so giving up would lose the event.
// Retries are stored once (same Nats-Msg-Id).
func retrying(pub *zjetstream.Publisher, logger *slog.Logger) event.Handler {
	return event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
		wait := 100 * time.Millisecond
		for {
			err := pub.HandleEvent(ctx, ev)
			if err == nil || ctx.Err() != nil {
				return err
			}
			logger.Warn("publish failed; retrying", "event", ev.Name, "error", err, "retry_in", wait)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
			wait = min(2*wait, 5*time.Second)
		}
	})
}

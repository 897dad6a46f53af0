// Command example receives Zoom events by webhook and WebSocket with the
// zotel instrumentation: metrics on /metrics in Prometheus' format (the
// OpenTelemetry Prometheus exporter), traces printed to stdout. It needs no
// collector.
//
//	go run ./example -demo
//
// With -demo it starts a fake Zoom (package wstest) for the WebSocket
// subscription, sends itself one signed webhook and one WebSocket event,
// and keeps serving until interrupted: scrape http://127.0.0.1:9464/metrics.
// Without -demo it reads ZOOM_WEBHOOK_SECRET and, for WebSocket,
// ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET and
// ZOOM_SUBSCRIPTION_ID.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/zoomevents/zoomevents/event"
	zotel "github.com/zoomevents/zoomevents/otel"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9464", "address to serve the webhook (POST /zoom/webhook) and /metrics on")
	demo := flag.Bool("demo", false, "run against a fake Zoom and send one webhook and one WebSocket event")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := mainErr(ctx, *addr, *demo); err != nil && !errors.Is(err, context.Canceled) {
		log.Fatal(err)
	}
}

func mainErr(ctx context.Context, addr string, demo bool) error {
	o := options{Addr: addr, Secret: os.Getenv("ZOOM_WEBHOOK_SECRET"), Traces: os.Stdout}
	if !demo {
		if sub := os.Getenv("ZOOM_SUBSCRIPTION_ID"); sub != "" {
			o.WS = &wsclient.Config{
				AccountID: os.Getenv("ZOOM_ACCOUNT_ID"), ClientID: os.Getenv("ZOOM_CLIENT_ID"),
				ClientSecret: os.Getenv("ZOOM_CLIENT_SECRET"), SubscriptionID: sub,
			}
		}
		return run(ctx, o, nil)
	}
	fake := wstest.NewServer()
	defer fake.Close()
	cfg := fake.Config()
	o.WS, o.Secret = &cfg, "demo-secret-token"
	ready := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, o, ready) }()
	select {
	case a := <-ready:
		if err := fake.WaitConnections(ctx, 1); err != nil {
			return err
		}
		body := []byte(`{"event":"meeting.started","event_ts":1626230691572,"payload":{"account_id":"acc-1","object":{"id":1,"uuid":"u==","host_id":"h","topic":"demo","type":2}}}`)
		if err := postWebhook(ctx, "http://"+a+"/zoom/webhook", o.Secret, body); err != nil {
			return err
		}
		if err := fake.Emit([]byte(`{"event":"meeting.ended","event_ts":1626230691572,"payload":{"account_id":"acc-1","object":{"id":1,"uuid":"u==","host_id":"h","topic":"demo","type":2}}}`)); err != nil {
			return err
		}
		log.Printf("sent one webhook and one WebSocket event; scrape http://%s/metrics (Ctrl-C to stop)", a)
	case err := <-errc:
		return err
	}
	return <-errc
}

// postWebhook sends body signed with secret, as Zoom would, with a
// traceparent header.
func postWebhook(ctx context.Context, url, secret string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = webhooktest.Headers(secret, time.Now(), body)
	req.Header.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// options configure run.
type options struct {
	// Addr is where the webhook and /metrics are served.
	Addr string
	// Secret is the webhook secret token; empty serves no webhook.
	Secret string
	// WS configures the WebSocket subscription; nil for none.
	WS *wsclient.Config
	// Traces receives the spans, as JSON.
	Traces io.Writer
}

// run installs the providers, serves until ctx is done, and sends the
// listening address on ready (when not nil) once serving.
func run(ctx context.Context, o options, ready chan<- string) error {
	// Metrics: the Prometheus exporter on a registry of our own.
	reg := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	// Traces: printed as each span ends.
	spans, err := stdouttrace.New(stdouttrace.WithWriter(o.Traces))
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	otel.SetMeterProvider(mp)
	otel.SetTracerProvider(tp)
	defer func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	}()

	mux := event.NewMux()
	mux.Fallback(func(ctx context.Context, ev *event.Event) error {
		log.Printf("%s via %s", ev, ev.Delivery.Transport)
		return nil
	})
	// One handler for both transports: a span and metrics per delivery.
	handler := zotel.Handler(event.Dedup(mux, zotel.DedupOptions()...))

	routes := http.NewServeMux()
	routes.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if o.Secret != "" {
		wh, err := webhook.NewEndpoint(o.Secret, handler, zotel.WebhookOptions()...)
		if err != nil {
			return err
		}
		routes.Handle("POST /zoom/webhook", zotel.HTTPHandler(wh))
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: routes, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var ran chan error // nil without WebSocket: never ready
	if o.WS != nil {
		ran = make(chan error, 1)
		cfg := *o.WS
		zotel.InstrumentClient(&cfg)
		client, err := wsclient.New(cfg, handler)
		if err != nil {
			_ = srv.Close()
			<-served
			return err
		}
		stop, err := zotel.Observe(client)
		if err != nil {
			_ = srv.Close()
			<-served
			return err
		}
		defer func() { _ = stop() }()
		go func() { ran <- client.Run(ctx) }()
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}

	var runErr error
	select {
	case <-ctx.Done():
		if ran != nil {
			runErr = <-ran
		}
	case runErr = <-ran: // a permanent WebSocket failure
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if errors.Is(runErr, context.Canceled) {
		return ctx.Err()
	}
	return runErr
}

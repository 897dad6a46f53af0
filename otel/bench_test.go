package zotel_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/zoomevents/zoomevents/event"
	zotel "github.com/zoomevents/zoomevents/otel"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// recording16KiB is a recording.completed event of at least 16 KiB (many
// recording files), the body size the overhead target is stated for.
func recording16KiB() []byte {
	var files bytes.Buffer
	for i := 0; files.Len() < 15<<10; i++ {
		if i > 0 {
			files.WriteByte(',')
		}
		fmt.Fprintf(&files, `{"id":"file-%04d-aaaaaaaaaaaaaaaa","meeting_id":"mtg==","recording_start":"2021-07-14T02:44:51Z","recording_end":"2021-07-14T03:44:51Z","file_type":"MP4","file_size":123456789,"play_url":"https://zoom.us/rec/play/%04d","download_url":"https://zoom.us/rec/download/%04d","status":"completed","recording_type":"shared_screen_with_speaker_view"}`, i, i, i)
	}
	return []byte(`{"event":"recording.completed","event_ts":1626230691572,"download_token":"tok","payload":{"account_id":"acc-1","object":{"id":1234,"uuid":"mtg==","host_id":"host","topic":"t","type":2,"start_time":"2021-07-14T02:44:51Z","timezone":"UTC","duration":60,"total_size":1,"recording_count":1,"recording_files":[` + files.String() + `]}}}`)
}

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }

// discardExporter is a span exporter that drops spans.
type discardExporter struct{}

func (discardExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardExporter) Shutdown(context.Context) error                             { return nil }

// BenchmarkWebhookOverhead measures webhook.Endpoint serving a signed 16 KiB
// event, with a Zoom traceparent: plain; instrumented (Handler and
// WebhookOptions, and also HTTPHandler) with no-op providers; and the same
// with the SDK (every span sampled, batched to an exporter that drops them;
// metrics aggregated by a manual reader).
func BenchmarkWebhookOverhead(b *testing.B) {
	body := recording16KiB()
	headers := webhooktest.Headers(secret, time.Now(), body)
	headers.Set("Traceparent", traceParent)
	headers.Set("X-Zm-Request-Id", "req-1")
	next := event.HandlerFunc(func(context.Context, *event.Event) error { return nil })

	noop := []zotel.Option{zotel.WithTracerProvider(tracenoop.NewTracerProvider()), zotel.WithMeterProvider(metricnoop.NewMeterProvider())}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discardExporter{}), sdktrace.WithSampler(sdktrace.AlwaysSample()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	}()
	sdk := []zotel.Option{zotel.WithTracerProvider(tp), zotel.WithMeterProvider(mp)}

	build := func(opts []zotel.Option, withHTTP bool) http.Handler {
		var h http.Handler
		var err error
		if opts == nil {
			h, err = webhook.NewEndpoint(secret, next)
		} else {
			h, err = webhook.NewEndpoint(secret, zotel.Handler(next, opts...), zotel.WebhookOptions(opts...)...)
			if withHTTP {
				h = zotel.HTTPHandler(h, opts...)
			}
		}
		if err != nil {
			b.Fatal(err)
		}
		return h
	}
	for _, c := range []struct {
		name string
		h    http.Handler
	}{
		{"plain", build(nil, false)},
		{"noop", build(noop, false)},
		{"noop+http", build(noop, true)},
		{"sdk", build(sdk, false)},
		{"sdk+http", build(sdk, true)},
	} {
		b.Run(c.name, func(b *testing.B) {
			rd := bytes.NewReader(body)
			req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/zoom/webhook", rd)
			if err != nil {
				b.Fatal(err)
			}
			req.Header = headers
			w := &discardWriter{h: http.Header{}}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rd.Reset(body)
				req.Body = io.NopCloser(rd)
				req.ContentLength = int64(len(body))
				w.code = 0
				c.h.ServeHTTP(w, req)
				if w.code != http.StatusOK && w.code != 0 {
					b.Fatalf("status %d", w.code)
				}
			}
		})
	}
}

// BenchmarkHandlerOverhead measures the delivery middleware alone (the
// cost Handler adds to each event, whatever its size), on a parsed 16 KiB
// event with a traceparent, with no-op providers and with the SDK.
func BenchmarkHandlerOverhead(b *testing.B) {
	ev, err := event.Parse(recording16KiB())
	if err != nil {
		b.Fatal(err)
	}
	ev.Delivery = event.Delivery{Transport: event.TransportWebhook, RequestID: "req-1", TraceParent: traceParent}
	next := event.HandlerFunc(func(context.Context, *event.Event) error { return nil })
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discardExporter{}), sdktrace.WithSampler(sdktrace.AlwaysSample()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	}()
	for _, c := range []struct {
		name string
		h    event.Handler
	}{
		{"none", next},
		{"noop", zotel.Handler(next, zotel.WithTracerProvider(tracenoop.NewTracerProvider()), zotel.WithMeterProvider(metricnoop.NewMeterProvider()))},
		{"sdk", zotel.Handler(next, zotel.WithTracerProvider(tp), zotel.WithMeterProvider(mp))},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				if err := c.h.HandleEvent(ctx, ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

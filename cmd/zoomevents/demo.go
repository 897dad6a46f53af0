package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

const demoSecret = "demo-secret-token"

// demoStep is one thing the fake Zoom does.
type demoStep struct {
	via  event.Transport
	body string
	note string
}

var demoSteps = []demoStep{
	{event.TransportWebhook, `{"event":"meeting.started","event_ts":1764230400000,"payload":{"account_id":"D3m0AcCoUnT","object":{"id":85393847045,"uuid":"jUh5o3dKQIytvcsfTtKBlg==","host_id":"8lzIwvZTSOqjndWPbPqzuA","topic":"Weekly sync \uD83D\uDE80","type":2,"start_time":"2026-11-27T09:00:00Z","timezone":"Europe/Paris","duration":30}}}`, ""},
	{event.TransportWebSocket, `{"event":"meeting.participant_joined","event_ts":1764230460000,"payload":{"account_id":"D3m0AcCoUnT","object":{"id":"85393847045","uuid":"jUh5o3dKQIytvcsfTtKBlg==","host_id":"8lzIwvZTSOqjndWPbPqzuA","topic":"Weekly sync \uD83D\uDE80","type":2,"duration":30,"participant":{"user_id":"16778240","user_name":"Grace Hopper","id":"iFxeBPYun6SAiWUzBcEkX","join_time":"2026-11-27T09:01:00Z","email":"grace@example.com"}}}}`, ""},
	{event.TransportWebSocket, `{"event":"meeting.participant_joined","event_ts":1764230470000,"payload":{"account_id":"D3m0AcCoUnT","object":{"id":"85393847045","uuid":"jUh5o3dKQIytvcsfTtKBlg==","host_id":"8lzIwvZTSOqjndWPbPqzuA","topic":"Weekly sync \uD83D\uDE80","type":2,"duration":30,"participant":{"user_id":"16778241","user_name":"Ada Lovelace","join_time":"2026-11-27T09:01:10Z","email":"ada@example.com"}}}}`, ""},
	{event.TransportWebSocket, `{"event":"meeting.ended","event_ts":1764232200000,"payload":{"account_id":"D3m0AcCoUnT","object":{"id":"85393847045","uuid":"jUh5o3dKQIytvcsfTtKBlg==","host_id":"8lzIwvZTSOqjndWPbPqzuA","topic":"Weekly sync \uD83D\uDE80","type":2,"start_time":"2026-11-27T09:00:00Z","end_time":"2026-11-27T09:30:00Z","duration":30}}}`, ""},
	{event.TransportWebhook, `{"event":"recording.completed","event_ts":1764232500000,"download_token":"demo-download-token","payload":{"account_id":"D3m0AcCoUnT","object":{"id":85393847045,"uuid":"jUh5o3dKQIytvcsfTtKBlg==","host_id":"8lzIwvZTSOqjndWPbPqzuA","topic":"Weekly sync \uD83D\uDE80","type":2,"duration":30,"total_size":52428800,"recording_count":2,"recording_files":[{"id":"f1","file_type":"MP4","file_size":50331648,"download_url":"https://example.com/rec/download/f1","status":"completed","recording_type":"shared_screen_with_speaker_view"},{"id":"f2","file_type":"TRANSCRIPT","file_size":2097152,"download_url":"https://example.com/rec/download/f2","status":"completed","recording_type":"audio_transcript"}]}}}`, ""},
	{event.TransportWebhook, `{"event":"recording.completed","event_ts":1764232500000,"download_token":"demo-download-token","payload":{"account_id":"D3m0AcCoUnT","object":{"id":85393847045,"uuid":"jUh5o3dKQIytvcsfTtKBlg==","host_id":"8lzIwvZTSOqjndWPbPqzuA","topic":"Weekly sync \uD83D\uDE80","type":2,"duration":30,"total_size":52428800,"recording_count":2,"recording_files":[{"id":"f1","file_type":"MP4","file_size":50331648,"download_url":"https://example.com/rec/download/f1","status":"completed","recording_type":"shared_screen_with_speaker_view"},{"id":"f2","file_type":"TRANSCRIPT","file_size":2097152,"download_url":"https://example.com/rec/download/f2","status":"completed","recording_type":"audio_transcript"}]}}}`, "Zoom retries the same delivery"},
	{event.TransportWebSocket, `{"event":"meeting.holographic_mode_enabled","event_ts":1764232600000,"payload":{"account_id":"D3m0AcCoUnT","object":{"id":"85393847045"}}}`, "an event this SDK has never heard of"},
}

// demoPrinter prints what the typed handlers received, one line each.
type demoPrinter struct {
	mu      sync.Mutex
	w       io.Writer
	handled chan struct{}
	count   int
}

func (p *demoPrinter) line(ev *event.Event, format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	via, name := string(ev.Delivery.Transport), ev.Name
	fmt.Fprintf(p.w, "  %-9s  %-32s  %s\n", via, name, fmt.Sprintf(format, args...))
	p.count++
	p.handled <- struct{}{}
}

func (p *demoPrinter) mux() *event.Mux {
	mux := event.NewMux()
	event.On(mux, func(ctx context.Context, ev *event.Event, m *payload.MeetingStarted) error {
		p.line(ev, "%q (meeting %s) started, %d min planned", m.Object.Topic, m.Object.ID, m.Object.Duration)
		return nil
	})
	event.On(mux, func(ctx context.Context, ev *event.Event, m *payload.MeetingParticipantJoined) error {
		p.line(ev, "%s joined at %s", m.Object.Participant.UserName, joinedAt(m.Object.Participant.JoinTime))
		return nil
	})
	event.On(mux, func(ctx context.Context, ev *event.Event, m *payload.MeetingEnded) error {
		p.line(ev, "%q ended (meeting id %s arrived as a string, typed as payload.ID all the same)", m.Object.Topic, m.Object.ID)
		return nil
	})
	event.On(mux, func(ctx context.Context, ev *event.Event, m *payload.RecordingCompleted) error {
		var size int64
		for _, f := range m.Object.RecordingFiles {
			size += f.FileSize
		}
		tok := ev.DownloadToken != ""
		p.line(ev, "%d files, %.0f MiB, download token present: %v", len(m.Object.RecordingFiles), float64(size)/(1<<20), tok)
		return nil
	})
	mux.Fallback(func(ctx context.Context, ev *event.Event) error {
		p.line(ev, "no struct for it: delivered raw (%d bytes), not an error", len(ev.Raw))
		return nil
	})
	return mux
}

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo", "", "Runs a fake Zoom on this machine and sends a handful of events through both transports,\n"+
		"a signed webhook and a WebSocket subscription, into one set of typed handlers. No account needed.")
	if rest, err := fs.parse(args); err != nil || len(rest) > 0 {
		if err == nil {
			err = usageError("demo takes no arguments")
		}
		return err
	}
	out := e.stdout
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	printer := &demoPrinter{w: out, handled: make(chan struct{}, 1)}
	duplicates := 0
	handler := event.Dedup(printer.mux(), event.WithDuplicateHook(func(ctx context.Context, ev *event.Event) {
		duplicates++
		printer.line(ev, "same body again: skipped by event.Dedup, Zoom still gets 200")
	}))

	// The webhook side: a real HTTP server on loopback with the SDK's handler.
	hook, err := webhook.NewEndpoint(demoSecret, handler)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	routes := http.NewServeMux()
	routes.Handle("/zoom/webhook", hook)
	srv := &http.Server{Handler: routes, ReadHeaderTimeout: 5 * time.Second}
	srvDone := make(chan error, 1)
	go func() { srvDone <- srv.Serve(ln) }()
	defer func() {
		_ = srv.Close()
		<-srvDone
	}()
	hookURL := "http://" + ln.Addr().String() + "/zoom/webhook"

	// The WebSocket side: the fake Zoom from wsclient/wstest.
	zoom := wstest.NewServer()
	defer zoom.Close()
	cfg := zoom.Config()
	client, err := wsclient.New(cfg, handler)
	if err != nil {
		return err
	}
	runCtx, stopClient := context.WithCancel(ctx)
	clientDone := make(chan error, 1)
	go func() { clientDone <- client.Run(runCtx) }()
	defer func() {
		stopClient()
		<-clientDone
	}()

	fmt.Fprintf(out, "zoomevents demo: a fake Zoom runs on this machine; no account or credentials needed.\n\n")
	fmt.Fprintf(out, "  webhook endpoint    %s  (Secret Token %q)\n", hookURL, demoSecret)
	fmt.Fprintf(out, "  websocket endpoint  %s\n\n", cfg.Endpoint)

	fmt.Fprintln(out, "Zoom validates the webhook URL (the challenge's own signature is checked first):")
	body, want := webhooktest.URLValidation(demoSecret, "qgg8vlvZRS6UYooatFL8Aw")
	status, answer, err := post(ctx, demoSecret, hookURL, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  %d %s, encryptedToken correct: %v\n", status, http.StatusText(status), strings.Contains(answer, want))
	fmt.Fprintln(out, "Someone forges a webhook without the Secret Token:")
	status, _, err = post(ctx, "not-the-secret", hookURL, []byte(demoSteps[0].body))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  %d %s, no handler ran\n\n", status, http.StatusText(status))

	if err := zoom.WaitConnections(ctx, 1); err != nil {
		return fmt.Errorf("the WebSocket client did not connect: %w", err)
	}
	fmt.Fprintln(out, "Events, as one set of typed handlers receives them from both transports:")
	for _, step := range demoSteps {
		if step.note != "" {
			fmt.Fprintf(out, "  (%s)\n", step.note)
		}
		switch step.via {
		case event.TransportWebhook:
			if _, _, err := post(ctx, demoSecret, hookURL, []byte(step.body)); err != nil {
				return err
			}
		default:
			if err := zoom.Emit([]byte(step.body)); err != nil {
				return err
			}
		}
		select {
		case <-printer.handled:
		case <-ctx.Done():
			return fmt.Errorf("no handler received %s: %w", step.via, ctx.Err())
		}
	}
	stats := client.Stats()
	fmt.Fprintf(out, "\nDone: %d deliveries, %d duplicate skipped. WebSocket client: %d connection, %d events.\n",
		printer.count, duplicates, stats.Connects, stats.Events)
	fmt.Fprintln(out, "Next: 'zoomevents serve' and 'zoomevents listen' do this with your real Zoom app; see README.md.")
	return nil
}

// post sends a signed webhook and returns the status and body.
func post(ctx context.Context, secret, url string, body []byte) (int, string, error) {
	req, err := webhooktest.NewClientRequest(secret, url, body)
	if err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(answer), err
}

// joinedAt formats a join time for the demo's output, or says it is unknown.
func joinedAt(d payload.DateTime) string {
	t, err := d.Time()
	if err != nil {
		return "an unknown time"
	}
	return t.Format("15:04:05")
}

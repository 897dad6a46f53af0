// Command ws-worker is a background worker that receives Zoom events over
// a WebSocket subscription, logs with slog, and reports the client's
// metrics every interval from Client.Stats.
//
//	ZOOM_ACCOUNT_ID=... ZOOM_CLIENT_ID=... ZOOM_CLIENT_SECRET=... ZOOM_SUBSCRIPTION_ID=... \
//	  go run ./examples/ws-worker
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/wsclient"
)

func main() {
	every := flag.Duration("metrics-every", time.Minute, "how often to log the client's metrics")
	flag.Parse()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := wsclient.Config{
		AccountID:      os.Getenv("ZOOM_ACCOUNT_ID"),
		ClientID:       os.Getenv("ZOOM_CLIENT_ID"),
		ClientSecret:   os.Getenv("ZOOM_CLIENT_SECRET"),
		SubscriptionID: os.Getenv("ZOOM_SUBSCRIPTION_ID"),
	}
	if err := run(ctx, cfg, logger, *every); err != nil {
		logger.Error("worker stopped", "error", err)
		os.Exit(1)
	}
}

// run handles events until ctx ends or the credentials are refused.
func run(ctx context.Context, cfg wsclient.Config, logger *slog.Logger, every time.Duration) error {
	mux := event.NewMux()
	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingParticipantJoined) error {
		logger.Info("participant joined", "meeting", p.Object.ID, "name", p.Object.Participant.UserName)
		return nil
	})
	mux.Fallback(func(ctx context.Context, ev *event.Event) error {
		logger.Info("event", "name", ev.Name, "typed", (ev.Payload != nil), "lag", time.Since(ev.Time).Round(time.Millisecond))
		return nil
	})

	cfg.Logger = logger.With("component", "wsclient")
	cfg.OnStateChange = func(ch wsclient.StateChange) {
		if ch.Err != nil { // why the connection dropped, and when it is retried
			logger.Warn("connection", "to", ch.To.String(), "attempt", ch.Attempt, "retry_in", ch.Wait, "err", ch.Err)
			return
		}
		logger.Info("connection", "from", ch.From.String(), "to", ch.To.String())
	}
	client, err := wsclient.New(cfg, event.Dedup(mux))
	if err != nil {
		return err
	}
	metricsDone := make(chan struct{})
	go func() { // owned by run: ends with ctx, and run waits for it
		defer close(metricsDone)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				s := client.Stats()
				logger.Info("metrics", "state", s.State.String(), "connects", s.Connects, "reconnects", s.Reconnects,
					"events", s.Events, "dropped", s.Dropped, "decode_errors", s.DecodeErrors,
					"handler_errors", s.HandlerErrors, "last_event", s.LastEvent)
			}
		}
	}()
	err = client.Run(ctx)
	<-metricsDone
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

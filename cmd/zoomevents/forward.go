package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// forwarder POSTs each event to a webhook endpoint, signed as Zoom signs
// webhooks, so that a webhook handler under development receives real
// events without a public URL. Failed forwards (network errors and 5xx,
// which Zoom would retry too) are retried with backoff for up to
// maxElapsed; 4xx answers are final, as they are for Zoom.
type forwarder struct {
	url        string
	secret     string
	logger     *slog.Logger
	client     *http.Client
	maxElapsed time.Duration
}

// HandleEvent implements event.Handler.
func (f *forwarder) HandleEvent(ctx context.Context, ev *event.Event) error {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 200 * time.Millisecond
	b.MaxInterval = 10 * time.Second
	b.MaxElapsedTime = f.maxElapsed
	attempt := 0
	err := backoff.Retry(func() error {
		attempt++
		err := f.post(ctx, ev.Raw)
		if err != nil {
			f.logger.Warn("forward failed", "event", ev.Name, "attempt", attempt, "error", err)
		}
		return err
	}, backoff.WithContext(b, ctx))
	if err != nil {
		f.logger.Error("forward gave up", "event", ev.Name, "attempts", attempt, "error", err)
		return err
	}
	f.logger.Info("forwarded", "event", ev.Name, "attempts", attempt)
	return nil
}

func (f *forwarder) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(body))
	if err != nil {
		return backoff.Permanent(err)
	}
	for k, v := range webhooktest.Headers(f.secret, time.Now(), body) {
		req.Header[k] = v
	}
	client := f.client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	switch {
	case resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 500:
		return fmt.Errorf("endpoint answered %s", resp.Status)
	default:
		return backoff.Permanent(fmt.Errorf("endpoint answered %s", resp.Status))
	}
}

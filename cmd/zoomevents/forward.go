package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// Forwarding defaults: one attempt may take as long as Zoom waits for a
// webhook's answer (zoom-protocol.md §1.5), so a handler too slow for Zoom
// is too slow here too; one event is retried for up to two minutes.
const (
	defaultForwardTimeout = 3 * time.Second
	defaultForwardRetry   = 2 * time.Minute
)

// forwarder POSTs each event to a webhook endpoint, signed as Zoom signs
// webhooks, so that a webhook handler under development receives real
// events without a public URL. Failed forwards (network errors, no answer
// within attemptTimeout, and 5xx, which Zoom would retry too) are retried
// with backoff; no attempt starts later than maxElapsed after the first
// (0: no retry). 4xx answers are final, as they are for Zoom. Each failed
// attempt is logged once; the URL is not logged (it may carry a token).
type forwarder struct {
	url            string
	secret         string
	logger         *slog.Logger
	client         *http.Client
	attemptTimeout time.Duration
	maxElapsed     time.Duration
}

// HandleEvent implements event.Handler.
func (f *forwarder) HandleEvent(ctx context.Context, ev *event.Event) error {
	var b backoff.BackOff = &backoff.StopBackOff{}
	if f.maxElapsed > 0 {
		exp := backoff.NewExponentialBackOff()
		exp.InitialInterval = 200 * time.Millisecond
		exp.MaxInterval = 10 * time.Second
		exp.MaxElapsedTime = f.maxElapsed
		b = exp
	}
	attempt := 0
	err := backoff.Retry(func() error {
		attempt++
		err := f.post(ctx, ev.Raw)
		if err != nil && ctx.Err() == nil {
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

// post makes one attempt, bounded by attemptTimeout (answer included).
func (f *forwarder) post(ctx context.Context, body []byte) error {
	timeout := f.attemptTimeout
	if timeout <= 0 {
		timeout = defaultForwardTimeout
	}
	attemptCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(attemptCtx, http.MethodPost, f.url, bytes.NewReader(body))
	if err != nil {
		return backoff.Permanent(errors.New("bad forward URL"))
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
		if attemptCtx.Err() != nil && ctx.Err() == nil {
			return fmt.Errorf("no answer within %s", timeout)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL
		}
		return err
	}
	// The status decides; the body is drained only to reuse the connection.
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

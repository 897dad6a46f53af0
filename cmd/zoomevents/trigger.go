package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func runTrigger(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "trigger", "EVENT --to URL [flags]",
		"Sends one signed, plausible event named EVENT to a webhook endpoint, signed as Zoom signs it with\n"+
			"ZOOM_WEBHOOK_SECRET_TOKEN, and prints the response status.")
	to := fs.String("to", "", "webhook endpoint URL (required)")
	file := fs.String("body", "", "send this file's bytes instead of a generated event")
	timeout := fs.Duration("timeout", 10*time.Second, "request timeout")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("need exactly one EVENT name (see 'zoomevents events')")
	}
	name := rest[0]
	if *to == "" {
		return usageError("--to URL is required")
	}
	if u, err := url.Parse(*to); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError("--to must be an http or https URL")
	}
	if _, known := event.Lookup(name); !known && *file == "" {
		fmt.Fprintf(e.stderr, "zoomevents trigger: %q is not a known event; sending a minimal payload\n", name)
	}
	secret, err := requireEnv(e, "ZOOM_WEBHOOK_SECRET_TOKEN")
	if err != nil {
		return err
	}
	body, err := triggerBody(name, *file)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := webhooktest.NewClientRequest(secret, *to, body)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	fmt.Fprintln(e.stdout, resp.Status)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("endpoint answered %s", resp.Status)
	}
	return nil
}

func triggerBody(name, file string) ([]byte, error) {
	if file != "" {
		return readInput(file, nil)
	}
	return sampleEvent(name, time.Now())
}

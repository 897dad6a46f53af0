package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/zoomevents/zoomevents/event/eventtest"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func runTrigger(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "trigger", "[EVENT]",
		"Sends one event to a webhook endpoint, signed as Zoom signs it with ZOOM_WEBHOOK_SECRET_TOKEN, and\n"+
			"prints the response status. The event is a plausible one generated for EVENT, or with --body the\n"+
			"file's bytes, sent unchanged; EVENT may then be left out, and if given must match the body's \"event\".")
	to := fs.String("to", "", "webhook endpoint `URL` (required)")
	file := fs.String("body", "", "send this `file`'s bytes (- for stdin), a JSON event body, instead of a generated event")
	timeout := fs.Duration("timeout", 10*time.Second, "request timeout")
	fs.required = map[string]bool{"to": true}
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 1 || (len(rest) == 0 && *file == "") {
		return usageError("need exactly one EVENT name (see 'zoomevents events'), or --body FILE")
	}
	name := ""
	if len(rest) == 1 {
		name = rest[0]
	}
	if *to == "" {
		return usageError("--to URL is required")
	}
	if u, err := url.Parse(*to); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError("--to must be an http or https URL")
	}
	if err := missingEnv(e, "ZOOM_WEBHOOK_SECRET_TOKEN"); err != nil {
		return err
	}
	secret := e.getenv("ZOOM_WEBHOOK_SECRET_TOKEN")
	var body []byte
	if *file != "" {
		if body, err = bodyFromFile(*file, e.stdin, name); err != nil {
			return err
		}
	} else {
		if body, err = eventtest.Sample(name, eventtest.WithTime(time.Now())); errors.Is(err, eventtest.ErrUnknownEvent) {
			fmt.Fprintf(e.stderr, "zoomevents trigger: %q is not a known event; sending a minimal payload\n", name)
			body, err = json.Marshal(map[string]any{"event": name, "event_ts": time.Now().UnixMilli(),
				"payload": map[string]any{"account_id": "test-account-id", "object": map[string]any{"id": "test-object-id"}}})
		}
		if err != nil {
			return err
		}
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

// bodyFromFile reads an event body to send unchanged. It must be a JSON
// object with a string "event"; when name is not empty, that event.
func bodyFromFile(path string, stdin io.Reader, name string) ([]byte, error) {
	body, err := readInput(path, stdin)
	if err != nil {
		return nil, err
	}
	var head struct {
		Event *string `json:"event"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return nil, usageError("--body %s is not a JSON event body: %v", path, err)
	}
	switch {
	case head.Event == nil || *head.Event == "":
		return nil, usageError("--body %s has no \"event\" name", path)
	case name != "" && *head.Event != name:
		return nil, usageError("EVENT %q disagrees with the body's event %q (leave EVENT out to send the body as it is)", name, clip(*head.Event, 64))
	}
	return body, nil
}

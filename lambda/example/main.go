// Command example is a Zoom webhook receiver for AWS Lambda, behind an API
// Gateway HTTP API (payload format 2.0). Build it for the provided.al2023
// runtime:
//
//	GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -o bootstrap .
//
// and set ZOOM_WEBHOOK_SECRET_TOKEN in the function's environment.
//
// With ZOOMLAMBDA_LOCAL=1 it runs without Lambda: it reads one request
// event (JSON) from standard input, writes the response (JSON) to standard
// output and exits; this is how its cold start is measured (see
// coldstart_test.go).
package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/zoomevents/zoomevents/event"
	zoomlambda "github.com/zoomevents/zoomevents/lambda"
	"github.com/zoomevents/zoomevents/webhook"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	mux := event.NewMux()
	mux.HandleFunc("meeting.started", func(ctx context.Context, ev *event.Event) error {
		logger.InfoContext(ctx, "meeting started", "account", ev.AccountID)
		return nil
	})
	v, err := webhook.NewVerifier(os.Getenv("ZOOM_WEBHOOK_SECRET_TOKEN"))
	if err != nil {
		logger.Error("configuration", "error", err)
		os.Exit(1)
	}
	h, err := zoomlambda.New(v, mux, zoomlambda.WithErrorHook(func(ctx context.Context, err error) {
		logger.WarnContext(ctx, "zoom webhook rejected", "status", webhook.StatusCode(err), "error", err)
	}))
	if err != nil {
		logger.Error("configuration", "error", err)
		os.Exit(1)
	}
	if os.Getenv("ZOOMLAMBDA_LOCAL") == "1" {
		if err := serveOnce(h); err != nil {
			logger.Error("local request", "error", err)
			os.Exit(1)
		}
		return
	}
	lambda.Start(h.HTTPAPI)
}

// serveOnce answers one request event read from standard input.
func serveOnce(h *zoomlambda.Handler) error {
	var req events.APIGatewayV2HTTPRequest
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		return err
	}
	resp, err := h.HTTPAPI(context.Background(), req)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(resp)
}

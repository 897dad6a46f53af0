package main

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/wsclient"
)

func runListen(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "listen", "[flags]",
		"Subscribes to a Zoom WebSocket event subscription and writes each event to stdout as one line of JSON,\n"+
			"exactly as Zoom delivered it, or POSTs it, signed, to a local webhook endpoint (--forward-to).\n"+
			"Credentials from ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET; the subscription from\n"+
			"ZOOM_SUBSCRIPTION_ID or --endpoint. Connection state and errors go to stderr.")
	endpoint := fs.String("endpoint", "", "the subscription's endpoint URL as Zoom shows it (wss://ws.zoom.us/ws?subscriptionId=...)")
	oauthURL := fs.String("oauth-url", "", "token endpoint (default "+wsclient.DefaultTokenURL+")")
	heartbeat := fs.Duration("heartbeat", wsclient.DefaultHeartbeatInterval, "heartbeat interval")
	forwardTo := fs.String("forward-to", "", "POST each event to this webhook URL, signed with ZOOM_WEBHOOK_SECRET_TOKEN, instead of printing it")
	clientCredentials := fs.Bool("client-credentials", false, "get tokens with grant_type=client_credentials instead of account_credentials")
	insecure := fs.Bool("allow-insecure", false, "allow ws:// and http:// to hosts other than loopback")
	verbose := fs.Bool("v", false, "verbose: debug logging on stderr")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("unexpected argument %q", rest[0])
	}
	if *heartbeat <= 0 {
		return usageError("--heartbeat must be positive")
	}
	cfg := wsclient.Config{
		AccountID:         e.getenv("ZOOM_ACCOUNT_ID"),
		ClientID:          e.getenv("ZOOM_CLIENT_ID"),
		ClientSecret:      e.getenv("ZOOM_CLIENT_SECRET"),
		SubscriptionID:    e.getenv("ZOOM_SUBSCRIPTION_ID"),
		Endpoint:          *endpoint,
		TokenURL:          *oauthURL,
		HeartbeatInterval: *heartbeat,
		AllowInsecure:     *insecure,
	}
	if *clientCredentials {
		cfg.GrantType = wsclient.GrantClientCredentials
	}
	for name, v := range map[string]string{"ZOOM_CLIENT_ID": cfg.ClientID, "ZOOM_CLIENT_SECRET": cfg.ClientSecret} {
		if v == "" {
			return usageError("environment variable %s is not set", name)
		}
	}
	if cfg.AccountID == "" && !*clientCredentials {
		return usageError("environment variable ZOOM_ACCOUNT_ID is not set")
	}
	if cfg.Endpoint == "" && cfg.SubscriptionID == "" {
		return usageError("set ZOOM_SUBSCRIPTION_ID or --endpoint")
	}
	logger := newLogger(e, *verbose)
	cfg.Logger = logger
	cfg.OnStateChange = func(from, to wsclient.State) {
		logger.Info("zoom websocket", "state", to.String())
	}

	var out event.Handler = newLineWriter(e.stdout)
	if *forwardTo != "" {
		u, err := url.Parse(*forwardTo)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError("--forward-to must be an http or https URL")
		}
		secret, err := requireEnv(e, "ZOOM_WEBHOOK_SECRET_TOKEN")
		if err != nil {
			return err
		}
		out = &forwarder{url: *forwardTo, secret: secret, logger: logger, maxElapsed: 2 * time.Minute}
	}
	err = wsclient.Subscribe(ctx, cfg, out)
	if ctx.Err() != nil && (err == nil || errors.Is(err, context.Canceled)) {
		return nil // stopped by a signal: a clean exit
	}
	return err
}

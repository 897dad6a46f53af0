package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/url"
	"strings"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/wsclient"
)

func runListen(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "listen", "",
		"Subscribes to a Zoom WebSocket event subscription and writes each event to stdout as one line of JSON,\n"+
			"exactly as Zoom delivered it, or POSTs it, signed, to a local webhook endpoint (--forward-to).\n"+
			"Credentials from ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET; the subscription from\n"+
			"ZOOM_SUBSCRIPTION_ID or --endpoint. Connection state and errors go to stderr.")
	endpoint := fs.String("endpoint", "", "the subscription's endpoint `URL` as Zoom shows it (wss://ws.zoom.us/ws?subscriptionId=...)")
	oauthURL := fs.String("oauth-url", "", "token endpoint `URL` (default "+wsclient.DefaultTokenURL+")")
	heartbeat := fs.Duration("heartbeat", wsclient.DefaultHeartbeatInterval, "heartbeat interval")
	forwardTo := fs.String("forward-to", "", "POST each event to this webhook `URL`, signed with ZOOM_WEBHOOK_SECRET_TOKEN, instead of printing it")
	forwardTimeout := fs.Duration("forward-timeout", defaultForwardTimeout, "with --forward-to: how long one attempt may take (Zoom waits 3s)")
	forwardRetry := fs.Duration("forward-retry", defaultForwardRetry, "with --forward-to: how long to retry one event before giving up on it")
	clientCredentials := fs.Bool("client-credentials", false, "get tokens with grant_type=client_credentials instead of account_credentials")
	insecure := fs.Bool("allow-insecure", false, "allow ws:// and http:// to hosts other than loopback")
	verbose := fs.Bool("v", false, "verbose: debug logging on stderr")
	rest, err := fs.parse(args)
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
	if *forwardTimeout <= 0 || *forwardRetry < 0 {
		return usageError("--forward-timeout must be positive and --forward-retry not negative")
	}
	var missing []string
	if cfg.AccountID == "" && !*clientCredentials {
		missing = append(missing, "ZOOM_ACCOUNT_ID")
	}
	if cfg.ClientID == "" {
		missing = append(missing, "ZOOM_CLIENT_ID")
	}
	if cfg.ClientSecret == "" {
		missing = append(missing, "ZOOM_CLIENT_SECRET")
	}
	if cfg.Endpoint == "" && cfg.SubscriptionID == "" {
		missing = append(missing, "ZOOM_SUBSCRIPTION_ID (or --endpoint)")
	}
	if *forwardTo != "" && e.getenv("ZOOM_WEBHOOK_SECRET_TOKEN") == "" {
		missing = append(missing, "ZOOM_WEBHOOK_SECRET_TOKEN (for --forward-to)")
	}
	if err := missingError(missing); err != nil {
		return err
	}
	logger := newLogger(e, *verbose)
	// One line per connect: the CLI logs "connected" itself, every other
	// state change at debug level, and hears only wsclient's warnings and
	// errors (its own "connected" line is info) unless verbose.
	cfg.Logger = newLoggerAt(e, slog.LevelWarn)
	if *verbose {
		cfg.Logger = logger
	}
	cfg.OnStateChange = func(ch wsclient.StateChange) {
		level := slog.LevelDebug
		attrs := []any{"state", ch.To.String()}
		switch {
		case ch.To == wsclient.StateConnected:
			level = slog.LevelInfo
		case ch.To == wsclient.StateWaiting && ch.Err != nil:
			level = slog.LevelWarn
			attrs = append(attrs, "attempt", ch.Attempt, "retry_in", ch.Wait.String(), "err", ch.Err)
		}
		logger.Log(ctx, level, "zoom websocket", attrs...)
	}

	var out event.Handler = newLineWriter(e.stdout)
	if *forwardTo != "" {
		u, err := url.Parse(*forwardTo)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError("--forward-to must be an http or https URL")
		}
		if u.Scheme == "http" && !*insecure && !isLoopbackHost(u.Hostname()) {
			return usageError("--forward-to: plain http:// is only allowed to a loopback address (events and their signatures would travel in clear text); use https:// or --allow-insecure")
		}
		out = &forwarder{
			url:            *forwardTo,
			secret:         e.getenv("ZOOM_WEBHOOK_SECRET_TOKEN"),
			logger:         logger,
			attemptTimeout: *forwardTimeout,
			maxElapsed:     *forwardRetry,
		}
	}
	err = wsclient.Subscribe(ctx, cfg, out)
	if ctx.Err() != nil && (err == nil || errors.Is(err, context.Canceled)) {
		return nil // stopped by a signal: a clean exit
	}
	return err
}

// isLoopbackHost reports whether host is "localhost" or a loopback IP.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

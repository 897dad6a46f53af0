package wsclient

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
)

func TestPrintingNeverShowsSecrets(t *testing.T) {
	cfg := Config{AccountID: "a", ClientID: "c", ClientSecret: testSecret, SubscriptionID: "s"}
	c, err := New(cfg, event.HandlerFunc(func(context.Context, *event.Event) error { return nil }))
	require.NoError(t, err)
	ts, err := NewS2STokenSource(OAuthConfig{AccountID: "a", ClientID: "c", ClientSecret: testSecret})
	require.NoError(t, err)
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	log.Info("x", "cfg", cfg, "client", c, "ts", ts, "ocfg", ts.cfg)
	log.Info("x", "cfgp", &cfg)
	for _, v := range []any{cfg, &cfg, c, ts, ts.cfg} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			fmt.Fprintf(&buf, verb+"\n", v)
		}
	}
	out := buf.String()
	assert.NotContains(t, out, testSecret)
	assert.NotContains(t, out, basicAuth("c", testSecret))
	assert.Contains(t, out, "ClientSecret:REDACTED")
}

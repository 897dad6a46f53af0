package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func TestRoutes(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := newRoutes("", logger); err == nil {
		t.Fatal("empty secret accepted")
	}
	routes, err := newRoutes("s", logger)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"event":"meeting.started","event_ts":1,"payload":{"object":{"id":1,"topic":"T"}}}`)
	for secret, want := range map[string]int{"s": http.StatusOK, "forged": http.StatusUnauthorized} {
		w := httptest.NewRecorder()
		routes.ServeHTTP(w, webhooktest.NewRequest(secret, "/zoom/webhook", body))
		if w.Code != want {
			t.Errorf("secret %q: got %d, want %d", secret, w.Code, want)
		}
	}
}

package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func TestRouterServesZoomAndOwnRoutes(t *testing.T) {
	router, err := newRouter("secret", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"event":"meeting.participant_joined","event_ts":1,"payload":{"object":{"id":1,"participant":{"user_name":"Ada"}}}}`)
	w := httptest.NewRecorder()
	router.ServeHTTP(w, webhooktest.NewRequest("secret", "/zoom/webhook", body))
	if w.Code != http.StatusOK {
		t.Fatalf("signed event: got %d", w.Code)
	}
	w = httptest.NewRecorder()
	router.ServeHTTP(w, webhooktest.NewRequest("forged", "/zoom/webhook", body))
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("forged event: got %d", w.Code)
	}
	w = httptest.NewRecorder()
	router.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("healthz: got %d", w.Code)
	}
	if _, err := newRouter("", nil); err == nil {
		t.Fatal("empty secret accepted")
	}
}

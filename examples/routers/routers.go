// Package routers shows how to mount a webhook.Endpoint in four routers
// (net/http, chi, gin, echo), each beside the rest of an application, and
// the one trap each has: a middleware that reads or limits the body before
// the Handler, which must verify the exact bytes Zoom sent. Each router has
// a correct function (the webhook route outside that middleware) and a
// Trap function (the webhook route behind it); routers_test.go shows what
// each answers Zoom.
package routers

import (
	"bytes"
	"io"
	"log"
	"net/http"
)

// WebhookPath is where every example mounts the Zoom webhook.
const WebhookPath = "/zoom/webhook"

// logBodies is a net/http middleware of the kind that breaks verification:
// it reads the body to log it and does not put it back.
func logBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		log.Printf("%s %s: %d bytes", r.Method, r.URL.Path, len(b))
		next.ServeHTTP(w, r)
	})
}

// logBodiesRestored is the same middleware done right: it puts the bytes
// back, so the Handler still verifies them.
func logBodiesRestored(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		log.Printf("%s %s: %d bytes", r.Method, r.URL.Path, len(b))
		r.Body = io.NopCloser(bytes.NewReader(b))
		next.ServeHTTP(w, r)
	})
}

// api stands for the rest of the application.
func api(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }

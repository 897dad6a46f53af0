// Package webhooktest signs Zoom webhook bodies and builds signed requests,
// for testing code that receives Zoom webhooks, with package webhook or
// without it.
package webhooktest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/zoomevents/zoomevents/internal/signature"
)

// Sign returns the x-zm-signature value Zoom would send for body at
// timestamp (Unix seconds, as in x-zm-request-timestamp).
func Sign(secret string, timestamp time.Time, body []byte) string {
	return signature.Sign(secret, strconv.FormatInt(timestamp.Unix(), 10), body)
}

// Headers returns the headers Zoom sends with a webhook body signed at
// timestamp: x-zm-signature, x-zm-request-timestamp, a content type and a
// user agent.
func Headers(secret string, timestamp time.Time, body []byte) http.Header {
	ts := strconv.FormatInt(timestamp.Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("User-Agent", "Zoom Marketplace/1.0a")
	h.Set("X-Zm-Request-Timestamp", ts)
	h.Set("X-Zm-Signature", signature.Sign(secret, ts, body))
	return h
}

// NewRequest returns an incoming POST request to target (a path or URL)
// carrying body signed with secret at the current time, for passing to an
// http.Handler's ServeHTTP, as httptest.NewRequest does.
func NewRequest(secret, target string, body []byte) *http.Request {
	return NewRequestAt(secret, target, body, time.Now())
}

// NewRequestAt is NewRequest with the signing time given.
func NewRequestAt(secret, target string, body []byte, timestamp time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	for k, v := range Headers(secret, timestamp, body) {
		r.Header[k] = v
	}
	return r
}

// NewClientRequest returns an outgoing POST request to url (for an
// http.Client, against a running server) carrying body signed with secret
// at the current time.
func NewClientRequest(secret, url string, body []byte) (*http.Request, error) {
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range Headers(secret, time.Now(), body) {
		r.Header[k] = v
	}
	return r, nil
}

// URLValidation returns the body of an endpoint.url_validation challenge
// for plainToken, and the encryptedToken a correct endpoint answers with.
func URLValidation(secret, plainToken string) (body []byte, encryptedToken string) {
	body, _ = json.Marshal(map[string]any{
		"event":    "endpoint.url_validation",
		"event_ts": time.Now().UnixMilli(),
		"payload":  map[string]string{"plainToken": plainToken},
	})
	return body, signature.EncryptToken(secret, plainToken)
}

package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// benchSetup returns recording.completed synthesized from the snapshot of
// Zoom's specs (every declared member present, one recording file): 1.3 KiB.
func benchSetup(b *testing.B) ([]byte, http.Header) {
	body, err := snapshot.BodyOf("recording.completed")
	if err != nil {
		b.Fatal(err)
	}
	return body, webhooktest.Headers(secret, time.Now(), body)
}

// floorVerify is the naive floor: a new HMAC per call, hex-decode, compare.
func floorVerify(h http.Header, body []byte) bool {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + h.Get("X-Zm-Request-Timestamp") + ":"))
	mac.Write(body)
	want, err := hex.DecodeString(h.Get("X-Zm-Signature")[3:])
	return err == nil && hmac.Equal(mac.Sum(nil), want)
}

// floorEnvelope is the same struct Parse decodes into for this event.
type floorEnvelope struct {
	Event         string                     `json:"event"`
	EventTS       int64                      `json:"event_ts"`
	DownloadToken string                     `json:"download_token"`
	Payload       payload.RecordingCompleted `json:"payload"`
}

func BenchmarkVerify(b *testing.B) {
	body, h := benchSetup(b)
	v, err := webhook.NewVerifier(secret)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("floor", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if !floorVerify(h, body) {
				b.Fatal("floor failed")
			}
		}
	})
	b.Run("ours", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := v.Verify(h, body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkVerifyParse(b *testing.B) {
	body, h := benchSetup(b)
	v, err := webhook.NewVerifier(secret)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("floor", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if !floorVerify(h, body) {
				b.Fatal("floor failed")
			}
			var env floorEnvelope
			if err := json.Unmarshal(body, &env); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ours", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := v.Verify(h, body); err != nil {
				b.Fatal(err)
			}
			if _, err := event.Parse(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkHandler(b *testing.B) {
	body, h := benchSetup(b)
	noop := event.HandlerFunc(func(context.Context, *event.Event) error { return nil })
	handler, err := webhook.NewEndpoint(secret, noop)
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.Header = h
	req.ContentLength = int64(len(body))
	rd := bytes.NewReader(body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rd.Reset(body)
		req.Body = http.NoBody
		req.Body = readCloser{rd}
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, strconv.Quote(w.Body.String()))
		}
	}
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

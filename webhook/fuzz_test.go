package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// FuzzVerify feeds arbitrary headers and bodies to the verifier and, when
// they happen to be signed, to the whole handler. Neither may panic, and
// only a correctly signed body may verify.
func FuzzVerify(f *testing.F) {
	for _, vec := range vectors {
		f.Add(vec.timestamp, vec.signature, []byte(vec.body))
	}
	f.Add("", "", []byte(nil))
	f.Add("99999999999999999999", "v0=zz", []byte(`{"event":1}`))
	f.Add("1720707175", "v0="+string(bytes.Repeat([]byte("a"), 64)), []byte(`{"event":"endpoint.url_validation","payload":{"plainToken":""}}`))
	v, err := webhook.NewVerifier(vectorSecret, webhook.WithoutTimestampCheck())
	if err != nil {
		f.Fatal(err)
	}
	h, err := webhook.NewEndpoint(vectorSecret, event.HandlerFunc(func(ctx context.Context, ev *event.Event) error { return nil }), webhook.WithoutTimestampCheck())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte) {
		hdr := vectorHeader(ts, sig)
		if v.Verify(hdr, body) == nil {
			mac := hmac.New(sha256.New, []byte(vectorSecret))
			mac.Write([]byte("v0:" + ts + ":"))
			mac.Write(body)
			if !strings.EqualFold(sig, "v0="+hex.EncodeToString(mac.Sum(nil))) {
				t.Fatalf("verified a signature that is not the HMAC of the body")
			}
		}
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header = hdr
		h.ServeHTTP(httptest.NewRecorder(), r)
		// A correctly signed copy must always get through verification.
		r = webhooktest.NewRequest(vectorSecret, "/", body)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code == http.StatusUnauthorized {
			t.Fatalf("signed body rejected as unauthorized")
		}
	})
}

package webhook_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// Mount the handler in the server you already run; the same handler works
// in any router that takes an http.Handler.
func ExampleNewEndpoint() {
	mux := event.NewMux()
	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingStarted) error {
		fmt.Printf("meeting %s started: %s\n", p.Object.ID, p.Object.Topic)
		return nil
	})

	h, err := webhook.NewEndpoint("your-secret-token", event.Dedup(mux))
	if err != nil {
		log.Fatal(err)
	}
	routes := http.NewServeMux() // or chi, gin.WrapH(h), echo.WrapHandler(h): see the package docs
	routes.Handle("POST /zoom/webhook", h)

	// What Zoom would send (here through the test kit instead of the network):
	body := []byte(`{"event":"meeting.started","event_ts":1720707175904,"payload":{"account_id":"a","object":{"id":85393847045,"topic":"Standup"}}}`)
	w := httptest.NewRecorder()
	routes.ServeHTTP(w, webhooktest.NewRequest("your-secret-token", "/zoom/webhook", body))
	fmt.Println(w.Code)
	// Output:
	// meeting 85393847045 started: Standup
	// 200
}

// A handler answers Zoom's URL validation challenge by itself.
func ExampleEndpoint_urlValidation() {
	h, err := webhook.NewEndpoint("your-secret-token", event.NewMux())
	if err != nil {
		log.Fatal(err)
	}
	body, want := webhooktest.URLValidation("your-secret-token", "qgg8vlvZRS6UYooatFL8Aw")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, webhooktest.NewRequest("your-secret-token", "/", body))
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	fmt.Println(len(want) == 64)
	// Output:
	// 200 application/json
	// true
}

// Verifier checks a signature where the headers and raw body arrive some
// other way, for example from a queue or a serverless event.
func ExampleVerifier_Verify() {
	v, err := webhook.NewVerifier("4fv1RkqGQUq5sWbEz6hA5A", webhook.WithoutTimestampCheck())
	if err != nil {
		log.Fatal(err)
	}
	h := http.Header{}
	h.Set("x-zm-request-timestamp", "1720705455")
	h.Set("x-zm-signature", "v0=93a1a675965ceb9c5a50c5dfb31f20e50f763be37a54ef74cd2d16a1a8e5c0d6")
	body := []byte(`{"payload":{"plainToken":"xys8n8PGS7mAU0m5-YJjRA"},"event_ts":1720705455858,"event":"endpoint.url_validation"}`)
	fmt.Println(v.Verify(h, body))
	// Output: <nil>
}

// Receive is the Endpoint without HTTP: for a queue consumer, a serverless
// function or a framework that hands over the headers and raw bytes.
func ExampleVerifier_Receive() {
	v, err := webhook.NewVerifier("your-secret-token")
	if err != nil {
		log.Fatal(err)
	}
	mux := event.NewMux()
	mux.HandleFunc("meeting.started", func(ctx context.Context, ev *event.Event) error {
		fmt.Println("received", ev.Name, "via", ev.Delivery.Transport)
		return nil
	})

	// answer is what your transport sends back to Zoom.
	answer := func(header http.Header, body []byte) (status int, response []byte) {
		got, err := v.Receive(header, body)
		switch {
		case err != nil:
			return webhook.StatusCode(err), nil // 401, 400, ...: never the error's text
		case got.Challenge != nil:
			return http.StatusOK, got.Challenge.JSON() // Content-Type: application/json
		}
		if err := mux.HandleEvent(context.Background(), got.Event); err != nil {
			return http.StatusInternalServerError, nil // Zoom retries
		}
		return http.StatusOK, nil
	}

	body := []byte(`{"event":"meeting.started","event_ts":1720707175904,"payload":{"account_id":"a","object":{"id":1,"topic":"Standup"}}}`)
	fmt.Println(answer(webhooktest.Headers("your-secret-token", time.Now(), body), body))
	fmt.Println(answer(webhooktest.Headers("wrong-secret", time.Now(), body), body))
	challenge, _ := webhooktest.URLValidation("your-secret-token", "qgg8vlvZRS6UYooatFL8Aw")
	status, response := answer(webhooktest.Headers("your-secret-token", time.Now(), challenge), challenge)
	fmt.Println(status, string(response))
	// Output:
	// received meeting.started via webhook
	// 200 []
	// 401 []
	// 200 {"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"9efb9c3b251b21d4ade8a5327069b20aeef79bd34aafe81794c1c68ba2d08eb2"}
}

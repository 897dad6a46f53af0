package webhooktest_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// Test your own webhook handler with requests signed as Zoom signs them.
func ExampleNewRequest() {
	mux := event.NewMux()
	mux.HandleFunc("user.created", func(ctx context.Context, ev *event.Event) error {
		fmt.Println("got", ev.Name, "for account", ev.AccountID)
		return nil
	})
	h, _ := webhook.NewEndpoint("test-secret", mux)

	body := []byte(`{"event":"user.created","event_ts":1,"payload":{"account_id":"acct-1","object":{"id":"u1"}}}`)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, webhooktest.NewRequest("test-secret", "/zoom/webhook", body))
	fmt.Println(w.Code)
	// Output:
	// got user.created for account acct-1
	// 200
}

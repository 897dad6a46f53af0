package event_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
)

func TestMuxRejectsUnknownNames(t *testing.T) {
	mux := event.NewMux()
	nop := func(context.Context, *event.Event) error { return nil }
	assert.PanicsWithValue(t,
		`event: Mux.Handle: "meeting.startd" is not a known event name (a typo? for an event newer than this module, use Mux.HandleUnlisted)`,
		func() { mux.HandleFunc("meeting.startd", nop) })
	assert.Panics(t, func() { mux.Handle("zoom.made_up", event.HandlerFunc(nop)) })
	assert.NotPanics(t, func() { mux.HandleFunc("meeting.started", nop) }, "a typed catalog name")
	assert.NotPanics(t, func() { mux.HandleFunc("contact_center.engagement_started", nop) }, "a name known without a struct")
}

type commerceOrder struct{}

func (*commerceOrder) EventName() string { return "commerce.order_placed_test" }

func TestMuxUnlistedAndRegisteredNames(t *testing.T) {
	t.Cleanup(event.ResetRegistered)
	mux := event.NewMux()
	var got []string
	record := func(_ context.Context, ev *event.Event) error { got = append(got, ev.Name); return nil }

	mux.HandleUnlisted("commerce.brand_new", event.HandlerFunc(record))
	assert.Panics(t, func() { mux.HandleUnlisted("commerce.brand_new", event.HandlerFunc(record)) }, "duplicates still panic")
	assert.Panics(t, func() { mux.HandleUnlisted("", event.HandlerFunc(record)) })

	event.Register[commerceOrder]()
	assert.NotPanics(t, func() { mux.HandleFunc("commerce.order_placed_test", record) }, "a registered name is known")

	for _, body := range []string{`{"event":"commerce.brand_new"}`, `{"event":"commerce.order_placed_test"}`} {
		require.NoError(t, mux.HandleEvent(context.Background(), mustParse(t, body)))
	}
	assert.Equal(t, []string{"commerce.brand_new", "commerce.order_placed_test"}, got)
}

package event_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
)

func mustParse(t *testing.T, body string) *event.Event {
	t.Helper()
	ev, err := event.Parse([]byte(body))
	require.NoError(t, err)
	return ev
}

func TestMuxRoutes(t *testing.T) {
	mux := event.NewMux()
	var got []string
	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingStarted) error {
		require.Same(t, ev.Payload, p)
		got = append(got, "typed:"+p.Object.Topic+":"+ev.Name)
		return nil
	})
	mux.HandleFunc("recording.completed", func(ctx context.Context, ev *event.Event) error {
		got = append(got, "named:"+ev.Name)
		return nil
	})
	mux.Fallback(func(ctx context.Context, ev *event.Event) error {
		got = append(got, "fallback:"+ev.Name)
		return nil
	})
	ctx := context.Background()
	require.NoError(t, mux.HandleEvent(ctx, mustParse(t, `{"event":"meeting.started","payload":{"object":{"topic":"T"}}}`)))
	require.NoError(t, mux.HandleEvent(ctx, mustParse(t, `{"event":"recording.completed","payload":{}}`)))
	require.NoError(t, mux.HandleEvent(ctx, mustParse(t, `{"event":"meeting.ended","payload":{}}`)))
	require.NoError(t, mux.HandleEvent(ctx, mustParse(t, `{"event":"totally.new","payload":{}}`)))
	assert.Equal(t, []string{"typed:T:meeting.started", "named:recording.completed", "fallback:meeting.ended", "fallback:totally.new"}, got)
}

func TestMuxWithoutFallbackIgnores(t *testing.T) {
	mux := event.NewMux()
	assert.NoError(t, mux.HandleEvent(context.Background(), mustParse(t, `{"event":"a.b"}`)))
}

func TestMuxHandlerErrorReturned(t *testing.T) {
	mux := event.NewMux()
	boom := errors.New("boom")
	event.On(mux, func(context.Context, *event.Event, *payload.UserCreated) error { return boom })
	assert.ErrorIs(t, mux.HandleEvent(context.Background(), mustParse(t, `{"event":"user.created","payload":{}}`)), boom)
}

func TestOnPayloadMismatch(t *testing.T) {
	mux := event.NewMux()
	event.On(mux, func(context.Context, *event.Event, *payload.MeetingEnded) error { return nil })
	// An event carrying the name but not the payload (built by hand).
	err := mux.HandleEvent(context.Background(), &event.Event{Name: "meeting.ended"})
	assert.ErrorIs(t, err, event.ErrPayloadType)
}

func TestMuxRegistrationMistakesPanic(t *testing.T) {
	mux := event.NewMux()
	mux.HandleFunc("meeting.started", func(context.Context, *event.Event) error { return nil })
	assert.Panics(t, func() { mux.HandleFunc("meeting.started", func(context.Context, *event.Event) error { return nil }) })
	assert.Panics(t, func() { mux.Handle("", event.HandlerFunc(nil)) })
	event.On(mux, func(context.Context, *event.Event, *payload.WebinarEnded) error { return nil })
	assert.Panics(t, func() { event.On(mux, func(context.Context, *event.Event, *payload.WebinarEnded) error { return nil }) })
}

// A typed handler is a plain function: it can be called in a test with
// values built by hand, no context set up.
func TestTypedHandlerCalledDirectly(t *testing.T) {
	var seen []string
	onStarted := func(_ context.Context, ev *event.Event, p *payload.MeetingStarted) error {
		seen = append(seen, ev.Name+" "+ev.Time.Format("2006-01-02")+" "+ev.AccountID+" "+p.Object.Topic)
		return nil
	}
	ev := &event.Event{Name: "meeting.started", Time: time.Date(2024, 7, 11, 0, 0, 0, 0, time.UTC), AccountID: "acct"}
	p := &payload.MeetingStarted{}
	p.Object.Topic = "Standup"
	require.NoError(t, onStarted(context.Background(), ev, p))

	mux := event.NewMux()
	event.On(mux, onStarted) // the same function, registered
	require.NoError(t, mux.HandleEvent(context.Background(),
		mustParse(t, `{"event":"meeting.started","event_ts":1720656000000,"payload":{"account_id":"acct","object":{"topic":"Retro"}}}`)))
	assert.Equal(t, []string{"meeting.started 2024-07-11 acct Standup", "meeting.started 2024-07-11 acct Retro"}, seen)
}

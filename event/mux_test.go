package event_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
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
	event.On(mux, func(ctx context.Context, p *event.MeetingStarted) error {
		ev := event.FromContext(ctx)
		require.NotNil(t, ev)
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
	assert.Nil(t, event.FromContext(context.Background()))
}

func TestMuxHandlerErrorReturned(t *testing.T) {
	mux := event.NewMux()
	boom := errors.New("boom")
	event.On(mux, func(context.Context, *event.UserCreated) error { return boom })
	assert.ErrorIs(t, mux.HandleEvent(context.Background(), mustParse(t, `{"event":"user.created","payload":{}}`)), boom)
}

func TestOnPayloadMismatch(t *testing.T) {
	mux := event.NewMux()
	event.On(mux, func(context.Context, *event.MeetingEnded) error { return nil })
	// An event carrying the name but not the payload (built by hand).
	err := mux.HandleEvent(context.Background(), &event.Event{Name: "meeting.ended"})
	assert.ErrorIs(t, err, event.ErrPayloadType)
}

func TestMuxRegistrationMistakesPanic(t *testing.T) {
	mux := event.NewMux()
	mux.HandleFunc("meeting.started", func(context.Context, *event.Event) error { return nil })
	assert.Panics(t, func() { mux.HandleFunc("meeting.started", func(context.Context, *event.Event) error { return nil }) })
	assert.Panics(t, func() { mux.Handle("", event.HandlerFunc(nil)) })
	event.On(mux, func(context.Context, *event.WebinarEnded) error { return nil })
	assert.Panics(t, func() { event.On(mux, func(context.Context, *event.WebinarEnded) error { return nil }) })
}

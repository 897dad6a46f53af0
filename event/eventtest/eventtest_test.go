package eventtest_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/event/eventtest"
	"github.com/zoomevents/zoomevents/payload"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestNewFromTypedPayload(t *testing.T) {
	p := &payload.MeetingStarted{}
	p.AccountID = "acct-1"
	p.Object.ID = "85393847045"
	p.Object.Topic = "Standup"
	when := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	ev := eventtest.New(p, eventtest.WithTime(when))

	assert.Equal(t, "meeting.started", ev.Name)
	assert.True(t, when.Equal(ev.Time))
	assert.Equal(t, "acct-1", ev.AccountID)
	assert.Empty(t, ev.DownloadToken, "meeting.started declares no download_token")
	assert.NoError(t, ev.Problem)
	got, ok := ev.Payload.(*payload.MeetingStarted)
	require.True(t, ok, "decoded into the payload's own type: %T", ev.Payload)
	assert.Equal(t, "Standup", got.Object.Topic)
	assert.NotSame(t, p, got, "parsed from the bytes, not the same pointer")
	assert.Equal(t, event.TransportWebhook, ev.Delivery.Transport)

	parsed, err := event.Parse(ev.Raw)
	require.NoError(t, err)
	assert.Equal(t, ev.Name, parsed.Name)
}

func TestDownloadTokenFromTheCatalog(t *testing.T) {
	ev := eventtest.New(&payload.RecordingCompleted{})
	assert.Equal(t, "test-download-token", ev.DownloadToken, "the catalog says recording.completed carries one")
	ev = eventtest.New(&payload.RecordingCompleted{}, eventtest.WithDownloadToken("tok-2"))
	assert.Equal(t, "tok-2", ev.DownloadToken)
	ev = eventtest.New(&payload.RecordingCompleted{}, eventtest.WithDownloadToken(""))
	assert.Empty(t, ev.DownloadToken)
	assert.NotContains(t, string(ev.Raw), "download_token")

	// session.recording_completed carries one too, though its name has no
	// "recording." prefix: the list comes from the generated catalog.
	b, err := eventtest.Sample("session.recording_completed")
	require.NoError(t, err)
	assert.Contains(t, string(b), `"download_token":"test-download-token"`)
	b, err = eventtest.Sample("recording.started")
	require.NoError(t, err)
	assert.NotContains(t, string(b), "download_token", "recording.started declares none")
}

func TestWithMemberAndDelivery(t *testing.T) {
	d := event.Delivery{Transport: event.TransportWebSocket, RequestID: "req-1"}
	ev := eventtest.New(&payload.MeetingEnded{}, eventtest.WithMember("callback_url", "https://example.com/cb"), eventtest.WithDelivery(d))
	assert.Equal(t, d, ev.Delivery)
	var body map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(ev.Raw, &body))
	assert.JSONEq(t, `"https://example.com/cb"`, string(body["callback_url"]))
}

func TestBodiesAreStable(t *testing.T) {
	a := eventtest.Body(&payload.MeetingEnded{})
	b := eventtest.Body(&payload.MeetingEnded{})
	assert.Equal(t, a, b, "the same input builds the same bytes (and dedup key)")
}

func TestEveryKnownEventHasAPlausibleSample(t *testing.T) {
	for _, info := range event.Catalog() {
		ev, err := eventtest.NewSample(info.Name)
		require.NoError(t, err, info.Name)
		assert.Equal(t, info.Name, ev.Name)
		assert.Equal(t, info.Typed, ev.Payload != nil, info.Name)
		assert.NoError(t, ev.Problem, info.Name)
		assert.Equal(t, eventtest.DefaultTime, ev.Time, info.Name)
		for _, m := range info.Envelope {
			if m == "download_token" {
				assert.NotEmpty(t, ev.DownloadToken, info.Name)
			}
		}
	}
}

func TestSampleOfUnknownName(t *testing.T) {
	_, err := eventtest.Sample("meeting.startd")
	assert.ErrorIs(t, err, eventtest.ErrUnknownEvent)
	_, err = eventtest.NewSample("")
	assert.ErrorIs(t, err, eventtest.ErrUnknownEvent)
}

type unencodable struct{ C chan int }

func (*unencodable) EventName() string { return "meeting.started" }

func TestBodyPanicsOnAPayloadThatIsNotJSON(t *testing.T) {
	assert.PanicsWithValue(t, "eventtest: cannot encode *eventtest_test.unencodable as JSON: json: unsupported type: chan int",
		func() { eventtest.Body(&unencodable{C: make(chan int)}) })
}

// A typed handler tested with a built event.
func TestHandlerWithBuiltEvent(t *testing.T) {
	var topic string
	mux := event.NewMux()
	event.On(mux, func(_ context.Context, _ *event.Event, p *payload.MeetingStarted) error {
		topic = p.Object.Topic
		return nil
	})
	p := &payload.MeetingStarted{}
	p.Object.Topic = "Retro"
	require.NoError(t, mux.HandleEvent(context.Background(), eventtest.New(p)))
	assert.Equal(t, "Retro", topic)
}

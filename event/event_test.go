package event_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
	"github.com/zoomevents/zoomevents/payload"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The foundation's typed events; the generated catalog types many more.
var foundationTyped = []string{
	"meeting.created", "meeting.updated", "meeting.deleted", "meeting.started", "meeting.ended",
	"meeting.participant_joined", "meeting.participant_left", "recording.completed",
	"webinar.started", "webinar.ended", "user.created",
}

// TestEverySampleParses parses every recorded body in testdata/bodies and a
// synthesized body of every typed event.
func TestEverySampleParses(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "bodies", "*.json"))
	require.NoError(t, err)
	require.Len(t, paths, 6, "testdata/bodies: see testdata/SOURCES")
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			ev, err := event.Parse(raw)
			require.NoError(t, err)
			assert.Equal(t, strings.SplitN(filepath.Base(path), ".", 3)[0], strings.SplitN(ev.Name, ".", 2)[0])
			assert.Equal(t, raw, ev.Raw)
			assert.Equal(t, isTyped(ev.Name), (ev.Payload != nil))
			if ev.Payload != nil {
				assert.Equal(t, ev.Name, ev.Payload.EventName())
			}
		})
	}
	snap, err := snapshot.Load()
	require.NoError(t, err)
	for _, e := range snap.Events {
		raw := snapshot.Body(e)
		ev, err := event.Parse(raw)
		require.NoError(t, err, e.Name)
		assert.Equal(t, e.Name, ev.Name)
		assert.Equal(t, raw, ev.Raw)
		assert.NoError(t, ev.Problem, e.Name)
		assert.Equal(t, time.UnixMilli(snapshot.SynthTS).UTC(), ev.Time, e.Name)
		if assert.True(t, (ev.Payload != nil), e.Name) {
			assert.Equal(t, e.Name, ev.Payload.EventName())
		}
	}
	for _, name := range foundationTyped {
		assert.True(t, isTyped(name), name)
	}
}

func readBody(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "bodies", name))
	require.NoError(t, err)
	return raw
}

func TestParseRealMeetingStarted(t *testing.T) {
	raw := readBody(t, "meeting.started.real.json")
	ev, err := event.Parse(raw)
	require.NoError(t, err)
	require.NoError(t, ev.Problem)
	assert.Equal(t, "meeting.started", ev.Name)
	assert.Equal(t, time.UnixMilli(1648038806658).UTC(), ev.Time)
	assert.Equal(t, "Xq7yRAcnT5azdXF5ma2Bpw", ev.AccountID)
	p := ev.Payload.(*payload.MeetingStarted)
	assert.Equal(t, payload.ID("86431910364"), p.Object.ID)
	assert.Equal(t, "Jiří Example's Zoom Meeting", p.Object.Topic)
	start, err := p.Object.StartTime.Time()
	require.NoError(t, err)
	assert.Equal(t, time.Date(2022, 3, 23, 12, 33, 26, 0, time.UTC), start)
}

func TestParseRecordingCompletedDownloadToken(t *testing.T) {
	body, err := snapshot.BodyOf("recording.completed")
	require.NoError(t, err)
	ev, err := event.Parse(body)
	require.NoError(t, err)
	assert.Equal(t, "download_token-1", ev.DownloadToken)
	p := ev.Payload.(*payload.RecordingCompleted)
	require.Len(t, p.Object.RecordingFiles, 1)
	assert.Equal(t, "https://example.com/download_url", p.Object.RecordingFiles[0].DownloadURL)
	assert.Equal(t, payload.ID("1720707175904"), p.Object.ID)
}

func TestParseIDNumberOrString(t *testing.T) {
	for _, id := range []string{`85393847045`, `"85393847045"`} {
		ev, err := event.Parse([]byte(`{"event":"meeting.ended","payload":{"object":{"id":` + id + `}}}`))
		require.NoError(t, err)
		require.NoError(t, ev.Problem)
		assert.Equal(t, payload.ID("85393847045"), ev.Payload.(*payload.MeetingEnded).Object.ID)
	}
	ev, err := event.Parse([]byte(`{"event":"meeting.ended","payload":{"object":{"id":null,"topic":null}}}`))
	require.NoError(t, err)
	assert.NoError(t, ev.Problem)
	assert.Equal(t, payload.ID(""), ev.Payload.(*payload.MeetingEnded).Object.ID)
}

func TestParseEventTSForms(t *testing.T) {
	want := time.UnixMilli(1720707175904).UTC()
	for _, ts := range []string{`1720707175904`, `"1720707175904"`, `"2024-07-11T14:12:55.904Z"`} {
		ev, err := event.Parse([]byte(`{"event":"x.y","event_ts":` + ts + `}`))
		require.NoError(t, err)
		assert.NoError(t, ev.Problem, ts)
		assert.True(t, want.Equal(ev.Time), "%s gave %v", ts, ev.Time)
	}
	ev, err := event.Parse([]byte(`{"event":"x.y"}`))
	require.NoError(t, err)
	assert.True(t, ev.Time.IsZero())

	ev, err = event.Parse([]byte(`{"event":"x.y","event_ts":{"no":1}}`))
	require.NoError(t, err)
	assert.ErrorIs(t, ev.Problem, event.ErrFieldType)
}

func TestParseWrongTypedFieldKeepsTheRest(t *testing.T) {
	body := `{"event":"meeting.started","event_ts":1,"payload":{"account_id":"acct","object":{"duration":"sixty","topic":"Kept","id":5,"host_id":"h"}}}`
	ev, err := event.Parse([]byte(body))
	require.NoError(t, err)
	require.ErrorIs(t, ev.Problem, event.ErrFieldType)
	assert.Contains(t, ev.Problem.Error(), "duration")
	p := ev.Payload.(*payload.MeetingStarted)
	assert.Equal(t, "Kept", p.Object.Topic)
	assert.Equal(t, "h", p.Object.HostID)
	assert.Equal(t, payload.ID("5"), p.Object.ID)
	assert.Equal(t, "acct", ev.AccountID)
}

func TestParseFindsNameAnywhere(t *testing.T) {
	cases := map[string]string{
		"last":               `{"payload":{"event":"inner","object":{"a":"}\"{"}},"event_ts":1,"event":"meeting.started"}`,
		"escaped key":        `{"\u0065vent":"meeting.started"}`,
		"escaped name":       `{"event":"meeting\u002estarted"}`,
		"whitespace":         " \n{ \"event\" :\t\"meeting.started\" }\n",
		"after arrays":       `{"x":[1,{"event":"no"},"]"],"y":true,"z":null,"n":-1.5e3,"event":"meeting.started"}`,
		"nested event first": `{"payload":{"event":"not.this"},"event":"meeting.started"}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			ev, err := event.Parse([]byte(body))
			require.NoError(t, err)
			assert.Equal(t, "meeting.started", ev.Name)
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]struct {
		body string
		want error
	}{
		"empty":             {``, event.ErrInvalidJSON},
		"not json":          {`hello`, event.ErrInvalidJSON},
		"array":             {`[{"event":"a"}]`, event.ErrInvalidJSON},
		"string":            {`"event"`, event.ErrInvalidJSON},
		"truncated":         {`{"event":"meeting.started","payload":{`, event.ErrInvalidJSON},
		"trailing garbage":  {`{"event":"meeting.started"} x`, event.ErrInvalidJSON},
		"unterminated name": {`{"event":"meeting`, event.ErrInvalidJSON},
		"no name":           {`{"payload":{}}`, event.ErrMissingName},
		"empty object":      {`{}`, event.ErrMissingName},
		"name not string":   {`{"event":42}`, event.ErrMissingName},
		"empty name":        {`{"event":""}`, event.ErrMissingName},
		"broken after name": {`{"payload":{"a":}, "event":"x"}`, event.ErrInvalidJSON},
		"missing colon":     {`{"event" "x"}`, event.ErrInvalidJSON},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			ev, err := event.Parse([]byte(c.body))
			assert.Nil(t, ev)
			assert.ErrorIs(t, err, c.want)
		})
	}
}

func TestRawAccessors(t *testing.T) {
	body := `{"event":"meeting.updated","event_ts":1,"payload":{"account_id":"a","operator":"o@example.com","operator_id":"oid","object":{"id":1,"topic":"new"},"old_object":{"id":1,"topic":"old"}}}`
	ev, err := event.Parse([]byte(body))
	require.NoError(t, err)
	assert.Equal(t, "o@example.com", ev.Operator)
	assert.Equal(t, "oid", ev.OperatorID)
	assert.JSONEq(t, `{"id":1,"topic":"new"}`, string(ev.Object()))
	assert.JSONEq(t, `{"id":1,"topic":"old"}`, string(ev.OldObject()))
	var payload map[string]any
	require.NoError(t, json.Unmarshal(ev.RawPayload(), &payload))
	assert.Equal(t, "a", payload["account_id"])
	assert.Equal(t, "meeting.updated at 1970-01-01T00:00:00.001Z (account a)", ev.String())

	bare, err := event.Parse([]byte(`{"event":"x"}`))
	require.NoError(t, err)
	assert.Nil(t, bare.RawPayload())
	assert.Nil(t, bare.Object())
}

// custom is a user's own payload type for an event this module lacks.
type custom struct {
	payload.Common
	Object struct {
		Color string `json:"color"`
	} `json:"object"`
}

func (*custom) EventName() string { return "custom_test.painted" }

func TestRegisterCustomType(t *testing.T) {
	t.Cleanup(event.ResetRegistered)
	assert.False(t, isTyped("custom_test.painted"))
	event.Register[custom]()
	assert.True(t, isTyped("custom_test.painted"))
	info, ok := event.Lookup("custom_test.painted")
	assert.True(t, ok)
	assert.True(t, info.Typed)
	assert.Contains(t, event.CatalogNames(), "custom_test.painted")

	ev, err := event.Parse([]byte(`{"event":"custom_test.painted","payload":{"account_id":"a","object":{"color":"teal"}}}`))
	require.NoError(t, err)
	p, ok := ev.Payload.(*custom)
	require.True(t, ok)
	assert.Equal(t, "teal", p.Object.Color)
	assert.Equal(t, "a", ev.AccountID)
}

func TestCatalog(t *testing.T) {
	cat := event.Catalog()
	require.NotEmpty(t, cat)
	for i := 1; i < len(cat); i++ {
		assert.Less(t, cat[i-1].Name, cat[i].Name, "sorted and unique")
	}
	info, ok := event.Lookup("meeting.started")
	assert.True(t, ok)
	assert.Equal(t, event.Info{Name: "meeting.started", Product: "meetings", Typed: true}, info)
	_, ok = event.Lookup("no.such_event")
	assert.False(t, ok)
	assert.False(t, isTyped("no.such_event"))
}

package event_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
)

func TestParseEventTSOutOfRange(t *testing.T) {
	for _, ts := range []string{
		`1e300`, `-1e300`, `"1e300"`, `1e309`, // beyond float64 too
		`9223372036854775807`, `"9223372036854775808"`, // int64 max, and one past it
		`253402300800000`, // 10000-01-01T00:00:00Z
		`-1`, `-1720707175904`,
	} {
		ev, err := event.Parse([]byte(`{"event":"x.y","event_ts":` + ts + `}`))
		require.NoError(t, err, ts)
		assert.ErrorIs(t, ev.Problem, event.ErrFieldType, "event_ts %s", ts)
		assert.True(t, ev.Time.IsZero(), "event_ts %s gave %v", ts, ev.Time)
	}
}

func TestParseEventTSRangeEdges(t *testing.T) {
	for ts, want := range map[string]time.Time{
		`0`:                      time.Unix(0, 0).UTC(),
		`253402300799999`:        time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC),
		`1.720707175904e12`:      time.UnixMilli(1720707175904).UTC(),
		`"1720707175904.9"`:      time.UnixMilli(1720707175904).UTC(),
		`"9999-12-31T23:59:59Z"`: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	} {
		ev, err := event.Parse([]byte(`{"event":"x.y","event_ts":` + ts + `}`))
		require.NoError(t, err, ts)
		assert.NoError(t, ev.Problem, ts)
		assert.True(t, want.Equal(ev.Time), "event_ts %s gave %v, want %v", ts, ev.Time, want)
	}
}

// A repeated event_ts counts as encoding/json counts any member: the last.
func TestParseEventTSRepeated(t *testing.T) {
	ev, err := event.Parse([]byte(`{"event":"x.y","event_ts":1720707175904,"event_ts":"garbage"}`))
	require.NoError(t, err)
	assert.ErrorIs(t, ev.Problem, event.ErrFieldType)
	assert.True(t, ev.Time.IsZero(), "Time is zero whenever event_ts is the problem")

	ev, err = event.Parse([]byte(`{"event":"x.y","event_ts":"garbage","event_ts":1720707175904}`))
	require.NoError(t, err)
	assert.NoError(t, ev.Problem, "the last event_ts is valid")
	assert.Equal(t, int64(1720707175904), ev.Time.UnixMilli())
}

// The event's name is the "event" member encoding/json sees, the same one
// that the payload and the dedup key are decoded with.
func TestParseNameIsTheOneEncodingJSONSees(t *testing.T) {
	for body, want := range map[string]string{
		`{"event":"meeting.started","event":"endpoint.url_validation"}`: "endpoint.url_validation",
		`{"event":"meeting.started","EVENT":"meeting.ended"}`:           "meeting.ended",
		`{"Event":"meeting.ended","payload":{"object":{"id":"7"}}}`:     "meeting.ended",
		`{"event":"meeting.started"}`:                                   "meeting.started",
		`{"event":"meeting.st\u0061rted"}`:                              "meeting.started",
		`{"event":"meeting.started","event":null}`:                      "meeting.started",
	} {
		ev, err := event.Parse([]byte(body))
		require.NoError(t, err, body)
		var std struct {
			Event string `json:"event"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &std))
		assert.Equal(t, want, std.Event, "the test's expectation is encoding/json's")
		assert.Equal(t, want, ev.Name, body)
	}
	ev, err := event.Parse([]byte(`{"Event":"meeting.ended","payload":{"object":{"id":"7"}}}`))
	require.NoError(t, err)
	p, ok := ev.Payload.(*payload.MeetingEnded)
	require.True(t, ok, "typed by the name encoding/json sees: %T", ev.Payload)
	assert.Equal(t, payload.ID("7"), p.Object.ID)

	for _, body := range []string{`{"event":"meeting.started","event":5}`, `{"event":"meeting.started","event":""}`} {
		_, err := event.Parse([]byte(body))
		assert.ErrorIs(t, err, event.ErrMissingName, body)
	}
}

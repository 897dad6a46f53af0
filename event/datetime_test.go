package event_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zoomevents/zoomevents/payload"
)

func TestDateTimeTime(t *testing.T) {
	for text, want := range map[string]time.Time{
		"2024-07-11T14:12:55Z":      time.Date(2024, 7, 11, 14, 12, 55, 0, time.UTC),
		"2024-07-11T14:12:55.904Z":  time.Date(2024, 7, 11, 14, 12, 55, 904e6, time.UTC),
		"2024-07-11T16:12:55+02:00": time.Date(2024, 7, 11, 14, 12, 55, 0, time.UTC),
	} {
		got, err := payload.DateTime(text).Time()
		require.NoError(t, err, text)
		assert.True(t, want.Equal(got), "%s gave %v", text, got)
	}
}

func TestDateTimeTimeRejectsOtherText(t *testing.T) {
	for _, text := range []string{"", "yesterday", "2024-07-11", "2024-07-11 14:12:55", "1720707175904", strings.Repeat("9", 10_000)} {
		got, err := payload.DateTime(text).Time()
		assert.ErrorIs(t, err, payload.ErrDateTime, "%q", text)
		assert.True(t, got.IsZero())
		if err != nil {
			assert.Less(t, len(err.Error()), 200, "the message quotes a bounded part of the text")
		}
	}
}

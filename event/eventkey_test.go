package event_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
)

const recordingDelivery = `{"event":"recording.completed","event_ts":1720707175904,"download_token":"%TOKEN%",` +
	`"payload":{"account_id":"acct","object":{"uuid":"u1==","id":851,"topic":"Sync",` +
	`"recording_files":[{"id":"f1","file_type":"MP4","download_url":"https://example.zoom.us/rec/download/abc?access_token=%ACCESS%&type=mp4",` +
	`"play_url":"https://example.zoom.us/rec/play/abc"}]}}}`

func recording(token, access string) string {
	return strings.NewReplacer("%TOKEN%", token, "%ACCESS%", access).Replace(recordingDelivery)
}

func joined(user, joinTime string, ts string) string {
	return `{"event":"meeting.participant_joined","event_ts":` + ts + `,"payload":{"account_id":"acct","object":{"id":"851","uuid":"u1==",` +
		`"participant":{"user_id":"` + user + `","user_name":"` + user + `","join_time":"` + joinTime + `"}}}}`
}

func key(t *testing.T, body string) string {
	t.Helper()
	return event.EventKey(mustParse(t, body))
}

func TestEventKeySame(t *testing.T) {
	first := recording("dl-token-AAAA", "acc-1111")
	assert.Equal(t, key(t, first), key(t, first), "the same body twice")
	assert.Equal(t, key(t, first), key(t, recording("dl-token-BBBB", "acc-1111")), "only download_token differs")
	assert.Equal(t, key(t, first), key(t, recording("dl-token-BBBB", "acc-2222")), "download_token and the URL's access_token differ")
	plain := joined("ann", "2024-07-11T14:12:55Z", "1720707175904")
	assert.Equal(t, key(t, plain), key(t, plain))
	assert.Equal(t, event.ContentKey(mustParse(t, plain)), key(t, plain), "a body without tokens is hashed as it is")
}

func TestEventKeyDifferent(t *testing.T) {
	ann := joined("ann", "2024-07-11T14:12:55Z", "1720707175904")
	bob := joined("bob", "2024-07-11T14:12:55Z", "1720707175904")
	annAgain := joined("ann", "2024-07-11T14:20:00Z", "1720707600000")
	assert.NotEqual(t, key(t, ann), key(t, bob), "two participants, same meeting, same event_ts")
	assert.NotEqual(t, key(t, ann), key(t, annAgain), "the same participant joining twice")

	other := strings.Replace(recording("t", "a"), `"id":"f1"`, `"id":"f2"`, 1)
	assert.NotEqual(t, key(t, recording("t", "a")), key(t, other), "a different file is a different event")
	moved := strings.Replace(recording("t", "a"), "rec/download/abc", "rec/download/xyz", 1)
	assert.NotEqual(t, key(t, recording("t", "a")), key(t, moved), "only token parameters of a URL are ignored")
	typed := strings.Replace(recording("t", "a"), "type=mp4", "type=m4a", 1)
	assert.NotEqual(t, key(t, recording("t", "a")), key(t, typed), "other query parameters count")
}

func TestDedupDefaultKeySkipsRedeliveredRecording(t *testing.T) {
	var calls atomic.Int32
	h := event.Dedup(countingHandler(&calls, nil))
	for _, body := range []string{recording("t1", "a1"), recording("t2", "a2"), recording("t3", "a3")} {
		require.NoError(t, h.HandleEvent(context.Background(), mustParse(t, body)))
	}
	assert.EqualValues(t, 1, calls.Load())
}

func TestEventKeyCredentialParameters(t *testing.T) {
	body := func(query string) string {
		return `{"event":"recording.completed","event_ts":1,"payload":{"object":{"id":"5","recording_files":[{"id":"f1","download_url":"https://example.zoom.us/rec/download/abc?` + query + `"}]}}}`
	}
	assert.Equal(t, key(t, body("accessToken=AAA")), key(t, body("accessToken=BBB")), "camelCase, and no lower-case \"token\" elsewhere in the body")
	assert.Equal(t, key(t, body("jwt=AAA&type=mp4")), key(t, body("jwt=BBB&type=mp4")))
	assert.NotEqual(t, key(t, body("page_token=1")), key(t, body("page_token=2")), "a page token is not a credential")
}

func TestMemoryStoreEmptyTokenHoldsNothing(t *testing.T) {
	ctx := context.Background()
	store := event.NewMemoryStore(10)
	tok, ok := claim(t, store, "k", time.Minute)
	require.True(t, ok)
	require.NoError(t, store.Complete(ctx, "k", tok, time.Hour))
	assert.ErrorIs(t, store.Extend(ctx, "k", "", time.Second), event.ErrClaimLost, "would shorten a done key")
	assert.ErrorIs(t, store.Complete(ctx, "free", "", time.Hour), event.ErrClaimLost)
	assert.ErrorIs(t, store.Release(ctx, "k", ""), event.ErrClaimLost)
	_, ok = claim(t, store, "k", time.Minute)
	assert.False(t, ok, "still done")
}

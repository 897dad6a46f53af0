package zjetstream_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	zjetstream "github.com/zoomevents/zoomevents/jetstream"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// Webhook -> publisher -> JetStream -> consumer -> event.Mux -> typed handler.
func TestWebhookThroughJetStreamToTypedHandler(t *testing.T) {
	s := runServer(t)
	_, js := connect(t, s)
	stream := ensure(t, js)
	srv := webhookServer(t, js)

	got := make(chan *payload.MeetingStarted, 1)
	deliveries := make(chan event.Delivery, 1)
	mux := event.NewMux()
	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingStarted) error {
		deliveries <- ev.Delivery
		got <- p
		return nil
	})
	startConsumer(t, js, zjetstream.ConsumerConfig{}, mux)

	body := meetingStarted(1)
	req := http.Header{}
	_ = req
	require.Equal(t, http.StatusOK, post(t, srv.Client(), srv.URL, body))

	want, err := event.Parse(body)
	require.NoError(t, err)
	select {
	case p := <-got:
		assert.Equal(t, want.Payload, p, "the consumer's typed struct equals a direct parse")
	case <-time.After(30 * time.Second):
		t.Fatal("typed handler not called")
	}
	d := <-deliveries
	assert.Equal(t, "jetstream:"+zjetstream.DefaultStream, d.Queue)
	assert.Equal(t, 1, d.Attempt)
	assert.Equal(t, event.TransportWebhook, d.Transport)
	assert.False(t, d.ReceivedAt.IsZero(), "ReceivedAt of the webhook delivery")
	assert.Equal(t, uint64(1), streamMsgs(t, stream))
}

// The published message: exact bytes, subject, id and headers.
func TestPublishedMessage(t *testing.T) {
	s := runServer(t)
	_, js := connect(t, s)
	stream := ensure(t, js)
	pub, err := zjetstream.NewPublisher(js)
	require.NoError(t, err)

	body := []byte(`{"event": "meeting.started" , "payload":{"object":{"id":1}},"event_ts":1}`) // odd spacing kept
	ev, err := event.Parse(body)
	require.NoError(t, err)
	received := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	ev.Delivery = event.Delivery{Transport: event.TransportWebSocket, RequestID: "req-1", ReceivedAt: received,
		TraceParent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
	require.NoError(t, pub.HandleEvent(testCtx(t), ev))

	m, err := stream.GetLastMsgForSubject(testCtx(t), "zoom.events.meeting.started")
	require.NoError(t, err)
	assert.Equal(t, body, m.Data)
	assert.Equal(t, event.EventKey(ev), m.Header.Get(jetstream.MsgIDHeader))
	assert.Equal(t, "websocket", m.Header.Get(zjetstream.HeaderTransport))
	assert.Equal(t, "req-1", m.Header.Get(zjetstream.HeaderRequestID))
	assert.Equal(t, "2024-05-06T07:08:09.123456789Z", m.Header.Get(zjetstream.HeaderReceivedAt))
	assert.Equal(t, ev.Delivery.TraceParent, m.Header.Get("traceparent"))
	assert.Equal(t, "meeting.started", m.Header.Get(zjetstream.HeaderEventName))

	// And the consumer restores the delivery.
	rec := newRecorder()
	startConsumer(t, js, zjetstream.ConsumerConfig{}, rec)
	got := rec.next(t)
	want := ev.Delivery
	want.Queue, want.Attempt = "jetstream:ZOOM_EVENTS", 1
	assert.True(t, got.Delivery.ReceivedAt.Equal(received))
	got.Delivery.ReceivedAt = received
	assert.Equal(t, want, got.Delivery)
	assert.Equal(t, body, got.Raw)
}

// A publisher that retries after a lost acknowledgement (or Zoom retrying
// a webhook) stores one message.
func TestRetriedPublishStoredOnce(t *testing.T) {
	s := runServer(t)
	_, js := connect(t, s)
	stream := ensure(t, js)
	srv := webhookServer(t, js)

	body := meetingStarted(7)
	for range 3 { // the first try and two Zoom retries of one event
		require.Equal(t, http.StatusOK, post(t, srv.Client(), srv.URL, body))
	}
	// A redelivered recording event differs only in its download tokens:
	// still one event.
	rec1 := []byte(`{"event":"recording.completed","event_ts":5,"download_token":"tok-A","payload":{"object":{"uuid":"r1","recording_files":[{"download_url":"https://zoom.us/rec/download/x?access_token=A"}]}}}`)
	rec2 := []byte(`{"event":"recording.completed","event_ts":5,"download_token":"tok-B","payload":{"object":{"uuid":"r1","recording_files":[{"download_url":"https://zoom.us/rec/download/x?access_token=B"}]}}}`)
	require.Equal(t, http.StatusOK, post(t, srv.Client(), srv.URL, rec1))
	require.Equal(t, http.StatusOK, post(t, srv.Client(), srv.URL, rec2))
	assert.Equal(t, uint64(2), streamMsgs(t, stream), "messages stored per Zoom retry must be 1")

	// The same through the Publisher directly, as after a publish timeout.
	pub, err := zjetstream.NewPublisher(js)
	require.NoError(t, err)
	ev, err := event.Parse(meetingStarted(8))
	require.NoError(t, err)
	require.NoError(t, pub.HandleEvent(testCtx(t), ev))
	require.NoError(t, pub.HandleEvent(testCtx(t), ev))
	assert.Equal(t, uint64(3), streamMsgs(t, stream))
}

// No stream for the subject: the publish is not acknowledged, so the
// webhook answers 500 and Zoom retries.
func TestUnstoredEventAnswers500(t *testing.T) {
	s := runServer(t)
	_, js := connect(t, s)
	srv := webhookServer(t, js) // no EnsureStream
	var failures []error
	pub, err := zjetstream.NewPublisher(js, zjetstream.WithPublishTimeout(500*time.Millisecond))
	require.NoError(t, err)
	ev, err := event.Parse(meetingStarted(1))
	require.NoError(t, err)
	err = pub.HandleEvent(testCtx(t), ev)
	failures = append(failures, err)
	assert.ErrorIs(t, err, zjetstream.ErrPublish)
	assert.Equal(t, http.StatusInternalServerError, post(t, srv.Client(), srv.URL, meetingStarted(1)))
	assert.ErrorIs(t, pub.HandleEvent(testCtx(t), &event.Event{Name: "x"}), zjetstream.ErrEmptyEvent)
	assert.True(t, errors.Is(failures[0], zjetstream.ErrPublish))
}

func TestSubject(t *testing.T) {
	for name, want := range map[string]string{
		"meeting.started":                    "zoom.events.meeting.started",
		"phone.callee_call_log_completed":    "zoom.events.phone.callee_call_log_completed",
		"":                                   "zoom.events._",
		"a..b.":                              "zoom.events.a._.b._",
		"bad name.*.>.x\x00y.é.Tab\there-ok": "zoom.events.bad_name._._.x_y.__.Tab_here-ok",
	} {
		assert.Equal(t, want, zjetstream.Subject("zoom.events", name), "%q", name)
	}
	_, js := connect(t, runServer(t))
	for _, bad := range []string{"", "a..b", "a.*", "a.>", "a b", ".a"} {
		_, err := zjetstream.NewPublisher(js, zjetstream.WithSubjectPrefix(bad))
		assert.ErrorIs(t, err, zjetstream.ErrInvalidSubject, "%q", bad)
	}
}

func TestObjectKey(t *testing.T) {
	for body, want := range map[string]string{
		`{"event":"a","payload":{"object":{"id":123,"uuid":"u"}}}`:  "123",
		`{"event":"a","payload":{"object":{"id":"s1","uuid":"u"}}}`: "s1",
		`{"event":"a","payload":{"object":{"uuid":"u=="}}}`:         "u==",
		`{"event":"a","payload":{"object":{"id":""}}}`:              "",
		`{"event":"a","payload":{}}`:                                "",
		`{"event":"a"}`:                                             "",
	} {
		ev, err := event.Parse([]byte(body))
		require.NoError(t, err)
		assert.Equal(t, want, zjetstream.ObjectKey(ev), body)
	}
}

// A webhook's W3C traceparent header travels with the event: it is stored
// as the message's traceparent header and reaches the consumer's handler
// as Delivery.TraceParent. A malformed one is not passed on.
func TestWebhookTraceParentEndToEnd(t *testing.T) {
	s := runServer(t)
	_, js := connect(t, s)
	stream := ensure(t, js)
	srv := webhookServer(t, js)
	rec := newRecorder()
	startConsumer(t, js, zjetstream.ConsumerConfig{}, rec)

	const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	for i, tc := range []struct{ header, want string }{
		{tp, tp},
		{"00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", ""}, // uppercase: malformed
		{"", ""},
	} {
		body := meetingStarted(900 + i)
		req, err := webhooktest.NewClientRequest(secret, srv.URL, body)
		require.NoError(t, err)
		if tc.header != "" {
			req.Header.Set("traceparent", tc.header)
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)

		m, err := stream.GetLastMsgForSubject(testCtx(t), "zoom.events.meeting.started")
		require.NoError(t, err)
		require.Equal(t, body, m.Data)
		assert.Equal(t, tc.want, m.Header.Get(zjetstream.HeaderTraceParent), "stored header, case %d", i)
		_, present := m.Header[zjetstream.HeaderTraceParent]
		assert.Equal(t, tc.want != "", present, "header present only when valid, case %d", i)

		got := rec.next(t)
		assert.Equal(t, body, got.Raw)
		assert.Equal(t, tc.want, got.Delivery.TraceParent, "consumer's Delivery.TraceParent, case %d", i)
		assert.Equal(t, event.TransportWebhook, got.Delivery.Transport)
	}
}

package zjetstream_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/event"
	zjetstream "github.com/zoomevents/zoomevents/jetstream"
)

// consumerInfo returns the durable's state.
func consumerInfo(t testing.TB, js jetstream.JetStream) *jetstream.ConsumerInfo {
	t.Helper()
	c, err := js.Consumer(testCtx(t), zjetstream.DefaultStream, zjetstream.DefaultDurable)
	require.NoError(t, err)
	info, err := c.Info(testCtx(t))
	require.NoError(t, err)
	return info
}

// A consumer killed while its handler runs (its connection gone, no ack,
// no nak) does not lose the event: another instance gets it after AckWait.
func TestKilledConsumerEventIsRedelivered(t *testing.T) {
	t.Parallel()
	s := runServer(t)
	_, js := connect(t, s)
	ensure(t, js)
	cfg := zjetstream.ConsumerConfig{AckWait: time.Second, Backoff: []time.Duration{50 * time.Millisecond}}

	// Instance 1, on its own connection.
	nc1, js1 := connect(t, s)
	started := make(chan struct{})
	first := startConsumer(t, js1, cfg, event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
		close(started)
		<-ctx.Done() // blocks until the "process" dies
		return ctx.Err()
	}))
	pub, err := zjetstream.NewPublisher(js)
	require.NoError(t, err)
	ev, err := event.Parse(meetingStarted(1))
	require.NoError(t, err)
	require.NoError(t, pub.HandleEvent(testCtx(t), ev))
	<-started
	nc1.Close()       // the kill: nothing more reaches the server from instance 1
	_ = first.stop(t) // nil or the closed connection, whichever Run saw first

	// Instance 2 receives the event again.
	rec := newRecorder()
	startConsumer(t, js, cfg, rec)
	got := rec.next(t)
	assert.Equal(t, ev.Raw, got.Raw)
	assert.Equal(t, 2, got.Delivery.Attempt, "the second delivery")
}

// Stopping a consumer (its context ends) while a handler runs gives the
// event back at once (nak), and Run returns after the handler.
func TestStoppedConsumerGivesEventBack(t *testing.T) {
	s := runServer(t)
	_, js := connect(t, s)
	ensure(t, js)
	// AckWait far longer than the test: only the nak can bring it back.
	cfg := zjetstream.ConsumerConfig{AckWait: time.Hour}
	started := make(chan struct{})
	var handlerEnded atomic.Bool
	first := startConsumer(t, js, cfg, event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
		close(started)
		<-ctx.Done()
		time.Sleep(50 * time.Millisecond)
		handlerEnded.Store(true)
		return ctx.Err()
	}))
	pub, err := zjetstream.NewPublisher(js)
	require.NoError(t, err)
	ev, err := event.Parse(meetingStarted(1))
	require.NoError(t, err)
	require.NoError(t, pub.HandleEvent(testCtx(t), ev))
	<-started
	require.NoError(t, first.stop(t))
	assert.True(t, handlerEnded.Load(), "Run returned before its handler ended")

	rec := newRecorder()
	startConsumer(t, js, cfg, rec)
	assert.Equal(t, 2, rec.next(t).Delivery.Attempt)
}

// handlerTime is how long the slow handler runs: 10 s, as Zoom's 3 s
// budget case in the issue asks, with AckWait 2 s.
const handlerTime = 10 * time.Second

// Zoom's 3 seconds: a handler that takes 10 s behind the queue; the
// webhook answers before the handler ends, and the work is done once
// though AckWait (2 s) is far shorter than the handler.
func TestSlowHandlerWebhookAnswersFirstWorkDoneOnce(t *testing.T) {
	t.Parallel()
	s := runServer(t)
	_, js := connect(t, s)
	stream := ensure(t, js)
	srv := webhookServer(t, js)

	var mu sync.Mutex
	var order []string
	note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	var runs atomic.Int32
	finished := make(chan struct{})
	startConsumer(t, js, zjetstream.ConsumerConfig{AckWait: 2 * time.Second}, event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
		if runs.Add(1) > 1 {
			return nil
		}
		note("handler started")
		select {
		case <-time.After(handlerTime):
		case <-ctx.Done():
			return ctx.Err()
		}
		note("handler finished")
		close(finished)
		return nil
	}))

	status := post(t, srv.Client(), srv.URL, meetingStarted(3))
	note("webhook answered")
	require.Equal(t, http.StatusOK, status)
	select {
	case <-finished:
	case <-time.After(60 * time.Second):
		t.Fatal("handler did not finish")
	}
	mu.Lock()
	answered, done := indexOf(order, "webhook answered"), indexOf(order, "handler finished")
	mu.Unlock()
	assert.Less(t, answered, done, "the webhook answered before the handler finished: %v", order)

	// Acknowledged once, never redelivered although AckWait passed five
	// times during the handler.
	require.Eventually(t, func() bool { return consumerInfo(t, js).NumAckPending == 0 }, 30*time.Second, 20*time.Millisecond)
	info := consumerInfo(t, js)
	assert.Equal(t, 0, info.NumRedelivered, "redelivered while the handler ran")
	assert.Equal(t, int32(1), runs.Load(), "handler runs")
	assert.Equal(t, uint64(1), info.AckFloor.Stream)
	assert.Equal(t, uint64(1), streamMsgs(t, stream))
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// A handler that keeps failing: MaxDeliver deliveries, then the dead-letter
// subject with the reason, the attempts and the last error; the original
// is terminated.
func TestDeadLetterAfterMaxDeliver(t *testing.T) {
	t.Parallel()
	s := runServer(t)
	_, js := connect(t, s)
	ensure(t, js)
	var calls atomic.Int32
	var hooked atomic.Int32
	attempts := make(chan int, 10)
	startConsumer(t, js, zjetstream.ConsumerConfig{
		MaxDeliver: 3, Backoff: []time.Duration{20 * time.Millisecond},
		ErrorHook: func(*event.Event, error) { hooked.Add(1) },
	}, event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
		calls.Add(1)
		attempts <- ev.Delivery.Attempt
		return errors.New("crm down")
	}))
	pub, err := zjetstream.NewPublisher(js)
	require.NoError(t, err)
	ev, err := event.Parse(meetingStarted(1))
	require.NoError(t, err)
	require.NoError(t, pub.HandleEvent(testCtx(t), ev))

	dl := deadLetters(t, js, 1)
	require.Len(t, dl, 1)
	h := dl[0].Headers()
	assert.Equal(t, zjetstream.ReasonHandlerFailed, h.Get(zjetstream.HeaderDeadReason))
	assert.Equal(t, "3", h.Get(zjetstream.HeaderDeadAttempts))
	assert.Equal(t, "crm down", h.Get(zjetstream.HeaderDeadError))
	assert.Equal(t, "1", h.Get(zjetstream.HeaderDeadSequence))
	assert.Equal(t, "zoom.events.meeting.started", h.Get(zjetstream.HeaderDeadSubject))
	assert.Equal(t, "meeting.started", h.Get(zjetstream.HeaderEventName))
	assert.Equal(t, ev.Raw, dl[0].Data())
	assert.Equal(t, []int{1, 2, 3}, []int{<-attempts, <-attempts, <-attempts})
	require.Eventually(t, func() bool { return consumerInfo(t, js).NumAckPending == 0 }, 30*time.Second, 20*time.Millisecond)
	assert.Equal(t, int32(3), calls.Load())
	assert.Equal(t, int32(3), hooked.Load())
}

// A panic is recovered, counted as a failure, naked, and retried.
func TestPanicIsNakedAndRetried(t *testing.T) {
	t.Parallel()
	s := runServer(t)
	_, js := connect(t, s)
	ensure(t, js)
	var errs []error
	var mu sync.Mutex
	done := make(chan int, 1)
	var calls atomic.Int32
	startConsumer(t, js, zjetstream.ConsumerConfig{
		Backoff:   []time.Duration{20 * time.Millisecond},
		ErrorHook: func(_ *event.Event, err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() },
	}, event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		done <- ev.Delivery.Attempt
		return nil
	}))
	pub, err := zjetstream.NewPublisher(js)
	require.NoError(t, err)
	ev, err := event.Parse(meetingStarted(1))
	require.NoError(t, err)
	require.NoError(t, pub.HandleEvent(testCtx(t), ev))
	select {
	case a := <-done:
		assert.Equal(t, 2, a)
	case <-time.After(30 * time.Second):
		t.Fatal("not retried after the panic")
	}
	mu.Lock()
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], zjetstream.ErrHandlerPanic)
	mu.Unlock()
	require.Eventually(t, func() bool { return consumerInfo(t, js).NumAckPending == 0 }, 30*time.Second, 20*time.Millisecond)
}

// Bodies that are not events go to the dead-letter subject at once; the
// handler never sees them; good events around them are handled.
func TestPoisonBodiesAreDeadLettered(t *testing.T) {
	t.Parallel()
	s := runServer(t)
	_, js := connect(t, s)
	ensure(t, js)
	rec := newRecorder()
	startConsumer(t, js, zjetstream.ConsumerConfig{Workers: 2}, rec)
	ctx := testCtx(t)
	for _, body := range []string{"not json", `{"no":"name"}`, ``, `[1,2]`} {
		_, err := js.Publish(ctx, "zoom.events.meeting.started", []byte(body))
		require.NoError(t, err)
	}
	_, err := js.Publish(ctx, "zoom.events.meeting.started", meetingStarted(1))
	require.NoError(t, err)
	assert.Equal(t, meetingStarted(1), rec.next(t).Raw)

	dl := deadLetters(t, js, 4)
	for _, m := range dl {
		assert.Equal(t, zjetstream.ReasonUnparsable, m.Headers().Get(zjetstream.HeaderDeadReason))
		assert.Equal(t, "1", m.Headers().Get(zjetstream.HeaderDeadAttempts))
		assert.NotEmpty(t, m.Headers().Get(zjetstream.HeaderDeadError))
	}
	require.Eventually(t, func() bool { return consumerInfo(t, js).NumAckPending == 0 }, 30*time.Second, 20*time.Millisecond)
	assert.Equal(t, 1, rec.count())
}

// With OrderKey, events of one object are handled one after another in
// stream order, though several workers run.
func TestPerObjectOrder(t *testing.T) {
	t.Parallel()
	s := runServer(t)
	_, js := connect(t, s)
	ensure(t, js)
	const objects, perObject = 5, 40 // 5 objects over 4 workers: round-robin would split each object
	var mu sync.Mutex
	seen := map[string][]int{}
	busy := map[string]bool{}
	var overlap atomic.Bool
	var total atomic.Int32
	all := make(chan struct{})
	startConsumer(t, js, zjetstream.ConsumerConfig{Workers: 4, OrderKey: zjetstream.ObjectKey},
		event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
			key := zjetstream.ObjectKey(ev)
			mu.Lock()
			if busy[key] {
				overlap.Store(true)
			}
			busy[key] = true
			mu.Unlock()
			time.Sleep(time.Duration(ev.Time.UnixMilli()%3) * time.Millisecond) // uneven, so workers interleave
			mu.Lock()
			busy[key] = false
			seen[key] = append(seen[key], int(ev.Time.UnixMilli()-1700000000000))
			mu.Unlock()
			if total.Add(1) == objects*perObject {
				close(all)
			}
			return nil
		}))
	ctx := testCtx(t)
	for i := range objects * perObject {
		body := []byte(`{"event":"meeting.updated","event_ts":` + strconv.Itoa(1700000000000+i) +
			`,"payload":{"object":{"id":"obj-` + strconv.Itoa(i%objects) + `"}}}`)
		_, err := js.Publish(ctx, "zoom.events.meeting.updated", body)
		require.NoError(t, err)
	}
	select {
	case <-all:
	case <-time.After(60 * time.Second):
		t.Fatal("not every event handled")
	}
	assert.False(t, overlap.Load(), "two events of one object ran at once")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, objects)
	for key, got := range seen {
		for j := 1; j < len(got); j++ {
			assert.Less(t, got[j-1], got[j], "object %s out of order: %v", key, got)
		}
	}
}

// An event delivered more than MaxDeliver times without an answer (its
// workers crashed) is dead-lettered without running the handler again.
func TestDeliveriesBeyondMaxDeliverAreDeadLettered(t *testing.T) {
	t.Parallel()
	s := runServer(t)
	_, js := connect(t, s)
	ensure(t, js)
	cfg := zjetstream.ConsumerConfig{AckWait: time.Second, MaxDeliver: 1}
	nc1, js1 := connect(t, s)
	started := make(chan struct{})
	first := startConsumer(t, js1, cfg, event.HandlerFunc(func(ctx context.Context, ev *event.Event) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}))
	_, err := js.Publish(testCtx(t), "zoom.events.meeting.started", meetingStarted(1))
	require.NoError(t, err)
	<-started
	nc1.Close() // crash on the only allowed delivery
	_ = first.stop(t)

	rec := newRecorder()
	startConsumer(t, js, cfg, rec)
	dl := deadLetters(t, js, 1)
	assert.Equal(t, zjetstream.ReasonMaxDeliveries, dl[0].Headers().Get(zjetstream.HeaderDeadReason))
	assert.Equal(t, "2", dl[0].Headers().Get(zjetstream.HeaderDeadAttempts))
	require.Eventually(t, func() bool { return consumerInfo(t, js).NumAckPending == 0 }, 30*time.Second, 20*time.Millisecond)
	assert.Equal(t, 0, rec.count(), "the handler does not run beyond MaxDeliver")
}

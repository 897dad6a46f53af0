package zjetstream_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/zoomevents/zoomevents/event"
	zjetstream "github.com/zoomevents/zoomevents/jetstream"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

const secret = "test-secret-token"

func meetingStarted(i int) []byte {
	return []byte(fmt.Sprintf(`{"event":"meeting.started","event_ts":%d,"payload":{"account_id":"acc-1","object":{"id":"%d","uuid":"uuid-%d==","host_id":"host-1","host_email":"h@example.com","topic":"topic %d","type":2,"start_time":"2024-01-01T10:00:00Z","timezone":"UTC","duration":30}}}`,
		1700000000000+int64(i), 80000+i, i, i))
}

// ensure creates the streams with test defaults.
func ensure(t testing.TB, js jetstream.JetStream) jetstream.Stream {
	t.Helper()
	s, err := zjetstream.EnsureStream(testCtx(t), js, zjetstream.StreamConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// webhookServer serves webhook.NewEndpoint(secret, publisher) on loopback.
func webhookServer(t testing.TB, js jetstream.JetStream) *httptest.Server {
	t.Helper()
	pub, err := zjetstream.NewPublisher(js)
	if err != nil {
		t.Fatal(err)
	}
	h, err := webhook.NewEndpoint(secret, pub)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// post sends one signed webhook and returns the status.
func post(t testing.TB, client *http.Client, url string, body []byte) int {
	t.Helper()
	req, err := webhooktest.NewClientRequest(secret, url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// running is a Consumer.Run in a goroutine.
type running struct {
	cancel context.CancelFunc
	done   chan error
}

func startConsumer(t testing.TB, js jetstream.JetStream, cfg zjetstream.ConsumerConfig, h event.Handler) *running {
	t.Helper()
	c, err := zjetstream.NewConsumer(testCtx(t), js, cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- c.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels Run and waits for it; it returns Run's error.
func (r *running) stop(t testing.TB) error {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok {
			close(r.done)
		}
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Consumer.Run did not return after its context ended")
		return nil
	}
}

// recorder is a handler that records every call.
type recorder struct {
	mu     sync.Mutex
	events []*event.Event
	ch     chan *event.Event
}

func newRecorder() *recorder { return &recorder{ch: make(chan *event.Event, 10000)} }

func (r *recorder) HandleEvent(_ context.Context, ev *event.Event) error {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	r.ch <- ev
	return nil
}

func (r *recorder) next(t testing.TB) *event.Event {
	t.Helper()
	select {
	case ev := <-r.ch:
		return ev
	case <-time.After(30 * time.Second):
		t.Fatal("no event within 30 s")
		return nil
	}
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// streamMsgs returns the stream's message count.
func streamMsgs(t testing.TB, s jetstream.Stream) uint64 {
	t.Helper()
	info, err := s.Info(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// deadLetters reads every message of the dead-letter stream.
func deadLetters(t testing.TB, js jetstream.JetStream, want int) []jetstream.Msg {
	t.Helper()
	ctx := testCtx(t)
	c, err := js.OrderedConsumer(ctx, zjetstream.DefaultStream+"_DEADLETTER", jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var out []jetstream.Msg
	for len(out) < want {
		batch, err := c.Fetch(want-len(out), jetstream.FetchMaxWait(30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			out = append(out, m)
		}
		if batch.Error() != nil {
			t.Fatal(batch.Error())
		}
	}
	return out
}

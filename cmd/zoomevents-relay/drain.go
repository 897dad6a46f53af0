package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/zoomevents/zoomevents/event"
	zjetstream "github.com/zoomevents/zoomevents/jetstream"
	"github.com/zoomevents/zoomevents/wsclient"
)

// drainQuiet is how long the handler must stay idle, once the socket is
// closed, before the queue is taken to be empty.
const drainQuiet = 100 * time.Millisecond

// relayWebSocket runs the WebSocket client until ctx ends, then stops in
// two steps so that events already received are not lost: it first closes
// the socket (giving the lease up, so another relay takes over at once),
// then lets the events the client had queued be published, and only then
// stops the client. The second step lasts until the handler has been idle
// for drainQuiet, or -shutdown-timeout.
func relayWebSocket(ctx context.Context, o *options, logger *slog.Logger, cfg wsclient.Config, pub *zjetstream.Publisher) error {
	runCtx, stopRun := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRun()
	g := &gate{inner: cfg.Lease, stopping: ctx, closed: make(chan struct{})}
	cfg.Lease = g
	h := &tracked{next: retrying(pub, logger)}
	errc := make(chan error, 1)
	go func() { errc <- wsclient.Subscribe(runCtx, cfg, h) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	deadline := time.NewTimer(o.shutdownTimeout)
	defer deadline.Stop()
	select {
	case <-g.closed:
		logger.Info("stopping: socket closed; publishing the events already received")
		h.waitIdle(deadline.C)
	case <-deadline.C:
	case err := <-errc:
		return err
	}
	stopRun()
	return <-errc
}

// gate is the lease the client sees: the configured one (or, without
// one, a lease always granted) whose held context also ends when the relay
// starts stopping. Once stopping, Acquire reports that the client has
// closed its socket (closed) and waits for the client to stop.
type gate struct {
	inner    wsclient.Lease
	stopping context.Context
	once     sync.Once
	closed   chan struct{}
}

// Acquire implements wsclient.Lease.
func (g *gate) Acquire(ctx context.Context) (context.Context, func(), error) {
	if g.stopping.Err() == nil {
		actx, cancel := context.WithCancel(ctx)
		stop := context.AfterFunc(g.stopping, cancel)
		if g.inner == nil {
			return actx, func() { stop(); cancel() }, nil
		}
		held, release, err := g.inner.Acquire(actx)
		if err == nil {
			return held, func() { release(); stop(); cancel() }, nil
		}
		stop()
		cancel()
		if g.stopping.Err() == nil || ctx.Err() != nil {
			return nil, nil, err
		}
	}
	// Stopping: the client asks for the lease only once its socket is
	// closed and its readers have ended.
	g.once.Do(func() { close(g.closed) })
	<-ctx.Done()
	return nil, nil, ctx.Err()
}

// tracked runs next and records when it was last busy.
type tracked struct {
	next event.Handler
	mu   sync.Mutex
	busy bool
	last time.Time
}

// HandleEvent implements event.Handler.
func (t *tracked) HandleEvent(ctx context.Context, ev *event.Event) error {
	t.mu.Lock()
	t.busy = true
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.busy, t.last = false, time.Now()
		t.mu.Unlock()
	}()
	return t.next.HandleEvent(ctx, ev)
}

// waitIdle returns once the handler has been idle for drainQuiet, or when
// deadline fires.
func (t *tracked) waitIdle(deadline <-chan time.Time) {
	tick := time.NewTicker(drainQuiet / 4)
	defer tick.Stop()
	for {
		t.mu.Lock()
		idle := !t.busy && time.Since(t.last) >= drainQuiet
		t.mu.Unlock()
		if idle {
			return
		}
		select {
		case <-deadline:
			return
		case <-tick.C:
		}
	}
}

package wsclient

import (
	"context"
	"fmt"

	"github.com/cenkalti/backoff/v4"
)

// Lease grants one replica among several the right to hold the
// subscription's socket, so that replicas sharing a subscription never have
// two sockets open at once (Zoom allows one per subscription; each takeover
// loses the events emitted meanwhile).
//
// Acquire blocks until this process holds the lease, or until ctx ends
// (then it returns an error, ctx's own or one wrapping it). Any other
// error is treated as transient: the client logs it and calls Acquire again
// after a backoff.
//
// The held context must be cancelled when the lease is lost (it could not
// be renewed) early enough that the client closes its socket before another
// replica can acquire the lease: at least Config.CloseTimeout plus one
// second (the longest a heartbeat write can hold the session) before the
// lease could pass to another replica. It must also end when ctx ends.
// release gives the lease up at once (so another replica takes over without
// waiting for it to expire), stops renewing, waits for every goroutine
// Acquire started, and is safe to call more than once.
type Lease interface {
	Acquire(ctx context.Context) (held context.Context, release func(), err error)
}

// leaseHolder keeps a Lease across a client's connection attempts.
type leaseHolder struct {
	c       *Client
	held    context.Context
	release func()
	lostErr error // why the lease was last lost, for the next standby
}

// hold returns the context the next attempt runs under: ctx without a
// lease, else the held context of a lease acquired now or before.
func (h *leaseHolder) hold(ctx context.Context, b backoff.BackOff) (context.Context, error) {
	l := h.c.cfg.Lease
	if l == nil {
		return ctx, nil
	}
	if h.held != nil && h.held.Err() == nil {
		return h.held, nil
	}
	h.drop()
	for {
		h.c.setState(StateChange{To: StateStandby, Err: h.lostErr})
		h.lostErr = nil
		held, release, err := l.Acquire(ctx)
		if ctx.Err() != nil {
			if release != nil {
				release()
			}
			return nil, ctx.Err()
		}
		if err == nil {
			h.held, h.release = held, release
			h.c.leaseAcquisitions.Add(1)
			h.c.log.Info("wsclient: lease acquired")
			return held, nil
		}
		wait := b.NextBackOff()
		h.c.log.Warn("wsclient: lease unavailable", "err", redactErr(nil, "wsclient: lease", err, h.c.secrets()...), "retry_in", wait)
		if err := h.c.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// lost reports whether the lease ended while ctx is still live, and counts
// and logs the loss once.
func (h *leaseHolder) lost(ctx context.Context) bool {
	if h.held == nil || h.held.Err() == nil || ctx.Err() != nil {
		return false
	}
	h.c.leaseLosses.Add(1)
	h.lostErr = fmt.Errorf("%w: %w", ErrLeaseLost, context.Cause(h.held))
	h.c.log.Warn("wsclient: lease lost; socket closed", "cause", context.Cause(h.held))
	h.drop()
	return true
}

// drop releases the lease, if held.
func (h *leaseHolder) drop() {
	if h.release != nil {
		h.release()
	}
	h.held, h.release = nil, nil
}

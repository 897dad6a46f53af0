package wsclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/zoomevents/zoomevents/event"
)

// State is where a [Client] is in its life.
type State int32

const (
	// StateIdle: Run has not been called or has returned.
	StateIdle State = iota
	// StateConnecting: fetching a token and dialing.
	StateConnecting
	// StateConnected: a socket is open and being read.
	StateConnected
	// StateWaiting: a connection or an attempt ended; waiting (backoff)
	// before the next attempt, possibly for no time at all.
	StateWaiting
	// StateStopping: closing the socket and waiting for goroutines.
	StateStopping
	// StateStandby: waiting to acquire Config.Lease, which another replica
	// holds.
	StateStandby
)

// String returns the state's name, such as "connected".
func (s State) String() string {
	switch s {
	case StateIdle:
		return "idle"
	case StateConnecting:
		return "connecting"
	case StateConnected:
		return "connected"
	case StateWaiting:
		return "waiting"
	case StateStopping:
		return "stopping"
	case StateStandby:
		return "standby"
	}
	return fmt.Sprintf("State(%d)", int32(s))
}

// Stats is a snapshot of a client's counters, cumulative over its life.
type Stats struct {
	// State is the current state.
	State State
	// Connects counts sockets opened; Reconnects counts those after the
	// first.
	Connects   uint64
	Reconnects uint64
	// Events counts events handed to the handler (whatever it returned).
	Events uint64
	// Dropped counts decoded events never handed to the handler: the queue
	// was full (DropNewest) or Run was stopping.
	Dropped uint64
	// DecodeErrors counts frames that were not valid JSON, binary frames,
	// and message frames whose content was not an event.
	DecodeErrors uint64
	// HandlerErrors and HandlerPanics count handler calls that returned an
	// error or panicked.
	HandlerErrors uint64
	HandlerPanics uint64
	// TokenRejections counts tokens the WebSocket server refused (each one
	// invalidated): see ErrTokenRejected for what counts as a refusal.
	TokenRejections uint64
	// Heartbeats counts heartbeat replies received.
	Heartbeats uint64
	// Queued is how many decoded events wait for the handler now (at most
	// Config.QueueSize); zero when Run is not running.
	Queued int
	// LeaseAcquisitions counts times Config.Lease was acquired, and
	// LeaseLosses times it was lost while held (the socket was then closed).
	LeaseAcquisitions uint64
	LeaseLosses       uint64
	// LastEvent is when the last event was received, zero if none.
	LastEvent time.Time
}

// Client keeps one WebSocket connection to Zoom open and delivers its
// events to a handler. Create it with [New] and start it with [Client.Run].
// Stats and State may be called from any goroutine.
type Client struct {
	cfg      Config
	handler  event.Handler
	tokens   TokenSource
	endpoint *url.URL
	log      *slog.Logger
	// ownTransport is closed when Run returns, when the client made it.
	ownTransport *http.Transport
	// wsHTTP is cfg.HTTPClient with redirects refused, for the handshake.
	wsHTTP *http.Client
	// sleep waits between attempts; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error

	running atomic.Bool
	state   atomic.Int32

	connects, reconnects, events, dropped, decodeErrors  atomic.Uint64
	handlerErrors, handlerPanics, rejections, heartbeats atomic.Uint64
	leaseAcquisitions, leaseLosses                       atomic.Uint64
	queue                                                atomic.Pointer[chan *event.Event] // while Run runs
	lastEvent                                            atomic.Int64
}

// Subscribe connects with cfg and delivers events to h until ctx is done or
// a permanent error occurs. It is New followed by Run; see [Client.Run] for
// what it returns.
func Subscribe(ctx context.Context, cfg Config, h event.Handler) error {
	c, err := New(cfg, h)
	if err != nil {
		return err
	}
	return c.Run(ctx)
}

// New checks cfg, applies defaults and returns a client that is not yet
// connected. Errors wrap [ErrConfig].
func New(cfg Config, h event.Handler) (*Client, error) {
	if h == nil {
		return nil, fmt.Errorf("%w: nil handler", ErrConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	endpoint, err := cfg.endpointURL()
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, handler: h, endpoint: endpoint, log: cfg.Logger, sleep: sleep}
	if cfg.HTTPClient == nil {
		c.ownTransport = http.DefaultTransport.(*http.Transport).Clone()
		c.cfg.HTTPClient = &http.Client{Transport: c.ownTransport}
	}
	c.wsHTTP = noRedirects(c.cfg.HTTPClient)
	c.tokens = cfg.TokenSource
	if c.tokens == nil {
		c.tokens, err = NewS2STokenSource(OAuthConfig{
			AccountID:     cfg.AccountID,
			ClientID:      cfg.ClientID,
			ClientSecret:  cfg.ClientSecret,
			GrantType:     cfg.GrantType,
			TokenURL:      cfg.TokenURL,
			HTTPClient:    c.cfg.HTTPClient,
			AllowInsecure: cfg.AllowInsecure,
		})
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

// queued is the current length of the queue between reader and handler.
func (c *Client) queued() int {
	if q := c.queue.Load(); q != nil {
		return len(*q)
	}
	return 0
}

// State returns the current state.
func (c *Client) State() State { return State(c.state.Load()) }

// Stats returns a snapshot of the counters.
func (c *Client) Stats() Stats {
	s := Stats{
		State:             c.State(),
		Connects:          c.connects.Load(),
		Reconnects:        c.reconnects.Load(),
		Events:            c.events.Load(),
		Dropped:           c.dropped.Load(),
		DecodeErrors:      c.decodeErrors.Load(),
		HandlerErrors:     c.handlerErrors.Load(),
		HandlerPanics:     c.handlerPanics.Load(),
		TokenRejections:   c.rejections.Load(),
		LeaseAcquisitions: c.leaseAcquisitions.Load(),
		LeaseLosses:       c.leaseLosses.Load(),
		Heartbeats:        c.heartbeats.Load(),
		Queued:            c.queued(),
	}
	if ns := c.lastEvent.Load(); ns != 0 {
		s.LastEvent = time.Unix(0, ns)
	}
	return s
}

// setState moves to ch.To and reports the change, with its cause, to
// Config.OnStateChange. A change to StateWaiting is reported even from
// StateWaiting, since each one has its own cause.
func (c *Client) setState(ch StateChange) {
	ch.From = State(c.state.Swap(int32(ch.To)))
	if (ch.From != ch.To || ch.To == StateWaiting) && c.cfg.OnStateChange != nil {
		c.cfg.OnStateChange(ch)
	}
}

// StateChange describes one change of a [Client]'s state, for
// Config.OnStateChange.
type StateChange struct {
	From, To State
	// Err is why the client is in the new state, when that is a failure:
	// what ended the connection or failed the attempt (StateWaiting; see
	// the sentinels ErrTokenRefused, ErrThrottled, ErrServerFailure,
	// ErrLivenessTimeout, ErrHeartbeatFailed), a lost lease (StateStandby,
	// wrapping ErrLeaseLost), or what Run is about to return
	// (StateStopping). It is nil otherwise, also for a wait that follows a
	// clean close.
	Err error
	// Attempt counts connection attempts since the last healthy connection:
	// 1 for the first (StateConnecting, StateConnected), and the attempt
	// that just ended for StateWaiting. It rises while Zoom cannot be
	// reached, so it is the number to alert on.
	Attempt int
	// Wait is how long the client waits before its next dial (StateWaiting;
	// zero when it redials at once).
	Wait time.Duration
}

// Run connects and delivers events to the handler until ctx is done or a
// permanent error occurs, reconnecting after every other failure.
//
// Events are delivered one at a time, in the order received, on one
// goroutine, with ctx as their context. Events that Zoom emits while no
// connection is open are lost: Zoom does not queue them.
//
// Run returns ctx.Err() after ctx is done; an error wrapping
// [ErrBadCredentials] when the token endpoint refuses the credentials; one
// wrapping [ErrTokenRejected] when the WebSocket server keeps refusing fresh
// tokens; one wrapping [ErrGateClosed] when Config.BeforeDial fails; and
// [ErrAlreadyRunning] when called while already running. It returns only
// after the socket is closed (with a normal-closure frame when stopping on
// ctx, bounded by Config.CloseTimeout) and every goroutine it started has
// exited, including a handler call in progress (which sees ctx done).
// Events still queued when it stops are counted as dropped.
func (c *Client) Run(ctx context.Context) error {
	if !c.running.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	defer c.running.Store(false)
	if c.ownTransport != nil {
		defer c.ownTransport.CloseIdleConnections()
	}
	defer c.setState(StateChange{To: StateIdle})

	queue := make(chan *event.Event, c.cfg.QueueSize)
	c.queue.Store(&queue)
	defer c.queue.Store(nil)
	delivered := make(chan struct{})
	go c.deliver(ctx, queue, delivered)

	err := c.supervise(ctx, queue)

	stopErr := err
	if ctx.Err() != nil {
		stopErr = nil // stopped as asked
	}
	c.setState(StateChange{To: StateStopping, Err: stopErr})
	close(queue) // every sender (a reader goroutine) has exited
	<-delivered
	if err != nil && ctx.Err() == nil {
		c.log.Error("wsclient: stopped", "err", err)
	}
	return err
}

// deliver runs the handler for each queued event, in order.
func (c *Client) deliver(ctx context.Context, queue <-chan *event.Event, done chan<- struct{}) {
	defer close(done)
	for ev := range queue {
		if ctx.Err() != nil {
			c.dropped.Add(1)
			continue
		}
		c.handle(ctx, ev)
	}
}

func (c *Client) handle(ctx context.Context, ev *event.Event) {
	defer func() {
		if p := recover(); p != nil {
			c.handlerPanics.Add(1)
			c.log.Error("wsclient: handler panicked", "event", ev.Name, "panic", fmt.Sprint(p))
		}
	}()
	c.events.Add(1)
	if err := c.handler.HandleEvent(ctx, ev); err != nil {
		c.handlerErrors.Add(1)
		c.log.Warn("wsclient: handler failed", "event", ev.Name, "err", err)
	}
}

// attemptKind is what one connection attempt came to.
type attemptKind int

const (
	attemptStopped        attemptKind = iota // ctx is done
	attemptLeaseLost                         // the lease ended: wait for it again
	attemptLost                              // a connection that was up ended
	attemptTokenRefused                      // the WebSocket server refused the token
	attemptBadCredentials                    // the token endpoint refused the credentials
	attemptFailed                            // the dial failed for another reason
)

// attempt is what one connection attempt saw, classified.
type attempt struct {
	kind       attemptKind
	err        error
	token      string        // the token used, to invalidate when refused
	retryAfter time.Duration // the server's hint, on a failed dial
	healthy    bool          // the connection completed heartbeat round trips
	accepted   bool          // the server accepted the token
}

// connect dials under held, runs the session until it ends, and says
// what happened; it decides nothing.
func (c *Client) connect(ctx, held context.Context, lease *leaseHolder, queue chan<- *event.Event, n int) attempt {
	c.setState(StateChange{To: StateConnecting, Attempt: n})
	s, tok, retryAfter, err := c.dial(held)
	a := attempt{err: err, token: tok, retryAfter: retryAfter}
	if err == nil {
		c.setState(StateChange{To: StateConnected, Attempt: n})
		if c.connects.Add(1) > 1 {
			c.reconnects.Add(1)
		}
		c.log.Info("wsclient: connected")
		res := s.run(held, queue)
		a.err, a.healthy, a.accepted = res.err, res.healthy, res.accepted
		switch {
		case ctx.Err() != nil:
			a.kind = attemptStopped
		case lease.lost(ctx):
			a.kind = attemptLeaseLost
		case res.tokenRejected:
			a.kind = attemptTokenRefused
		default:
			a.kind = attemptLost
		}
		return a
	}
	switch {
	case ctx.Err() != nil:
		a.kind = attemptStopped
	case lease.lost(ctx):
		a.kind = attemptLeaseLost
	case errors.Is(err, ErrTokenRefused):
		a.kind = attemptTokenRefused
	case errors.Is(err, ErrBadCredentials):
		a.kind = attemptBadCredentials
	default:
		a.kind = attemptFailed
		var oe *OAuthError
		if errors.As(err, &oe) {
			a.retryAfter = oe.RetryAfter
		}
	}
	return a
}

// supervise owns the connection loop: at most one session at a time, each
// fully closed (reader exited) before the next dial. connect classifies
// each attempt; supervise decides what follows.
func (c *Client) supervise(ctx context.Context, queue chan<- *event.Event) error {
	b := newBackoff(&c.cfg)
	rejected := 0 // tokens refused in a row
	n := 0        // attempts since the last healthy connection
	lease := &leaseHolder{c: c}
	defer lease.drop()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Everything below runs under held: when the lease is lost, the
		// dial, the session or the wait in progress ends at once.
		held, err := lease.hold(ctx, b)
		if err != nil {
			return err
		}
		if c.cfg.BeforeDial != nil {
			if err := c.cfg.BeforeDial(held); err != nil {
				if lease.lost(ctx) {
					continue
				}
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("%w: %w", ErrGateClosed, err)
			}
		}
		n++
		a := c.connect(ctx, held, lease, queue, n)
		if a.healthy {
			b.Reset()
			n = 0
		}
		if a.accepted {
			rejected = 0
		}
		var wait time.Duration
		switch a.kind {
		case attemptStopped:
			return ctx.Err()
		case attemptLeaseLost:
			continue // the socket is closed; wait for the lease again
		case attemptBadCredentials:
			return a.err
		case attemptLost:
			wait = b.NextBackOff()
			c.log.Warn("wsclient: connection lost", "err", a.err, "healthy", a.healthy, "retry_in", wait)
		case attemptTokenRefused:
			c.rejections.Add(1)
			c.tokens.Invalidate(a.token)
			rejected++
			c.log.Warn("wsclient: access token rejected", "err", a.err, "in_a_row", rejected)
			if rejected >= c.cfg.MaxTokenRejections {
				return fmt.Errorf("%w: %d times in a row: %w", ErrTokenRejected, rejected, a.err)
			}
			if rejected > 1 {
				wait = b.NextBackOff()
			} // the first rejection may be a stale token: retry at once
		case attemptFailed:
			wait = honourRetryAfter(b.NextBackOff(), a.retryAfter)
			c.log.Warn("wsclient: connect failed", "err", a.err, "retry_in", wait)
		}
		c.setState(StateChange{To: StateWaiting, Err: a.err, Attempt: n, Wait: wait})
		if wait > 0 {
			if err := c.sleep(held, wait); err != nil {
				if lease.lost(ctx) {
					continue
				}
				return err
			}
		}
	}
}

// newBackoff is exponential backoff with ±50 % jitter that never gives up.
func newBackoff(cfg *Config) *backoff.ExponentialBackOff {
	return backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(cfg.InitialBackoff),
		backoff.WithMaxInterval(cfg.MaxBackoff),
		backoff.WithMultiplier(2),
		backoff.WithRandomizationFactor(0.5),
		backoff.WithMaxElapsedTime(0),
	)
}

// MaxRetryAfter bounds how long a server's Retry-After hint (from the
// token endpoint, or on a 429 or 503 answer to the WebSocket upgrade) can
// delay the next attempt.
const MaxRetryAfter = 5 * time.Minute

// honourRetryAfter is the wait before the next attempt: the backoff, or
// the server's hint bounded by MaxRetryAfter when that is longer.
func honourRetryAfter(backoff, retryAfter time.Duration) time.Duration {
	return max(backoff, min(retryAfter, MaxRetryAfter))
}

// parseRetryAfter reads a Retry-After header, delay-seconds or an HTTP
// date, as a duration from now; zero when absent, unreadable or past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if strings.Trim(v, "0123456789") == "" { // delay-seconds
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter // out of range: as long as allowed
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// noRedirects returns a copy of hc that does not follow redirects: the
// redirect answer itself is returned. Both the token request (Basic
// credentials) and the upgrade (the access token, which Go would also put
// in the Referer header) must reach only the configured host.
func noRedirects(hc *http.Client) *http.Client {
	cp := *hc
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

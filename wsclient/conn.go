package wsclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/zoomevents/zoomevents/event"
)

// errTokenRefused marks a connection or handshake ended because the server
// refused the access token.
var errTokenRefused = errors.New("wsclient: access token refused")

var heartbeatFrame = []byte(`{"module":"heartbeat"}`)

// dial fetches a token and opens a socket. It returns the token used even
// on failure, so that a refused token can be invalidated.
func (c *Client) dial(ctx context.Context) (*session, string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	defer cancel()
	tok, err := c.tokens.Token(ctx)
	if err != nil {
		if errors.Is(err, ErrBadCredentials) {
			return nil, "", err
		}
		if errors.Is(err, ErrTokenUnavailable) {
			return nil, "", err
		}
		return nil, "", redactErr(ErrTokenUnavailable, "wsclient: token", err, c.cfg.ClientSecret)
	}
	u := *c.endpoint
	q := u.Query()
	q.Set("access_token", tok)
	u.RawQuery = q.Encode()
	conn, resp, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{HTTPClient: c.cfg.HTTPClient})
	if err != nil {
		kind := error(nil)
		if resp != nil && (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) {
			kind = errTokenRefused
		}
		return nil, tok, redactErr(kind, "wsclient: dial", err, tok, c.cfg.ClientSecret)
	}
	conn.SetReadLimit(c.cfg.ReadLimit)
	return &session{c: c, conn: conn, token: tok}, tok, nil
}

// session is one open socket: a reader goroutine plus the keeper (the
// supervisor's goroutine, inside run) that sends heartbeats, enforces the
// liveness deadline and closes the socket.
type session struct {
	c     *Client
	conn  *websocket.Conn
	token string

	lastFrame atomic.Int64 // unix nanoseconds of the last frame read
	blocked   atomic.Bool  // the reader is waiting on a full queue (Block)
	replies   atomic.Int64 // heartbeat replies on this socket
	accepted  atomic.Bool  // the server showed it accepted the token

	// Set by the reader before it exits.
	readErr       error
	tokenRejected bool
}

type sessionResult struct {
	err           error
	healthy       bool // at least two heartbeat round trips completed
	accepted      bool // build_connection success, a heartbeat reply or an event arrived
	tokenRejected bool
}

// run reads the socket until it fails, the liveness deadline passes, the
// token is refused or ctx is done. It returns only after the socket is
// closed and the reader has exited.
func (s *session) run(ctx context.Context, queue chan<- *event.Event) sessionResult {
	cfg := &s.c.cfg
	readCtx, cancelRead := context.WithCancel(context.Background())
	defer cancelRead()
	readerDone := make(chan struct{})
	s.lastFrame.Store(time.Now().UnixNano())
	go s.read(readCtx, queue, readerDone)

	heartbeat := time.NewTicker(cfg.HeartbeatInterval)
	defer heartbeat.Stop()
	liveness := time.NewTimer(cfg.LivenessTimeout)
	defer liveness.Stop()

	var err error
loop:
	for {
		select {
		case <-ctx.Done():
			s.closeGracefully(cancelRead, readerDone)
			return sessionResult{err: ctx.Err()}
		case <-readerDone:
			err = s.readErr
			break loop
		case <-heartbeat.C:
			// Not derived from ctx: a write cut short by cancellation would
			// close the socket without a close frame.
			wctx, cancel := context.WithTimeout(context.Background(), cfg.HeartbeatInterval)
			werr := s.conn.Write(wctx, websocket.MessageText, heartbeatFrame)
			cancel()
			if werr != nil {
				err = redactErr(nil, "wsclient: heartbeat", werr, s.token)
				break loop
			}
		case now := <-liveness.C:
			last := time.Unix(0, s.lastFrame.Load())
			if s.blocked.Load() {
				last = now
			}
			if idle := now.Sub(last); idle < cfg.LivenessTimeout {
				liveness.Reset(cfg.LivenessTimeout - idle)
				continue
			}
			err = fmt.Errorf("wsclient: no frame received for %v: connection presumed dead", cfg.LivenessTimeout)
			break loop
		}
	}
	cancelRead()
	_ = s.conn.CloseNow()
	<-readerDone
	if err == nil {
		err = s.readErr
	}
	return sessionResult{
		err:           err,
		healthy:       s.replies.Load() >= 2,
		accepted:      s.accepted.Load(),
		tokenRejected: s.tokenRejected || errors.Is(err, errTokenRefused),
	}
}

// closeGracefully sends a normal-closure frame and waits for the close
// handshake, at most CloseTimeout, then forces the socket shut.
func (s *session) closeGracefully(cancelRead context.CancelFunc, readerDone <-chan struct{}) {
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		_ = s.conn.Close(websocket.StatusNormalClosure, "")
	}()
	t := time.NewTimer(s.c.cfg.CloseTimeout)
	defer t.Stop()
	select {
	case <-closed:
	case <-t.C:
	}
	cancelRead() // a Read still blocked closes the socket
	<-closed
	<-readerDone
}

// read is the only reader of the socket. It stamps every frame for the
// liveness check, decodes it and queues events, never calling the handler.
func (s *session) read(ctx context.Context, queue chan<- *event.Event, done chan<- struct{}) {
	defer close(done)
	c := s.c
	for {
		typ, data, err := s.conn.Read(ctx)
		if err != nil {
			s.readErr = s.closeError(err)
			return
		}
		now := time.Now()
		s.lastFrame.Store(now.UnixNano())
		if typ != websocket.MessageText {
			c.decodeErrors.Add(1)
			c.log.Warn("wsclient: ignored a binary frame", "bytes", len(data))
			continue
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			c.decodeErrors.Add(1)
			c.log.Warn("wsclient: ignored a frame that is not JSON", "bytes", len(data), "err", err)
			continue
		}
		if f.Module != "message" && tokenRejection(f.Content) {
			s.tokenRejected = true
			s.readErr = fmt.Errorf("%w: %s frame: %q", errTokenRefused, f.Module, string(f.Content))
			return
		}
		if f.failed() {
			s.readErr = fmt.Errorf("wsclient: server reported failure: module %q: %q", f.Module, truncate(f.Content, 200))
			return
		}
		switch f.Module {
		case "message":
			ev, err := event.Parse(f.Content)
			if err != nil {
				c.decodeErrors.Add(1)
				c.log.Warn("wsclient: ignored a message that is not an event", "bytes", len(f.Content), "err", err)
				continue
			}
			ev.Delivery = event.Delivery{Transport: event.TransportWebSocket, ReceivedAt: now, RequestID: f.Header.RequestID}
			if ev.Delivery.RequestID == "" {
				ev.Delivery.RequestID = f.Header.TrackingID
			}
			c.lastEvent.Store(now.UnixNano())
			s.accepted.Store(true)
			if !s.enqueue(ctx, queue, ev) {
				return
			}
		case "heartbeat":
			s.replies.Add(1)
			s.accepted.Store(true)
			c.heartbeats.Add(1)
		case "build_connection":
			s.accepted.Store(true)
			c.log.Debug("wsclient: build_connection succeeded")
		default:
			c.log.Warn("wsclient: ignored a frame of unknown module", "module", truncate([]byte(f.Module), 64))
		}
	}
}

// enqueue applies the overflow policy; it returns false when ctx ended.
func (s *session) enqueue(ctx context.Context, queue chan<- *event.Event, ev *event.Event) bool {
	select {
	case queue <- ev:
		return true
	default:
	}
	c := s.c
	if c.cfg.Overflow == DropNewest {
		c.dropped.Add(1)
		c.log.Warn("wsclient: queue full, event dropped", "event", ev.Name, "queue_size", c.cfg.QueueSize)
		return true
	}
	s.blocked.Store(true)
	defer func() {
		s.lastFrame.Store(time.Now().UnixNano())
		s.blocked.Store(false)
	}()
	select {
	case queue <- ev:
		return true
	case <-ctx.Done():
		c.dropped.Add(1)
		return false
	}
}

// closeError turns a read error into the session's error, recognising a
// close reason about the token.
func (s *session) closeError(err error) error {
	var ce websocket.CloseError
	if errors.As(err, &ce) && tokenRejection([]byte(ce.Reason)) {
		s.tokenRejected = true
		return fmt.Errorf("%w: closed with status %d %q", errTokenRefused, int(ce.Code), ce.Reason)
	}
	return redactErr(nil, "wsclient: read", err, s.token)
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

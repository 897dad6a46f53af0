package wsclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/zoomevents/zoomevents/event"
)

var heartbeatFrame = []byte(`{"module":"heartbeat"}`)

// maxHeartbeatWrite bounds a heartbeat write; it also bounds how long a
// cancelled Run can wait for a write stuck on a peer that stopped reading.
const maxHeartbeatWrite = time.Second

// minHeartbeatWrite keeps a very short heartbeat interval from turning a
// write delayed by a busy machine into a reconnect.
const minHeartbeatWrite = time.Second

// dial fetches a token and opens a socket. It returns the token used even
// on failure, so that a refused token can be invalidated, and the server's
// Retry-After hint when the upgrade was answered 429 or 503.
func (c *Client) dial(ctx context.Context) (*session, string, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	defer cancel()
	trace := c.cfg.Trace
	ctx = trace.connectStart(ctx, c.endpoint.String())
	s, tok, retryAfter, err := c.dialTraced(ctx, trace)
	trace.connectDone(ctx, err)
	return s, tok, retryAfter, err
}

// dialTraced is dial's work under the attempt's context.
func (c *Client) dialTraced(ctx context.Context, trace *ClientTrace) (*session, string, time.Duration, error) {
	tctx := trace.tokenStart(ctx)
	tok, err := c.tokens.Token(tctx)
	if err != nil && !errors.Is(err, ErrBadCredentials) && !errors.Is(err, ErrTokenUnavailable) {
		err = redactErr(ErrTokenUnavailable, "wsclient: token", err, c.secrets()...)
	}
	trace.tokenDone(tctx, err)
	if err != nil {
		return nil, "", 0, err
	}
	u := *c.endpoint
	q := u.Query()
	q.Set("access_token", tok)
	u.RawQuery = q.Encode()
	conn, resp, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{HTTPClient: c.wsHTTP})
	if err != nil {
		kind := error(nil)
		var retryAfter time.Duration
		if resp != nil {
			switch resp.StatusCode {
			case http.StatusUnauthorized, http.StatusForbidden:
				kind = ErrTokenRefused
			case http.StatusTooManyRequests, http.StatusServiceUnavailable:
				kind = ErrThrottled
				retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			}
		}
		return nil, tok, retryAfter, redactErr(kind, "wsclient: dial", err, c.secrets(tok)...)
	}
	conn.SetReadLimit(c.cfg.ReadLimit)
	return &session{c: c, conn: conn, token: tok}, tok, 0, nil
}

// secrets lists the exact values to redact from text the client logs or
// returns: the client secret, its Basic credentials and the given tokens.
func (c *Client) secrets(tokens ...string) []string {
	out := tokens
	if c.cfg.ClientSecret != "" {
		out = append(out, c.cfg.ClientSecret, basicAuth(c.cfg.ClientID, c.cfg.ClientSecret))
	}
	return out
}

// session is one open socket: a reader goroutine plus the keeper (the
// supervisor's goroutine, inside run) that sends heartbeats, enforces the
// liveness deadline and closes the socket.
type session struct {
	c     *Client
	conn  *websocket.Conn
	token string

	start     time.Time    // when the socket opened (monotonic base)
	lastFrame atomic.Int64 // nanoseconds since start of the last frame read
	blocked   atomic.Bool  // the reader is waiting on a full queue (Block)
	replies   atomic.Int64 // heartbeat replies on this socket
	accepted  atomic.Bool  // the server showed it accepted the token

	// Set by the reader before it exits.
	readErr error
	seen    evidence
}

// evidence is what a session saw that tells why it ended. It is classified
// once, when the session is over (session.result), so that a failure frame
// and the close that follows it are judged together. Text is redacted and
// clipped when recorded.
type evidence struct {
	refused       bool   // a frame's content refused the token
	refusalModule string // that frame's module
	refusalText   string // and content
	failed        bool   // a failure frame (success false) not about the token
	failModule    string // the first one's module
	failText      string // and content
	closed        bool   // the server's close frame arrived
	closeCode     websocket.StatusCode
	closeReason   string
}

// tokenRefused reports whether anything seen says the token was refused: a
// frame's content in any module, or the close reason (tokenRefusal). The
// close code alone is not evidence: 1008 is also used for other policy
// closes.
func (e *evidence) tokenRefused() bool {
	return e.refused || (e.closed && tokenRefusal(e.closeReason))
}

// describe lists what was seen, for the session's error.
func (e *evidence) describe() string {
	var parts []string
	if e.refused {
		parts = append(parts, fmt.Sprintf("%s frame %q", e.refusalModule, e.refusalText))
	}
	if e.failed {
		parts = append(parts, fmt.Sprintf("%s failure frame %q", e.failModule, e.failText))
	}
	if e.closed {
		parts = append(parts, fmt.Sprintf("closed with status %d %q", int(e.closeCode), e.closeReason))
	}
	return strings.Join(parts, "; ")
}

type sessionResult struct {
	err           error
	healthy       bool // at least two heartbeat round trips completed
	accepted      bool // build_connection success, a heartbeat reply or an event arrived
	tokenRejected bool
}

// maxServerText bounds frame content and close reasons kept for errors
// and logs.
const maxServerText = 200

// run reads the socket until it fails, the liveness deadline passes, the
// token is refused or ctx is done. It returns only after the socket is
// closed and the reader has exited.
func (s *session) run(ctx context.Context, queue chan<- *event.Event) sessionResult {
	cfg := &s.c.cfg
	readCtx, cancelRead := context.WithCancel(context.Background())
	defer cancelRead()
	readerDone := make(chan struct{})
	s.start = time.Now()
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
			// Not derived from ctx: coder/websocket closes the socket when a
			// write's context ends, even just after the write, and a stop
			// must send a normal close frame. A write blocked this long
			// means the peer stopped reading; the bound also caps how long
			// a stop or a lost lease can wait on a stuck write.
			wctx, cancel := context.WithTimeout(context.Background(), max(min(cfg.HeartbeatInterval, maxHeartbeatWrite), minHeartbeatWrite))
			werr := s.conn.Write(wctx, websocket.MessageText, heartbeatFrame)
			cancel()
			if werr != nil {
				err = redactErr(ErrHeartbeatFailed, "wsclient: heartbeat", werr, s.c.secrets(s.token)...)
				break loop
			}
		case <-liveness.C:
			idle := time.Since(s.start) - time.Duration(s.lastFrame.Load())
			if s.blocked.Load() {
				idle = 0
			}
			if idle < cfg.LivenessTimeout {
				liveness.Reset(cfg.LivenessTimeout - idle)
				continue
			}
			err = fmt.Errorf("%w: no frame received for %v", ErrLivenessTimeout, cfg.LivenessTimeout)
			break loop
		}
	}
	cancelRead()
	_ = s.conn.CloseNow()
	<-readerDone
	if err == nil {
		err = s.readErr
	}
	return s.result(err)
}

// result classifies the session from everything it saw; err is how it
// ended (a read, heartbeat or liveness error).
func (s *session) result(err error) sessionResult {
	res := sessionResult{
		err:      err,
		healthy:  s.replies.Load() >= 2,
		accepted: s.accepted.Load(),
	}
	switch seen := &s.seen; {
	case seen.tokenRefused():
		res.tokenRejected = true
		res.err = &redactedError{kind: ErrTokenRefused, msg: "wsclient: access token refused: " + seen.describe()}
	case seen.failed:
		res.err = &redactedError{kind: ErrServerFailure, msg: "wsclient: server reported failure: " + seen.describe()}
	}
	return res
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
		// The handshake did not finish in time: close the socket now, so
		// that Run (and a lease holder) is done with it within
		// CloseTimeout, whatever the library's own close timeouts are.
		_ = s.conn.CloseNow()
	}
	cancelRead() // a Read still blocked closes the socket
	<-closed
	<-readerDone
}

// maxKeptFrameBuffer is the largest frame buffer that a session keeps for
// the next frame.
const maxKeptFrameBuffer = 256 << 10

// read is the only reader of the socket. It stamps every frame for the
// liveness check, decodes it and queues events, never calling the handler.
func (s *session) read(ctx context.Context, queue chan<- *event.Event, done chan<- struct{}) {
	defer close(done)
	c := s.c
	// Frames are read into one buffer, reused: nothing decoded from a
	// frame points into it (decodeFrame copies what it keeps: the
	// content is unquoted into its own slice), so a frame costs no
	// allocation of its own. A buffer grown by an unusually large frame
	// is let go.
	var buf bytes.Buffer
	for {
		if buf.Cap() > maxKeptFrameBuffer {
			buf = bytes.Buffer{}
		}
		buf.Reset()
		typ, r, err := s.conn.Reader(ctx)
		if err == nil {
			_, err = buf.ReadFrom(r)
		}
		if err != nil {
			s.readErr = s.closeError(err)
			return
		}
		data := buf.Bytes()
		now := time.Now()
		s.lastFrame.Store(int64(now.Sub(s.start)))
		if typ != websocket.MessageText {
			c.decodeErrors.Add(1)
			c.log.Warn("wsclient: ignored a binary frame", "bytes", len(data))
			continue
		}
		var f frame
		if err := decodeFrame(data, &f); err != nil {
			c.decodeErrors.Add(1)
			c.log.Warn("wsclient: ignored a frame that is not JSON", "bytes", len(data), "err", s.redact(err.Error()))
			continue
		}
		// A frame whose content refuses the token ends the session,
		// whatever its module and success flag: Zoom's docs do not say
		// which module carries it (it is not an event either way).
		if len(f.Content) <= maxRefusalText && mentionsToken(f.Content) {
			if text := s.redact(string(f.Content)); tokenRefusal(text) {
				s.seen.refused = true
				s.seen.refusalModule = clip(s.redact(f.Module), 64)
				s.seen.refusalText = text
				return
			}
		}
		if f.failed() {
			// Not conclusive: read on, briefly, for the close that usually
			// follows and may say more (a reason such as "invalid_token").
			if !s.seen.failed {
				s.seen.failed = true
				s.seen.failModule = clip(s.redact(f.Module), 64)
				s.seen.failText = clip(s.redact(string(f.Content)), maxServerText)
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, c.cfg.CloseTimeout)
				defer cancel()
			}
			continue
		}
		switch f.Module {
		case "message":
			ev, err := event.Parse(f.Content)
			if err != nil {
				c.decodeErrors.Add(1)
				c.log.Warn("wsclient: ignored a message that is not an event", "bytes", len(f.Content), "err", s.redact(err.Error()))
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
			c.log.Warn("wsclient: ignored a frame of unknown module", "module", clip(s.redact(f.Module), 64))
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
		s.lastFrame.Store(int64(time.Since(s.start)))
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

// closeError records the server's close frame, if err carries one, and
// returns err redacted.
func (s *session) closeError(err error) error {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		s.seen.closed = true
		s.seen.closeCode = ce.Code
		s.seen.closeReason = clip(s.redact(ce.Reason), maxServerText)
	}
	return redactErr(nil, "wsclient: read", err, s.c.secrets(s.token)...)
}

// redact removes the session's token and the client's credentials from
// server-provided text.
func (s *session) redact(text string) string { return redact(text, s.c.secrets(s.token)...) }

// mentionsToken reports whether b contains "token" in any case: a cheap
// filter before the token-refusal rule, which needs redacted text.
func mentionsToken(b []byte) bool {
	for i := 0; i+5 <= len(b); i++ {
		if bytes.EqualFold(b[i:i+5], []byte("token")) {
			return true
		}
	}
	return false
}

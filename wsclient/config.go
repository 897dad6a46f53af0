package wsclient

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by [New] to zero Config fields.
const (
	// DefaultEndpoint is Zoom's WebSocket endpoint; the subscription id is
	// added as the subscriptionId query parameter.
	DefaultEndpoint = "wss://ws.zoom.us/ws"
	// DefaultTokenURL is Zoom's OAuth token endpoint.
	DefaultTokenURL = "https://zoom.us/oauth/token"
	// DefaultHeartbeatInterval is how often {"module":"heartbeat"} is sent,
	// as Zoom's documentation asks.
	DefaultHeartbeatInterval = 30 * time.Second
	// DefaultReadLimit is the largest frame accepted, 8 MiB. Zoom events
	// are usually a few KiB; recording events with many files are larger.
	DefaultReadLimit = 8 << 20
	// DefaultQueueSize is how many decoded events may wait for the handler.
	DefaultQueueSize = 1024
	// DefaultInitialBackoff is the mean first wait before a redial; with
	// the ±50 % jitter the first redial after a drop happens within 0.25 to
	// 0.75 s.
	DefaultInitialBackoff = 500 * time.Millisecond
	// DefaultMaxBackoff caps the wait between attempts.
	DefaultMaxBackoff = 60 * time.Second
	// DefaultDialTimeout bounds one token fetch plus WebSocket handshake.
	DefaultDialTimeout = 30 * time.Second
	// DefaultMaxTokenRejections is how many access tokens in a row the
	// WebSocket server may reject before Run gives up with ErrTokenRejected.
	DefaultMaxTokenRejections = 3
	// DefaultCloseTimeout bounds the close handshake when Run stops.
	DefaultCloseTimeout = time.Second
)

// OverflowPolicy says what the reader does with a decoded event when the
// queue to the handler is full.
type OverflowPolicy int

const (
	// DropNewest (the default) discards the event that does not fit, counts
	// it in Stats.Dropped and logs it at Warn level. The reader never waits
	// for the handler, so a slow handler cannot stall heartbeats or make a
	// healthy connection look dead; the cost is lost events, which Zoom
	// would not redeliver anyway.
	DropNewest OverflowPolicy = iota
	// Block makes the reader wait until the handler takes an event
	// (backpressure): no event is dropped by the client, but frames,
	// including heartbeat replies, stay unread in the socket meanwhile.
	// While the reader waits on the queue the liveness deadline is
	// suspended, so a slow handler does not cause reconnects; Zoom's side
	// may still give up on a connection that is not being read.
	Block
)

// String returns "drop-newest" or "block".
func (p OverflowPolicy) String() string {
	switch p {
	case DropNewest:
		return "drop-newest"
	case Block:
		return "block"
	}
	return fmt.Sprintf("OverflowPolicy(%d)", int(p))
}

// GrantType is the OAuth grant used to fetch access tokens.
type GrantType string

const (
	// GrantAccountCredentials is Server-to-Server OAuth
	// (grant_type=account_credentials&account_id=...), the default.
	GrantAccountCredentials GrantType = "account_credentials"
	// GrantClientCredentials is grant_type=client_credentials without an
	// account id, as Zoom's WebSocket sample uses.
	GrantClientCredentials GrantType = "client_credentials"
)

// Config configures a [Client]. The zero value of every optional field
// selects the documented default. A Config is copied by [New]; changing it
// afterwards has no effect.
type Config struct {
	// AccountID, ClientID and ClientSecret are the Server-to-Server OAuth
	// app's credentials. They are required unless TokenSource is set.
	AccountID    string
	ClientID     string
	ClientSecret string
	// GrantType defaults to GrantAccountCredentials.
	GrantType GrantType
	// TokenURL defaults to DefaultTokenURL.
	TokenURL string
	// TokenSource, when set, supplies access tokens instead of the built-in
	// Server-to-Server OAuth source; the credential fields are then unused.
	TokenSource TokenSource

	// SubscriptionID is the WebSocket event subscription's id. Either it or
	// Endpoint is required.
	SubscriptionID string
	// Endpoint is the full endpoint URL Zoom shows for the subscription,
	// such as "wss://ws.zoom.us/ws?subscriptionId=...". When set it is used
	// as is (SubscriptionID is added if the URL has no subscriptionId). The
	// access token is always added as the access_token query parameter.
	Endpoint string

	// HTTPClient is used for token requests and the WebSocket handshake.
	// Defaults to a client with its own transport whose idle connections
	// are closed when Run returns.
	HTTPClient *http.Client
	// AllowInsecure permits plain ws:// and http:// URLs to hosts other
	// than loopback addresses. Tokens then travel in clear text.
	AllowInsecure bool

	// HeartbeatInterval is how often {"module":"heartbeat"} is sent.
	// Defaults to DefaultHeartbeatInterval.
	HeartbeatInterval time.Duration
	// LivenessTimeout is how long a connection may go without any frame
	// from the server before it is closed and redialed. Defaults to two
	// heartbeat intervals. Zoom answers every heartbeat, so a healthy
	// connection receives a frame at least once per interval.
	LivenessTimeout time.Duration
	// DialTimeout bounds one token fetch plus WebSocket handshake.
	// Defaults to DefaultDialTimeout.
	DialTimeout time.Duration
	// ReadLimit is the largest frame accepted, in bytes; a larger frame
	// ends the connection. Defaults to DefaultReadLimit.
	ReadLimit int64

	// QueueSize is the capacity of the queue between the reader and the
	// handler. Defaults to DefaultQueueSize.
	QueueSize int
	// Overflow says what happens when the queue is full. Defaults to
	// DropNewest.
	Overflow OverflowPolicy

	// InitialBackoff and MaxBackoff shape the exponential backoff (factor
	// 2, ±50 % jitter, no overall time limit) between attempts. The
	// backoff resets once a connection has completed two heartbeat round
	// trips. A server's Retry-After hint (token endpoint; 429 or 503 on the
	// upgrade) lengthens a wait, up to MaxRetryAfter. Defaults:
	// DefaultInitialBackoff, DefaultMaxBackoff.
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// MaxTokenRejections is how many tokens in a row the WebSocket server
	// may reject (each rejection invalidates the token, so later ones are
	// fresh) before Run returns ErrTokenRejected. Defaults to
	// DefaultMaxTokenRejections.
	MaxTokenRejections int
	// CloseTimeout bounds the close handshake when Run stops, and how long
	// a connection that received a failure frame is read on for the
	// server's close (whose reason may say the token was refused).
	// Defaults to DefaultCloseTimeout.
	CloseTimeout time.Duration

	// Lease, when set, lets several replicas share one subscription: only
	// the replica holding the lease connects, the others wait in
	// StateStandby. The client acquires it before its first dial and keeps
	// it across reconnects; when the lease is lost, the socket is closed at
	// once and the client waits to acquire it again. Run releases it when
	// it returns. See [Lease] and the store modules of this repository for
	// Redis and PostgreSQL leases.
	Lease Lease
	// BeforeDial, when set, is called before every connection attempt,
	// after the lease (if any) is held: a gate that may block until
	// connecting is allowed; it must return when ctx is done. A non-nil
	// error ends Run with an error wrapping ErrGateClosed and it.
	BeforeDial func(ctx context.Context) error
	// OnStateChange, when set, is called synchronously on every state
	// change, with its cause, from the goroutine running Run. It must
	// return quickly and must not call Run.
	OnStateChange func(StateChange)
	// Trace, when set, has hooks called as each connection attempt fetches
	// a token and dials; see [ClientTrace].
	Trace *ClientTrace
	// Logger receives the client's logs. Defaults to discarding them. No
	// log line contains a token, secret or event payload.
	Logger *slog.Logger
}

// withDefaults returns a copy of c with defaults applied, or an error
// wrapping ErrConfig.
func (c Config) withDefaults() (Config, error) {
	if c.TokenSource == nil {
		if c.ClientID == "" || c.ClientSecret == "" {
			return c, fmt.Errorf("%w: ClientID and ClientSecret are required (or set TokenSource)", ErrConfig)
		}
		if c.GrantType == "" {
			c.GrantType = GrantAccountCredentials
		}
		if c.GrantType == GrantAccountCredentials && c.AccountID == "" {
			return c, fmt.Errorf("%w: AccountID is required for the account_credentials grant", ErrConfig)
		}
	}
	if c.Endpoint == "" && c.SubscriptionID == "" {
		return c, fmt.Errorf("%w: SubscriptionID or Endpoint is required", ErrConfig)
	}
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if c.LivenessTimeout <= 0 {
		c.LivenessTimeout = 2 * c.HeartbeatInterval
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.ReadLimit <= 0 {
		c.ReadLimit = DefaultReadLimit
	}
	if c.QueueSize <= 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.Overflow != DropNewest && c.Overflow != Block {
		return c, fmt.Errorf("%w: unknown OverflowPolicy %d", ErrConfig, c.Overflow)
	}
	if c.InitialBackoff <= 0 {
		c.InitialBackoff = DefaultInitialBackoff
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.MaxBackoff < c.InitialBackoff {
		c.MaxBackoff = c.InitialBackoff
	}
	if c.MaxTokenRejections <= 0 {
		c.MaxTokenRejections = DefaultMaxTokenRejections
	}
	if c.CloseTimeout <= 0 {
		c.CloseTimeout = DefaultCloseTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(discardHandler{})
	}
	return c, nil
}

// endpointURL parses the configured endpoint and checks its scheme; the
// access token is added per dial.
func (c *Config) endpointURL() (*url.URL, error) {
	raw := c.Endpoint
	if raw == "" {
		raw = DefaultEndpoint
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: Endpoint: %s", ErrConfig, redact(err.Error()))
	}
	if err := checkScheme(u, "wss", "ws", c.AllowInsecure); err != nil {
		return nil, fmt.Errorf("endpoint: %w", err)
	}
	q := u.Query()
	q.Del("access_token")
	if q.Get("subscriptionId") == "" {
		if c.SubscriptionID == "" {
			return nil, fmt.Errorf("%w: Endpoint has no subscriptionId and SubscriptionID is empty", ErrConfig)
		}
		q.Set("subscriptionId", c.SubscriptionID)
	}
	u.RawQuery = q.Encode()
	return u, nil
}

// checkScheme accepts the secure scheme, and the plain one only to loopback
// hosts or when allowInsecure is set.
func checkScheme(u *url.URL, secure, plain string, allowInsecure bool) error {
	switch strings.ToLower(u.Scheme) {
	case secure:
	case plain:
		if !allowInsecure && !isLoopback(u.Hostname()) {
			return ErrInsecureURL
		}
	default:
		return fmt.Errorf("%w: scheme %q, want %s:// (or %s:// to loopback)", ErrConfig, u.Scheme, secure, plain)
	}
	if u.Host == "" {
		return fmt.Errorf("%w: URL has no host", ErrConfig)
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// discardHandler is a slog.Handler that drops everything (slog has
// DiscardHandler only from Go 1.24).
type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (d discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discardHandler) WithGroup(string) slog.Handler           { return d }

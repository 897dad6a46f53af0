package webhook

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"
)

// DefaultMaxBodyBytes is the default limit on a webhook body. Zoom documents
// no maximum; recording events with many files reach tens of KiB.
const DefaultMaxBodyBytes = 8 << 20

// Option configures a [Handler] or a [Verifier].
type Option func(*config)

type config struct {
	secrets   []string
	maxAge    time.Duration
	maxSkew   time.Duration
	checkTime bool
	now       func() time.Time

	maxBody   int64
	logger    *slog.Logger
	errorHook func(*http.Request, error)
	checks    []headerCheck
	sources   *sourceFilter
	err       error
}

func newConfig(opts []Option) *config {
	c := &config{
		maxAge:    DefaultMaxAge,
		maxSkew:   DefaultMaxClockSkew,
		checkTime: true,
		now:       time.Now,
		maxBody:   DefaultMaxBodyBytes,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// WithSecrets adds secrets that are accepted besides the main one, for
// rotating a Secret Token or serving several apps from one endpoint. A URL
// validation challenge is answered with the secret that signed it.
func WithSecrets(secrets ...string) Option {
	return func(c *config) { c.secrets = append(c.secrets, secrets...) }
}

// WithTimestampWindow sets how old (maxAge) and how far in the future
// (maxSkew) x-zm-request-timestamp may be. The defaults are
// [DefaultMaxAge] and [DefaultMaxClockSkew].
func WithTimestampWindow(maxAge, maxSkew time.Duration) Option {
	return func(c *config) { c.maxAge, c.maxSkew, c.checkTime = maxAge, maxSkew, true }
}

// WithoutTimestampCheck accepts any timestamp, as Zoom's own samples do.
// The timestamp must still be present, numeric, and signed.
func WithoutTimestampCheck() Option { return func(c *config) { c.checkTime = false } }

// WithClock sets the clock the timestamp window is measured against, for
// tests.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithMaxBodyBytes sets the largest body accepted (default
// [DefaultMaxBodyBytes]); larger requests are answered 413.
func WithMaxBodyBytes(n int64) Option { return func(c *config) { c.maxBody = n } }

// WithLogger sets where the Handler logs rejected requests and handler
// failures. The default logs nothing. Logs never contain secrets,
// signatures or bodies.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithErrorHook sets a function called with every rejected request and
// every handler failure, with an error that wraps this package's sentinels
// (or the handler's error).
func WithErrorHook(f func(r *http.Request, err error)) Option {
	return func(c *config) { c.errorHook = f }
}

// WithBasicAuth requires the Basic authorization header Zoom sends when the
// event subscription's "Basic authentication" option is set. It is checked
// in addition to the signature.
func WithBasicAuth(username, password string) Option {
	return func(c *config) {
		if username == "" || password == "" {
			c.fail(fmt.Errorf("%w: WithBasicAuth needs a username and a password", ErrEmptySecret))
			return
		}
		c.checks = append(c.checks, basicAuth(username, password))
	}
}

// WithBearerToken requires "Authorization: Bearer token", which Zoom sends
// when the subscription's "Token authentication" option is set (token is
// what your token endpoint issued). It is checked in addition to the
// signature.
func WithBearerToken(token string) Option {
	return func(c *config) {
		if token == "" {
			c.fail(fmt.Errorf("%w: WithBearerToken needs a token", ErrEmptySecret))
			return
		}
		c.checks = append(c.checks, bearerToken(token))
	}
}

// WithHeader requires the custom header key: value that Zoom sends when the
// subscription's "Custom header" option is set. It is checked in addition
// to the signature.
func WithHeader(key, value string) Option {
	return func(c *config) {
		if key == "" || value == "" {
			c.fail(fmt.Errorf("%w: WithHeader needs a key and a value", ErrEmptySecret))
			return
		}
		c.checks = append(c.checks, customHeader(key, value))
	}
}

// WithAllowedSources accepts requests only from client addresses inside
// one of the CIDR prefixes allowed, for teams whose policy demands it (Zoom
// itself recommends signatures over allow-lists: its addresses change). The
// client address is the connection's, unless that is inside one of
// trustedProxies: then X-Forwarded-For is read from the right, skipping
// trusted proxies. The signature is still required. A malformed prefix
// makes NewHandler fail.
func WithAllowedSources(allowed, trustedProxies []string) Option {
	return func(c *config) {
		f := &sourceFilter{}
		var err error
		if f.allowed, err = parsePrefixes(allowed); err != nil {
			c.fail(err)
			return
		}
		if f.proxies, err = parsePrefixes(trustedProxies); err != nil {
			c.fail(err)
			return
		}
		c.sources = f
	}
}

func (c *config) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

func parsePrefixes(cidrs []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(cidrs))
	for _, s := range cidrs {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			addr, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("webhook: bad address prefix %q: %w", s, err)
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

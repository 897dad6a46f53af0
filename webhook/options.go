package webhook

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"
)

// DefaultMaxBodyBytes is the default limit on a webhook body. Zoom documents
// no maximum; recording events with many files reach tens of KiB.
const DefaultMaxBodyBytes = 8 << 20

// ErrConfig is wrapped by every error of [NewVerifier] and [NewEndpoint]: an
// empty secret or credential, a nil event handler, a nil or malformed
// option. One error reports every problem found (see [errors.Join]).
var ErrConfig = errors.New("webhook: invalid configuration")

// Option configures an [Endpoint]. Every [VerifyOption] is an Option, and so is
// every [EndpointOption]; an Endpoint accepts both kinds.
type Option interface {
	applyHandler(*handlerConfig)
}

// VerifyOption configures verification: what makes a request genuine
// (secrets, timestamp window, clock, authentication headers). It applies to
// a [Verifier] and to an [Endpoint] alike, and is the only kind of option
// [NewVerifier] accepts.
type VerifyOption interface {
	Option
	applyVerify(*verifyConfig)
}

// EndpointOption configures what only an [Endpoint] does: HTTP concerns (body
// limit, allowed client addresses) and reporting (logger, error hook). A
// Verifier does not accept one, so none is ever silently ignored.
type EndpointOption interface {
	Option
	handlerOnly()
}

type verifyOption func(*verifyConfig)

func (o verifyOption) applyVerify(c *verifyConfig)   { o(c) }
func (o verifyOption) applyHandler(c *handlerConfig) { o(&c.verifyConfig) }

type handlerOption func(*handlerConfig)

func (o handlerOption) applyHandler(c *handlerConfig) { o(c) }
func (handlerOption) handlerOnly()                    {}

type verifyConfig struct {
	secrets   []string
	maxAge    time.Duration
	maxSkew   time.Duration
	checkTime bool
	now       func() time.Time
	checks    []headerCheck
	authz     string // the option that claimed the Authorization header
	errs      []error
}

// claimAuthorization records that opt checks the Authorization header, and
// fails when another option already does: Zoom sends one Authorization
// header, so two such checks would refuse every request.
func (c *verifyConfig) claimAuthorization(opt string) bool {
	if c.authz != "" {
		c.fail(opt + " and " + c.authz + " both check the Authorization header, which Zoom sends once: use one")
		return false
	}
	c.authz = opt
	return true
}

type handlerConfig struct {
	verifyConfig
	maxBody   int64
	logger    *slog.Logger
	errorHook func(*http.Request, error)
	sources   *sourceFilter
}

func defaultVerifyConfig() verifyConfig {
	return verifyConfig{maxAge: DefaultMaxAge, maxSkew: DefaultMaxClockSkew, checkTime: true, now: time.Now}
}

// fail records a configuration error; every one is reported.
func (c *verifyConfig) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...))
}

// WithSecrets adds secrets that are accepted besides the main one, for
// rotating a Secret Token or serving several apps from one endpoint. A URL
// validation challenge is answered with the secret that signed it. An empty
// secret is a configuration error.
func WithSecrets(secrets ...string) VerifyOption {
	return verifyOption(func(c *verifyConfig) { c.secrets = append(c.secrets, secrets...) })
}

// WithTimestampWindow sets how old (maxAge) and how far in the future
// (maxSkew) x-zm-request-timestamp may be. The defaults are
// [DefaultMaxAge] and [DefaultMaxClockSkew]. A negative duration is a
// configuration error.
func WithTimestampWindow(maxAge, maxSkew time.Duration) VerifyOption {
	return verifyOption(func(c *verifyConfig) {
		if maxAge < 0 || maxSkew < 0 {
			c.fail("WithTimestampWindow needs durations of zero or more")
			return
		}
		c.maxAge, c.maxSkew, c.checkTime = maxAge, maxSkew, true
	})
}

// WithoutTimestampCheck accepts any timestamp, as Zoom's own samples do.
// The timestamp must still be present, numeric, and signed.
func WithoutTimestampCheck() VerifyOption {
	return verifyOption(func(c *verifyConfig) { c.checkTime = false })
}

// WithClock sets the clock the timestamp window is measured against and
// [event.Delivery.ReceivedAt] is read from, for tests. A nil clock is a
// configuration error.
func WithClock(now func() time.Time) VerifyOption {
	return verifyOption(func(c *verifyConfig) {
		if now == nil {
			c.fail("WithClock needs a clock")
			return
		}
		c.now = now
	})
}

// WithBasicAuth requires the Basic authorization header Zoom sends when the
// event subscription's "Basic authentication" option is set. It is checked
// before the signature, and answered 401 ([ErrUnauthorized]) when wrong.
func WithBasicAuth(username, password string) VerifyOption {
	return verifyOption(func(c *verifyConfig) {
		if username == "" || password == "" {
			c.fail("WithBasicAuth needs a username and a password")
			return
		}
		if c.claimAuthorization("WithBasicAuth") {
			c.checks = append(c.checks, basicAuth(username, password))
		}
	})
}

// WithBearerToken requires "Authorization: Bearer token", which Zoom sends
// when the subscription's "Token authentication" option is set (token is
// what your token endpoint issued). It is checked before the signature.
func WithBearerToken(token string) VerifyOption {
	return verifyOption(func(c *verifyConfig) {
		if token == "" {
			c.fail("WithBearerToken needs a token")
			return
		}
		if c.claimAuthorization("WithBearerToken") {
			c.checks = append(c.checks, bearerToken(token))
		}
	})
}

// WithHeader requires the custom header key: value that Zoom sends when the
// subscription's "Custom header" option is set. It is checked before the
// signature.
func WithHeader(key, value string) VerifyOption {
	return verifyOption(func(c *verifyConfig) {
		if key == "" || value == "" {
			c.fail("WithHeader needs a key and a value")
			return
		}
		c.checks = append(c.checks, customHeader(key, value))
	})
}

// WithMaxBodyBytes sets the largest body an Endpoint accepts; larger requests
// are answered 413. Zero means [DefaultMaxBodyBytes]; a negative limit is a
// configuration error.
func WithMaxBodyBytes(n int64) EndpointOption {
	return handlerOption(func(c *handlerConfig) {
		if n < 0 {
			c.fail("WithMaxBodyBytes needs a limit of zero (the default) or more")
			return
		}
		c.maxBody = n
	})
}

// WithLogger sets where the Endpoint logs rejected requests and handler
// failures. The default, or nil, logs nothing. Logs never contain secrets,
// signatures or bodies.
func WithLogger(l *slog.Logger) EndpointOption {
	return handlerOption(func(c *handlerConfig) { c.logger = l })
}

// WithErrorHook sets a function called with every rejected request and
// every handler failure, with an error that wraps this package's sentinels
// (or the handler's error); [StatusCode] gives the status it was answered.
func WithErrorHook(f func(r *http.Request, err error)) EndpointOption {
	return handlerOption(func(c *handlerConfig) { c.errorHook = f })
}

// WithAllowedSources accepts requests only from client addresses inside
// one of the CIDR prefixes (or single addresses) allowed, for teams whose
// policy demands it (Zoom itself recommends signatures over allow-lists:
// its addresses change). The client address is the connection's, unless
// that is inside one of trustedProxies: then X-Forwarded-For is read from
// the right, skipping trusted proxies. The signature is still required. An
// empty or malformed allowed list, or a malformed proxy, is a configuration
// error.
func WithAllowedSources(allowed, trustedProxies []string) EndpointOption {
	return handlerOption(func(c *handlerConfig) {
		if len(allowed) == 0 {
			c.fail("WithAllowedSources needs at least one allowed prefix")
			return
		}
		f := &sourceFilter{}
		var err error
		if f.allowed, err = parsePrefixes(allowed); err != nil {
			c.fail("WithAllowedSources: %w", err)
			return
		}
		if f.proxies, err = parsePrefixes(trustedProxies); err != nil {
			c.fail("WithAllowedSources: trusted proxies: %w", err)
			return
		}
		c.sources = f
	})
}

func parsePrefixes(cidrs []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(cidrs))
	for _, s := range cidrs {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			addr, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("bad address prefix %q: %w", s, err)
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

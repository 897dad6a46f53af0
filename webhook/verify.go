package webhook

import (
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/zoomevents/zoomevents/internal/signature"
)

// Header names Zoom sends with every webhook (Go canonical form).
const (
	HeaderSignature  = "X-Zm-Signature"
	HeaderTimestamp  = "X-Zm-Request-Timestamp"
	HeaderRequestID  = "X-Zm-Request-Id"
	HeaderTrackingID = "X-Zm-Trackingid"
)

// Errors of verification, returned by [Verifier.Verify] and
// [Verifier.Receive] and reported by an [Endpoint]. Use [errors.Is]; returned
// errors may wrap them with detail that is safe to log (never a secret or
// a MAC). [StatusCode] maps each to the status Zoom should be answered.
var (
	// ErrMissingSignature: no x-zm-signature header.
	ErrMissingSignature = errors.New("webhook: missing x-zm-signature header")
	// ErrMissingTimestamp: no x-zm-request-timestamp header.
	ErrMissingTimestamp = errors.New("webhook: missing x-zm-request-timestamp header")
	// ErrBadTimestamp: the timestamp header is not a Unix time in seconds.
	ErrBadTimestamp = errors.New("webhook: malformed x-zm-request-timestamp header")
	// ErrStaleTimestamp: the timestamp is outside the accepted window.
	ErrStaleTimestamp = errors.New("webhook: request timestamp outside the accepted window")
	// ErrBadSignature: the signature is malformed or matches no secret.
	ErrBadSignature = errors.New("webhook: signature does not match")
)

// Default timestamp window. Zoom does not document one, nor whether its
// retries (5, 20 and 60 minutes after one another, so up to about 85
// minutes after the first try) carry a fresh timestamp. A 5-minute window,
// usual elsewhere, could therefore reject Zoom's own retries; the default
// accepts timestamps up to 2 hours old. A replay of an identical request
// inside that window is stopped by [event.Dedup]. Timestamps from the future
// are accepted only within 5 minutes of clock skew.
const (
	DefaultMaxAge       = 2 * time.Hour
	DefaultMaxClockSkew = 5 * time.Minute
)

// Verifier is the transport-free core of this package: it checks Zoom
// webhook requests given their headers and raw body bytes, and
// [Verifier.Receive] turns a genuine one into an event or a URL validation
// answer. It holds no per-request state and is safe for concurrent use.
// Verifying a signature allocates nothing: each secret keeps a pool of
// pre-keyed HMAC states.
type Verifier struct {
	signers   []*signature.Signer
	maxAge    time.Duration
	maxSkew   time.Duration
	checkTime bool
	now       func() time.Time
	checks    []headerCheck
}

// NewVerifier returns a Verifier for secret (the app's Secret Token, not its
// OAuth client secret) configured by opts; only verification options exist
// for it, so none is ignored. It returns an error wrapping [ErrConfig] for
// an empty secret and for each nil or malformed option.
func NewVerifier(secret string, opts ...VerifyOption) (*Verifier, error) {
	c := defaultVerifyConfig()
	for _, o := range opts {
		if o == nil {
			c.fail("nil VerifyOption")
			continue
		}
		o.applyVerify(&c)
	}
	return newVerifier(secret, &c)
}

func newVerifier(secret string, c *verifyConfig) (*Verifier, error) {
	v := &Verifier{maxAge: c.maxAge, maxSkew: c.maxSkew, checkTime: c.checkTime, now: c.now, checks: c.checks}
	for i, s := range append([]string{secret}, c.secrets...) {
		if s == "" {
			if i == 0 {
				c.fail("empty secret token")
			} else {
				c.fail("WithSecrets: empty secret token")
			}
			continue
		}
		v.signers = append(v.signers, signature.NewSigner(s))
	}
	if err := errors.Join(c.errs...); err != nil {
		return nil, err
	}
	return v, nil
}

// Verify checks a request's headers (the authentication headers required by
// [WithBasicAuth], [WithBearerToken] and [WithHeader], then x-zm-signature
// and x-zm-request-timestamp) against body, the exact bytes received. It
// returns nil when the request is genuine, and otherwise an error wrapping
// one of this package's sentinels. [Verifier.Receive] does the same and
// then decodes the body.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	var hv verifiedHeaders
	if err := v.checkHeaders(h, &hv); err != nil {
		return err
	}
	_, err := v.match(&hv.sig, hv.timestamp, body)
	return err
}

// headerValue reads a canonical header key without allocating, falling
// back to Get for non-canonical maps built by hand.
func headerValue(h http.Header, key string) string {
	if vs := h[key]; len(vs) > 0 {
		return vs[0]
	}
	return lookupHeader(h, key)
}

// lookupHeader finds key in a header map whatever the case of its keys:
// maps that frameworks and queues build by hand ("x-zm-signature") are not
// in canonical form, so Get (which only canonicalises the key it looks
// up) misses them. The canonical key is tried first, without allocating.
func lookupHeader(h http.Header, key string) string {
	if v := h.Get(key); v != "" {
		return v
	}
	for k, vs := range h {
		if len(vs) > 0 && strings.EqualFold(k, key) {
			return vs[0]
		}
	}
	return ""
}

// verifiedHeaders is what checkHeaders found: the decoded signature and
// the timestamp it signs.
type verifiedHeaders struct {
	sig       [signature.Size]byte
	timestamp string
}

// checkHeaders runs every check that needs no body: the authentication
// headers, then precheck. The Endpoint runs it before reading the body.
func (v *Verifier) checkHeaders(h http.Header, out *verifiedHeaders) error {
	for _, check := range v.checks {
		if !check(h) {
			return ErrUnauthorized
		}
	}
	out.timestamp = headerValue(h, HeaderTimestamp)
	return v.precheck(headerValue(h, HeaderSignature), out.timestamp, &out.sig)
}

// precheck runs every check that needs no body: the signature and the
// timestamp are present, the timestamp is well formed and inside the
// window, and the signature is well formed; it decodes the signature into
// got.
func (v *Verifier) precheck(sig, timestamp string, got *[signature.Size]byte) error {
	if sig == "" {
		return ErrMissingSignature
	}
	if timestamp == "" {
		return ErrMissingTimestamp
	}
	if err := v.checkTimestamp(timestamp); err != nil {
		return err
	}
	if !signature.Parse(got, sig) {
		return ErrBadSignature
	}
	return nil
}

// match returns the index of the secret whose HMAC of timestamp and body is
// got, the signature precheck decoded.
func (v *Verifier) match(got *[signature.Size]byte, timestamp string, body []byte) (int, error) {
	var want [signature.Size]byte
	for i, s := range v.signers {
		s.Message(&want, timestamp, body)
		if signature.Equal(got[:], want[:]) {
			return i, nil
		}
	}
	return -1, ErrBadSignature
}

func (v *Verifier) checkTimestamp(timestamp string) error {
	if len(timestamp) > 18 { // keeps n below 10^18: no overflow
		return ErrBadTimestamp
	}
	var n int64
	for i := 0; i < len(timestamp); i++ {
		c := timestamp[i]
		if c < '0' || c > '9' {
			return ErrBadTimestamp
		}
		n = n*10 + int64(c-'0')
	}
	if !v.checkTime {
		return nil
	}
	if n >= 1e12 { // milliseconds, although Zoom documents seconds
		n /= 1000
	}
	age := v.now().Unix() - n // seconds; no Duration arithmetic, which could overflow
	if age > int64(v.maxAge/time.Second) || -age > int64(v.maxSkew/time.Second) {
		return ErrStaleTimestamp
	}
	return nil
}

// EncryptToken returns the encryptedToken that answers a URL validation
// challenge for plainToken with the Verifier's first secret.
func (v *Verifier) EncryptToken(plainToken string) string {
	return v.encryptToken(0, plainToken)
}

func (v *Verifier) encryptToken(secret int, plainToken string) string {
	var sum [signature.Size]byte
	v.signers[secret].Token(&sum, plainToken)
	return hex.EncodeToString(sum[:])
}

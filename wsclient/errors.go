package wsclient

import (
	"errors"
	"fmt"
	"time"
)

// Errors returned by this package. They are sentinels for use with
// [errors.Is]; returned errors wrap them with detail. No returned error ever
// contains an access token, a client secret or an Authorization header.
var (
	// ErrConfig means the Config (or OAuthConfig) is unusable: a required
	// field is missing or a URL is malformed. It is returned by [New] and
	// [NewS2STokenSource] before anything is sent.
	ErrConfig = errors.New("wsclient: invalid configuration")

	// ErrInsecureURL means a URL uses plain ws:// or http:// to a host that
	// is not a loopback address and AllowInsecure is not set. It wraps
	// [ErrConfig].
	ErrInsecureURL = fmt.Errorf("%w: plain ws:// or http:// is only allowed to loopback addresses unless AllowInsecure is set", ErrConfig)

	// ErrBadCredentials means the token endpoint rejected the credentials
	// permanently (for example invalid_client, invalid_request "Account does
	// not exist", unauthorized_client, or any other 4xx except 408 and 429).
	// Retrying with the same credentials cannot succeed, so [Client.Run]
	// returns an error wrapping it.
	ErrBadCredentials = errors.New("wsclient: credentials rejected by the token endpoint")

	// ErrTokenUnavailable means no token could be fetched for a reason that
	// may pass: a network error, a 5xx, 408 or 429 answer, or a malformed
	// response. [Client.Run] retries these with backoff and never returns
	// them.
	ErrTokenUnavailable = errors.New("wsclient: token endpoint unavailable")

	// ErrTokenRejected means the WebSocket server rejected freshly fetched
	// access tokens Config.MaxTokenRejections times in a row: an HTTP 401
	// or 403 answer to the upgrade, a frame of any module whose content
	// refuses the token ("token is empty", "Token is invalid", "Invalid
	// Token"), or a close reason that does ("invalid_token"). [Client.Run]
	// returns an error wrapping it.
	ErrTokenRejected = errors.New("wsclient: access token rejected by the WebSocket server")

	// The next five say why one connection or attempt ended. They are found
	// in StateChange.Err (with errors.Is) for alerting and metrics; Run
	// retries each of them and never returns them.

	// ErrTokenRefused: the WebSocket server refused one access token (an
	// HTTP 401 or 403 answer to the upgrade, or a frame or close that
	// refuses it). The token is invalidated and a fresh one fetched; after
	// Config.MaxTokenRejections in a row Run returns [ErrTokenRejected].
	ErrTokenRefused = errors.New("wsclient: access token refused")
	// ErrThrottled: the upgrade was answered 429 or 503; the client waits
	// for the server's Retry-After, at most [MaxRetryAfter].
	ErrThrottled = errors.New("wsclient: upgrade throttled")
	// ErrServerFailure: the server sent a failure frame (success false) that
	// was not about the token.
	ErrServerFailure = errors.New("wsclient: server reported failure")
	// ErrLivenessTimeout: no frame arrived for Config.LivenessTimeout, so the
	// connection was presumed dead and closed.
	ErrLivenessTimeout = errors.New("wsclient: connection presumed dead")
	// ErrHeartbeatFailed: a heartbeat could not be written (the peer stopped
	// reading, or the connection broke).
	ErrHeartbeatFailed = errors.New("wsclient: heartbeat failed")
	// ErrLeaseLost: Config.Lease was lost while held (it could not be
	// renewed, or another replica took it); the socket was closed and the
	// client waits in StateStandby to acquire it again. It is the Err of
	// that change to StateStandby.
	ErrLeaseLost = errors.New("wsclient: lease lost")

	// ErrGateClosed wraps the error returned by Config.BeforeDial; it ends
	// [Client.Run].
	ErrGateClosed = errors.New("wsclient: BeforeDial refused the connection")

	// ErrAlreadyRunning is returned by [Client.Run] when the client is
	// already running in another goroutine: one client holds at most one
	// socket.
	ErrAlreadyRunning = errors.New("wsclient: client is already running")
)

// OAuthError is a failed token request: the HTTP status and the "error" and
// "reason" members of Zoom's JSON answer when present. It unwraps to
// [ErrBadCredentials] when the failure is permanent and to
// [ErrTokenUnavailable] otherwise.
type OAuthError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code is the OAuth "error" member, such as "invalid_client".
	Code string
	// Reason is Zoom's "reason" (or "error_description") member, such as
	// "Invalid client_id or client_secret", redacted and clipped to 200
	// bytes. For a redirect (3xx, never followed) it names the target's
	// scheme, host and path.
	Reason string
	// RetryAfter is the server's Retry-After hint, zero when absent.
	RetryAfter time.Duration
}

// Permanent reports whether retrying with the same credentials cannot help:
// any 4xx answer except 408 (timeout) and 429 (rate limited). A redirect
// is not permanent: it is retried with backoff, and logged each time.
func (e *OAuthError) Permanent() bool {
	return e.StatusCode >= 400 && e.StatusCode < 500 &&
		e.StatusCode != 408 && e.StatusCode != 429
}

// Error describes the failure; it never includes credentials.
func (e *OAuthError) Error() string {
	msg := fmt.Sprintf("wsclient: token request failed: HTTP %d", e.StatusCode)
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Unwrap returns [ErrBadCredentials] or [ErrTokenUnavailable].
func (e *OAuthError) Unwrap() error {
	if e.Permanent() {
		return ErrBadCredentials
	}
	return ErrTokenUnavailable
}

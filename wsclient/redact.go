package wsclient

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// Redaction is structural: it removes what sits where a secret can appear,
// rather than searching text for every secret whatever its length (which
// turned "account_id" into "aREDACTEDREDACTEDount_id" for a one-character
// client secret).
//
//   - the value of a URL query or form parameter whose name ends in token,
//     secret, password or signature (access_token=..., client_secret=...);
//   - the value of a JSON member with such a name ("access_token":"...");
//   - the credentials after an HTTP Basic or Bearer scheme;
//   - the exact access token and client secret (verbatim, query-escaped and
//     path-escaped) when they are at least minSecretLen bytes long. Shorter
//     values are not plausible secrets and would garble ordinary text; they
//     are still removed from the places above.

// redacted is the replacement for secrets in error and log text.
const redacted = "REDACTED"

// minSecretLen is the shortest value searched for verbatim.
const minSecretLen = 8

var (
	// secretParam is a query or form parameter that holds a secret.
	secretParam = regexp.MustCompile(`(?i)([a-z0-9_.-]*(?:token|secret|password|signature)=)[^&\s"'#]*`)
	// secretMember is a JSON member that holds a secret (OAuth bodies, frame
	// headers).
	secretMember = regexp.MustCompile(`(?i)("[a-z0-9_.-]*(?:token|secret|password|signature)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	// authCredentials are the credentials after an HTTP auth scheme.
	authCredentials = regexp.MustCompile(`(?i)\b((?:basic|bearer)\s+)[A-Za-z0-9._~+/-]{12,}=*`)
)

// redact returns s with secrets removed as described above; secrets are the
// exact values to search for (empty and short ones are skipped). It never
// changes text that holds none of them.
func redact(s string, secrets ...string) string {
	if s == "" {
		return s
	}
	s = secretParam.ReplaceAllString(s, "${1}"+redacted)
	s = secretMember.ReplaceAllString(s, `${1}"`+redacted+`"`)
	s = authCredentials.ReplaceAllString(s, "${1}"+redacted)
	for _, sec := range secrets {
		if len(sec) < minSecretLen {
			continue
		}
		s = strings.ReplaceAll(s, sec, redacted)
		if esc := url.QueryEscape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, redacted)
		}
		if esc := url.PathEscape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, redacted)
		}
	}
	return s
}

// redactedError is an error whose text has had secrets removed, which
// matches a sentinel (kind, may be nil) with errors.Is and keeps its cause
// reachable with errors.Is and errors.As.
//
// The cause kept is the outermost error of the original chain whose own
// text holds no secret, after every *url.Error in the chain has had the
// secrets in its URL redacted (see cleanCause). So, for a failed dial,
// errors.As finds the *url.Error (URL redacted), the *net.OpError and the
// *net.DNSError, while the wrappers that printed the full URL into their
// text are dropped. What a caller logs, Error() of the returned error or of
// any error found in its chain, holds no secret this package knows about.
// The trade-off: text the cause's own types compute from fields we do not
// inspect (none today among the net/http, net and websocket errors seen)
// is not redacted; log the returned error, not fields of its causes.
type redactedError struct {
	kind  error // sentinel; may be nil
	msg   string
	cause error   // may be nil
	also  []error // context errors matched but not reachable through cause
}

func (e *redactedError) Error() string { return e.msg }

// Unwrap returns the sentinel, the cause and any context error.
func (e *redactedError) Unwrap() []error {
	out := make([]error, 0, 2+len(e.also))
	if e.kind != nil {
		out = append(out, e.kind)
	}
	if e.cause != nil {
		out = append(out, e.cause)
	}
	return append(out, e.also...)
}

// redactErr returns err with secrets removed from its text, prefixed,
// matching kind and keeping the clean part of err's chain (see
// redactedError). err must be freshly made (the *url.Errors in its chain are
// redacted in place); it must not be nil.
func redactErr(kind error, prefix string, err error, secrets ...string) error {
	msg := redact(err.Error(), secrets...)
	if prefix != "" {
		msg = prefix + ": " + msg
	}
	re := &redactedError{kind: kind, msg: msg, cause: cleanCause(err, secrets)}
	for _, ctxErr := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, ctxErr) && (re.cause == nil || !errors.Is(re.cause, ctxErr)) {
			re.also = append(re.also, ctxErr)
		}
	}
	return re
}

// cleanCause redacts the URL of every *url.Error in err's chain and
// returns the outermost error of the chain whose text holds no secret, or
// nil when there is none.
func cleanCause(err error, secrets []string) error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if ue, ok := e.(*url.Error); ok {
			ue.URL = redact(ue.URL, secrets...)
		}
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if txt := e.Error(); redact(txt, secrets...) == txt {
			return e
		}
	}
	return nil
}

// clip bounds server-provided text for logs and errors, on a UTF-8
// boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && i > n-4 && (s[i]&0xC0) == 0x80 {
		i--
	}
	return s[:i] + "..."
}

func basicAuth(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}

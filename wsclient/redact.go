package wsclient

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// redacted is the replacement for secrets in error and log text.
const redacted = "REDACTED"

// tokenParam matches an access_token query parameter in any printed URL.
var tokenParam = regexp.MustCompile(`(?i)(access_token=)[^&\s"']*`)

// redact removes every secret from s: each non-empty secret verbatim and
// query-escaped, and any access_token query value.
func redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		s = strings.ReplaceAll(s, sec, redacted)
		if esc := url.QueryEscape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, redacted)
		}
	}
	return tokenParam.ReplaceAllString(s, "${1}"+redacted)
}

// redactedError carries the redacted text of an error and a sentinel to
// match with errors.Is. The original error is deliberately not kept:
// *url.Error and websocket dial errors print the whole URL, query included,
// and errors.As would hand it back to a caller who logs it.
type redactedError struct {
	kind error // may be nil
	msg  string
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.kind }

// redactErr returns err with secrets removed from its text, matching kind
// and, when err is or wraps one, context.Canceled or
// context.DeadlineExceeded.
func redactErr(kind error, prefix string, err error, secrets ...string) error {
	msg := redact(err.Error(), secrets...)
	if prefix != "" {
		msg = prefix + ": " + msg
	}
	re := &redactedError{kind: kind, msg: msg}
	for _, ctxErr := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, ctxErr) {
			return &joinedError{redactedError: re, also: ctxErr}
		}
	}
	return re
}

// joinedError is a redactedError that also matches a context error.
type joinedError struct {
	*redactedError
	also error
}

func (e *joinedError) Unwrap() []error {
	if e.kind == nil {
		return []error{e.also}
	}
	return []error{e.kind, e.also}
}

func basicAuth(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}

package zjetstream

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidSubject is returned for a subject prefix or dead-letter subject
// that is not a valid NATS subject of literal tokens.
var ErrInvalidSubject = errors.New("zjetstream: invalid subject")

// Subject returns the subject an event named name is published on: prefix,
// a dot, then the name with each dot-separated part made a valid NATS token.
//
// Sanitizing: Zoom's names are dot-separated (meeting.started,
// phone.callee_call_log_completed), and each part becomes one subject
// token, so "meeting.started" under prefix "zoom.events" is
// "zoom.events.meeting.started" and a consumer can filter on
// "zoom.events.meeting.>". Within a part, ASCII letters, digits, '_' and '-'
// are kept (case too); every other byte (space, '*', '>', control bytes,
// any non-ASCII byte) becomes '_'. An empty part (an empty name, "a..b", a
// leading or trailing dot) becomes "_". So every name, even one Zoom adds
// tomorrow or a malformed one, gives a valid subject; two names that differ
// only in replaced bytes share a subject, which is harmless because the
// consumer reads the name from the event itself, never from the subject.
func Subject(prefix, name string) string {
	var b strings.Builder
	b.Grow(len(prefix) + 1 + len(name))
	b.WriteString(prefix)
	for _, part := range strings.Split(name, ".") {
		b.WriteByte('.')
		if part == "" {
			b.WriteByte('_')
			continue
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' {
				b.WriteByte(c)
			} else {
				b.WriteByte('_')
			}
		}
	}
	return b.String()
}

// checkSubject accepts a subject made of non-empty literal tokens (no
// wildcards, no whitespace).
func checkSubject(what, s string) error {
	if s == "" {
		return fmt.Errorf("%w: %s is empty", ErrInvalidSubject, what)
	}
	for _, tok := range strings.Split(s, ".") {
		if tok == "" || tok == "*" || tok == ">" || strings.ContainsAny(tok, " \t\r\n*>") {
			return fmt.Errorf("%w: %s %q", ErrInvalidSubject, what, s)
		}
		for i := 0; i < len(tok); i++ {
			if tok[i] < 0x21 || tok[i] == 0x7f {
				return fmt.Errorf("%w: %s %q", ErrInvalidSubject, what, s)
			}
		}
	}
	return nil
}

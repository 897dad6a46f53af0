package main

import (
	"context"
	"encoding"
	"fmt"
	"log/slog"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Log values can come from whoever sends a request (a request id, an event
// name, a path, an error that quotes a header): every value the CLI logs
// passes through clip, so one request cannot write megabytes of log or
// forge log lines.
const (
	// maxLogValue bounds one logged value, in bytes, before the marker.
	maxLogValue = 256
	// maxLogStack bounds a "stack" value: the SDK's own stack trace on a
	// handler panic, useful in full, and not client-supplied.
	maxLogStack = 16 << 10
)

// clip returns s cut to at most limit bytes (at a rune boundary) with a
// marker giving the original length, control characters (newlines, escape
// sequences, ...) replaced by spaces and invalid UTF-8 by U+FFFD.
func clip(s string, limit int) string {
	clean := true
	for i := 0; i < len(s) && i <= limit; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unicode.IsControl(r) {
			clean = false
			break
		}
		i += size
	}
	if clean && len(s) <= limit {
		return s // the common case: no allocation
	}
	var b strings.Builder
	b.Grow(min(len(s), limit) + 32)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			r = utf8.RuneError
		case unicode.IsControl(r):
			r = ' '
		}
		if b.Len()+utf8.RuneLen(r) > limit {
			fmt.Fprintf(&b, "…[cut: %d bytes]", len(s))
			break
		}
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

// clipAttr applies clip to an attribute's value, resolving LogValuers and
// formatting other values as the text handler would.
func clipAttr(a slog.Attr) slog.Attr {
	limit := maxLogValue
	if a.Key == "stack" {
		limit = maxLogStack
	}
	a.Key = clip(a.Key, maxLogValue)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(clip(v.String(), limit))
	case slog.KindGroup:
		group := v.Group()
		clipped := make([]slog.Attr, len(group))
		for i, g := range group {
			clipped[i] = clipAttr(g)
		}
		a.Value = slog.GroupValue(clipped...)
	case slog.KindAny:
		var s string
		switch x := v.Any().(type) {
		case error:
			s = x.Error()
		case []byte:
			s = string(x) // shown as text, as the text handler does
		case encoding.TextMarshaler:
			text, err := x.MarshalText()
			if err != nil {
				s = "!ERROR:" + err.Error()
			} else {
				s = string(text)
			}
		default:
			s = fmt.Sprintf("%+v", x)
		}
		a.Value = slog.StringValue(clip(s, limit))
	default:
		a.Value = v // numbers, times, durations, booleans: bounded already
	}
	return a
}

// clipHandler is a slog.Handler that clips every message and attribute
// before the next handler sees it.
type clipHandler struct{ next slog.Handler }

func (h clipHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h clipHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, clip(r.Message, maxLogValue), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(clipAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h clipHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clipped := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clipped[i] = clipAttr(a)
	}
	return clipHandler{h.next.WithAttrs(clipped)}
}

func (h clipHandler) WithGroup(name string) slog.Handler {
	return clipHandler{h.next.WithGroup(clip(name, maxLogValue))}
}

// newLogger logs state changes and errors to stderr, and debug detail
// with verbose; every value is clipped.
func newLogger(e *env, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return newLoggerAt(e, level)
}

// newLoggerAt is newLogger with an explicit minimum level.
func newLoggerAt(e *env, level slog.Level) *slog.Logger {
	return slog.New(clipHandler{slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level})})
}

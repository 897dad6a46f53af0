package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestClip(t *testing.T) {
	assert.Equal(t, "meeting.started", clip("meeting.started", 64))
	assert.Equal(t, "", clip("", 64))

	long := strings.Repeat("x", 900<<10)
	got := clip(long, 128)
	assert.Equal(t, strings.Repeat("x", 128)+"…[cut: 921600 bytes]", got)

	// Control characters cannot start a forged log line or drive a terminal.
	assert.Equal(t, "id  level=ERROR msg=forged  [31mred", clip("id\r\nlevel=ERROR msg=forged\x00\x1b[31mred", 128))
	assert.Equal(t, "a\uFFFDb", clip("a\xffb", 128))

	// Cut at a rune boundary: the result is valid UTF-8.
	got = clip(strings.Repeat("é", 100), 15)
	assert.True(t, utf8.ValidString(got), got)
	assert.Equal(t, strings.Repeat("é", 7)+"…[cut: 200 bytes]", got)
}

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

func TestLoggerClipsEveryValue(t *testing.T) {
	huge := strings.Repeat("h", 900<<10)
	te := newTestEnv(nil, "")
	logger := newLogger(&te.env, true).With("with", huge).WithGroup("g")
	logger.Warn(huge,
		"string", huge,
		"error", errors.New(huge),
		"wrapped", fmt.Errorf("bad: %w", errors.New(huge)),
		"any", stringer{huge},
		"bytes", []byte(huge),
		slog.Group("group", "inner", huge),
		"number", 42,
	)
	out := te.err.String()
	assert.Less(t, len(out), 4096, "ten huge values, one bounded line")
	assert.Equal(t, 1, strings.Count(out, "\n"))
	assert.Equal(t, 8, strings.Count(out, "[cut: "), out)
	assert.Contains(t, out, `g.bytes="hhh`)
	assert.Contains(t, out, "g.number=42")

	// The SDK's own stack trace on a panic is kept whole, up to a bound.
	te = newTestEnv(nil, "")
	stack := strings.Repeat("frame\n", 1000)
	newLogger(&te.env, false).Error("panicked", "stack", stack, "panic", huge)
	out = te.err.String()
	assert.Contains(t, out, strings.Repeat("frame ", 1000))
	assert.Less(t, len(out), maxLogStack+1024)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sync"

	"github.com/zoomevents/zoomevents/event"
)

// lineWriter writes each event as one line of compact JSON, exactly the
// JSON Zoom delivered (whitespace removed). One Write per line under a
// lock, so lines never interleave and a stop never leaves half a line.
type lineWriter struct {
	mu  sync.Mutex
	w   io.Writer
	buf bytes.Buffer
}

func newLineWriter(w io.Writer) *lineWriter { return &lineWriter{w: w} }

// HandleEvent implements event.Handler.
func (l *lineWriter) HandleEvent(_ context.Context, ev *event.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Reset()
	if err := compactLine(&l.buf, ev.Raw); err != nil {
		return err
	}
	_, err := l.w.Write(l.buf.Bytes())
	return err
}

// compactLine appends raw JSON, compacted, and a newline.
func compactLine(buf *bytes.Buffer, raw []byte) error {
	if err := json.Compact(buf, raw); err != nil {
		return err
	}
	buf.WriteByte('\n')
	return nil
}

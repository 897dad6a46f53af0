package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestWorkerAgainstFakeZoom(t *testing.T) {
	zoom := wstest.NewServer()
	defer zoom.Close()
	logs := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, zoom.Config(), slog.New(slog.NewTextHandler(logs, nil)), 10*time.Millisecond) }()
	if err := zoom.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := zoom.Emit([]byte(`{"event":"meeting.participant_joined","event_ts":1,"payload":{"object":{"id":1,"participant":{"user_name":"Ada"}}}}`)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !(strings.Contains(logs.String(), "name=Ada") && strings.Contains(logs.String(), "msg=metrics")) {
		if time.Now().After(deadline) {
			t.Fatalf("worker never logged the event and metrics:\n%s", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

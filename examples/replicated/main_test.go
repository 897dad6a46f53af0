package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestRun runs the demonstration against the Redis server of
// ZOOMEVENTS_REDIS_URL (skipped without one, failed when
// ZOOMEVENTS_REQUIRE_SERVERS=1) and checks what it printed.
func TestRun(t *testing.T) {
	url := os.Getenv("ZOOMEVENTS_REDIS_URL")
	if url == "" {
		if os.Getenv("ZOOMEVENTS_REQUIRE_SERVERS") == "1" {
			t.Fatal("ZOOMEVENTS_REQUIRE_SERVERS=1 but ZOOMEVENTS_REDIS_URL is unset")
		}
		t.Skip("set ZOOMEVENTS_REDIS_URL=redis://127.0.0.1:6379/0 to run against Redis (source .ci/redis.sh; redis_start starts one)")
	}
	var out bytes.Buffer
	if err := run(context.Background(), url, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := out.String()
	t.Log("\n" + got)
	for what, want := range map[string]int{
		"handled recording.completed":                1, // once across the webhook replicas
		"skipped a duplicate of recording.completed": 2, // the retry and the redelivery with new tokens
		"took over the socket":                       2,
		"skipped a duplicate of meeting.started":     2, // the copy sent to each new holder
		"sockets open at once, at most: 1":           1,
	} {
		if n := strings.Count(got, what); n != want {
			t.Errorf("%q printed %d times, want %d", what, n, want)
		}
	}
	// Each webhook delivery landed on another replica.
	if m := regexp.MustCompile(`replica (\d) (handled|skipped)`).FindAllStringSubmatch(got, -1); len(m) != 3 || m[0][1] == m[1][1] || m[1][1] == m[2][1] {
		t.Errorf("webhook deliveries did not go round-robin: %v", m)
	}
	if n := strings.Count(got, "handled meeting.started"); n != 3 {
		t.Errorf("meeting.started handled %d times, want 3 (one per distinct event)", n)
	}
}

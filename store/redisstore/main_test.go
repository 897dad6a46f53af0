package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const skipLine = "redisstore: set ZOOMEVENTS_REDIS_URL=redis://127.0.0.1:6379/0 to run against Redis (bash .ci/redis.sh starts one)"

// redisOptions returns the options of the test server, skipping the test
// when none is configured (failing when ZOOMEVENTS_REQUIRE_SERVERS=1).
func redisOptions(t testing.TB) *redis.Options {
	t.Helper()
	raw := os.Getenv("ZOOMEVENTS_REDIS_URL")
	if raw == "" {
		if os.Getenv("ZOOMEVENTS_REQUIRE_SERVERS") == "1" {
			t.Fatal("redisstore: ZOOMEVENTS_REQUIRE_SERVERS=1 but ZOOMEVENTS_REDIS_URL is unset")
		}
		t.Skip(skipLine)
	}
	opt, err := redis.ParseURL(raw)
	if err != nil {
		// The URL may hold a password: not printed.
		t.Fatal("redisstore: ZOOMEVENTS_REDIS_URL is not a valid redis:// URL")
	}
	return opt
}

// newClient returns a client of the test server, closed when the test ends.
func newClient(t testing.TB, opt *redis.Options) *redis.Client {
	t.Helper()
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("redisstore: test server does not answer PING: %v", err)
	}
	return c
}

// testClient returns a client of the test server and a key prefix of this
// test alone (its keys are deleted when the test ends).
func testClient(t testing.TB) (*redis.Client, string) {
	t.Helper()
	c := newClient(t, redisOptions(t))
	prefix := "zoomevents-test:" + strings.NewReplacer("/", ":", "*", "_", "?", "_", "[", "_").Replace(t.Name()) + ":" + randHex(t) + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var keys []string
		iter := c.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if len(keys) > 0 {
			_ = c.Del(ctx, keys...).Err()
		}
	})
	return c, prefix
}

func randHex(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

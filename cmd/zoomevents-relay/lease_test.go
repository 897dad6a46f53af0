package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	zjetstream "github.com/zoomevents/zoomevents/jetstream"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

// serverURL returns the URL of a test server from the environment
// variable name, skipping the test when it is unset, or failing it when
// ZOOMEVENTS_REQUIRE_SERVERS=1.
func serverURL(t *testing.T, name, start string) string {
	t.Helper()
	u := os.Getenv(name)
	if u == "" {
		if os.Getenv("ZOOMEVENTS_REQUIRE_SERVERS") == "1" {
			t.Fatalf("ZOOMEVENTS_REQUIRE_SERVERS=1 but %s is unset", name)
		}
		t.Skipf("%s unset: to run, at the repository root: %s", name, start)
	}
	return u
}

func randName(t *testing.T) string {
	var b [6]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return "relay-test-" + hex.EncodeToString(b[:])
}

func wsEnviron(zoom *wstest.Server, natsURL string) map[string]string {
	return map[string]string{
		"NATS_URL":           natsURL,
		"ZOOM_ACCOUNT_ID":    wstest.DefaultAccountID,
		"ZOOM_CLIENT_ID":     wstest.DefaultClientID,
		"ZOOM_CLIENT_SECRET": wstest.DefaultClientSecret,
		"ZOOM_WS_ENDPOINT":   zoom.Endpoint(),
		"ZOOM_TOKEN_URL":     zoom.TokenURL(),
	}
}

func TestWebSocketRelaysShareSubscriptionRedisLease(t *testing.T) {
	testFailover(t, serverURL(t, "ZOOMEVENTS_REDIS_URL", "source .ci/redis.sh && redis_start"))
}

func TestWebSocketRelaysShareSubscriptionPostgresLease(t *testing.T) {
	testFailover(t, serverURL(t, "ZOOMEVENTS_POSTGRES_URL", "source .ci/postgres.sh && pg_start"))
}

// storedIDs returns how many times each event (by object id) is stored.
func storedIDs(t *testing.T, js jetstream.JetStream) map[int]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stream, err := js.Stream(ctx, zjetstream.DefaultStream)
	require.NoError(t, err)
	info, err := stream.Info(ctx)
	require.NoError(t, err)
	ids := map[int]int{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := stream.GetMsg(ctx, seq)
		require.NoError(t, err)
		var ev struct {
			Payload struct {
				Object struct {
					ID string `json:"id"`
				} `json:"object"`
			} `json:"payload"`
		}
		require.NoError(t, json.Unmarshal(m.Data, &ev))
		id, err := strconv.Atoi(ev.Payload.Object.ID)
		require.NoError(t, err)
		ids[id]++
	}
	return ids
}

// waitStored waits until every id in want is stored.
func waitStored(t *testing.T, js jetstream.JetStream, want []int) {
	t.Helper()
	require.Eventually(t, func() bool {
		got := storedIDs(t, js)
		for _, id := range want {
			if got[id] == 0 {
				return false
			}
		}
		return true
	}, 60*time.Second, 50*time.Millisecond, "events emitted to a live relay are stored")
}

// holder returns the relay holding the lease (it logged the acquisition
// and has not stopped), failing unless exactly one does.
func holder(t *testing.T, relays []*relay, stopped map[*relay]bool) *relay {
	t.Helper()
	var h []*relay
	for _, r := range relays {
		if !stopped[r] && strings.Contains(r.logs.String(), "lease acquired") {
			h = append(h, r)
		}
	}
	require.Len(t, h, 1, "exactly one running relay acquired the lease")
	return h[0]
}

// testFailover runs three relays in WebSocket mode sharing one fake Zoom
// subscription through the lease at leaseURL: one holds the socket; when
// it stops another takes over; every event emitted while a relay held the
// socket is stored exactly once; events emitted during the failover are
// counted.
func testFailover(t *testing.T, leaseURL string) {
	s := runServer(t)
	js := connect(t, s)
	zoom := wstest.NewServer()
	defer zoom.Close()
	environ := wsEnviron(zoom, s.ClientURL())
	environ["ZOOMEVENTS_LEASE_URL"] = leaseURL
	args := []string{"-source", "websocket", "-lease-name", randName(t), "-lease-ttl", "3s"}

	var relays []*relay
	for range 3 {
		relays = append(relays, startRelayWith(t, zoom.HTTPClient(), environ, args...))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, zoom.WaitConnections(ctx, 1))
	first := holder(t, relays, nil)

	// Phase A: the first holder alone.
	emit := func(from, n int) []int {
		var ids []int
		for i := from; i < from+n; i++ {
			require.NoError(t, zoom.Emit(body(i)))
			ids = append(ids, i)
		}
		return ids
	}
	phaseA := emit(0, 50)
	waitStored(t, js, phaseA)

	// Failover, with "Zoom" emitting all along. Each event is classified by
	// when it was emitted: before the stop began, in the window (stop
	// began, no new connection yet), or after the takeover.
	var stopping atomic.Bool
	var (
		mu                           sync.Mutex
		before, window, after        []int
		noConnection                 int
		emitterStop                  = make(chan struct{})
		emitterDone                  = make(chan struct{})
		afterCount, beforeCountReady atomic.Int32
	)
	go func() {
		defer close(emitterDone)
		for i := 1000; ; i++ {
			select {
			case <-emitterStop:
				return
			default:
			}
			stop, taken := stopping.Load(), zoom.Stats().Connections >= 2
			err := zoom.Emit(body(i))
			mu.Lock()
			switch {
			case errors.Is(err, wstest.ErrNoConnection):
				noConnection++
			case err != nil:
				t.Errorf("emit: %v", err)
			case taken:
				after = append(after, i)
				afterCount.Add(1)
			case stop:
				window = append(window, i)
			default:
				before = append(before, i)
				beforeCountReady.Add(1)
			}
			mu.Unlock()
			time.Sleep(2 * time.Millisecond)
		}
	}()
	require.Eventually(t, func() bool { return beforeCountReady.Load() >= 20 }, 30*time.Second, time.Millisecond)
	stopping.Store(true)
	stopAt := time.Now()
	first.stop(t)
	stopped := time.Since(stopAt)
	require.NoError(t, zoom.Wait(ctx, func(st wstest.Stats) bool { return st.Connections >= 2 }))
	failover := time.Since(stopAt)
	require.Eventually(t, func() bool { return afterCount.Load() >= 20 }, 30*time.Second, time.Millisecond)
	close(emitterStop)
	<-emitterDone
	second := holder(t, relays, map[*relay]bool{first: true})

	// Phase B: the new holder alone.
	phaseB := emit(5000, 50)
	waitStored(t, js, phaseB)

	got := storedIDs(t, js)
	for id, n := range got {
		assert.Equal(t, 1, n, "event %d stored once", id)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, set := range [][]int{phaseA, after, phaseB} {
		for _, id := range set {
			assert.Equal(t, 1, got[id], "event %d, emitted while a relay held the socket, stored once", id)
		}
	}
	lost := func(ids []int) int {
		n := 0
		for _, id := range ids {
			if got[id] == 0 {
				n++
			}
		}
		return n
	}
	st := zoom.Stats()
	assert.Equal(t, 1, st.MaxOpenSockets, "never two sockets open at once")
	assert.Equal(t, 2, st.Connections, "one takeover, no flapping")
	assert.NotSame(t, first, second)
	t.Logf("failover: holder stopped in %v, new connection %v after the stop began; "+
		"events emitted just before the stop: %d sent, %d lost; during the window: %d sent to the closing socket, %d lost, %d refused (no connection); "+
		"after the takeover: %d sent, %d lost",
		stopped.Round(time.Millisecond), failover.Round(time.Millisecond),
		len(before), lost(before), len(window), lost(window), noConnection, len(after), lost(after))
}

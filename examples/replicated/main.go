// Command replicated shows a replicated deployment of zoomevents on Redis,
// in one process for the demonstration:
//
//   - three webhook replicas behind a round-robin front (a stand-in for a
//     load balancer), each with event.Dedup on a shared redisstore.Store, so
//     that Zoom's retry of an event, landing on another replica, is skipped;
//   - three WebSocket workers sharing one subscription of a fake Zoom
//     (wsclient/wstest) through a redisstore.Lease: one holds the socket,
//     the others wait; when the holder stops, another takes over, and a
//     copy of an event the old holder handled is skipped.
//
// It prints what happens and exits. It needs a Redis server:
//
//	ZOOMEVENTS_REDIS_URL=redis://127.0.0.1:6379/0 go run .
//
// A real deployment differs: each replica is its own process (a container,
// a VM), run with the same code and configuration: the webhook replicas
// behind the real load balancer, each creating its own redis client,
// redisstore.Store and webhook.Endpoint; the workers each running one
// wsclient.Client with Config.Lease set to a redisstore.Lease named after
// the subscription ID, the real credentials and no fake Zoom. Nothing is
// shared in memory: Redis is the only shared state. Keep the lease TTL at
// its default (10 s) unless failover must be faster; this demonstration uses
// 1 s to finish quickly.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/store/redisstore"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

func main() {
	url := os.Getenv("ZOOMEVENTS_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	if err := run(context.Background(), url, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run runs the demonstration against the Redis server at redisURL,
// printing to out. Its keys live under a prefix of their own and are
// deleted at the end.
func run(ctx context.Context, redisURL string, w io.Writer) error {
	out := &syncWriter{w: w} // replicas print from their own goroutines
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		return errors.New("ZOOMEVENTS_REDIS_URL is not a valid redis:// URL") // it may hold a password: not printed
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "zoomevents-example:" + hex.EncodeToString(b[:]) + ":"
	admin := redis.NewClient(opt)
	defer admin.Close()
	if err := admin.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	defer deleteKeys(admin, prefix)

	if err := webhooks(ctx, opt, prefix, out); err != nil {
		return err
	}
	return workers(ctx, opt, prefix, out)
}

// webhooks runs three webhook replicas behind a round-robin front and
// delivers an event, Zoom's retry of it, and a redelivery with new
// download tokens.
func webhooks(ctx context.Context, opt *redis.Options, prefix string, out io.Writer) error {
	const secret = "demo-secret"
	fmt.Fprintln(out, "== webhooks: 3 replicas behind a round-robin front, sharing a Redis dedup store")
	var backends []*url.URL
	for i := 1; i <= 3; i++ {
		// In production: one process per replica, each with its own client.
		rdb := redis.NewClient(opt)
		defer rdb.Close()
		store, err := redisstore.New(rdb, redisstore.WithKeyPrefix(prefix+"dedup:"))
		if err != nil {
			return err
		}
		handle := event.HandlerFunc(func(_ context.Context, ev *event.Event) error {
			fmt.Fprintf(out, "  replica %d handled %s\n", i, ev.Name)
			return nil
		})
		h, err := webhook.NewEndpoint(secret, event.Dedup(handle,
			event.WithStore(store),
			event.WithTTL(time.Minute), // Zoom's retries span 85 minutes: keep the default (2 h) in production
			event.WithDuplicateHook(func(_ context.Context, ev *event.Event) {
				fmt.Fprintf(out, "  replica %d skipped a duplicate of %s\n", i, ev.Name)
			})))
		if err != nil {
			return err
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		u, _ := url.Parse(srv.URL)
		backends = append(backends, u)
	}
	var next atomic.Uint32
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	front := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(backends[(next.Add(1)-1)%uint32(len(backends))])
		},
		Transport: transport,
	})
	defer front.Close()

	recording := func(token string) []byte {
		return []byte(`{"event":"recording.completed","event_ts":1720707175904,"download_token":"` + token + `","payload":{"account_id":"a","object":{"uuid":"4444AAAiAAAAAiAiAiiAii==","topic":"Standup","recording_files":[{"id":"f1","download_url":"https://zoom.us/rec/download/f1?access_token=` + token + `"}]}}}`)
	}
	client := &http.Client{Transport: transport}
	for _, d := range []struct {
		why  string
		body []byte
	}{
		{"first delivery", recording("tokenA")},
		{"Zoom's retry, same body", recording("tokenA")},
		{"redelivery with new download tokens", recording("tokenB")},
	} {
		fmt.Fprintf(out, "delivery (%s):\n", d.why)
		req, err := webhooktest.NewClientRequest(secret, front.URL+"/zoom/webhook", d.body)
		if err != nil {
			return err
		}
		resp, err := client.Do(req.WithContext(ctx))
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		fmt.Fprintf(out, "  answered Zoom %d\n", resp.StatusCode)
	}
	return nil
}

// workers runs three WebSocket workers sharing a subscription of a fake
// Zoom through a Redis lease, stops the holder twice, and emits events
// throughout.
func workers(ctx context.Context, opt *redis.Options, prefix string, out io.Writer) error {
	fmt.Fprintln(out, "== WebSocket workers: 3 workers sharing one subscription through a Redis lease")
	zoom := wstest.NewServer()
	defer zoom.Close()

	var mu sync.Mutex
	holder := 0
	var seen atomic.Int32 // events handled or skipped by the workers
	connected := make(chan int, 16)
	type worker struct {
		stop context.CancelFunc
		done chan struct{}
	}
	var ws []*worker
	defer func() {
		for _, w := range ws {
			w.stop()
			<-w.done
		}
	}()
	for i := 1; i <= 3; i++ {
		rdb := redis.NewClient(opt)
		defer rdb.Close()
		lease, err := redisstore.NewLease(rdb, wstest.DefaultSubscriptionID,
			redisstore.WithLeaseKeyPrefix(prefix+"lease:"), redisstore.WithLeaseTTL(time.Second))
		if err != nil {
			return err
		}
		store, err := redisstore.New(rdb, redisstore.WithKeyPrefix(prefix+"dedup:"))
		if err != nil {
			return err
		}
		handle := event.HandlerFunc(func(_ context.Context, ev *event.Event) error {
			fmt.Fprintf(out, "  worker %d handled %s\n", i, ev.Name)
			seen.Add(1)
			return nil
		})
		cfg := zoom.Config() // in production: the app's credentials and subscription ID
		cfg.Lease = lease
		cfg.OnStateChange = func(ch wsclient.StateChange) {
			if ch.To == wsclient.StateConnected {
				mu.Lock()
				holder = i
				mu.Unlock()
				connected <- i
			}
		}
		c, err := wsclient.New(cfg, event.Dedup(handle,
			event.WithStore(store),
			event.WithTTL(time.Minute),
			event.WithDuplicateHook(func(_ context.Context, ev *event.Event) {
				fmt.Fprintf(out, "  worker %d skipped a duplicate of %s\n", i, ev.Name)
				seen.Add(1)
			})))
		if err != nil {
			return err
		}
		wctx, stop := context.WithCancel(ctx)
		w := &worker{stop: stop, done: make(chan struct{})}
		ws = append(ws, w)
		go func() {
			defer close(w.done)
			_ = c.Run(wctx)
		}()
	}

	conns := 0
	wait := func() (int, error) {
		select {
		case i := <-connected:
			// Zoom sends to the socket once it registered it, a moment
			// after the worker saw the handshake.
			conns++
			wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			return i, zoom.WaitConnections(wctx, conns)
		case <-time.After(30 * time.Second):
			return 0, errors.New("no worker connected within 30 s")
		}
	}
	i, err := wait()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "worker %d holds the socket; the others wait\n", i)
	started := func(n int) []byte {
		return fmt.Appendf(nil, `{"event":"meeting.started","event_ts":%d,"payload":{"account_id":"a","object":{"uuid":"meeting-%d","topic":"Standup"}}}`, 1720707175904+n, n)
	}
	emit := func(body []byte) error {
		before := seen.Load()
		if err := zoom.Emit(body); err != nil {
			return err
		}
		// Wait for the holder to handle or skip it, for the printout's order.
		for deadline := time.Now().Add(30 * time.Second); seen.Load() == before; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				return errors.New("the holder did not take the event within 30 s")
			}
		}
		return nil
	}
	last := started(1)
	if err := emit(last); err != nil {
		return err
	}
	for round := 1; round <= 2; round++ {
		mu.Lock()
		h := holder
		mu.Unlock()
		fmt.Fprintf(out, "stopping worker %d (the holder)\n", h)
		ws[h-1].stop()
		<-ws[h-1].done
		stopped := time.Now()
		i, err := wait()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "worker %d took over the socket after %v\n", i, time.Since(stopped).Round(10*time.Millisecond))
		fmt.Fprintln(out, "Zoom sends the last event again:")
		if err := emit(last); err != nil {
			return err
		}
		last = started(round + 1)
		if err := emit(last); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "sockets open at once, at most: %d\n", zoom.Stats().MaxOpenSockets)
	return nil
}

// deleteKeys deletes the demonstration's keys.
func deleteKeys(c *redis.Client, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, prefix+"*", 100).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if len(keys) > 0 {
		_ = c.Del(ctx, keys...).Err()
	}
}

// syncWriter serialises writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

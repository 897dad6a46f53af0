package webhook_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// secondRead calls onSecond when the handler asks for more of the body
// than the first read gave: by then its buffer exists.
type secondRead struct {
	io.ReadCloser
	reads    int
	onSecond func()
}

func (s *secondRead) Read(p []byte) (int, error) {
	if s.reads++; s.reads == 2 {
		s.onSecond()
	}
	return s.ReadCloser.Read(p)
}

// BenchmarkSlowBodyAttack measures the slow-body attack over loopback:
// 50 connections each claim 8 MiB in Content-Length, send 1 byte and
// stall. It reports the live heap growth (after a GC) while all 50 wait,
// for webhook.Endpoint and for a baseline handler that reads the body one
// byte at a time (net/http's own cost per connection).
//
//	go test -run '^$' -bench SlowBodyAttack ./webhook/
func BenchmarkSlowBodyAttack(b *testing.B) {
	h := newHandler(b, &recorder{})
	handlers := []struct {
		name string
		h    http.HandlerFunc
	}{
		{"impl=handler", h.ServeHTTP},
		{"impl=baseline", func(_ http.ResponseWriter, r *http.Request) {
			var one [1]byte
			for {
				if _, err := r.Body.Read(one[:]); err != nil {
					return
				}
			}
		}},
	}
	for _, hh := range handlers {
		b.Run(hh.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.ReportMetric(float64(slowBodyAttack(b, hh.h))/1024, "heap-KiB/attack")
			}
		})
	}
}

func slowBodyAttack(b *testing.B, h http.HandlerFunc) uint64 {
	const conns = 50
	var waiting sync.WaitGroup
	waiting.Add(conns)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = &secondRead{ReadCloser: r.Body, onSecond: waiting.Done}
		h(w, r)
	}))
	defer srv.Close()
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for range conns {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		now := time.Now()
		req := "POST / HTTP/1.1\r\nHost: zoom\r\n" +
			webhook.HeaderTimestamp + ": " + strconv.FormatInt(now.Unix(), 10) + "\r\n" +
			webhook.HeaderSignature + ": " + webhooktest.Sign(secret, now, []byte("{}")) + "\r\n" +
			"Content-Length: " + strconv.Itoa(webhook.DefaultMaxBodyBytes) + "\r\n\r\n{"
		if _, err := io.WriteString(c, req); err != nil {
			b.Fatal(err)
		}
	}
	waiting.Wait()
	after := heap()
	if after < before {
		return 0
	}
	return after - before
}

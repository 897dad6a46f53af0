package bench

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// epoch is the base of the monotonic send timestamps embedded in frames:
// sender and receiver are in one process, so time.Since(epoch) on both
// sides is one clock.
var epoch = time.Now()

func nowNS() int64 { return int64(time.Since(epoch)) }

// tsDigits is the width of the zero-padded decimal send timestamp.
const tsDigits = 20

// tsField starts every benchmark event's JSON, so that every receiver finds
// the send timestamp at the same offset of the event (the frame's content):
// the digits are at [len(tsField), len(tsField)+tsDigits).
const tsField = `{"bench_ns":"`

// stampedEvent returns body (a JSON object) with a bench_ns member of
// zeros in front.
func stampedEvent(body []byte) []byte {
	return append([]byte(tsField+strings.Repeat("0", tsDigits)+`",`), body[1:]...)
}

// zoomFrame wraps an event as Zoom's WebSocket does: the event JSON as a
// string in content. It returns the frame and the offset of the timestamp
// digits in it.
func zoomFrame(tb testing.TB, ev []byte) ([]byte, int) {
	tb.Helper()
	frame, err := json.Marshal(struct {
		Module  string `json:"module"`
		Success bool   `json:"success"`
		Content string `json:"content"`
	}{"message", true, string(ev)})
	if err != nil {
		tb.Fatal(err)
	}
	marker := `\"bench_ns\":\"`
	i := strings.Index(string(frame), marker)
	if i < 0 {
		tb.Fatal("bench: no timestamp in frame")
	}
	return frame, i + len(marker)
}

// putTS writes ns as tsDigits zero-padded decimal digits into dst.
func putTS(dst []byte, ns int64) {
	for i := tsDigits - 1; i >= 0; i-- {
		dst[i] = byte('0' + ns%10)
		ns /= 10
	}
}

// parseTS reads the digits putTS wrote.
func parseTS[T string | []byte](s T) int64 {
	var n int64
	for i := 0; i < tsDigits; i++ {
		n = n*10 + int64(s[i]-'0')
	}
	return n
}

// wsServer is a loopback WebSocket server built on coder/websocket.Accept
// that sends n copies of one frame, each stamped with its send time, to
// the one client that connects. In flood mode it writes as fast as the
// connection takes them; in lock-step mode it waits for the receiver's
// signal on next between frames, so that each frame's latency is measured
// on an idle path.
type wsServer struct {
	srv      *httptest.Server
	frame    []byte
	tsOff    int
	n        int
	lockstep bool
	start    chan struct{}
	next     chan struct{}

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	errMu  sync.Mutex
	err    error
}

func newWSServer(tb testing.TB, frame []byte, tsOff, n int, lockstep bool) *wsServer {
	tb.Helper()
	s := &wsServer{
		frame: slices.Clone(frame), tsOff: tsOff, n: n, lockstep: lockstep,
		start: make(chan struct{}), next: make(chan struct{}, 1),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", s.serve)
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the ws:// URL of the endpoint.
func (s *wsServer) URL() string { return "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/ws" }

// Start releases the frames.
func (s *wsServer) Start() { close(s.start) }

// Next lets a lock-step server send the next frame. It never blocks: a
// lock-step server has consumed the previous signal before it sent the
// frame being acknowledged.
func (s *wsServer) Next() {
	if s.lockstep {
		select {
		case s.next <- struct{}{}:
		default:
		}
	}
}

// Close stops the server, waits for its goroutines and returns the first
// error the sender met.
func (s *wsServer) Close() error {
	s.cancel()
	s.srv.Close()
	s.wg.Wait()
	s.errMu.Lock()
	defer s.errMu.Unlock()
	return s.err
}

func (s *wsServer) fail(err error) {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	if s.err == nil && s.ctx.Err() == nil {
		s.err = err
	}
}

func (s *wsServer) serve(w http.ResponseWriter, r *http.Request) {
	s.wg.Add(1)
	defer s.wg.Done()
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		s.fail(err)
		return
	}
	defer c.CloseNow()
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()

	// The reader discards what the client sends (heartbeats) and notices
	// when it goes away.
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		defer cancel()
		for {
			if _, _, err := c.Read(ctx); err != nil {
				return
			}
		}
	}()
	defer func() { <-readerDone }()

	select {
	case <-s.start:
	case <-ctx.Done():
		return
	}
	ts := s.frame[s.tsOff : s.tsOff+tsDigits]
	for i := 0; i < s.n; i++ {
		if s.lockstep && i > 0 {
			select {
			case <-s.next:
			case <-ctx.Done():
				return
			}
		}
		putTS(ts, nowNS())
		if err := c.Write(ctx, websocket.MessageText, s.frame); err != nil {
			if !errors.Is(err, context.Canceled) {
				s.fail(err)
			}
			return
		}
	}
	<-ctx.Done() // until the client leaves or the server closes
	c.Close(websocket.StatusNormalClosure, "")
}

// recorder collects each event's latency, from the sender's timestamp to
// the start of the receiver's handling, into a slice allocated before the
// timer starts.
type recorder struct {
	lat  []int64
	done chan struct{}
	next func() // lets a lock-step sender send the next frame
}

func newRecorder(n int, next func()) *recorder {
	return &recorder{lat: make([]int64, 0, n), done: make(chan struct{}), next: next}
}

// record is called once per event by the receiver with the sender's
// timestamp. It reports whether all events have arrived.
func (r *recorder) record(sent int64) bool {
	r.lat = append(r.lat, nowNS()-sent)
	if len(r.lat) == cap(r.lat) {
		close(r.done)
		return true
	}
	r.next()
	return false
}

// report adds events/s and, when latency is meaningful, the p50 and p99
// latency in ns.
func (r *recorder) report(b *testing.B, withLatency bool) {
	b.ReportMetric(float64(len(r.lat))/b.Elapsed().Seconds(), "events/s")
	if !withLatency || len(r.lat) == 0 {
		return
	}
	s := slices.Clone(r.lat)
	slices.Sort(s)
	b.ReportMetric(float64(s[len(s)*50/100]), "p50-ns")
	b.ReportMetric(float64(s[min(len(s)-1, len(s)*99/100)]), "p99-ns")
}

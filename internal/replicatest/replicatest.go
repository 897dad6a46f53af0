// Package replicatest is the multi-replica test shared by the store modules
// (store/redisstore, store/pgstore): N wsclient replicas share one
// subscription of a fake Zoom (wsclient/wstest) through an engine's lease,
// each behind event.Dedup on the engine's shared store, while the fake Zoom
// emits numbered events continuously and the holder is killed again and
// again. It measures and asserts what the SDK promises across replicas:
// never two sockets open at once, a bounded failover, events lost only
// while no replica was connected, and no event handled twice.
//
// It is internal: the store modules import it from their tests (the
// internal rule is by import path, so nested modules may).
package replicatest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

// Kill is how the holder is killed.
type Kill int

const (
	// Crash cancels the holder's Run context after Replica.Crash, so that
	// its lease is not given up: the process is gone, its lease must
	// expire.
	Crash Kill = iota
	// Cut cuts the holder's connection to the lease store (Replica.Cut);
	// the process lives on, unable to renew.
	Cut
)

// String returns "crash" or "cut".
func (k Kill) String() string {
	if k == Crash {
		return "crash"
	}
	return "cut"
}

// Replica is one replica's view of an engine.
type Replica struct {
	// Lease is the replica's lease on the shared subscription.
	Lease wsclient.Lease
	// Store is the replica's handle on the shared dedup store.
	Store event.Store
	// Crash makes the lease's release leave the lease held (it only stops
	// renewing), as a process that died would. Called before the Run
	// context is cancelled.
	Crash func()
	// Cut cuts the replica's connection to the lease store.
	Cut func()
	// Close frees the replica's resources once its Run has returned. May
	// be nil.
	Close func()
}

// Config is one run of the test.
type Config struct {
	// TTL is the lease's TTL, for the bounds and the pacing.
	TTL time.Duration
	// Replicas (default 3) and Kills (default 5).
	Replicas, Kills int
	// Kill is how the holder is killed.
	Kill Kill
	// NewReplica returns a new replica (id counts from 0; a killed replica
	// is replaced by a new one with a new id).
	NewReplica func(t *testing.T, id int) *Replica
}

// Result is what a run measured.
type Result struct {
	MaxOpenSockets int
	Failovers      []time.Duration // kill -> another replica connected
	Emitted, Lost  int
	// LostOutside lists the numbers of lost events emitted while a replica
	// was connected (outside every failover window).
	LostOutside []int
	// Duplicates counts events the handler ran more than once for.
	Duplicates int
	// Redelivered counts copies of an already handled event that the fake
	// Zoom sent to the next holder after a failover; Skipped counts the
	// duplicates event.Dedup skipped.
	Redelivered, Skipped int
	// Unplanned counts holders that lost the socket without being killed.
	Unplanned int
}

type emitted struct {
	n  int
	at time.Time
	ok bool
}

type window struct{ from, to time.Time }

type replica struct {
	id     int
	r      *Replica
	client *wsclient.Client
	cancel context.CancelFunc
	done   chan struct{}
}

type run struct {
	t    *testing.T
	cfg  Config
	srv  *wstest.Server
	base string // a run-unique meeting UUID, so keys never collide across runs

	mu          sync.Mutex
	handled     map[int]int
	skipped     int
	connects    []connEvent // every change to or from StateConnected
	emitMu      sync.Mutex  // held by the emitter per event and by the killer
	emits       []emitted
	bodies      map[int][]byte
	firstUnseen int // every ok emit below it was handled
}

type connEvent struct {
	id        int
	at        time.Time
	connected bool
}

// Run runs the test, asserts on t and logs the figures.
func Run(t *testing.T, cfg Config) Result {
	if cfg.Replicas == 0 {
		cfg.Replicas = 3
	}
	if cfg.Kills == 0 {
		cfg.Kills = 5
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	srv := wstest.NewServer()
	defer srv.Close()
	r := &run{t: t, cfg: cfg, srv: srv, base: hex.EncodeToString(b[:]), handled: map[int]int{}, bodies: map[int][]byte{}}

	nextID := 0
	start := func() *replica {
		rep := r.start(nextID)
		nextID++
		return rep
	}
	reps := make([]*replica, cfg.Replicas)
	for i := range reps {
		reps[i] = start()
	}
	defer func() {
		for _, rep := range reps {
			rep.stop()
		}
	}()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waitCtx, waitCancel := context.WithTimeout(ctx, 30*time.Second)
	if err := srv.WaitConnections(waitCtx, 1); err != nil {
		waitCancel()
		t.Fatalf("no replica connected: %v", err)
	}
	waitCancel()

	emitterDone := make(chan struct{})
	emitCtx, stopEmitter := context.WithCancel(ctx)
	go func() {
		defer close(emitterDone)
		r.emit(emitCtx)
	}()

	var res Result
	var planned []window
	victims := map[int]bool{}
	var stopping sync.WaitGroup
	defer stopping.Wait()
	for k := 0; k < cfg.Kills; k++ {
		time.Sleep(cfg.TTL / 2) // events flow, the lease is renewed
		r.emitMu.Lock()
		r.drain(10 * time.Second)
		holder := -1
		for i, rep := range reps {
			if rep.client.State() == wsclient.StateConnected {
				if holder >= 0 {
					t.Errorf("kill %d: replicas %d and %d both connected", k, reps[holder].id, rep.id)
				}
				holder = i
			}
		}
		if holder < 0 {
			r.emitMu.Unlock()
			t.Fatalf("kill %d: no replica connected", k)
		}
		victim := reps[holder]
		last := r.lastOK()
		accepted := srv.Stats().Connections
		killed := time.Now()
		switch cfg.Kill {
		case Crash:
			victim.r.Crash()
			victim.cancel()
		case Cut:
			victim.r.Cut()
		}
		r.emitMu.Unlock()

		connected, ok := r.waitConnect(victim.id, killed, 30*cfg.TTL+10*time.Second)
		if !ok {
			t.Fatalf("kill %d (%v of replica %d): no other replica connected", k, cfg.Kill, victim.id)
		}
		// The client is connected once its handshake is answered; the
		// fake Zoom sends to it a moment later, once it registered the
		// connection. The window ends at the later of the two.
		liveCtx, liveCancel := context.WithTimeout(ctx, 10*time.Second)
		err := srv.Wait(liveCtx, func(st wstest.Stats) bool { return st.Connections > accepted && st.Live > 0 })
		liveCancel()
		if err != nil {
			t.Fatalf("kill %d: the fake Zoom saw no new connection: %v", k, err)
		}
		if now := time.Now(); now.After(connected) {
			connected = now
		}
		res.Failovers = append(res.Failovers, connected.Sub(killed))
		planned = append(planned, window{killed, connected})
		victims[victim.id] = true
		// Events emitted up to now may be lost (those of the window) and
		// are accounted at the end; from now on every one must arrive.
		r.emitMu.Lock()
		r.mu.Lock()
		r.firstUnseen = len(r.emits)
		r.mu.Unlock()
		r.emitMu.Unlock()

		// Zoom sends a copy of the victim's last event to the new holder.
		if last > 0 {
			r.emitMu.Lock()
			r.mu.Lock()
			before := r.skipped + r.handled[last]
			body := r.bodies[last]
			r.mu.Unlock()
			if r.srv.Emit(body) == nil {
				res.Redelivered++
				deadline := time.Now().Add(10 * time.Second)
				for time.Now().Before(deadline) {
					r.mu.Lock()
					seen := r.skipped + r.handled[last]
					r.mu.Unlock()
					if seen > before {
						break
					}
					time.Sleep(2 * time.Millisecond)
				}
			}
			r.emitMu.Unlock()
		}

		// The victim is stopped in the background: a cut one may wait for
		// a call stuck in its dead connection.
		stopping.Add(1)
		go func() {
			defer stopping.Done()
			victim.stop()
		}()
		reps[holder] = start()
	}
	stopEmitter()
	<-emitterDone
	r.emitMu.Lock()
	r.drain(10 * time.Second)
	r.emitMu.Unlock()
	end := time.Now()
	for _, rep := range reps {
		rep.stop()
	}
	stopping.Wait()

	r.mu.Lock()
	defer r.mu.Unlock()
	windows := append([]window(nil), planned...)
	// A holder that lost the socket without being killed opens a window
	// too (a slow renewal on a loaded machine): it is counted and reported.
	// (A killed holder's change of state may be reported after the next
	// holder connected: its release waits for a renewal stuck in a cut
	// connection.)
	for i, c := range r.connects {
		if c.connected || !c.at.Before(end) || victims[c.id] {
			continue
		}
		res.Unplanned++
		to := end
		for _, d := range r.connects[i+1:] {
			if d.connected {
				to = d.at
				break
			}
		}
		windows = append(windows, window{c.at.Add(-cfg.TTL), to})
	}
	res.MaxOpenSockets = srv.Stats().MaxOpenSockets
	res.Skipped = r.skipped
	for _, e := range r.emits {
		res.Emitted++
		if r.handled[e.n] > 0 {
			continue
		}
		res.Lost++
		if !inWindow(windows, e.at) {
			res.LostOutside = append(res.LostOutside, e.n)
		}
	}
	for _, c := range r.handled {
		if c > 1 {
			res.Duplicates++
		}
	}

	p50, maxF := percentile(res.Failovers, 0.5), percentile(res.Failovers, 1)
	t.Logf("%d replicas, lease TTL %v, %d kills (%v): max sockets open at once %d; failover p50 %v max %v; "+
		"events emitted %d, lost %d (outside failover windows: %d); duplicates handled %d; copies sent to the next holder %d, skipped by Dedup %d; unplanned failovers %d",
		cfg.Replicas, cfg.TTL, cfg.Kills, cfg.Kill, res.MaxOpenSockets, p50.Round(time.Millisecond), maxF.Round(time.Millisecond),
		res.Emitted, res.Lost, len(res.LostOutside), res.Duplicates, res.Redelivered, res.Skipped, res.Unplanned)
	if res.MaxOpenSockets != 1 {
		t.Errorf("%d sockets open at once across replicas, want 1", res.MaxOpenSockets)
	}
	for i, f := range res.Failovers {
		if f >= 10*cfg.TTL {
			t.Errorf("failover %d took %v, want < 10 x TTL (%v)", i, f, 10*cfg.TTL)
		}
	}
	if len(res.LostOutside) > 0 {
		t.Errorf("%d events lost that were emitted while a replica was connected: %v", len(res.LostOutside), head(res.LostOutside))
		t0 := r.emits[0].at
		for _, w := range windows {
			t.Logf("window %v .. %v", w.from.Sub(t0), w.to.Sub(t0))
		}
		for _, c := range r.connects {
			t.Logf("replica %d connected=%v at %v", c.id, c.connected, c.at.Sub(t0))
		}
		for _, e := range r.emits {
			if slices.Contains(head(res.LostOutside), e.n) {
				t.Logf("lost event %d emitted at %v (to a connection: %v)", e.n, e.at.Sub(t0), e.ok)
			}
		}
	}
	if res.Duplicates != 0 {
		t.Errorf("%d events reached a handler more than once", res.Duplicates)
	}
	if res.Skipped != res.Redelivered {
		t.Errorf("Dedup skipped %d duplicates, want the %d copies sent", res.Skipped, res.Redelivered)
	}
	if res.Emitted-res.Lost < 10*cfg.Kills {
		t.Errorf("only %d of %d events handled: the test did not exercise much", res.Emitted-res.Lost, res.Emitted)
	}
	return res
}

func (r *run) start(id int) *replica {
	rr := r.cfg.NewReplica(r.t, id)
	h := event.Dedup(event.HandlerFunc(func(_ context.Context, ev *event.Event) error {
		var body struct {
			N int `json:"event_ts"`
		}
		if err := json.Unmarshal(ev.Raw, &body); err != nil {
			return err
		}
		r.mu.Lock()
		r.handled[body.N]++
		r.mu.Unlock()
		return nil
	}), event.WithStore(rr.Store), event.WithDuplicateHook(func(context.Context, *event.Event) {
		r.mu.Lock()
		r.skipped++
		r.mu.Unlock()
	}), event.WithStoreErrorHook(func(ctx context.Context, _ *event.Event, err error) {
		// A claim cut short because the replica is being stopped (its Run
		// context, which is the handler's, was cancelled) is expected; any
		// other store error is not.
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return
		}
		r.t.Errorf("replica %d: dedup store: %v", id, err)
	}))
	cfg := r.srv.Config()
	cfg.Lease = rr.Lease
	cfg.InitialBackoff = 20 * time.Millisecond
	cfg.MaxBackoff = 200 * time.Millisecond
	cfg.CloseTimeout = max(r.cfg.TTL/10, 10*time.Millisecond)
	cfg.OnStateChange = func(ch wsclient.StateChange) {
		if ch.To == wsclient.StateConnected || ch.From == wsclient.StateConnected {
			r.mu.Lock()
			r.connects = append(r.connects, connEvent{id: id, at: time.Now(), connected: ch.To == wsclient.StateConnected})
			r.mu.Unlock()
		}
	}
	c, err := wsclient.New(cfg, h)
	if err != nil {
		r.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rep := &replica{id: id, r: rr, client: c, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(rep.done)
		_ = c.Run(ctx)
	}()
	return rep
}

// stop ends the replica's Run and frees it; safe twice.
func (rep *replica) stop() {
	rep.cancel()
	<-rep.done
	if rep.r.Close != nil {
		rep.r.Close()
		rep.r.Close = nil
	}
}

// body is event n: a participant joining, numbered by event_ts and user.
func (r *run) body(n int) []byte {
	return fmt.Appendf(nil, `{"event":"meeting.participant_joined","event_ts":%d,"payload":{"account_id":"replicatest","object":{"id":85393847045,"uuid":"%s","participant":{"user_id":"u%d","user_name":"Participant %d","join_time":"2025-01-01T00:00:00Z"}}}}`,
		n, r.base, n, n)
}

// emit emits numbered events every 5 ms until ctx ends.
func (r *run) emit(ctx context.Context) {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		body := r.body(n)
		r.emitMu.Lock()
		at := time.Now()
		err := r.srv.Emit(body)
		r.mu.Lock()
		r.emits = append(r.emits, emitted{n: n, at: at, ok: err == nil})
		r.bodies[n] = body
		r.mu.Unlock()
		r.emitMu.Unlock()
	}
}

// lastOK returns the number of the last event emitted to a connection, 0
// if none.
func (r *run) lastOK() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.emits) - 1; i >= 0; i-- {
		if r.emits[i].ok {
			return r.emits[i].n
		}
	}
	return 0
}

// drain waits, up to bound, until every event emitted to a connection has
// been handled; the caller holds emitMu, so the emitter is paused.
func (r *run) drain(bound time.Duration) {
	deadline := time.Now().Add(bound)
	for {
		r.mu.Lock()
		for r.firstUnseen < len(r.emits) && (!r.emits[r.firstUnseen].ok || r.handled[r.emits[r.firstUnseen].n] > 0) {
			r.firstUnseen++
		}
		done := r.firstUnseen == len(r.emits)
		r.mu.Unlock()
		if done || time.Now().After(deadline) {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitConnect waits for a replica other than victim to connect after
// since, and returns when it did.
func (r *run) waitConnect(victim int, since time.Time, bound time.Duration) (time.Time, bool) {
	deadline := time.Now().Add(bound)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for _, c := range r.connects {
			if c.connected && c.id != victim && c.at.After(since) {
				r.mu.Unlock()
				return c.at, true
			}
		}
		r.mu.Unlock()
		time.Sleep(2 * time.Millisecond)
	}
	return time.Time{}, false
}

func inWindow(ws []window, at time.Time) bool {
	for _, w := range ws {
		if !at.Before(w.from) && !at.After(w.to) {
			return true
		}
	}
	return false
}

func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func head(ns []int) []int {
	if len(ns) > 10 {
		return ns[:10]
	}
	return ns
}

package wsclient_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/wsclient"
	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

// poll is how often require.Eventually checks a client's state.
const poll = 5 * time.Millisecond

// memLease is an in-process lease. Unlike a real one it passes to another
// replica only once the holder released it, so that a client that kept its
// socket after losing the lease would block the takeover and fail the test.
type memLease struct {
	mu       sync.Mutex
	free     chan struct{} // holds a value while nobody holds the lease
	revoke   context.CancelFunc
	acquired int
	released int
	failNext int // Acquire calls that fail before the lease is granted
}

func newMemLease() *memLease {
	l := &memLease{free: make(chan struct{}, 1)}
	l.free <- struct{}{}
	return l
}

func (l *memLease) Acquire(ctx context.Context) (context.Context, func(), error) {
	l.mu.Lock()
	if l.failNext > 0 {
		l.failNext--
		l.mu.Unlock()
		return nil, nil, errors.New("lease store unreachable")
	}
	l.mu.Unlock()
	select {
	case <-l.free:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	held, cancel := context.WithCancel(ctx)
	l.mu.Lock()
	l.acquired++
	l.revoke = cancel
	l.mu.Unlock()
	var once sync.Once
	return held, func() {
		once.Do(func() {
			cancel()
			l.mu.Lock()
			l.released++
			l.mu.Unlock()
			l.free <- struct{}{}
		})
	}, nil
}

// lose cancels the holder's held context, as a failed renewal would.
func (l *memLease) lose() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.revoke()
}

func (l *memLease) counts() (acquired, released int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.acquired, l.released
}

func TestLeaseOneSocketAmongReplicas(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	lease := newMemLease()
	cols := []*collector{newCollector(), newCollector(), newCollector()}
	var replicas []*running
	for _, col := range cols {
		cfg := testConfig(srv, nil)
		cfg.Lease = lease
		replicas = append(replicas, start(t, cfg, col))
	}
	ctx := waitCtx(t)
	require.NoError(t, srv.WaitConnections(ctx, 1))

	holder := func() int {
		for i, r := range replicas {
			if r.client.State() == wsclient.StateConnected {
				return i
			}
		}
		return -1
	}
	for round := 0; round < 3; round++ {
		require.Eventually(t, func() bool { return holder() >= 0 }, waitLimit, poll)
		h := holder()
		for i, r := range replicas {
			if i != h {
				require.Eventually(t, func() bool { return r.client.State() == wsclient.StateStandby }, waitLimit, poll)
			}
		}
		require.NoError(t, srv.Emit(meetingStarted(round)))
		ev := cols[h].next(t)
		assert.Equal(t, "meeting.started", ev.Name)

		before := srv.Stats().Connections
		lease.lose()
		require.NoError(t, srv.WaitConnections(ctx, before+1), "another replica takes over")
		assert.EqualValues(t, 1, replicas[h].client.Stats().LeaseLosses)
	}
	for _, r := range replicas {
		r.stop()
	}
	st := srv.Stats()
	assert.Equal(t, 1, st.MaxOpenSockets, "never two sockets at once")
	acquired, released := lease.counts()
	assert.Equal(t, acquired, released, "every acquisition released")
	var total uint64
	for _, r := range replicas {
		total += r.client.Stats().LeaseAcquisitions
	}
	// An acquisition that races with Run stopping is released at once and
	// not counted by the client.
	assert.GreaterOrEqual(t, total, uint64(4), "the first holder and three takeovers")
	assert.LessOrEqual(t, total, uint64(acquired))
}

func TestLeaseAcquireErrorsAreRetried(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	lease := newMemLease()
	lease.failNext = 3
	cfg := testConfig(srv, nil)
	cfg.Lease = lease
	r := start(t, cfg, newCollector())
	require.NoError(t, srv.WaitConnections(waitCtx(t), 1))
	r.stop()
	acquired, released := lease.counts()
	assert.Equal(t, 1, acquired)
	assert.Equal(t, 1, released, "Run releases the lease when it returns")
}

func TestLeaseWaitEndsWithRun(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	lease := newMemLease()
	<-lease.free // someone else holds it
	cfg := testConfig(srv, nil)
	cfg.Lease = lease
	r := start(t, cfg, newCollector())
	require.Eventually(t, func() bool { return r.client.State() == wsclient.StateStandby }, waitLimit, poll)
	r.stop()
	assert.Zero(t, srv.Stats().Dials, "a standby replica never dials")
}

func TestLeaseLossIsTheStandbyCause(t *testing.T) {
	srv := wstest.NewServer()
	defer srv.Close()
	lease := newMemLease()
	standby := make(chan error, 10)
	cfg := testConfig(srv, nil)
	cfg.Lease = lease
	cfg.OnStateChange = func(ch wsclient.StateChange) {
		if ch.To == wsclient.StateStandby {
			standby <- ch.Err
		}
	}
	r := start(t, cfg, newCollector())
	require.NoError(t, srv.WaitConnections(waitCtx(t), 1))
	assert.NoError(t, <-standby, "the first standby has no cause")
	lease.lose()
	select {
	case err := <-standby:
		assert.ErrorIs(t, err, wsclient.ErrLeaseLost)
		assert.ErrorIs(t, err, context.Canceled, "the held context's cause is kept")
	case <-time.After(waitLimit):
		t.Fatal("no standby after the lease was lost")
	}
	r.stop()
}

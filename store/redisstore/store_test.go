package redisstore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zoomevents/zoomevents/event"
)

func newStore(t *testing.T) (*Store, *redis.Client, string) {
	t.Helper()
	c, prefix := testClient(t)
	s, err := New(c, WithKeyPrefix(prefix))
	require.NoError(t, err)
	return s, c, prefix
}

func TestClaimDuplicateDone(t *testing.T) {
	t.Parallel()
	s, c, prefix := newStore(t)
	ctx := context.Background()

	tok, ok, err := s.Claim(ctx, "ev1", time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Len(t, tok, 32, "128 random bits in hex")
	assert.Equal(t, tok, c.Get(ctx, prefix+"ev1").Val(), "the key holds the token under the prefix")

	tok2, ok, err := s.Claim(ctx, "ev1", time.Minute)
	require.NoError(t, err)
	assert.False(t, ok, "in progress: a duplicate is not claimed")
	assert.Empty(t, tok2)

	other, ok, err := s.Claim(ctx, "ev2", time.Minute)
	require.NoError(t, err)
	require.True(t, ok, "another key is independent")
	assert.NotEqual(t, tok, other, "tokens are unique")

	require.NoError(t, s.Complete(ctx, "ev1", tok, time.Hour))
	assert.Equal(t, doneValue, c.Get(ctx, prefix+"ev1").Val())
	assert.Greater(t, c.PTTL(ctx, prefix+"ev1").Val(), 50*time.Minute, "done lasts the long TTL")

	_, ok, err = s.Claim(ctx, "ev1", time.Minute)
	require.NoError(t, err)
	assert.False(t, ok, "done: not claimed again")
	assert.ErrorIs(t, s.Extend(ctx, "ev1", tok, time.Minute), event.ErrClaimLost)
	assert.ErrorIs(t, s.Release(ctx, "ev1", tok), event.ErrClaimLost)
	assert.ErrorIs(t, s.Complete(ctx, "ev1", tok, time.Hour), event.ErrClaimLost, "already done")
	assert.Equal(t, doneValue, c.Get(ctx, prefix+"ev1").Val(), "done stays done")
}

func TestDoneValueIsNoToken(t *testing.T) {
	t.Parallel()
	s, c, prefix := newStore(t)
	ctx := context.Background()
	tok, ok, err := s.Claim(ctx, "k", time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, s.Complete(ctx, "k", tok, time.Hour))
	// Whoever passes the done marker as a token must not match a done key.
	assert.ErrorIs(t, s.Release(ctx, "k", doneValue), event.ErrClaimLost)
	assert.ErrorIs(t, s.Extend(ctx, "k", doneValue, time.Millisecond), event.ErrClaimLost)
	assert.ErrorIs(t, s.Complete(ctx, "k", doneValue, time.Millisecond), event.ErrClaimLost)
	assert.Equal(t, doneValue, c.Get(ctx, prefix+"k").Val())
	assert.Greater(t, c.PTTL(ctx, prefix+"k").Val(), 50*time.Minute)
	assert.ErrorIs(t, s.Release(ctx, "k", ""), event.ErrClaimLost, "empty token")
}

func TestExtendAndRelease(t *testing.T) {
	t.Parallel()
	s, c, prefix := newStore(t)
	ctx := context.Background()
	tok, ok, err := s.Claim(ctx, "k", 2*time.Second)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, s.Extend(ctx, "k", tok, time.Hour))
	assert.Greater(t, c.PTTL(ctx, prefix+"k").Val(), 50*time.Minute, "Extend sets the lease from now")
	assert.Equal(t, tok, c.Get(ctx, prefix+"k").Val())

	require.NoError(t, s.Release(ctx, "k", tok))
	assert.Equal(t, int64(0), c.Exists(ctx, prefix+"k").Val(), "Release frees the key")
	assert.ErrorIs(t, s.Release(ctx, "k", tok), event.ErrClaimLost, "released twice")
	tok2, ok, err := s.Claim(ctx, "k", time.Minute)
	require.NoError(t, err)
	assert.True(t, ok, "the next delivery is handled again")
	assert.NotEqual(t, tok, tok2)
}

func TestLeaseEndFreesKey(t *testing.T) {
	t.Parallel()
	s, c, prefix := newStore(t)
	ctx := context.Background()
	tok, ok, err := s.Claim(ctx, "k", 200*time.Millisecond)
	require.NoError(t, err)
	require.True(t, ok)
	pttl := c.PTTL(ctx, prefix+"k").Val()
	assert.True(t, pttl > 0 && pttl <= 200*time.Millisecond, "the lease is short: PTTL %v", pttl)

	var tok2 string
	require.Eventually(t, func() bool {
		tok2, ok, err = s.Claim(ctx, "k", time.Minute)
		require.NoError(t, err)
		return ok
	}, 10*time.Second, 20*time.Millisecond, "a claim whose lease ended frees the key")
	assert.NotEqual(t, tok, tok2)
}

func TestCompleteFreeKey(t *testing.T) {
	t.Parallel()
	s, c, prefix := newStore(t)
	ctx := context.Background()
	tok, ok, err := s.Claim(ctx, "k", 50*time.Millisecond)
	require.NoError(t, err)
	require.True(t, ok)
	require.Eventually(t, func() bool { return c.Exists(ctx, prefix+"k").Val() == 0 }, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, s.Complete(ctx, "k", tok, time.Hour), "the lease ran out but nobody took the key")
	assert.Equal(t, doneValue, c.Get(ctx, prefix+"k").Val())
}

// A replica whose lease ran out while another claimed the key: none of its
// calls may touch the other's claim.
func TestSlowReplicaLosesClaim(t *testing.T) {
	t.Parallel()
	s, c, prefix := newStore(t)
	ctx := context.Background()
	slow, ok, err := s.Claim(ctx, "k", 50*time.Millisecond)
	require.NoError(t, err)
	require.True(t, ok)
	var fast string
	require.Eventually(t, func() bool {
		fast, ok, err = s.Claim(ctx, "k", time.Hour)
		require.NoError(t, err)
		return ok
	}, 10*time.Second, 10*time.Millisecond)

	assert.ErrorIs(t, s.Extend(ctx, "k", slow, time.Millisecond), event.ErrClaimLost)
	assert.ErrorIs(t, s.Complete(ctx, "k", slow, time.Millisecond), event.ErrClaimLost)
	assert.ErrorIs(t, s.Release(ctx, "k", slow), event.ErrClaimLost)
	assert.Equal(t, fast, c.Get(ctx, prefix+"k").Val(), "the other's claim is untouched")
	assert.Greater(t, c.PTTL(ctx, prefix+"k").Val(), 50*time.Minute, "and so is its lease")

	require.NoError(t, s.Complete(ctx, "k", fast, time.Hour))
	assert.ErrorIs(t, s.Release(ctx, "k", slow), event.ErrClaimLost)
	assert.Equal(t, doneValue, c.Get(ctx, prefix+"k").Val())
}

func TestConcurrentClaimOneWins(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t)
	ctx := context.Background()
	for round := 0; round < 10; round++ {
		key := "k" + string(rune('a'+round))
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		start := make(chan struct{})
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, ok, err := s.Claim(ctx, key, time.Minute)
				assert.NoError(t, err)
				if ok {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		close(start)
		wg.Wait()
		assert.Equal(t, 1, wins, "round %d: exactly one of 20 claims wins", round)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	_, err := New(nil)
	assert.ErrorIs(t, err, ErrNilClient)
	s, _, _ := newStore(t)
	ctx := context.Background()
	_, ok, err := s.Claim(ctx, "k", 0)
	assert.ErrorIs(t, err, ErrBadDuration)
	assert.False(t, ok)
	assert.ErrorIs(t, s.Extend(ctx, "k", "t", -time.Second), ErrBadDuration)
	assert.ErrorIs(t, s.Complete(ctx, "k", "t", 0), ErrBadDuration)
	// Sub-millisecond and huge durations are valid: rounded up / capped.
	tok, ok, err := s.Claim(ctx, "tiny", time.Microsecond)
	assert.NoError(t, err)
	assert.True(t, ok)
	assert.NotEmpty(t, tok)
	assert.Equal(t, int64(1), millis(time.Nanosecond))
	assert.Positive(t, millis(time.Duration(1<<63-1)))
}

func TestDefaultPrefix(t *testing.T) {
	t.Parallel()
	c, prefix := testClient(t)
	s, err := New(c)
	require.NoError(t, err)
	ctx := context.Background()
	key := prefix + "k" // unique; its full name starts with the default prefix
	t.Cleanup(func() { c.Del(context.Background(), DefaultKeyPrefix+key) })
	tok, ok, err := s.Claim(ctx, key, time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, tok, c.Get(ctx, DefaultKeyPrefix+key).Val())
}

func TestRedisErrorsWrappedWithoutSecrets(t *testing.T) {
	t.Parallel()
	opt := redisOptions(t)
	ctx := context.Background()

	closed := redis.NewClient(opt)
	require.NoError(t, closed.Close())
	s, err := New(closed)
	require.NoError(t, err)
	_, _, err = s.Claim(ctx, "k", time.Second)
	assert.ErrorIs(t, err, redis.ErrClosed, "wrapped, not swallowed")
	assert.ErrorContains(t, err, "redisstore: claim")
	for name, err := range map[string]error{
		"extend":   s.Extend(ctx, "k", "t", time.Second),
		"complete": s.Complete(ctx, "k", "t", time.Second),
		"release":  s.Release(ctx, "k", "t"),
	} {
		assert.ErrorIs(t, err, redis.ErrClosed, name)
		assert.NotErrorIs(t, err, event.ErrClaimLost, name)
	}

	// A server that refuses the password: the error must not show it.
	bad := *opt
	bad.Username, bad.Password = "nobody", "s3cret-password"
	bad.MaxRetries = -1
	wrong := redis.NewClient(&bad)
	defer wrong.Close()
	s, err = New(wrong)
	require.NoError(t, err)
	_, _, err = s.Claim(ctx, "k", time.Second)
	require.Error(t, err)
	assert.False(t, strings.Contains(err.Error(), "s3cret"), "error shows the password: %v", err)
	assert.False(t, errors.Is(err, event.ErrClaimLost))
}

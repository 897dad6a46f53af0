// Package redisstore keeps zoomevents' shared state in Redis, so that
// replicas of one deployment handle each Zoom event once and share one
// WebSocket subscription.
//
// [Store] implements [event.Store]: webhook replicas behind a load balancer
// pass it to [event.Dedup] with [event.WithStore], and Zoom's retry of an
// event that one replica handled is skipped by the others. A key is free,
// in progress (claimed with SET NX PX by the run holding its token, for a
// short lease) or done (for the long TTL). Extend, Complete and Release
// compare the token inside a Lua script, so a replica whose lease ran out
// never overwrites or deletes the claim another replica took since.
//
// [Lease] lets N WebSocket workers share one subscription: only the holder
// dials. The holder renews the lease every TTL/3 and its held context is
// cancelled before the key can expire in Redis when renewal stops working,
// so two sockets never overlap; a waiter takes a dead holder's lease within
// about TTL plus one poll interval.
//
// Both take a [redis.UniversalClient]: a *redis.Client, *redis.Ring or
// *redis.ClusterClient. Each Lua script touches the keys of one hash slot
// only, so Ring and Cluster work.
//
// This is a nested module (github.com/zoomevents/zoomevents/store/redisstore),
// so the core module does not depend on the Redis driver.
package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/zoomevents/zoomevents/event"
)

// DefaultKeyPrefix is put before every dedup key by default.
const DefaultKeyPrefix = "zoomevents:dedup:"

// ErrNilClient is returned by [New] and [NewLease] when the client is nil.
var ErrNilClient = errors.New("redisstore: nil redis client")

// ErrBadDuration is returned (wrapped) for a lease, TTL, margin or poll
// interval that is not positive or not in its allowed range.
var ErrBadDuration = errors.New("redisstore: duration out of range")

// doneValue is the value of a key that is done. Tokens are 32 lowercase hex
// digits, so no token equals it; the scripts also refuse it as a token.
const doneValue = "!done"

// Store is an [event.Store] in Redis. It is safe for concurrent use; its
// zero value is not usable, use [New].
type Store struct {
	c      redis.UniversalClient
	prefix string
}

var _ event.Store = (*Store)(nil)

// StoreOption configures [New].
type StoreOption func(*Store)

// WithKeyPrefix sets the string put before every key in Redis (default
// [DefaultKeyPrefix]). Give each deployment that must not share dedup
// memory its own prefix.
func WithKeyPrefix(prefix string) StoreOption { return func(s *Store) { s.prefix = prefix } }

// New returns a Store that keeps its keys in c. It returns [ErrNilClient]
// when c is nil. The Store does not close c.
func New(c redis.UniversalClient, opts ...StoreOption) (*Store, error) {
	if c == nil {
		return nil, ErrNilClient
	}
	s := &Store{c: c, prefix: DefaultKeyPrefix}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// extendScript renews the claim when ARGV[1] (the token) still holds it.
var extendScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and v == ARGV[1] and v ~= ARGV[3] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`)

// completeScript marks the key done for ARGV[2] ms when ARGV[1] holds it or
// when it is free.
var completeScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if (not v) or (v == ARGV[1] and v ~= ARGV[3]) then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2])
  return 1
end
return 0`)

// releaseScript deletes the key when ARGV[1] holds it.
var releaseScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and v == ARGV[1] and v ~= ARGV[2] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`)

// Claim implements [event.Store] with SET key token NX PX lease. It
// returns a wrapped [ErrBadDuration] when lease is not positive, and
// Redis's error wrapped when the command fails.
func (s *Store) Claim(ctx context.Context, key string, lease time.Duration) (string, bool, error) {
	if lease <= 0 {
		return "", false, fmt.Errorf("redisstore: claim lease %v: %w", lease, ErrBadDuration)
	}
	token, err := newToken()
	if err != nil {
		return "", false, err
	}
	err = s.c.Do(ctx, "SET", s.prefix+key, token, "NX", "PX", millis(lease)).Err()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("redisstore: claim: %w", err)
	}
	return token, true, nil
}

// Extend implements [event.Store]: it sets the claim's expiry to lease
// from now when token still holds key, and returns [event.ErrClaimLost]
// otherwise, changing nothing.
func (s *Store) Extend(ctx context.Context, key, token string, lease time.Duration) error {
	if lease <= 0 {
		return fmt.Errorf("redisstore: extend lease %v: %w", lease, ErrBadDuration)
	}
	return s.run(ctx, "extend", extendScript, key, token, millis(lease), doneValue)
}

// Complete implements [event.Store]: it marks key done for ttl when token
// holds key or key is free, and returns [event.ErrClaimLost] when another
// token holds it or it is done already, changing nothing.
func (s *Store) Complete(ctx context.Context, key, token string, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("redisstore: complete ttl %v: %w", ttl, ErrBadDuration)
	}
	return s.run(ctx, "complete", completeScript, key, token, millis(ttl), doneValue)
}

// Release implements [event.Store]: it deletes key when token holds it and
// returns [event.ErrClaimLost] otherwise, changing nothing.
func (s *Store) Release(ctx context.Context, key, token string) error {
	return s.run(ctx, "release", releaseScript, key, token, doneValue)
}

// run runs a compare-the-token script; a result of 0 is ErrClaimLost.
func (s *Store) run(ctx context.Context, op string, sc *redis.Script, key, token string, args ...any) error {
	if token == "" {
		return event.ErrClaimLost
	}
	n, err := sc.Run(ctx, s.c, []string{s.prefix + key}, append([]any{token}, args...)...).Int()
	if err != nil {
		return fmt.Errorf("redisstore: %s: %w", op, err)
	}
	if n != 1 {
		return event.ErrClaimLost
	}
	return nil
}

// newToken returns 128 random bits in hex.
func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("redisstore: token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// millis is d in whole milliseconds, rounded up, at least 1 (PX and
// PEXPIRE take milliseconds and refuse 0).
func millis(d time.Duration) int64 {
	if d > math.MaxInt64-time.Millisecond {
		d = math.MaxInt64 - time.Millisecond
	}
	ms := int64((d + time.Millisecond - 1) / time.Millisecond)
	if ms < 1 {
		ms = 1
	}
	return ms
}

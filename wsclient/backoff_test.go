package wsclient

import (
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackoffDefaults(t *testing.T) {
	cfg, err := Config{ClientID: "c", ClientSecret: "s", AccountID: "a", SubscriptionID: "x"}.withDefaults()
	require.NoError(t, err)
	b := newBackoff(&cfg)
	for i := 0; i < 1000; i++ { // first redial: jittered, within a second
		b.Reset()
		d := b.NextBackOff()
		assert.GreaterOrEqual(t, d, 250*time.Millisecond)
		assert.LessOrEqual(t, d, 750*time.Millisecond)
	}
	var last time.Duration
	for i := 0; i < 200; i++ { // never gives up, capped with jitter
		last = b.NextBackOff()
		require.NotEqual(t, backoff.Stop, last)
	}
	assert.LessOrEqual(t, last, 90*time.Second)
	assert.GreaterOrEqual(t, last, 30*time.Second)
	assert.Equal(t, 2*DefaultHeartbeatInterval, cfg.LivenessTimeout)
}

//go:build !race

// The race detector makes sync.Pool drop items at random, so allocation
// counts are only meaningful without it; .ci/run runs these separately.

package webhook_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func TestVerifyAllocatesNothing(t *testing.T) {
	now := time.Now()
	body := []byte(vectors[1].body)
	h := vectorHeader(strconv.FormatInt(now.Unix(), 10), webhooktest.Sign("s", now, body))
	v, err := webhook.NewVerifier("s")
	require.NoError(t, err)
	require.NoError(t, v.Verify(h, body))
	allocs := testing.AllocsPerRun(200, func() { _ = v.Verify(h, body) })
	assert.Zero(t, allocs)
}

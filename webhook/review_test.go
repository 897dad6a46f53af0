package webhook_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// lowerCase returns h with every key in lower case, as frameworks and
// queues often hand headers over.
func lowerCase(h http.Header) http.Header {
	out := http.Header{}
	for k, vs := range h {
		out[strings.ToLower(k)] = vs
	}
	return out
}

func TestReceiveWithLowerCaseHeaderKeys(t *testing.T) {
	v, err := webhook.NewVerifier(secret, webhook.WithBearerToken("tok-123"))
	require.NoError(t, err)
	h := webhooktest.Headers(secret, time.Now(), startedBody)
	h.Set("Authorization", "Bearer tok-123")
	got, err := v.Receive(lowerCase(h), startedBody)
	require.NoError(t, err, "x-zm-signature, x-zm-request-timestamp and authorization in lower case")
	require.NotNil(t, got.Event)
	assert.Equal(t, "meeting.started", got.Event.Name)

	wrong := lowerCase(h)
	wrong["authorization"] = []string{"Bearer other"}
	_, err = v.Receive(wrong, startedBody)
	assert.ErrorIs(t, err, webhook.ErrUnauthorized, "the lower-case header is checked, not skipped")

	bad := lowerCase(h)
	bad["x-zm-signature"] = []string{"v0=" + strings.Repeat("0", 64)}
	_, err = v.Receive(bad, startedBody)
	assert.ErrorIs(t, err, webhook.ErrBadSignature)
}

func TestBasicAndBearerTogetherIsAConfigError(t *testing.T) {
	_, err := webhook.NewVerifier(secret, webhook.WithBasicAuth("u", "p"), webhook.WithBearerToken("t"))
	require.ErrorIs(t, err, webhook.ErrConfig)
	assert.Contains(t, err.Error(), "Authorization header")
	_, err = webhook.NewVerifier(secret, webhook.WithBasicAuth("u", "p"), webhook.WithHeader("X-Custom", "v"))
	assert.NoError(t, err, "a custom header is another header")
}

package webhook_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Vectors from zoom-protocol.md §1.3: real deliveries captured by ZoomNet.
const vectorSecret = "4fv1RkqGQUq5sWbEz6hA5A"

var vectors = []struct {
	name, timestamp, body, signature string
}{
	{
		name:      "url_validation",
		timestamp: "1720705455",
		body:      `{"payload":{"plainToken":"xys8n8PGS7mAU0m5-YJjRA"},"event_ts":1720705455858,"event":"endpoint.url_validation"}`,
		signature: "v0=93a1a675965ceb9c5a50c5dfb31f20e50f763be37a54ef74cd2d16a1a8e5c0d6",
	},
	{
		name:      "escaped emoji and raw UTF-8",
		timestamp: "1720707175",
		body:      `{"event":"meeting.started","payload":{"account_id":"VjZoEArIT5y-HlWxkV-tVA","object":{"duration":60,"start_time":"2024-07-11T14:12:55Z","timezone":"America/New_York","topic":"Test \uD83D\uDE92\uD83D\uDE92 ? - ’ - – \uD83D\uDE97 HOLA","id":"85393847045","type":2,"uuid":"jUh5o3dKQIytvcsfTtKBlg==","host_id":"8lzIwvZTSOqjndWPbPqzuA"}},"event_ts":1720707175904}`,
		signature: "v0=1a14e79349318fa1bead50ebbd3c185ae078e182d3bbd30ab8010fcb7f4357c7",
	},
}

func vectorHeader(ts, sig string) http.Header {
	h := http.Header{}
	h.Set("x-zm-request-timestamp", ts)
	h.Set("x-zm-signature", sig)
	return h
}

func TestVerifyZoomVectors(t *testing.T) {
	for _, vec := range vectors {
		t.Run(vec.name, func(t *testing.T) {
			at := func() time.Time { return time.Unix(1720707175, 0) }
			v, err := webhook.NewVerifier(vectorSecret, webhook.WithClock(at))
			require.NoError(t, err)
			assert.NoError(t, v.Verify(vectorHeader(vec.timestamp, vec.signature), []byte(vec.body)))
			// The test kit's signer produces the same signature.
			sec, err := strconv.ParseInt(vec.timestamp, 10, 64)
			require.NoError(t, err)
			assert.Equal(t, vec.signature, webhooktest.Sign(vectorSecret, time.Unix(sec, 0), []byte(vec.body)))
			// One byte changed anywhere fails.
			tampered := []byte(vec.body)
			tampered[len(tampered)/2] ^= 1
			assert.ErrorIs(t, v.Verify(vectorHeader(vec.timestamp, vec.signature), tampered), webhook.ErrBadSignature)
		})
	}
}

func TestURLValidationVector(t *testing.T) {
	// zoom-protocol.md §1.4: a known secret and plainToken.
	v, err := webhook.NewVerifier("UB_rdTwhTruoYCMr6x6-MQ")
	require.NoError(t, err)
	assert.Equal(t, "439d1ed256e8d5513d2acd195e0adc64bbbfeb6b795b9d1880534610b58c674c", v.EncryptToken("qgg8vlvZRS6UYooatFL8Aw"))
	_, want := webhooktest.URLValidation("UB_rdTwhTruoYCMr6x6-MQ", "qgg8vlvZRS6UYooatFL8Aw")
	assert.Equal(t, "439d1ed256e8d5513d2acd195e0adc64bbbfeb6b795b9d1880534610b58c674c", want)
}

func TestVerifyRejects(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	body := []byte(`{"event":"meeting.started","event_ts":1,"payload":{}}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	good := webhooktest.Sign("secret", now, body)
	v, err := webhook.NewVerifier("secret", webhook.WithClock(clock))
	require.NoError(t, err)
	require.NoError(t, v.Verify(vectorHeader(ts, good), body))

	cases := []struct {
		name    string
		ts, sig string
		want    error
	}{
		{"no signature", ts, "", webhook.ErrMissingSignature},
		{"no timestamp", "", good, webhook.ErrMissingTimestamp},
		{"timestamp not numeric", "17x", good, webhook.ErrBadTimestamp},
		{"timestamp negative", "-5", good, webhook.ErrBadTimestamp},
		{"no v0 prefix", ts, "v1=" + good[3:], webhook.ErrBadSignature},
		{"bare hex", ts, good[3:], webhook.ErrBadSignature},
		{"short", ts, good[:20], webhook.ErrBadSignature},
		{"not hex", ts, "v0=" + strings.Repeat("zz", 32), webhook.ErrBadSignature},
		{"other secret", ts, webhooktest.Sign("other", now, body), webhook.ErrBadSignature},
		{"signed for another timestamp", strconv.FormatInt(now.Unix()-1, 10), good, webhook.ErrBadSignature},
		{"too old", strconv.FormatInt(now.Add(-webhook.DefaultMaxAge-time.Second).Unix(), 10), webhooktest.Sign("secret", now.Add(-webhook.DefaultMaxAge-time.Second), body), webhook.ErrStaleTimestamp},
		{"too far in the future", strconv.FormatInt(now.Add(webhook.DefaultMaxClockSkew+time.Second).Unix(), 10), webhooktest.Sign("secret", now.Add(webhook.DefaultMaxClockSkew+time.Second), body), webhook.ErrStaleTimestamp},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := v.Verify(vectorHeader(c.ts, c.sig), body)
			require.ErrorIs(t, err, c.want)
			assert.NotContains(t, err.Error(), good[3:], "error must not carry a MAC")
		})
	}
}

func TestVerifyUpperCaseHexAndRetryAge(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"event":"x"}`)
	// Zoom's last retry comes about 85 minutes after the first try; if it
	// keeps the first timestamp, the default window must still accept it.
	sent := now.Add(-85 * time.Minute)
	v, err := webhook.NewVerifier("secret", webhook.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	sig := webhooktest.Sign("secret", sent, body)
	ts := strconv.FormatInt(sent.Unix(), 10)
	assert.NoError(t, v.Verify(vectorHeader(ts, sig), body))
	assert.NoError(t, v.Verify(vectorHeader(ts, "v0="+strings.ToUpper(sig[3:])), body))
}

func TestVerifierWindowOptions(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"event":"x"}`)
	old := now.Add(-10 * time.Minute)
	h := vectorHeader(strconv.FormatInt(old.Unix(), 10), webhooktest.Sign("s", old, body))
	clock := webhook.WithClock(func() time.Time { return now })

	strict, err := webhook.NewVerifier("s", clock, webhook.WithTimestampWindow(5*time.Minute, time.Minute))
	require.NoError(t, err)
	assert.ErrorIs(t, strict.Verify(h, body), webhook.ErrStaleTimestamp)

	lax, err := webhook.NewVerifier("s", clock, webhook.WithoutTimestampCheck())
	require.NoError(t, err)
	assert.NoError(t, lax.Verify(h, body))
}

func TestSecretRotation(t *testing.T) {
	body := []byte(`{"event":"x"}`)
	now := time.Now()
	v, err := webhook.NewVerifier("new", webhook.WithSecrets("old"))
	require.NoError(t, err)
	for _, secret := range []string{"new", "old"} {
		h := vectorHeader(strconv.FormatInt(now.Unix(), 10), webhooktest.Sign(secret, now, body))
		assert.NoError(t, v.Verify(h, body), secret)
	}
	h := vectorHeader(strconv.FormatInt(now.Unix(), 10), webhooktest.Sign("neither", now, body))
	assert.ErrorIs(t, v.Verify(h, body), webhook.ErrBadSignature)
}

func TestEmptySecretRejected(t *testing.T) {
	_, err := webhook.NewVerifier("")
	assert.ErrorIs(t, err, webhook.ErrConfig)
	_, err = webhook.NewVerifier("ok", webhook.WithSecrets(""))
	assert.ErrorIs(t, err, webhook.ErrConfig)
}

func TestVerifyHugeTimestampIsStaleNotOverflow(t *testing.T) {
	body := []byte(`{"event":"x"}`)
	v, err := webhook.NewVerifier("s")
	require.NoError(t, err)
	for _, ts := range []string{"999999999999999999", "100000000000000000", "0"} {
		sig := webhooktest.Sign("s", time.Unix(0, 0), body) // signature irrelevant: the window fails first
		assert.ErrorIs(t, v.Verify(vectorHeader(ts, sig), body), webhook.ErrStaleTimestamp, ts)
	}
	assert.ErrorIs(t, v.Verify(vectorHeader("9999999999999999999", "v0=00"), body), webhook.ErrBadTimestamp)
}

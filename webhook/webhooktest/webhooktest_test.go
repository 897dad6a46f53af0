package webhooktest_test

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSignMatchesZoomVector(t *testing.T) {
	body := []byte(`{"payload":{"plainToken":"xys8n8PGS7mAU0m5-YJjRA"},"event_ts":1720705455858,"event":"endpoint.url_validation"}`)
	assert.Equal(t, "v0=93a1a675965ceb9c5a50c5dfb31f20e50f763be37a54ef74cd2d16a1a8e5c0d6",
		webhooktest.Sign("4fv1RkqGQUq5sWbEz6hA5A", time.Unix(1720705455, 0), body))
}

func TestRequestsVerify(t *testing.T) {
	body := []byte(`{"event":"x"}`)
	v, err := webhook.NewVerifier("s")
	require.NoError(t, err)

	r := webhooktest.NewRequest("s", "/hook", body)
	assert.Equal(t, http.MethodPost, r.Method)
	got, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	assert.Equal(t, body, got)
	assert.NoError(t, v.Verify(r.Header, body))

	cr, err := webhooktest.NewClientRequest("s", "http://127.0.0.1:1/hook", body)
	require.NoError(t, err)
	assert.NoError(t, v.Verify(cr.Header, body))

	_, err = webhooktest.NewClientRequest("s", "::bad url", body)
	assert.Error(t, err)
}

func TestURLValidationBody(t *testing.T) {
	body, enc := webhooktest.URLValidation("UB_rdTwhTruoYCMr6x6-MQ", "qgg8vlvZRS6UYooatFL8Aw")
	assert.Contains(t, string(body), `"plainToken":"qgg8vlvZRS6UYooatFL8Aw"`)
	assert.Contains(t, string(body), `"event":"endpoint.url_validation"`)
	assert.Equal(t, "439d1ed256e8d5513d2acd195e0adc64bbbfeb6b795b9d1880534610b58c674c", enc)
}

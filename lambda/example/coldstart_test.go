package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

const secret = "cold-start-secret"

// build compiles this command into a temporary directory.
func build(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "bootstrap")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	out, err := cmd.CombinedOutput()
	require.NoError(tb, err, string(out))
	return bin
}

// challengeEvent returns a signed URL validation challenge as an API
// Gateway HTTP API event, and the encryptedToken it must be answered with.
func challengeEvent(tb testing.TB) ([]byte, string) {
	body, want := webhooktest.URLValidation(secret, "qgg8vlvZRS6UYooatFL8Aw")
	headers := map[string]string{}
	for k, v := range webhooktest.Headers(secret, time.Now(), body) {
		headers[strings.ToLower(k)] = v[0]
	}
	req := events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: "/", Headers: headers, Body: string(body)}
	req.RequestContext.HTTP.Method = "POST"
	in, err := json.Marshal(req)
	require.NoError(tb, err)
	return in, want
}

// answerOnce runs the binary in a fresh process on one request and returns
// the time from starting it to its complete answer.
func answerOnce(tb testing.TB, bin string, in []byte) (events.APIGatewayV2HTTPResponse, time.Duration) {
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "ZOOMLAMBDA_LOCAL=1", "ZOOM_WEBHOOK_SECRET_TOKEN="+secret)
	cmd.Stdin = bytes.NewReader(in)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	require.NoError(tb, err, errOut.String())
	var resp events.APIGatewayV2HTTPResponse
	require.NoError(tb, json.Unmarshal(out.Bytes(), &resp), out.String())
	return resp, took
}

// TestLocalModeAnswersChallenge: the command, run fresh, answers Zoom's
// challenge correctly.
func TestLocalModeAnswersChallenge(t *testing.T) {
	bin := build(t)
	in, want := challengeEvent(t)
	resp, _ := answerOnce(t, bin, in)
	assert.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, `{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"`+want+`"}`, resp.Body)
}

// BenchmarkColdStart measures, in a fresh process each time, the time from
// starting the binary to its answer to a URL validation challenge (Zoom
// allows 3 s), and reports the median and the maximum. Lambda's own
// runtime start (the provided.al2023 sandbox) is not included.
func BenchmarkColdStart(b *testing.B) {
	bin := build(b)
	in, want := challengeEvent(b)
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, d := answerOnce(b, bin, in)
		if resp.StatusCode != 200 || !strings.Contains(resp.Body, want) {
			b.Fatalf("answer %d %q", resp.StatusCode, resp.Body)
		}
		took = append(took, d)
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

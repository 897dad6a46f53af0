package bench

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"net/http"
	"sync"
	"testing"

	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
	"github.com/zoomevents/zoomevents/payload"
)

// secret is the shared signing secret of every peer (svix and
// standard-webhooks get it base64-encoded with a whsec_ prefix, as their
// NewWebhook expects).
const secret = "bench-secret-token-0123456789abcdef"

// size is one body size class.
type size struct {
	name   string
	target int
}

var sizes = []size{{"1KiB", 1 << 10}, {"16KiB", 16 << 10}, {"256KiB", 256 << 10}}

var (
	bodiesOnce sync.Once
	bodies     map[string][]byte
	bodiesErr  error
)

// zoomBody returns recording.completed synthesized from the repository's
// snapshot of Zoom's specs (every declared member present; see
// internal/eventgen/snapshot; one participant audio file), with
// recording_files repeated (at least once) to the count that comes closest
// to s.target bytes. The bytes are identical for every library and every
// tier.
func zoomBody(tb testing.TB, s size) []byte {
	tb.Helper()
	bodiesOnce.Do(func() {
		raw, err := snapshot.BodyOf("recording.completed")
		if err != nil {
			bodiesErr = err
			return
		}
		bodies = map[string][]byte{}
		for _, s := range sizes {
			b, err := buildZoomBody(raw, s.target)
			if err != nil {
				bodiesErr = err
				return
			}
			bodies[s.name] = b
		}
	})
	if bodiesErr != nil {
		tb.Fatal(bodiesErr)
	}
	return bodies[s.name]
}

func buildZoomBody(raw []byte, target int) ([]byte, error) {
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return nil, err
	}
	var doc struct {
		Payload struct {
			Object struct {
				RecordingFiles []json.RawMessage `json:"recording_files"`
			} `json:"object"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(compact.Bytes(), &doc); err != nil {
		return nil, err
	}
	obj := doc.Payload.Object
	if len(obj.RecordingFiles) == 0 {
		return nil, fmt.Errorf("bench: sample has no recording_files")
	}
	array := func(items []json.RawMessage) []byte {
		out := []byte("[")
		for i, it := range items {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, it...)
		}
		return append(out, ']')
	}
	base := compact.Bytes()
	oldFiles := []byte(`"recording_files":` + string(array(obj.RecordingFiles)))
	if !bytes.Contains(base, oldFiles) {
		return nil, fmt.Errorf("bench: cannot find recording_files in the compacted sample")
	}
	build := func(n int) []byte {
		files := make([]json.RawMessage, n)
		for i := range files {
			files[i] = obj.RecordingFiles[i%len(obj.RecordingFiles)]
		}
		return bytes.Replace(base, oldFiles, []byte(`"recording_files":`+string(array(files))), 1)
	}
	best := build(1)
	for n := 2; ; n++ {
		b := build(n)
		if abs(len(b)-target) >= abs(len(best)-target) {
			break
		}
		best = b
	}
	if !json.Valid(best) {
		return nil, fmt.Errorf("bench: built body is not valid JSON")
	}
	return best, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// stripeBody wraps the Zoom body's payload.object as data.object of a Stripe
// event envelope, the shape stripe-go's ConstructEvent requires. It is
// within a few bytes of the Zoom body's size.
func stripeBody(tb testing.TB, zoom []byte) []byte {
	tb.Helper()
	var doc struct {
		Payload struct {
			Object json.RawMessage `json:"object"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(zoom, &doc); err != nil {
		tb.Fatal(err)
	}
	b := []byte(`{"id":"evt_1PbenchZoomRecording0001","object":"event","api_version":"2025-03-31.basil","created":1626230691,"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"recording.completed","data":{"object":`)
	b = append(b, doc.Payload.Object...)
	b = append(b, "}}"...)
	if !json.Valid(b) {
		tb.Fatal("bench: stripe body is not valid JSON")
	}
	return b
}

// githubPushHead and githubCommit make a GitHub "push" webhook payload in
// the shape of GitHub's documentation; commits are repeated to reach the
// size of the Zoom body, since go-github decodes into its own PushEvent.
const githubPushHead = `{"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","created":false,"deleted":false,"forced":false,"base_ref":null,"compare":"https://github.com/octo-org/octo-repo/compare/6113728f27ae...0d1a26e67d8f","repository":{"id":186853002,"node_id":"MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=","name":"octo-repo","full_name":"octo-org/octo-repo","private":false,"owner":{"name":"octo-org","email":null,"login":"octo-org","id":6811672,"node_id":"MDEyOk9yZ2FuaXphdGlvbjY4MTE2NzI=","type":"Organization","site_admin":false},"html_url":"https://github.com/octo-org/octo-repo","description":"My first repo on GitHub.","fork":false,"created_at":1557933565,"updated_at":"2019-05-15T15:20:41Z","pushed_at":1557933657,"default_branch":"main","master_branch":"main"},"pusher":{"name":"Codertocat","email":"21031067+Codertocat@users.noreply.github.com"},"sender":{"login":"Codertocat","id":21031067,"node_id":"MDQ6VXNlcjIxMDMxMDY3","type":"User","site_admin":false},"commits":[`

const githubCommit = `{"id":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","tree_id":"f9d2a07e9488b91af2641b26b9407fe22a451433","distinct":true,"message":"Update README.md with the recording pipeline notes","timestamp":"2019-05-15T15:20:30Z","url":"https://github.com/octo-org/octo-repo/commit/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","author":{"name":"Codertocat","email":"21031067+Codertocat@users.noreply.github.com","username":"Codertocat"},"committer":{"name":"GitHub","email":"noreply@github.com","username":"web-flow"},"added":[],"removed":[],"modified":["README.md"]}`

// githubPushBody returns a push payload with the commit count whose size
// comes closest to target bytes.
func githubPushBody(tb testing.TB, target int) []byte {
	tb.Helper()
	build := func(n int) []byte {
		b := []byte(githubPushHead)
		for i := 0; i < n; i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, githubCommit...)
		}
		return append(b, "]}"...)
	}
	best := build(1)
	for n := 2; ; n++ {
		b := build(n)
		if abs(len(b)-target) >= abs(len(best)-target) {
			break
		}
		best = b
	}
	if !json.Valid(best) {
		tb.Fatal("bench: push body is not valid JSON")
	}
	return best
}

// Zoom-style signing by hand, for the floors (the SDK's own signer is
// webhooktest; the floors must not depend on it).

func zoomSign(ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// floorEnvelope is the struct event.Parse decodes recording.completed into.
type floorEnvelope struct {
	Event         string                     `json:"event"`
	EventTS       int64                      `json:"event_ts"`
	DownloadToken string                     `json:"download_token"`
	Payload       payload.RecordingCompleted `json:"payload"`
}

// floorVerify is the naive floor: a new HMAC per call, hex-decode, compare.
func floorVerify(h http.Header, body []byte) bool {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + h.Get("X-Zm-Request-Timestamp") + ":"))
	mac.Write(body)
	sig := h.Get("X-Zm-Signature")
	if len(sig) < 3 {
		return false
	}
	want, err := hex.DecodeString(sig[3:])
	return err == nil && hmac.Equal(mac.Sum(nil), want)
}

// pooledState is one pre-keyed HMAC with scratch space, so that the pooled
// floor allocates nothing.
type pooledState struct {
	mac    hash.Hash
	prefix [32]byte
	sigHex [64]byte
	want   [32]byte
	got    [32]byte
}

var floorPool = sync.Pool{New: func() any {
	return &pooledState{mac: hmac.New(sha256.New, []byte(secret))}
}}

// floorVerifyPooled is the best floor: a pooled pre-keyed HMAC, Reset per
// call, and no allocation.
func floorVerifyPooled(h http.Header, body []byte) bool {
	ts, sig := headerValue(h, "X-Zm-Request-Timestamp"), headerValue(h, "X-Zm-Signature")
	if len(sig) != 3+64 || len(ts) > 20 {
		return false
	}
	st := floorPool.Get().(*pooledState)
	defer floorPool.Put(st)
	st.mac.Reset()
	p := append(append(append(st.prefix[:0], "v0:"...), ts...), ':')
	st.mac.Write(p)
	st.mac.Write(body)
	st.mac.Sum(st.got[:0])
	copy(st.sigHex[:], sig[3:])
	if _, err := hex.Decode(st.want[:], st.sigHex[:]); err != nil {
		return false
	}
	return hmac.Equal(st.got[:], st.want[:])
}

func headerValue(h http.Header, key string) string {
	if vs := h[key]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// whsecSecret is secret in the whsec_<base64> form svix and
// standard-webhooks take.
func whsecSecret() string {
	return "whsec_" + base64.StdEncoding.EncodeToString([]byte(secret))
}

// readCloser lets a bytes.Reader be a request body that is reset each
// iteration.
type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func newMAC() hash.Hash { return hmac.New(sha256.New, []byte(secret)) }

package bench

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-github/v84/github"
	"github.com/slack-go/slack"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	stripe "github.com/stripe/stripe-go/v82"
	stripewebhook "github.com/stripe/stripe-go/v82/webhook"
	svix "github.com/svix/svix-webhooks/go"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
	"github.com/zoomevents/zoomevents/webhook"
	"github.com/zoomevents/zoomevents/webhook/webhooktest"
)

// Every benchmark here signs in its own setup, with time.Now(), by the
// library's own signer (by hand where the library has none: go-github,
// slack, the floors). Every library checks the timestamp with its default
// window, ours included, except go-github, which has no timestamp.

// BenchmarkTierA is verify only, on byte-identical bodies.
func BenchmarkTierA(b *testing.B) {
	for _, s := range sizes {
		body := zoomBody(b, s)
		b.Run("size="+s.name, func(b *testing.B) {
			tierA(b, body)
		})
	}
}

func tierA(b *testing.B, body []byte) {
	zh := webhooktest.Headers(secret, time.Now(), body)
	run := func(name string, verify func() error) {
		b.Run("impl="+name, func(b *testing.B) {
			if err := verify(); err != nil { // a wrong signature must not be timed
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := verify(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}

	run("floor-hmac", func() error { return okOr(floorVerify(zh, body), "floor-hmac") })
	run("floor-pooled", func() error { return okOr(floorVerifyPooled(zh, body), "floor-pooled") })

	v, err := webhook.NewVerifier(secret)
	if err != nil {
		b.Fatal(err)
	}
	run("ours", func() error { return v.Verify(zh, body) })
	// ours-nots skips the timestamp window (the floors have none): the
	// difference from ours is the cost of reading the clock.
	vn, err := webhook.NewVerifier(secret, webhook.WithoutTimestampCheck())
	if err != nil {
		b.Fatal(err)
	}
	run("ours-nots", func() error { return vn.Verify(zh, body) })

	sp := stripewebhook.GenerateTestSignedPayload(&stripewebhook.UnsignedPayload{Payload: body, Secret: secret})
	run("stripe", func() error { return stripewebhook.ValidatePayload(body, sp.Header, secret) })

	ghSig := githubSign(body)
	run("gogithub", func() error { return github.ValidateSignature(ghSig, body, []byte(secret)) })

	sw, err := standardwebhooks.NewWebhook(whsecSecret())
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now() // one instant for the signature and its timestamp header
	swSig, err := sw.Sign("msg_bench", now, body)
	if err != nil {
		b.Fatal(err)
	}
	swh := http.Header{}
	swh.Set("webhook-id", "msg_bench")
	swh.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	swh.Set("webhook-signature", swSig)
	run("stdwebhooks", func() error { return sw.Verify(body, swh) })

	sx, err := svix.NewWebhook(whsecSecret())
	if err != nil {
		b.Fatal(err)
	}
	sxSig, err := sx.Sign("msg_bench", now, body)
	if err != nil {
		b.Fatal(err)
	}
	sxh := http.Header{}
	sxh.Set("svix-id", "msg_bench")
	sxh.Set("svix-timestamp", strconv.FormatInt(now.Unix(), 10))
	sxh.Set("svix-signature", sxSig)
	run("svix", func() error { return sx.Verify(body, sxh) })

	slh := http.Header{}
	slts := strconv.FormatInt(time.Now().Unix(), 10)
	slh.Set("X-Slack-Request-Timestamp", slts)
	slh.Set("X-Slack-Signature", zoomSign(slts, body)) // Slack's scheme is Zoom's: v0=hex(hmac("v0:ts:"+body))
	run("slack", func() error {
		sv, err := slack.NewSecretsVerifier(slh, secret)
		if err != nil {
			return err
		}
		if _, err := sv.Write(body); err != nil {
			return err
		}
		return sv.Ensure()
	})
}

type benchError string

func (e benchError) Error() string { return string(e) }

func okOr(ok bool, what string) error {
	if ok {
		return nil
	}
	return benchError(what + ": signature did not verify")
}

// githubSign is GitHub's X-Hub-Signature-256 by hand (go-github has no
// signer).
func githubSign(body []byte) string {
	mac := newMAC()
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// BenchmarkTierB is verify plus decode, each library into its own type:
// floor and ours into the typed recording.completed struct, stripe into
// stripe.Event (the Zoom object as data.object), go-github into
// *github.PushEvent (a push payload of the same size class: compare MB/s).
func BenchmarkTierB(b *testing.B) {
	for _, s := range sizes {
		body := zoomBody(b, s)
		b.Run("size="+s.name, func(b *testing.B) {
			tierB(b, s, body)
		})
	}
}

func tierB(b *testing.B, s size, body []byte) {
	run := func(name string, n int, fn func() error) {
		b.Run("impl="+name, func(b *testing.B) {
			if err := fn(); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(n))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	zh := webhooktest.Headers(secret, time.Now(), body)

	run("floor", len(body), func() error {
		if !floorVerify(zh, body) {
			return benchError("floor: bad signature")
		}
		var env floorEnvelope
		if err := json.Unmarshal(body, &env); err != nil {
			return err
		}
		return wantFiles(len(env.Payload.Object.RecordingFiles))
	})
	run("floor-pooled", len(body), func() error {
		if !floorVerifyPooled(zh, body) {
			return benchError("floor-pooled: bad signature")
		}
		var env floorEnvelope
		if err := json.Unmarshal(body, &env); err != nil {
			return err
		}
		return wantFiles(len(env.Payload.Object.RecordingFiles))
	})

	v, err := webhook.NewVerifier(secret)
	if err != nil {
		b.Fatal(err)
	}
	run("ours", len(body), func() error {
		if err := v.Verify(zh, body); err != nil {
			return err
		}
		ev, err := event.Parse(body)
		if err != nil {
			return err
		}
		p, ok := ev.Payload.(*payload.RecordingCompleted)
		if !ok {
			return benchError("ours: untyped payload")
		}
		return wantFiles(len(p.Object.RecordingFiles))
	})

	sbody := stripeBody(b, body)
	sp := stripewebhook.GenerateTestSignedPayload(&stripewebhook.UnsignedPayload{Payload: sbody, Secret: secret})
	run("stripe", len(sbody), func() error {
		ev, err := stripewebhook.ConstructEventWithOptions(sbody, sp.Header, secret,
			stripewebhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
		if err != nil {
			return err
		}
		return wantStripe(ev)
	})

	gbody := githubPushBody(b, s.target)
	gsig := githubSign(gbody)
	rd := bytes.NewReader(gbody)
	run("gogithub", len(gbody), func() error {
		rd.Reset(gbody)
		payload, err := github.ValidatePayloadFromBody("application/json", rd, gsig, []byte(secret))
		if err != nil {
			return err
		}
		ev, err := github.ParseWebHook("push", payload)
		if err != nil {
			return err
		}
		return wantPush(ev)
	})
}

func wantFiles(n int) error {
	if n == 0 {
		return benchError("decoded no recording files")
	}
	return nil
}

func wantStripe(ev stripe.Event) error {
	if ev.Type != "recording.completed" || ev.Data == nil || ev.Data.Object["recording_files"] == nil {
		return benchError("stripe: event not decoded")
	}
	return nil
}

func wantPush(ev any) error {
	p, ok := ev.(*github.PushEvent)
	if !ok || len(p.Commits) == 0 {
		return benchError("gogithub: push not decoded")
	}
	return nil
}

// BenchmarkTierC is a full net/http handler called through ServeHTTP with
// an httptest.ResponseRecorder and a prebuilt request whose body is reset
// each iteration.
func BenchmarkTierC(b *testing.B) {
	for _, s := range sizes {
		body := zoomBody(b, s)
		b.Run("size="+s.name, func(b *testing.B) {
			tierC(b, s, body)
		})
	}
}

func tierC(b *testing.B, s size, body []byte) {
	run := func(name string, h http.Handler, body []byte, hdr http.Header) {
		b.Run("impl="+name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodPost, "/webhook", nil)
			req.Header = hdr
			req.ContentLength = int64(len(body))
			rd := readCloser{bytes.NewReader(body)}
			serve := func() error {
				rd.Reset(body)
				req.Body = rd
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					return benchError(name + ": status " + strconv.Itoa(w.Code) + ": " + w.Body.String())
				}
				return nil
			}
			if err := serve(); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := serve(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}

	zh := webhooktest.Headers(secret, time.Now(), body)
	run("floor", http.HandlerFunc(floorHandler), body, zh)

	var got int
	ours, err := webhook.NewEndpoint(secret, event.HandlerFunc(func(_ context.Context, ev *event.Event) error {
		if p, ok := ev.Payload.(*payload.RecordingCompleted); ok {
			got = len(p.Object.RecordingFiles)
		}
		return wantFiles(got)
	}))
	if err != nil {
		b.Fatal(err)
	}
	run("ours", ours, body, zh)

	sbody := stripeBody(b, body)
	sp := stripewebhook.GenerateTestSignedPayload(&stripewebhook.UnsignedPayload{Payload: sbody, Secret: secret})
	sh := http.Header{}
	sh.Set("Content-Type", "application/json; charset=utf-8")
	sh.Set("Stripe-Signature", sp.Header)
	run("stripe", http.HandlerFunc(stripeHandler), sbody, sh)

	gbody := githubPushBody(b, s.target)
	gh := http.Header{}
	gh.Set("Content-Type", "application/json")
	gh.Set("X-GitHub-Event", "push")
	gh.Set("X-Hub-Signature-256", githubSign(gbody))
	run("gogithub", http.HandlerFunc(githubHandler), gbody, gh)
}

// floorHandler is the naive handler a developer writes by hand:
// io.ReadAll, a new HMAC, json.Unmarshal into the typed struct.
func floorHandler(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	if !floorVerify(r.Header, body) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var env floorEnvelope
	if err := json.Unmarshal(body, &env); err != nil || wantFiles(len(env.Payload.Object.RecordingFiles)) != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// stripeHandler is the shape of stripe-go's webhook example (MaxBytesReader,
// ReadAll, ConstructEvent), with a 1 MiB limit instead of the example's
// 64 KiB so that the 256 KiB body fits.
func stripeHandler(w http.ResponseWriter, r *http.Request) {
	payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "bad body", http.StatusServiceUnavailable)
		return
	}
	ev, err := stripewebhook.ConstructEventWithOptions(payload, r.Header.Get("Stripe-Signature"), secret,
		stripewebhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil || wantStripe(ev) != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// githubHandler is go-github's documented handler: ValidatePayload then
// ParseWebHook.
func githubHandler(w http.ResponseWriter, r *http.Request) {
	payload, err := github.ValidatePayload(r, []byte(secret))
	if err != nil {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	ev, err := github.ParseWebHook(github.WebHookType(r), payload)
	if err != nil || wantPush(ev) != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}

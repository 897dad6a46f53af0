// Package zoomlambda receives Zoom webhooks in AWS Lambda, behind an API
// Gateway HTTP API (payload format 2.0) or a Lambda function URL. It is a
// thin adapter over [webhook.Verifier.Receive]: the same checks, the same
// answers (see package webhook's table), with the body as Lambda hands it
// over, base64-encoded or not.
//
//	v, err := webhook.NewVerifier(os.Getenv("ZOOM_WEBHOOK_SECRET_TOKEN"))
//	if err != nil { ... }
//	h, err := zoomlambda.New(v, mux)
//	if err != nil { ... }
//	lambda.Start(h.HTTPAPI) // or h.FunctionURL
//
// Zoom gives its URL validation 3 seconds, cold start included: build for
// provided.al2023 and keep the function's initialization short.
//
// It lives in its own module so that the core module does not depend on
// github.com/aws/aws-lambda-go.
package zoomlambda

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/aws/aws-lambda-go/events"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/webhook"
)

// DefaultMaxBodyBytes is the default limit on a decoded body: 6 MB, AWS
// Lambda's limit on a synchronous invocation's payload.
const DefaultMaxBodyBytes = 6_000_000

// ErrConfig is wrapped by every error of [New].
var ErrConfig = errors.New("zoomlambda: invalid configuration")

// Handler answers Zoom webhook requests delivered as Lambda events. It is
// safe for concurrent use.
type Handler struct {
	verifier *webhook.Verifier
	next     event.Handler
	maxBody  int
	hook     func(context.Context, error)
}

// Option configures a [Handler].
type Option func(*config)

type config struct {
	maxBody int
	hook    func(context.Context, error)
	errs    []error
}

// WithMaxBodyBytes sets the largest decoded body accepted (default
// [DefaultMaxBodyBytes]); larger ones are answered 413. It must be
// positive.
func WithMaxBodyBytes(n int) Option {
	return func(c *config) {
		if n <= 0 {
			c.errs = append(c.errs, fmt.Errorf("%w: WithMaxBodyBytes needs a positive limit", ErrConfig))
			return
		}
		c.maxBody = n
	}
}

// WithErrorHook sets a function called with every rejected request and
// every event handler failure, with an error that wraps package webhook's
// sentinels (or the handler's error). [webhook.StatusCode] gives the status
// answered, except for a handler failure, always 500.
func WithErrorHook(f func(ctx context.Context, err error)) Option {
	return func(c *config) { c.hook = f }
}

// New returns a Handler that verifies requests with v (built with
// [webhook.NewVerifier] and its options) and passes events to next. It
// returns an error wrapping [ErrConfig] for a nil v or next and for each nil
// or malformed option.
func New(v *webhook.Verifier, next event.Handler, opts ...Option) (*Handler, error) {
	c := config{maxBody: DefaultMaxBodyBytes}
	if v == nil {
		c.errs = append(c.errs, fmt.Errorf("%w: New needs a webhook.Verifier", ErrConfig))
	}
	if next == nil {
		c.errs = append(c.errs, fmt.Errorf("%w: New needs an event handler", ErrConfig))
	}
	for _, o := range opts {
		if o == nil {
			c.errs = append(c.errs, fmt.Errorf("%w: nil Option", ErrConfig))
			continue
		}
		o(&c)
	}
	if err := errors.Join(c.errs...); err != nil {
		return nil, err
	}
	return &Handler{verifier: v, next: next, maxBody: c.maxBody, hook: c.hook}, nil
}

// HTTPAPI handles an API Gateway HTTP API (payload format 2.0) request:
// pass it to lambda.Start. Its error is always nil: every outcome,
// including a failed check or a failed event handler, is an answer with
// its status code, as Zoom must get one (Zoom retries 5xx, never 4xx).
func (h *Handler) HTTPAPI(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	a := h.serve(ctx, req.RequestContext.HTTP.Method, req.Headers, req.Body, req.IsBase64Encoded)
	return events.APIGatewayV2HTTPResponse{StatusCode: a.status, Headers: a.headers, Body: a.body}, nil
}

// FunctionURL handles a Lambda function URL request: pass it to
// lambda.Start. Its error is always nil, as for [Handler.HTTPAPI].
func (h *Handler) FunctionURL(ctx context.Context, req events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
	a := h.serve(ctx, req.RequestContext.HTTP.Method, req.Headers, req.Body, req.IsBase64Encoded)
	return events.LambdaFunctionURLResponse{StatusCode: a.status, Headers: a.headers, Body: a.body}, nil
}

type answer struct {
	status  int
	headers map[string]string
	body    string
}

// serve is the transport's part: method, headers, body size and encoding;
// then webhook.Verifier.Receive and the event handler.
func (h *Handler) serve(ctx context.Context, method string, headers map[string]string, body string, isBase64 bool) answer {
	if method != http.MethodPost {
		a := h.reject(ctx, webhook.ErrMethodNotAllowed)
		a.headers["Allow"] = http.MethodPost
		return a
	}
	raw, err := h.decode(body, isBase64)
	if err != nil {
		return h.reject(ctx, err)
	}
	got, err := h.verifier.Receive(header(headers), raw)
	if err != nil {
		return h.reject(ctx, err)
	}
	if got.Challenge != nil {
		return answer{
			status:  http.StatusOK,
			headers: map[string]string{"Content-Type": "application/json"},
			body:    string(got.Challenge.JSON()),
		}
	}
	if err := h.dispatch(ctx, got.Event); err != nil {
		return h.fail(ctx, http.StatusInternalServerError, err)
	}
	return answer{status: http.StatusOK}
}

// decode returns the body's bytes, within the limit. The limit is checked
// on the encoded length before anything is decoded.
func (h *Handler) decode(body string, isBase64 bool) ([]byte, error) {
	if !isBase64 {
		if len(body) > h.maxBody {
			return nil, webhook.ErrBodyTooLarge
		}
		return []byte(body), nil
	}
	// A base64 body of n bytes decodes to DecodedLen(n)-2 bytes or more.
	if base64.StdEncoding.DecodedLen(len(body))-2 > h.maxBody {
		return nil, webhook.ErrBodyTooLarge
	}
	raw, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("%w: body is not valid base64: %w", webhook.ErrInvalidEvent, err)
	}
	if len(raw) > h.maxBody {
		return nil, webhook.ErrBodyTooLarge
	}
	return raw, nil
}

// header converts Lambda's headers (lower case from API Gateway and
// function URLs; repeated headers joined with commas) into an http.Header
// with canonical keys, which webhook reads case-insensitively.
func header(headers map[string]string) http.Header {
	h := make(http.Header, len(headers))
	for k, v := range headers {
		h[http.CanonicalHeaderKey(k)] = []string{v}
	}
	return h
}

// dispatch calls the event handler, turning a panic into an error.
func (h *Handler) dispatch(ctx context.Context, ev *event.Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %s: %v\n%s", webhook.ErrHandlerPanic, ev.Name, p, debug.Stack())
		}
	}()
	return h.next.HandleEvent(ctx, ev)
}

func (h *Handler) reject(ctx context.Context, err error) answer {
	return h.fail(ctx, webhook.StatusCode(err), err)
}

// fail answers with the status text only and reports err to the hook.
func (h *Handler) fail(ctx context.Context, status int, err error) answer {
	if h.hook != nil {
		h.hook(ctx, err)
	}
	return answer{
		status:  status,
		headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
		body:    http.StatusText(status) + "\n",
	}
}

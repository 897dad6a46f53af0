package wsclient

import "context"

// ClientTrace is a set of hooks run at stages of a connection attempt, in
// the style of net/http/httptrace, for tracing and metrics (the otel module
// of this repository uses it). Every hook is optional; a nil field is
// skipped. Hooks are called synchronously from the goroutine running
// [Client.Run], must return quickly, and must not call Run. No hook is ever
// given an access token or a secret.
type ClientTrace struct {
	// ConnectStart is called when a connection attempt begins, before the
	// access token is fetched, with the attempt's context and the endpoint
	// URL (without the access token). The context it returns, when not
	// nil, is used for the whole attempt: the token fetch, the WebSocket
	// handshake, TokenStart and ConnectDone.
	ConnectStart func(ctx context.Context, endpoint string) context.Context
	// ConnectDone is called when the attempt's handshake has ended: err is
	// nil when the socket is open, and otherwise the (redacted) error the
	// attempt failed with, the token fetch's included.
	ConnectDone func(ctx context.Context, err error)
	// TokenStart is called before the TokenSource is asked for a token
	// (which may answer from its cache). The context it returns, when not
	// nil, is passed to TokenSource.Token and to TokenDone.
	TokenStart func(ctx context.Context) context.Context
	// TokenDone is called when TokenSource.Token has returned, with its
	// error (redacted; nil on success).
	TokenDone func(ctx context.Context, err error)
}

func (t *ClientTrace) connectStart(ctx context.Context, endpoint string) context.Context {
	if t == nil || t.ConnectStart == nil {
		return ctx
	}
	if c := t.ConnectStart(ctx, endpoint); c != nil {
		return c
	}
	return ctx
}

func (t *ClientTrace) connectDone(ctx context.Context, err error) {
	if t != nil && t.ConnectDone != nil {
		t.ConnectDone(ctx, err)
	}
}

func (t *ClientTrace) tokenStart(ctx context.Context) context.Context {
	if t == nil || t.TokenStart == nil {
		return ctx
	}
	if c := t.TokenStart(ctx); c != nil {
		return c
	}
	return ctx
}

func (t *ClientTrace) tokenDone(ctx context.Context, err error) {
	if t != nil && t.TokenDone != nil {
		t.TokenDone(ctx, err)
	}
}

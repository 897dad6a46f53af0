package wsclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TokenSource supplies access tokens for the WebSocket handshake.
//
// Token returns a token valid for at least the next few seconds, fetching a
// new one when needed; it must honour ctx and be safe for concurrent use.
// Invalidate tells the source that the server rejected token, so the next
// Token call must not return it again; invalidating a token that is no
// longer cached is a no-op.
//
// Errors from Token should wrap [ErrBadCredentials] when retrying cannot
// help (Run then returns); any other error is retried with backoff.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	Invalidate(token string)
}

// OAuthConfig configures [NewS2STokenSource].
type OAuthConfig struct {
	// AccountID, ClientID and ClientSecret are the app's credentials.
	// AccountID is required for GrantAccountCredentials.
	AccountID    string
	ClientID     string
	ClientSecret string
	// GrantType defaults to GrantAccountCredentials.
	GrantType GrantType
	// TokenURL defaults to DefaultTokenURL.
	TokenURL string
	// HTTPClient defaults to http.DefaultClient.
	HTTPClient *http.Client
	// AllowInsecure permits an http:// TokenURL to a non-loopback host.
	AllowInsecure bool
	// RefreshBefore is how long before expiry a cached token is replaced.
	// Defaults to 60 s (as Zoom's Rivet does), and to half the token's
	// lifetime for tokens that live less than two minutes.
	RefreshBefore time.Duration
}

// S2STokenSource fetches Server-to-Server OAuth tokens and caches one
// token until shortly before it expires. However many goroutines call
// Token, at most one request is in flight. It is safe for concurrent use.
//
// The grant parameters (grant_type and, for account_credentials,
// account_id) are sent both in the query string, as Zoom's documentation
// shows, and as an application/x-www-form-urlencoded body, as Zoom's Rivet
// SDK does; the credentials are sent only in a Basic Authorization header.
type S2STokenSource struct {
	cfg      OAuthConfig
	tokenURL string
	body     string
	auth     string
	now      func() time.Time // tests replace it

	mu       sync.Mutex
	token    string
	refresh  time.Time // when the cached token must be replaced
	inflight *flight   // the request in flight, if any
}

// flight is one token request; waiters share its outcome.
type flight struct {
	done chan struct{} // closed when the request ends
	err  error         // set before done is closed
}

// NewS2STokenSource validates cfg and returns a token source. It sends
// nothing until Token is called.
func NewS2STokenSource(cfg OAuthConfig) (*S2STokenSource, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, fmt.Errorf("%w: ClientID and ClientSecret are required", ErrConfig)
	}
	if cfg.GrantType == "" {
		cfg.GrantType = GrantAccountCredentials
	}
	params := url.Values{"grant_type": {string(cfg.GrantType)}}
	switch cfg.GrantType {
	case GrantAccountCredentials:
		if cfg.AccountID == "" {
			return nil, fmt.Errorf("%w: AccountID is required for the account_credentials grant", ErrConfig)
		}
		params.Set("account_id", cfg.AccountID)
	case GrantClientCredentials:
	default:
		return nil, fmt.Errorf("%w: unknown GrantType %q", ErrConfig, cfg.GrantType)
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURL
	}
	u, err := url.Parse(cfg.TokenURL)
	if err != nil {
		return nil, fmt.Errorf("%w: TokenURL: %s", ErrConfig, redact(err.Error(), cfg.ClientSecret))
	}
	if err := checkScheme(u, "https", "http", cfg.AllowInsecure); err != nil {
		return nil, fmt.Errorf("TokenURL: %w", err)
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	cfg.HTTPClient = noRedirects(cfg.HTTPClient)
	return &S2STokenSource{
		cfg:      cfg,
		tokenURL: u.String(),
		body:     params.Encode(),
		auth:     "Basic " + basicAuth(cfg.ClientID, cfg.ClientSecret),
		now:      time.Now,
	}, nil
}

// Token returns the cached token, or fetches a new one when none is cached
// or the cached one is within RefreshBefore of its expiry. Concurrent
// callers share one request. Errors are *OAuthError for answers from the
// endpoint, otherwise they wrap ErrTokenUnavailable (or ctx's error).
func (s *S2STokenSource) Token(ctx context.Context) (string, error) {
	for {
		s.mu.Lock()
		if s.token != "" && s.now().Before(s.refresh) {
			tok := s.token
			s.mu.Unlock()
			return tok, nil
		}
		if fl := s.inflight; fl != nil {
			s.mu.Unlock()
			select {
			case <-fl.done:
				// Share the leader's failure, unless it was only the
				// leader's context ending: then retry, perhaps as leader.
				if fl.err != nil && !errors.Is(fl.err, context.Canceled) && !errors.Is(fl.err, context.DeadlineExceeded) {
					return "", fl.err
				}
				continue
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		fl := &flight{done: make(chan struct{})}
		s.inflight = fl
		s.mu.Unlock()

		tok, ttl, err := s.fetch(ctx)

		s.mu.Lock()
		s.inflight = nil
		fl.err = err
		if err == nil {
			s.token = tok
			s.refresh = s.now().Add(ttl - s.refreshBefore(ttl))
		}
		s.mu.Unlock()
		close(fl.done)
		return tok, err
	}
}

// Invalidate drops token from the cache if it is the cached one.
func (s *S2STokenSource) Invalidate(token string) {
	s.mu.Lock()
	if token != "" && token == s.token {
		s.token = ""
	}
	s.mu.Unlock()
}

func (s *S2STokenSource) refreshBefore(ttl time.Duration) time.Duration {
	rb := s.cfg.RefreshBefore
	if rb <= 0 {
		rb = 60 * time.Second
	}
	if rb > ttl/2 {
		rb = ttl / 2
	}
	return rb
}

// maxTokenResponse bounds how much of a token answer is read.
const maxTokenResponse = 1 << 20

func (s *S2STokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.tokenURL, strings.NewReader(s.body))
	if err != nil {
		return "", 0, s.redactErr(ErrTokenUnavailable, err)
	}
	req.Header.Set("Authorization", s.auth)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", 0, s.redactErr(ErrTokenUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse))
	if err != nil {
		return "", 0, s.redactErr(ErrTokenUnavailable, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", 0, s.oauthError(resp, body)
	}
	var tr struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
		return "", 0, fmt.Errorf("%w: HTTP 200 without an access_token", ErrTokenUnavailable)
	}
	return tr.AccessToken, expiresIn(tr.ExpiresIn), nil
}

// expiresIn reads expires_in as a number or a string of seconds; Zoom
// documents one hour, which is assumed when it is absent or unreadable.
func expiresIn(raw json.RawMessage) time.Duration {
	s := string(bytes.Trim(bytes.TrimSpace(raw), `"`))
	secs, err := strconv.ParseFloat(s, 64)
	if err != nil || secs <= 0 {
		return time.Hour
	}
	return time.Duration(secs * float64(time.Second))
}

func (s *S2STokenSource) oauthError(resp *http.Response, body []byte) error {
	var eb struct {
		Error       string `json:"error"`
		Reason      string `json:"reason"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &eb) // best effort: the status alone classifies
	reason := eb.Reason
	if reason == "" {
		reason = eb.Description
	}
	e := &OAuthError{
		StatusCode: resp.StatusCode,
		Code:       s.clean(eb.Error),
		Reason:     s.clean(reason),
	}
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		e.Code = ""
		e.Reason = "redirect not followed"
		if loc, err := resp.Location(); err == nil {
			// Scheme, host and path only: a query may hold anything.
			e.Reason = "redirect to " + s.clean(loc.Scheme+"://"+loc.Host+loc.EscapedPath()) + " not followed (the token request is never redirected; set TokenURL to the final URL)"
		}
	}
	return e
}

// clean bounds server-provided text and removes credentials from it.
func (s *S2STokenSource) clean(text string) string {
	return clip(redact(text, s.cfg.ClientSecret, strings.TrimPrefix(s.auth, "Basic ")), 200)
}

func (s *S2STokenSource) redactErr(kind, err error) error {
	return redactErr(kind, "wsclient: token request", err,
		s.cfg.ClientSecret, strings.TrimPrefix(s.auth, "Basic "))
}

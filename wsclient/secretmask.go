package wsclient

import (
	"fmt"
	"log/slog"
)

// The types below hold credentials, so they print (fmt %v, %+v, %#v, %s)
// and log (slog) without them.

func mask(secret string) string {
	if secret == "" {
		return `""`
	}
	return redacted
}

// String describes the config with the client secret masked.
func (c Config) String() string {
	return fmt.Sprintf("wsclient.Config{AccountID:%q ClientID:%q ClientSecret:%s SubscriptionID:%q Endpoint:%q}",
		c.AccountID, c.ClientID, mask(c.ClientSecret), c.SubscriptionID, redact(c.Endpoint))
}

// GoString is String, so %#v does not print the secret either.
func (c Config) GoString() string { return c.String() }

// LogValue implements slog.LogValuer with the secret masked.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// String describes the config with the client secret masked.
func (c OAuthConfig) String() string {
	return fmt.Sprintf("wsclient.OAuthConfig{AccountID:%q ClientID:%q ClientSecret:%s GrantType:%q TokenURL:%q}",
		c.AccountID, c.ClientID, mask(c.ClientSecret), c.GrantType, c.TokenURL)
}

// GoString is String, so %#v does not print the secret either.
func (c OAuthConfig) GoString() string { return c.String() }

// LogValue implements slog.LogValuer with the secret masked.
func (c OAuthConfig) LogValue() slog.Value { return slog.StringValue(c.String()) }

// String describes the source without its credentials or token.
func (s *S2STokenSource) String() string {
	return "wsclient.S2STokenSource{" + s.cfg.String() + "}"
}

// GoString is String.
func (s *S2STokenSource) GoString() string { return s.String() }

// String describes the client without its credentials.
func (c *Client) String() string {
	return fmt.Sprintf("wsclient.Client{%s state:%s}", c.cfg.String(), c.State())
}

// GoString is String.
func (c *Client) GoString() string { return c.String() }

package wsclient

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTokenRefusalRule pins the rule that decides whether a frame's
// content or a close reason refuses the token, both ways.
func TestTokenRefusalRule(t *testing.T) {
	yes := []string{
		"token is empty", "Token is invalid", "Invalid Token", "invalid_token", " TOKEN EXPIRED ",
		"token is expired.", "Access token has expired", "Invalid access_token", "The token has been revoked",
		"Token is invalid: REDACTED", "invalid token REDACTED", "token missing!", "invalid-token",
	}
	no := []string{
		"", "live", "token", "invalid", "token accepted", "invalid subscription", "Internal Error",
		"cannot refresh the invalid token cache", "Token is invalid: abc", // an unredacted word
		`{"event":"x","payload":{"topic":"Token is invalid"}}`, `"Token is invalid"`,
		"token is invalid\n", "token is invalid (see docs)", "Token is ínvalid",
		"another connection opened for this subscription",
		strings.Repeat("invalid ", 20) + "token", // too long
	}
	for _, s := range yes {
		assert.True(t, tokenRefusal(s), "%q", s)
	}
	for _, s := range no {
		assert.False(t, tokenRefusal(s), "%q", s)
	}
}

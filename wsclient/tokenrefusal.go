package wsclient

import (
	"slices"
	"strings"
)

// maxRefusalText bounds the text tested by tokenRefusal; Zoom's are about
// 20 bytes.
const maxRefusalText = 128

// refusalWords are the only words a token refusal may contain; at least
// one must be "token" and one a verdict (refusalVerdicts).
var refusalWords = map[string]bool{
	"token": true, "access": true, "the": true, "your": true, "this": true,
	"is": true, "has": true, "been": true, "was": true,
	"invalid": true, "expired": true, "empty": true, "missing": true, "revoked": true,
	redactedWord: true, // the server may echo the token, which is redacted first
}

var refusalVerdicts = []string{"invalid", "expired", "empty", "missing", "revoked"}

// redactedWord is the word redacted text leaves where a secret was.
var redactedWord = strings.ToLower(redacted)

// tokenRefusal reports whether text, a frame's content or a close reason
// with secrets already redacted, says the access token was refused. The
// rule is explicit so that it cannot match an event or prose: text of at
// most maxRefusalText bytes, made of letters, digits, spaces and the
// punctuation _ - . , : ! ' only, whose words (runs of letters) are all in
// refusalWords, with "token" and a verdict among them. So "token is empty",
// "Token is invalid", "Invalid Token", "invalid_token", "Access token has
// expired." and "Token is invalid: <token>" match; "invalid subscription",
// "cannot refresh the invalid token cache" and any JSON do not.
func tokenRefusal(text string) bool {
	if len(text) == 0 || len(text) > maxRefusalText {
		return false
	}
	var words []string
	start := -1
	for i := 0; i <= len(text); i++ {
		var c byte
		if i < len(text) {
			c = text[i]
		}
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if letter {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			words = append(words, strings.ToLower(text[start:i]))
			start = -1
		}
		if i < len(text) && !('0' <= c && c <= '9') && !strings.ContainsRune(" \t_-.,:!'", rune(c)) {
			return false
		}
	}
	hasToken, hasVerdict := false, false
	for _, w := range words {
		if !refusalWords[w] {
			return false
		}
		hasToken = hasToken || w == "token"
		hasVerdict = hasVerdict || slices.Contains(refusalVerdicts, w)
	}
	return hasToken && hasVerdict
}

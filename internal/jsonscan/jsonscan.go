// Package jsonscan holds the SDK's one JSON tokenizer: [Decoder], the
// single-pass, validating decoder under the generated payload decoders
// (package internal/decode), event.Parse's envelope and wsclient's
// frames, which decodes with encoding/json's semantics; and the small
// scanning primitives with which event.Parse finds a body's "event"
// member before decoding it. encoding/json stays the reference: every
// function here is tested and fuzzed against it.
//
// Indices are byte offsets into data. The primitives allocate nothing
// except [Unquote] (its result) and [FindMember] on an escaped key.
package jsonscan

import (
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// Errors of [FindMember].
var (
	// ErrSyntax: data is not a JSON object as far as it was read.
	ErrSyntax = errors.New("jsonscan: syntax error")
	// ErrNotFound: the object ended without the member. The rest of data
	// (anything after the closing brace, the inner structure of skipped
	// values) was not checked.
	ErrNotFound = errors.New("jsonscan: member not found")
)

// SkipSpace returns the index of the first byte at or after i that is not
// JSON whitespace, or len(data).
func SkipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// SkipString scans the string literal whose opening quote is data[i]. end
// is the index just past its closing quote, or -1 if it has none. escaped
// reports a backslash in it. valid reports that encoding/json decodes it
// exactly as [Unquote] does: every escape well formed, no control
// character, and valid UTF-8 (which encoding/json accepts but replaces
// with U+FFFD, so it counts as not valid here).
//
// end does not depend on validity: a backslash always takes the byte after
// it, so a caller that only needs the extent of a string gets the same
// answer for invalid input as for valid.
func SkipString(data []byte, i int) (end int, escaped, valid bool) {
	valid = true
	i++
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			return i + 1, escaped, valid
		case c == '\\':
			escaped = true
			if i+1 >= len(data) {
				return -1, escaped, false
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if _, ok := hex4(data, i+2); ok {
					i += 4 // hex digits: never a quote or a backslash
				} else {
					valid = false
				}
			default:
				valid = false
			}
			i += 2
		case c < 0x20:
			valid = false
			i++
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				valid = false
			}
			i += size // continuation bytes are never a quote or a backslash
		}
	}
	return -1, escaped, false
}

// SkipValue scans the JSON value that starts at data[i], as a member of
// an object or an element of an array. end is the index just past it, or
// -1 if it is cut short (a string or bracket left open, or i past the
// end). Objects and arrays are matched bracket by bracket; a literal or
// number runs to the next delimiter (, } ] or whitespace) or the end of
// data.
//
// valid reports that every string in the value is valid (see
// [SkipString]) and that a literal or number is not empty and is followed
// by a delimiter, as it must be inside an object. It does not check the
// inner structure of objects and arrays nor the spelling of literals and
// numbers: the value's consumer (encoding/json, json.Valid) does.
func SkipValue(data []byte, i int) (end int, valid bool) {
	if i >= len(data) {
		return -1, false
	}
	switch data[i] {
	case '"':
		end, _, valid = SkipString(data, i)
		return end, valid
	case '{', '[':
		valid = true
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				end, _, ok := SkipString(data, i)
				if end < 0 {
					return -1, false
				}
				valid = valid && ok
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, valid
				}
			}
			i++
		}
		return -1, false
	default:
		start := i
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i, i > start
			}
			i++
		}
		return i, false
	}
}

// FindMember returns the index of the value of the first top-level member
// of the object in data whose key decodes to key, which must not be
// empty. It reads data only up to that value and does not validate the
// members it skips beyond their extent: it returns [ErrSyntax] when the
// object is broken before the member, and [ErrNotFound] when the object
// ends without it.
func FindMember(data []byte, key string) (int, error) {
	i := SkipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return -1, ErrSyntax
	}
	i++
	for {
		i = SkipSpace(data, i)
		if i >= len(data) {
			return -1, ErrSyntax
		}
		if data[i] == '}' {
			return -1, ErrNotFound
		}
		if data[i] != '"' {
			return -1, ErrSyntax
		}
		keyEnd, escaped, valid := SkipString(data, i)
		if keyEnd < 0 {
			return -1, ErrSyntax
		}
		match := keyMatches(data[i+1:keyEnd-1], escaped, valid, key)
		i = SkipSpace(data, keyEnd)
		if i >= len(data) || data[i] != ':' {
			return -1, ErrSyntax
		}
		i = SkipSpace(data, i+1)
		if match {
			return i, nil
		}
		i, _ = SkipValue(data, i)
		if i < 0 {
			return -1, ErrSyntax
		}
		i = SkipSpace(data, i)
		if i >= len(data) {
			return -1, ErrSyntax
		}
		switch data[i] {
		case ',':
			i++
		case '}':
			return -1, ErrNotFound
		default:
			return -1, ErrSyntax
		}
	}
}

// keyMatches reports whether the key literal body raw decodes to key, as
// encoding/json decodes it. An invalid escaped key decodes to an error or
// to text with U+FFFD in it, neither of which is a member name we look for.
func keyMatches(raw []byte, escaped, valid bool, key string) bool {
	if !escaped {
		return string(raw) == key
	}
	return valid && string(Unquote(raw)) == key
}

// Unquote returns the decoded text of body, the bytes between the quotes
// of a string literal that [SkipString] or [Decoder] found well formed,
// in a new slice: what encoding/json decodes it to, escapes decoded and
// invalid UTF-8 and lone surrogates replaced by U+FFFD.
func Unquote(body []byte) []byte {
	return appendUnquoted(make([]byte, 0, len(body)), body)
}

// appendUnquoted appends the decoded text of body (see [Unquote]) to
// out. A malformed escape, which a checked literal never has, decodes to
// U+FFFD rather than failing.
func appendUnquoted(out, body []byte) []byte {
	for i := 0; i < len(body); {
		switch c := body[i]; {
		case c == '\\' && i+1 < len(body):
			switch e := body[i+1]; e {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := hex4(body, i+2)
				if !ok {
					out = utf8.AppendRune(out, utf8.RuneError)
					i += 2
					continue
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := hex4(body, i+2); ok && i+1 < len(body) && body[i] == '\\' && body[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							out = utf8.AppendRune(out, dec)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
				continue
			default: // " \ / (and, in a malformed literal, anything)
				out = append(out, e)
			}
			i += 2
		case c < utf8.RuneSelf:
			j := i + 1
			for j < len(body) && body[j] != '\\' && body[j] < utf8.RuneSelf {
				j++
			}
			out = append(out, body[i:j]...)
			i = j
		default:
			r, size := utf8.DecodeRune(body[i:])
			out = utf8.AppendRune(out, r) // RuneError for invalid UTF-8, one byte at a time
			i += size
		}
	}
	return out
}

// hex4 decodes the four hex digits of a \u escape at s[i:i+4].
func hex4(s []byte, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range s[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

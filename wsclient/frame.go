package wsclient

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// frame is one JSON frame from Zoom:
//
//	{"module":"message","success":true,"content":"<event JSON as a string>","header":{...}}
type frame struct {
	Module  string       `json:"module"`
	Success *bool        `json:"success"` // absent means true
	Content frameContent `json:"content"`
	Header  struct {
		RequestID  string `json:"x-zm-request-id"`
		TrackingID string `json:"x-zm-trackingid"`
	} `json:"header"`
}

func (f *frame) failed() bool { return f.Success != nil && !*f.Success }

// frameContent is the content member: the unquoted bytes of a JSON string,
// or the raw JSON of any other value (an object is accepted as the event
// itself). Decoding it costs one copy, not a string plus a []byte copy.
type frameContent []byte

// UnmarshalJSON implements json.Unmarshaler. encoding/json has validated b.
func (c *frameContent) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '"' {
		if string(b) == "null" {
			*c = nil
			return nil
		}
		*c = append(frameContent(nil), b...)
		return nil
	}
	*c = unquoteJSON(b[1 : len(b)-1])
	return nil
}

// unquoteJSON decodes the body of a valid JSON string literal.
func unquoteJSON(s []byte) []byte {
	i := bytes.IndexByte(s, '\\')
	if i < 0 {
		return append([]byte(nil), s...)
	}
	out := make([]byte, i, len(s))
	copy(out, s)
	for i < len(s) {
		c := s[i]
		if c != '\\' {
			j := bytes.IndexByte(s[i:], '\\')
			if j < 0 {
				j = len(s) - i
			}
			out = append(out, s[i:i+j]...)
			i += j
			continue
		}
		if i+1 >= len(s) {
			break
		}
		switch e := s[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
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
			r, ok := hex4(s, i+2)
			if !ok {
				out = append(out, string(utf8.RuneError)...)
				i += 2
				continue
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(s, i+2); ok && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
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
		default:
			out = append(out, '\\', e)
		}
		i += 2
	}
	return out
}

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

// tokenRejection reports whether text (a frame's content or a close
// reason) says the access token was refused: "token is empty", "Token is
// invalid", "Invalid Token", "invalid_token", or any short text about an
// expired or invalid token.
func tokenRejection(text []byte) bool {
	if len(text) == 0 || len(text) > 128 {
		return false
	}
	t := strings.ToLower(strings.TrimSpace(string(text)))
	if !strings.Contains(t, "token") {
		return false
	}
	return strings.Contains(t, "invalid") || strings.Contains(t, "empty") ||
		strings.Contains(t, "expired") || strings.Contains(t, "missing")
}

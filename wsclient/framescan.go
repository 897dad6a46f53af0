package wsclient

import (
	"bytes"
	"encoding/json"
	"errors"
)

// decodeFrame decodes a frame. A fast path handles the frames Zoom sends
// (a flat object of module, success, content and header) without
// reflection; anything it does not fully understand goes through
// encoding/json, which also produces the error for invalid JSON.
//
// A member of an unexpected JSON type (a numeric header id, say) is left
// zero rather than failing the frame, so that it cannot cost an event.
func decodeFrame(data []byte, f *frame) error {
	if scanFrame(data, f) {
		return nil
	}
	*f = frame{}
	return lenientUnmarshal(data, f)
}

// lenientUnmarshal is json.Unmarshal ignoring type mismatches: encoding/json
// decodes every other member before reporting one.
func lenientUnmarshal(data []byte, f *frame) error {
	err := json.Unmarshal(data, f)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return nil
	}
	return err
}

// scanFrame is the fast path: it returns false, leaving f partly filled,
// whenever the input is not a plain, valid frame. Values it hands on
// (content, header, unknown members) are validated by their consumers:
// event.Parse, encoding/json and json.Valid.
func scanFrame(data []byte, f *frame) bool {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return skipWS(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return false
		}
		end := skipString(data, i)
		if end < 0 {
			return false
		}
		key := data[i+1 : end-1]
		i = skipWS(data, end)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipWS(data, i+1)
		vend := skipValue(data, i)
		if vend < 0 {
			return false
		}
		val := data[i:vend]
		switch string(key) {
		case "module":
			if !plainString(val) {
				return false
			}
			f.Module = internModule(val[1 : len(val)-1])
		case "success":
			switch string(val) {
			case "true":
				t := true
				f.Success = &t
			case "false":
				t := false
				f.Success = &t
			case "null":
				f.Success = nil
			default:
				return false
			}
		case "content":
			if val[0] != '"' && val[0] != '{' && string(val) != "null" {
				return false
			}
			if err := f.Content.UnmarshalJSON(val); err != nil {
				return false
			}
		case "header":
			if string(val) != "{}" {
				if val[0] != '{' || json.Unmarshal(val, &f.Header) != nil {
					return false
				}
			}
		default:
			// encoding/json matches member names case-insensitively.
			for _, k := range [...]string{"module", "success", "content", "header"} {
				if bytes.EqualFold(key, []byte(k)) {
					return false
				}
			}
			if !json.Valid(val) {
				return false
			}
		}
		i = skipWS(data, vend)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case '}':
			return skipWS(data, i+1) == len(data)
		default:
			return false
		}
	}
}

func internModule(m []byte) string {
	switch string(m) {
	case "message":
		return "message"
	case "heartbeat":
		return "heartbeat"
	case "build_connection":
		return "build_connection"
	}
	return string(m)
}

// plainString reports whether v is a string literal without escapes.
func plainString(v []byte) bool {
	return len(v) >= 2 && v[0] == '"' && bytes.IndexByte(v, '\\') < 0
}

func skipWS(data []byte, i int) int {
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

// skipString returns the index after the string literal starting at
// data[i], or -1 if it is not a valid JSON string (bad escape, control
// character, unterminated). Invalid UTF-8 is left to encoding/json's
// replacement rules, which unquoteJSON does not share, so it fails too.
func skipString(data []byte, i int) int {
	i++
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			return i + 1
		case c == '\\':
			if i+1 >= len(data) {
				return -1
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := hex4(data, i+2); !ok {
					return -1
				}
				i += 6
			default:
				return -1
			}
		case c < 0x20:
			return -1
		case c < 0x80:
			i++
		default:
			r, size := decodeRune(data[i:])
			if r < 0 {
				return -1
			}
			i += size
		}
	}
	return -1
}

// skipValue returns the index after the JSON value starting at data[i], or
// -1. Objects and arrays are matched bracket by bracket (strings checked);
// their inner structure and literals are validated by whoever uses them.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i = skipString(data, i)
				if i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	default:
		start := i
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if i == start {
					return -1
				}
				return i
			}
			i++
		}
		return -1
	}
}

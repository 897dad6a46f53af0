package wsclient

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/zoomevents/zoomevents/internal/jsonscan"
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
	i := jsonscan.SkipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = jsonscan.SkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return jsonscan.SkipSpace(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return false
		}
		end, escaped, ok := jsonscan.SkipString(data, i)
		if end < 0 || !ok || escaped { // "m\u006fdule" is "module" to encoding/json
			return false
		}
		key := data[i+1 : end-1]
		i = jsonscan.SkipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = jsonscan.SkipSpace(data, i+1)
		vend, ok := jsonscan.SkipValue(data, i)
		if vend < 0 || !ok {
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
			// The scanner only measured an object's extent: anything but a
			// valid one goes to encoding/json, which refuses it. (Zoom sends
			// content as a string; objects are rare, so this costs little.)
			if val[0] == '{' && !json.Valid(val) {
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
		i = jsonscan.SkipSpace(data, vend)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case ',':
			i = jsonscan.SkipSpace(data, i+1)
		case '}':
			return jsonscan.SkipSpace(data, i+1) == len(data)
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

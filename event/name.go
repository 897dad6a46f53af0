package event

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// eventName finds the top-level "event" member of a JSON object without
// decoding the rest, so that Parse can pick the payload type before its one
// full decode. It skips over other members (usually none: Zoom sends
// "event" first) without allocating.
func eventName(data []byte) (string, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return "", ErrInvalidJSON
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) {
			return "", ErrInvalidJSON
		}
		if data[i] == '}' {
			return "", missingName(data)
		}
		if data[i] != '"' {
			return "", ErrInvalidJSON
		}
		keyStart := i
		keyEnd, keyEscaped := skipString(data, i)
		if keyEnd < 0 {
			return "", ErrInvalidJSON
		}
		key := data[keyStart+1 : keyEnd-1]
		i = skipSpace(data, keyEnd)
		if i >= len(data) || data[i] != ':' {
			return "", ErrInvalidJSON
		}
		i = skipSpace(data, i+1)
		if (!keyEscaped && string(key) == "event") || (keyEscaped && unquote(data[keyStart:keyEnd]) == "event") {
			return nameValue(data, i)
		}
		i = skipValue(data, i)
		if i < 0 {
			return "", ErrInvalidJSON
		}
		i = skipSpace(data, i)
		if i >= len(data) {
			return "", ErrInvalidJSON
		}
		switch data[i] {
		case ',':
			i++
		case '}':
			return "", missingName(data)
		default:
			return "", ErrInvalidJSON
		}
	}
}

// missingName tells a well-formed object without a name from broken JSON.
func missingName(data []byte) error {
	if !json.Valid(data) {
		return ErrInvalidJSON
	}
	return ErrMissingName
}

func nameValue(data []byte, i int) (string, error) {
	if i >= len(data) || data[i] != '"' {
		if !json.Valid(data) {
			return "", ErrInvalidJSON
		}
		return "", fmt.Errorf("%w: \"event\" is not a string", ErrMissingName)
	}
	end, escaped := skipString(data, i)
	if end < 0 {
		return "", ErrInvalidJSON
	}
	var name string
	if escaped || !utf8.Valid(data[i+1:end-1]) { // decode as encoding/json would
		name = unquote(data[i:end])
	} else {
		name = string(data[i+1 : end-1])
	}
	if name == "" {
		return "", fmt.Errorf("%w: \"event\" is empty", ErrMissingName)
	}
	return name, nil
}

func unquote(quoted []byte) string {
	var s string
	if json.Unmarshal(quoted, &s) != nil {
		return ""
	}
	return s
}

func skipSpace(data []byte, i int) int {
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

// skipString returns the index just past the string starting at data[i]
// (which must be '"'), and whether it contains escapes; -1 if unterminated.
func skipString(data []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return -1, escaped
}

// skipValue returns the index just past the JSON value starting at data[i],
// or -1 if it is cut short. It does not validate; Parse's decode does.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		end, _ := skipString(data, i)
		return end
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				end, _ := skipString(data, i)
				if end < 0 {
					return -1
				}
				i = end
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
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

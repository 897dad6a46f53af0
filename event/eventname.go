package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/zoomevents/zoomevents/internal/jsonscan"
)

// eventName finds the top-level "event" member of a JSON object without
// decoding the rest, so that Parse can pick the payload type before its one
// full decode. It skips over other members (usually none: Zoom sends
// "event" first) without allocating.
func eventName(data []byte) (string, error) {
	i, err := jsonscan.FindMember(data, "event")
	if errors.Is(err, jsonscan.ErrNotFound) {
		return missingName(data)
	}
	if err != nil {
		return "", ErrInvalidJSON
	}
	return nameValue(data, i)
}

// missingName tells a well-formed object without a name from broken JSON.
// An object whose name member is spelled in another case ("Event") has one
// for encoding/json: Parse then finds it in its decode, so it is returned
// here as a name for Parse to check.
func missingName(data []byte) (string, error) {
	if !json.Valid(data) {
		return "", ErrInvalidJSON
	}
	var w struct {
		Event json.RawMessage `json:"event"`
	}
	var name string
	if json.Unmarshal(data, &w) == nil && json.Unmarshal(w.Event, &name) == nil && name != "" {
		return name, nil
	}
	return "", ErrMissingName
}

// nameValue decodes the name whose value starts at data[i] as
// encoding/json would. Invalid JSON is not always caught here: Parse's
// decode reports it.
func nameValue(data []byte, i int) (string, error) {
	if i >= len(data) || data[i] != '"' {
		if !json.Valid(data) {
			return "", ErrInvalidJSON
		}
		return "", fmt.Errorf("%w: \"event\" is not a string", ErrMissingName)
	}
	end, escaped, valid := jsonscan.SkipString(data, i)
	if end < 0 {
		return "", ErrInvalidJSON
	}
	raw := data[i+1 : end-1]
	var name string
	switch {
	case !escaped && (valid || utf8.Valid(raw)):
		name = internName(raw)
	case valid:
		name = string(jsonscan.Unquote(raw))
	default: // bad UTF-8 (replaced) or invalid JSON (empty: Parse's decode fails)
		var s string
		if json.Unmarshal(data[i:end], &s) == nil {
			name = s
		}
	}
	if name == "" {
		return "", fmt.Errorf("%w: \"event\" is empty", ErrMissingName)
	}
	return name, nil
}

// internName returns raw as a string: the catalog's own string for a
// built-in event name, which costs no allocation.
func internName(raw []byte) string {
	if i := builtinIndexBytes(raw); i >= 0 {
		return builtinCatalog[i].Name
	}
	return string(raw)
}

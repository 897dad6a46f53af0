package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// Common holds the payload fields that most Zoom events share. Generated
// payload types embed it, so that event.Parse can fill the event's
// AccountID, Operator and OperatorID without knowing the type. A user's
// own payload type may embed it for the same effect.
type Common struct {
	// AccountID is the Zoom account the event belongs to.
	AccountID string `json:"account_id,omitempty"`
	// Operator is who caused the event (usually an e-mail address), on
	// events that name one.
	Operator string `json:"operator,omitempty"`
	// OperatorID is the operator's user id, on events that name one.
	OperatorID string `json:"operator_id,omitempty"`
}

// CommonFields returns c. Through embedding it is a method of every
// payload type that has these fields, so that package event can read them
// from any payload; the few payloads that name the account differently
// (chatbot events' accountId) define their own.
func (c *Common) CommonFields() *Common { return c }

// ID is an identifier that Zoom sends sometimes as a JSON number and
// sometimes as a string (meeting ids above all). It decodes from either,
// keeping the digits exactly, and encodes as a JSON string. null decodes to
// "". Any other JSON value is kept as its JSON text, so nothing is lost.
type ID string

// UnmarshalJSON implements [json.Unmarshaler].
func (id *ID) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*id = ""
	case b[0] == '"':
		if bytes.IndexByte(b, '\\') < 0 {
			*id = ID(b[1 : len(b)-1])
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
	default:
		*id = ID(b)
	}
	return nil
}

// String returns the id as text.
func (id ID) String() string { return string(id) }

// DateTime is a date-time string as Zoom sent it (usually RFC 3339, such as
// "2024-07-11T14:12:55Z"). It is kept as text so that an unusual format
// never fails a decode; [DateTime.Time] parses it.
type DateTime string

// Time parses the date-time as RFC 3339, with or without fractional
// seconds. It returns an error wrapping [ErrDateTime] when the text is
// empty or in another format.
func (d DateTime) Time() (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, string(d))
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q", ErrDateTime, clipText(string(d), 64))
	}
	return t, nil
}

// ErrDateTime is returned by [DateTime.Time] for text that is not an
// RFC 3339 date-time.
var ErrDateTime = errors.New("event: not an RFC 3339 date-time")

// clipText cuts s to at most n bytes, on a rune boundary, for messages.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// Int is an integer that Zoom sends sometimes as a JSON number and
// sometimes as a string of digits (login_type, emoji_time, time_stamp and
// similar fields). It decodes from either and encodes as a JSON number. A
// number with a fraction is truncated. Any other JSON value (a string that
// is not a number, a bool, an object, null) decodes as 0: decoding an Int
// never fails, so it can never abort the decoding of an event.
type Int int64

// UnmarshalJSON implements [json.Unmarshaler].
func (n *Int) UnmarshalJSON(b []byte) error {
	if len(b) >= 2 && b[0] == '"' {
		b = b[1 : len(b)-1]
	}
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*n = Int(v)
		return nil
	}
	if f, err := strconv.ParseFloat(string(b), 64); err == nil {
		*n = Int(f)
		return nil
	}
	*n = 0
	return nil
}

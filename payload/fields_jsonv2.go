//go:build goexperiment.jsonv2

package payload

import (
	"bytes"
	"encoding/json/jsontext"
	"strconv"
)

// UnmarshalJSONFrom implements encoding/json/v2's UnmarshalerFrom with the
// semantics of [ID.UnmarshalJSON]: null decodes to "", a string to its
// text, any other value to its JSON text. Built only with
// GOEXPERIMENT=jsonv2, where encoding/json (v1 on v2) prefers it.
func (id *ID) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case 'n':
		*id = ""
	case '"':
		if bytes.IndexByte(v, '\\') < 0 {
			*id = ID(v[1 : len(v)-1])
			return nil
		}
		// v is a complete, valid JSON string (ReadValue checked it), so the
		// only error left is invalid UTF-8, which AppendUnquote has already
		// replaced with U+FFFD, as encoding/json does for a string.
		s, _ := jsontext.AppendUnquote(nil, v)
		*id = ID(s)
	default:
		*id = ID(v)
	}
	return nil
}

// UnmarshalJSONFrom implements encoding/json/v2's UnmarshalerFrom with the
// semantics of [Int.UnmarshalJSON]: a number or a string of digits decodes
// to its value (a fraction truncated), anything else to 0, and it never
// fails on a valid JSON value. Built only with GOEXPERIMENT=jsonv2.
func (n *Int) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	b := []byte(v)
	if len(b) >= 2 && b[0] == '"' {
		b = b[1 : len(b)-1]
	}
	if i, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*n = Int(i)
		return nil
	}
	if f, err := strconv.ParseFloat(string(b), 64); err == nil {
		*n = Int(f)
		return nil
	}
	*n = 0
	return nil
}

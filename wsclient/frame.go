package wsclient

import "github.com/zoomevents/zoomevents/internal/jsonscan"

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

// UnmarshalJSON implements json.Unmarshaler, for encoding/json (the
// reference decodeFrame is tested against) and for decodeFrame, which
// hands it the value's JSON text as encoding/json does. Both have
// validated b.
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
func unquoteJSON(s []byte) []byte { return jsonscan.Unquote(s) }

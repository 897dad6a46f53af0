package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// SynthTS is the event_ts of every synthesized body (2024-07-11T14:12:55.904Z).
const SynthTS = 1720707175904

// Body returns a webhook body for e, synthesized from the snapshot alone:
// "event", "event_ts" ([SynthTS]), every envelope member and every payload
// member the schema declares, recursively, each with a plausible value of
// its type, format and enum (arrays get one element). The same event always
// gives the same bytes. No text of Zoom's examples is used; where Zoom's
// example sends digits for a member (see [Node.Seen]), the value is digits
// too.
func Body(e *Event) []byte {
	var b bytes.Buffer
	b.WriteString(`{"event":`)
	writeString(&b, e.Name)
	fmt.Fprintf(&b, `,"event_ts":%d`, SynthTS)
	for _, m := range e.Envelope {
		b.WriteByte(',')
		writeString(&b, m.Name)
		b.WriteByte(':')
		writeValue(&b, m.Name, m)
	}
	b.WriteString(`,"payload":`)
	if e.Payload == nil {
		b.WriteString("{}")
	} else {
		writeObject(&b, e.Payload.Members)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// BodyOf returns [Body] of the committed snapshot's event name.
func BodyOf(name string) ([]byte, error) {
	e, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, fmt.Errorf("snapshot: no event %q", name)
	}
	return Body(e), nil
}

func writeString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s) // a string always marshals
	b.Write(q)
}

func writeObject(b *bytes.Buffer, members []*Node) {
	b.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, m.Name)
		b.WriteByte(':')
		writeValue(b, m.Name, m)
	}
	b.WriteByte('}')
}

// writeValue writes a plausible value for the member name with schema n.
func writeValue(b *bytes.Buffer, name string, n *Node) {
	switch n.Type {
	case "object":
		writeObject(b, n.Members)
		return
	case "array":
		b.WriteByte('[')
		if n.Items == nil {
			writeString(b, "item")
		} else {
			writeValue(b, name, n.Items)
		}
		b.WriteByte(']')
		return
	}
	if lit := enumOfKind(n); lit != nil {
		b.Write(lit)
		return
	}
	digits := strings.ContainsAny(n.Seen, "SN")
	switch {
	case n.Type == "string" || strings.HasPrefix(n.Type, "enum"):
		writeString(b, stringValue(name, n.Format, digits))
	case n.Type == "integer" || n.Type == "long":
		if n.Type == "long" || n.Format == "int64" {
			b.WriteString("1720707175904")
		} else {
			b.WriteString("42")
		}
	case n.Type == "number":
		if strings.ContainsRune(n.Seen, 'n') || !digits {
			b.WriteString("12.5")
		} else {
			b.WriteString("12")
		}
	case n.Type == "boolean":
		b.WriteString("true")
	default: // no known type: any JSON value
		writeString(b, name)
	}
}

// enumOfKind returns the first enum value when it is of the member's JSON
// type, or nil.
func enumOfKind(n *Node) []byte {
	if len(n.Enum) == 0 {
		return nil
	}
	lit := bytes.TrimSpace(n.Enum[0])
	if len(lit) == 0 {
		return nil
	}
	var ok bool
	switch c := lit[0]; {
	case n.Type == "string" || strings.HasPrefix(n.Type, "enum"):
		ok = c == '"' && len(lit) > 2 // not the empty string
	case n.Type == "integer" || n.Type == "long":
		var v int64
		ok = json.Unmarshal(lit, &v) == nil
	case n.Type == "number":
		var v float64
		ok = json.Unmarshal(lit, &v) == nil
	case n.Type == "boolean":
		ok = c == 't' || c == 'f'
	}
	if !ok {
		return nil
	}
	return lit
}

func stringValue(name, format string, digits bool) string {
	switch {
	case digits:
		return "1720707175"
	case format == "date":
		return "2024-07-11"
	case format == "date-time" || format == "datetime" || format == "date_time" ||
		name == "date_time" || strings.HasSuffix(name, "_time"):
		return "2024-07-11T14:12:55Z"
	case strings.HasPrefix(format, "email"):
		return "user@example.com"
	case format == "url" || format == "uri" || strings.HasSuffix(name, "url"):
		return "https://example.com/" + name
	case format == "hostname":
		return "host.example.com"
	case name == "":
		return "item"
	}
	return name + "-1"
}

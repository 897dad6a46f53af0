// Package snapshot holds the committed input of internal/eventgen: the
// facts of Zoom's webhook specifications that the generator needs, and
// nothing else (no descriptions, summaries or examples).
//
// The file zoom-webhooks.json in this directory is written by the import
// mode of internal/eventgen from Zoom's OpenAPI documents and read by
// "go generate ./event/...". It is embedded, so tests and benchmarks can
// synthesize event bodies from it (see [Body]) without any file outside
// the repository.
package snapshot

import (
	"bytes"
	_ "embed" // for the committed snapshot
	"encoding/json"
	"errors"
	"fmt"
	"sync"
)

// Version is the format version of the snapshot file. Decode rejects any
// other.
const Version = 1

// Snapshot is the generator's whole input.
type Snapshot struct {
	// Version is [Version].
	Version int `json:"version"`
	// Products lists the spec documents' products (the file names without
	// ".webhooks.json"), sorted.
	Products []string `json:"products"`
	// ContactCenter lists the Contact Center event names, which have no
	// schema, in the order of their source list.
	ContactCenter []string `json:"contact_center"`
	// Events lists the typed events, by product in the order of Products,
	// then by name.
	Events []*Event `json:"events"`
}

// Event is one event of a spec document.
type Event struct {
	// Name is the event name, such as "meeting.started".
	Name string `json:"name"`
	// Product is the spec document's product.
	Product string `json:"product"`
	// Envelope lists the body's members beside "event", "event_ts" and
	// "payload", in schema order.
	Envelope []*Node `json:"envelope,omitempty"`
	// Payload is the schema of "payload"; nil when the spec has none. Only
	// its Members are meaningful.
	Payload *Node `json:"payload,omitempty"`
}

// Node is one schema: a named member of an object, an array's items, or
// the payload. Every value is resolved ($ref followed, allOf/anyOf/oneOf
// merged, first alternative winning) by the import.
type Node struct {
	// Name is the member's JSON name; empty for items and the payload.
	Name string `json:"n,omitempty"`
	// Type is the JSON Schema type ("object", "string", ...), the first
	// non-null one of a type list, inferred from properties or items when
	// the schema gives none; empty when unknown.
	Type string `json:"t,omitempty"`
	// Format is the schema's format, such as "date-time" or "int64".
	Format string `json:"f,omitempty"`
	// Required reports whether the enclosing object lists the member as
	// required.
	Required bool `json:"r,omitempty"`
	// Enum lists the allowed values as JSON literals (of the items, for an
	// array without its own enum).
	Enum []json.RawMessage `json:"e,omitempty"`
	// Members lists an object's declared members in schema order.
	Members []*Node `json:"m,omitempty"`
	// Items is an array's item schema; nil when it has none that is an
	// object schema.
	Items *Node `json:"i,omitempty"`
	// Seen lists the JSON kinds of the values that Zoom's own example has
	// at this place (one letter each, first occurrence first): o object,
	// a array, b bool, s string, S string of decimal digits, n number, N
	// integer number. null values are left out. The generator widens a
	// type where Zoom's example disagrees with its schema.
	Seen string `json:"x,omitempty"`
}

// Member returns n's member named name, or nil.
func (n *Node) Member(name string) *Node {
	if n == nil {
		return nil
	}
	for _, m := range n.Members {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// ErrFormat is returned by Decode for a file that is not a snapshot of
// this Version.
var ErrFormat = errors.New("snapshot: not a zoom-webhooks snapshot of a known version")

// Decode parses a snapshot file.
func Decode(data []byte) (*Snapshot, error) {
	var s Snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if s.Version != Version {
		return nil, fmt.Errorf("%w: version %d", ErrFormat, s.Version)
	}
	if len(s.Events) == 0 || len(s.Products) == 0 {
		return nil, fmt.Errorf("%w: no events", ErrFormat)
	}
	return &s, nil
}

// Encode renders s deterministically: fixed member order, one event per
// line, ending in a newline.
func Encode(s *Snapshot) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\"version\":")
	fmt.Fprint(&b, s.Version)
	for _, part := range []struct {
		key string
		v   any
	}{{"products", s.Products}, {"contact_center", s.ContactCenter}} {
		v, err := json.Marshal(part.v)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, ",\n%q:%s", part.key, v)
	}
	b.WriteString(",\n\"events\":[")
	for i, e := range s.Events {
		if i > 0 {
			b.WriteByte(',')
		}
		v, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		b.WriteString("\n")
		b.Write(v)
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

//go:embed zoom-webhooks.json
var committed []byte

var (
	loadOnce sync.Once
	loaded   *Snapshot
	loadErr  error
)

// Load returns the committed snapshot (embedded at build time). Callers
// must not modify it.
func Load() (*Snapshot, error) {
	loadOnce.Do(func() { loaded, loadErr = Decode(committed) })
	return loaded, loadErr
}

// Lookup returns the committed snapshot's event named name, or nil.
func Lookup(name string) (*Event, error) {
	s, err := Load()
	if err != nil {
		return nil, err
	}
	for _, e := range s.Events {
		if e.Name == name {
			return e, nil
		}
	}
	return nil, nil
}

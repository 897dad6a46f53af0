package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// node is a JSON value that keeps the order of object members, so that
// generated struct fields follow the order of the specification.
type node struct {
	kind byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	keys []string
	vals []*node
	arr  []*node
	str  string // string value, or number literal
	b    bool
}

// parseJSON decodes one JSON document into a node tree.
func parseJSON(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := parseValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return n, nil
}

func parseValue(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &node{kind: 'o'}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is not a string")
				}
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k)
				n.vals = append(n.vals, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		case '[':
			n := &node{kind: 'a'}
			for dec.More() {
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				n.arr = append(n.arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		}
		return nil, fmt.Errorf("unexpected delimiter %v", t)
	case string:
		return &node{kind: 's', str: t}, nil
	case json.Number:
		return &node{kind: 'n', str: string(t)}, nil
	case bool:
		return &node{kind: 'b', b: t}, nil
	case nil:
		return &node{kind: 'z'}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// get returns the member k of an object (the last one, as encoding/json
// would), or nil.
func (n *node) get(k string) *node {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == k {
			return n.vals[i]
		}
	}
	return nil
}

// getStr returns the string member k, or "".
func (n *node) getStr(k string) string {
	v := n.get(k)
	if v == nil || v.kind != 's' {
		return ""
	}
	return v.str
}

// members returns the object's members in order, later duplicates
// replacing earlier ones in place.
func (n *node) members() ([]string, []*node) {
	if n == nil || n.kind != 'o' {
		return nil, nil
	}
	var keys []string
	var vals []*node
	idx := map[string]int{}
	for i, k := range n.keys {
		if j, ok := idx[k]; ok {
			vals[j] = n.vals[i]
			continue
		}
		idx[k] = len(keys)
		keys = append(keys, k)
		vals = append(vals, n.vals[i])
	}
	return keys, vals
}

// literal returns a short JSON rendering of a scalar, for enum docs.
func (n *node) literal() string {
	switch n.kind {
	case 's':
		b, _ := json.Marshal(n.str)
		return string(b)
	case 'n':
		return n.str
	case 'b':
		if n.b {
			return "true"
		}
		return "false"
	case 'z':
		return "null"
	}
	return ""
}

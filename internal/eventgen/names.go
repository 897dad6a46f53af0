package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"os"
	"sort"
	"strings"
)

// The names file (snapshot/names.txt) fixes the Go name of every exported
// type the generator writes, by the place where Zoom's payloads hold it:
//
//	event path Name
//
// one entry a line, sorted by event, then path. The path of an event's
// payload type is "payload"; that of a nested object is the JSON path of
// the member holding it, such as "payload.object.participant" ("[]" marks
// the items of an array); that of an enum type is the path of the member
// whose values it lists. A type used at several places has one entry per
// place, all with the same name.
//
// Generation reads the file first. A listed place keeps its name; a new
// place gets the name of the type already found there (a new use of a
// shared shape) or a new name chosen by the rules of render.go, and its
// entry is added. Generation never changes or drops an entry: when the
// snapshot no longer allows a listed name (its place is gone, or the
// places of one name now hold different types, or one type's places are
// listed under different names) it fails, naming the entries, rather than
// rename. "eventgen -check-names OLD" checks that a names file kept every
// entry of an older one (CI compares with the previous commit).

// ErrNames is wrapped by every error about the names file.
var ErrNames = errors.New("names file")

const namesHeader = `# Go names of the generated types of package event, by the place Zoom's
# payloads hold them: event, JSON path, Go name. Written by internal/eventgen,
# which only ever adds entries: a released name never changes or disappears.
# Do not edit by hand.
`

// readNames reads a names file; a missing file is an empty one.
func readNames(path string) (map[use]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[use]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	m, err := parseNames(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// parseNames decodes the text of a names file.
func parseNames(data []byte) (map[use]string, error) {
	m := map[use]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 || !token.IsExported(f[2]) || !token.IsIdentifier(f[2]) {
			return nil, fmt.Errorf("%w: line %d: want \"event path GoName\", got %q", ErrNames, n, line)
		}
		u := use{f[0], f[1]}
		if old, ok := m[u]; ok {
			return nil, fmt.Errorf("%w: line %d: %s %s listed twice (%s, %s)", ErrNames, n, u.event, u.path, old, f[2])
		}
		m[u] = f[2]
	}
	return m, sc.Err()
}

// formatNames encodes a names file, sorted.
func formatNames(m map[use]string) []byte {
	keys := make([]use, 0, len(m))
	for u := range m {
		keys = append(keys, u)
	}
	sort.Slice(keys, func(i, j int) bool { return lessUse(keys[i], keys[j]) })
	var b bytes.Buffer
	b.WriteString(namesHeader)
	for _, u := range keys {
		fmt.Fprintf(&b, "%s %s %s\n", u.event, u.path, m[u])
	}
	return b.Bytes()
}

func lessUse(a, b use) bool {
	if a.event != b.event {
		return a.event < b.event
	}
	return a.path < b.path
}

// checkNames returns one line for every entry of old that cur changes or
// drops.
func checkNames(old, cur map[use]string) []string {
	var bad []string
	for u, n := range old {
		switch c, ok := cur[u]; {
		case !ok:
			bad = append(bad, fmt.Sprintf("%s %s %s: removed", u.event, u.path, n))
		case c != n:
			bad = append(bad, fmt.Sprintf("%s %s %s: renamed to %s", u.event, u.path, n, c))
		}
	}
	sort.Strings(bad)
	return bad
}

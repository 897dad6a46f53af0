// Package sharedtest locates the project's shared Zoom data (Zoom's event
// specs and captured payloads), which lives beside the repository, not in
// it. Only tests import it.
package sharedtest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the path of shared/zoom-events, found by walking up from the
// working directory. It fails the test when the data is missing: tests that
// need it must not pass vacuously.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		candidate := filepath.Join(dir, "shared", "zoom-events")
		if st, err := os.Stat(candidate); err == nil && st.IsDir() {
			return candidate
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("sharedtest: no shared/zoom-events directory above the working directory")
		}
		dir = parent
	}
}

// Sample returns the compacted bytes of samples/name (for example
// "recording.completed.docs.json").
func Sample(tb testing.TB, name string) []byte {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join(Dir(tb), "samples", name))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// Samples returns the paths of every JSON file in samples/.
func Samples(tb testing.TB) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(Dir(tb), "samples", "*.json"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("sharedtest: no samples found: %v", err)
	}
	return paths
}

// Command eventgen generates the typed payloads of package payload and the
// catalog of package event from the committed snapshot of Zoom's webhook
// specifications, and writes that snapshot from Zoom's documents in its
// import mode.
//
// Generate (what "go generate ./event/..." runs):
//
//	go run ./internal/eventgen -snapshot internal/eventgen/snapshot/zoom-webhooks.json -out event -payload-out payload
//
// reads the snapshot and the names file and writes one <product>_gen.go per
// product and shared_gen.go (nested types used by several products) into
// -payload-out, and catalog_gen.go (the catalog, the payload switch and
// event.Envelope) into -out. It reads nothing else but the hand-written
// files of -payload-out (whose names it must not reuse).
//
// Import (run by a maintainer when Zoom's documents change; the script
// .ci/snapshot-upstream wraps it):
//
//	go run ./internal/eventgen -import \
//		-specs UPSTREAM/specs \
//		-contact-center UPSTREAM/contact-center \
//		-snapshot internal/eventgen/snapshot/zoom-webhooks.json
//
// reads every <product>.webhooks.json (Zoom's webhook OpenAPI documents)
// in -specs and contact_center.events.json (a list of names) in
// -contact-center, and writes the snapshot: event names, products, member
// names, types, formats, enums, required-ness and the JSON kinds of the
// values in Zoom's examples. Zoom's descriptions, summaries and example
// values are never copied (see snapshot/README.md).
//
// Generation reads and extends the names file (-names, by default
// names.txt beside the snapshot), which fixes the Go name of every
// generated type: see names.go. With -check-names OLD it compares the
// names file with an older one instead, and exits with status 1 if it
// changes or drops any entry (CI passes the previous commit's file).
//
// With -check either mode writes nothing and exits with status 1, naming
// the files, if the files it would write differ from those on disk.
//
// The output depends only on the input files: running either mode twice
// changes nothing. Doc comments in the generated code are built from facts
// (names, types, enums, required-ness).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
)

func main() {
	imp := flag.Bool("import", false, "write the snapshot from Zoom's spec files (-specs, -contact-center) instead of generating code")
	specs := flag.String("specs", "", "with -import: directory of Zoom's <product>.webhooks.json files")
	cc := flag.String("contact-center", "", "with -import: directory of contact_center.events.json (names only)")
	snap := flag.String("snapshot", "internal/eventgen/snapshot/zoom-webhooks.json", "the snapshot file: read to generate, written by -import")
	out := flag.String("out", "event", "directory of package event (the catalog)")
	payloadOut := flag.String("payload-out", "payload", "directory of package payload (the payload types)")
	decodeOut := flag.String("decode-out", "internal/decode", "directory of package decode (the payload decoders)")
	check := flag.Bool("check", false, "write nothing; exit 1 if the files that would be written are not up to date")
	names := flag.String("names", "", "the names file: read, and extended, by generation (default: names.txt beside -snapshot)")
	checkOld := flag.String("check-names", "", "write nothing; exit 1 if the names file changes or drops an entry of this older names file")
	verbose := flag.Bool("v", false, "print statistics to standard error")
	flag.Parse()
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected arguments %q", flag.Args()))
	}
	if *imp {
		if *specs == "" || *cc == "" {
			fail(fmt.Errorf("-import needs -specs and -contact-center"))
		}
		runImport(*specs, *cc, *snap, *check)
		return
	}
	if *names == "" {
		*names = filepath.Join(filepath.Dir(*snap), "names.txt")
	}
	listed, err := readNames(*names)
	if err != nil {
		fail(err)
	}
	if *checkOld != "" {
		runCheckNames(*checkOld, *names, listed)
		return
	}
	data, err := os.ReadFile(*snap)
	if err != nil {
		fail(err)
	}
	s, err := snapshot.Decode(data)
	if err != nil {
		fail(fmt.Errorf("%s: %w", *snap, err))
	}
	g, err := load(s, *payloadOut, listed)
	if err != nil {
		fail(err)
	}
	files, err := g.render()
	if err != nil {
		fail(err)
	}
	catalog, err := g.renderCatalog()
	if err != nil {
		fail(err)
	}
	decoders, err := g.renderDecoders()
	if err != nil {
		fail(err)
	}
	namesData := formatNames(g.names)
	oldNames, err := os.ReadFile(*names)
	if err != nil && !os.IsNotExist(err) {
		fail(err)
	}
	namesStale := !bytes.Equal(oldNames, namesData)
	if *verbose {
		g.printStats(os.Stderr, files)
	}
	outputs := []struct {
		dir   string
		files map[string][]byte
		stale []string
	}{{dir: *payloadOut, files: files}, {dir: *out, files: catalog}, {dir: *decodeOut, files: decoders}}
	anyStale := false
	for i := range outputs {
		o := &outputs[i]
		if o.stale, err = compare(o.dir, o.files); err != nil {
			fail(err)
		}
		anyStale = anyStale || len(o.stale) > 0
	}
	if *check {
		if anyStale || namesStale {
			fmt.Fprintln(os.Stderr, "eventgen: generated code is out of date; run go generate ./event/... and commit:")
			for _, o := range outputs {
				for _, f := range o.stale {
					fmt.Fprintln(os.Stderr, "\t"+filepath.Join(o.dir, f))
				}
			}
			if namesStale {
				fmt.Fprintln(os.Stderr, "\t"+*names)
			}
			os.Exit(1)
		}
		return
	}
	if namesStale {
		if err := os.WriteFile(*names, namesData, 0o644); err != nil {
			fail(err)
		}
	}
	for _, o := range outputs {
		for _, f := range o.stale {
			path := filepath.Join(o.dir, f)
			content, ok := o.files[f]
			if !ok {
				if err := os.Remove(path); err != nil {
					fail(err)
				}
				continue
			}
			if err := os.WriteFile(path, content, 0o644); err != nil {
				fail(err)
			}
		}
	}
}

// runImport writes (or, with check, compares) the snapshot of the spec
// files.
func runImport(specs, cc, path string, check bool) {
	s, err := importSpecs(specs, cc)
	if err != nil {
		fail(err)
	}
	data, err := snapshot.Encode(s)
	if err != nil {
		fail(err)
	}
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		fail(err)
	}
	if bytes.Equal(old, data) {
		return
	}
	if check {
		fmt.Fprintf(os.Stderr, "eventgen: %s differs from the snapshot of %s and %s; run the import and commit\n", path, specs, cc)
		os.Exit(1)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		fail(err)
	}
}

// runCheckNames exits 1, naming the entries, if the names file at path
// (read as cur) changes or drops an entry of the older names file old.
func runCheckNames(old, path string, cur map[use]string) {
	prev, err := readNames(old)
	if err != nil {
		fail(err)
	}
	if bad := checkNames(prev, cur); len(bad) > 0 {
		fmt.Fprintf(os.Stderr, "eventgen: %s changes or drops %d released name(s) of %s:\n", path, len(bad), old)
		for _, l := range bad {
			fmt.Fprintln(os.Stderr, "\t"+l)
		}
		fmt.Fprintln(os.Stderr, "eventgen: a released Go name must not change or disappear; restore the entries and regenerate")
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "eventgen:", err)
	os.Exit(2)
}

// generatedHeader starts every file eventgen writes; files in -out that
// start with it and are no longer generated are removed.
const generatedHeader = "// Code generated by internal/eventgen from Zoom's webhook specifications. DO NOT EDIT.\n"

// compare returns the names of the files in dir that differ from files:
// missing, different, or generated earlier but no longer produced.
func compare(dir string, files map[string][]byte) ([]string, error) {
	var stale []string
	for name, content := range files {
		old, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		if !bytes.Equal(old, content) {
			stale = append(stale, name)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if _, ok := files[name]; ok || !strings.HasSuffix(name, "_gen.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if bytes.HasPrefix(b, []byte(generatedHeader)) {
			stale = append(stale, name)
		}
	}
	sort.Strings(stale)
	return stale, nil
}

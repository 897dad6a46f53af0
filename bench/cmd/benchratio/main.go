// Command benchratio reads `go test -bench` output (several -count runs)
// and prints Markdown tables of medians and ratios: each webhook tier and
// size against its floor and against ours, each decoder against event.Parse
// and goccy/go-json, the WebSocket receivers against F1, and the end-to-end
// latencies side by side.
//
//	go test -run '^$' -bench . -benchmem -count 5 | go run ./cmd/benchratio
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// result holds every sample of every unit of one benchmark.
type result struct {
	name    string // without the -GOMAXPROCS suffix
	samples map[string][]float64
}

func (r *result) median(unit string) (float64, bool) {
	s := slices.Clone(r.samples[unit])
	if len(s) == 0 {
		return 0, false
	}
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}

var procSuffix = regexp.MustCompile(`-\d+$`)

func parse(r io.Reader) ([]*result, error) {
	byName := map[string]*result{}
	var order []*result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		res := byName[name]
		if res == nil {
			res = &result{name: name, samples: map[string][]float64{}}
			byName[name] = res
			order = append(order, res)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			res.samples[f[i+1]] = append(res.samples[f[i+1]], v)
		}
	}
	return order, sc.Err()
}

// key returns the value of k=v in a benchmark name, and the name without
// that element.
func key(name, k string) (string, string) {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		if v, ok := strings.CutPrefix(p, k+"="); ok {
			return v, strings.Join(slices.Delete(slices.Clone(parts), i, i+1), "/")
		}
	}
	return "", name
}

// group collects results that differ only in impl (or transport), keeping
// input order.
type group struct {
	name  string
	impls []string
	by    map[string]*result
}

func groups(results []*result, prefix, k string) []*group {
	var out []*group
	byName := map[string]*group{}
	for _, r := range results {
		if !strings.HasPrefix(r.name, prefix) {
			continue
		}
		impl, rest := key(r.name, k)
		if impl == "" {
			continue
		}
		g := byName[rest]
		if g == nil {
			g = &group{name: rest, by: map[string]*result{}}
			byName[rest] = g
			out = append(out, g)
		}
		g.impls = append(g.impls, impl)
		g.by[impl] = r
	}
	return out
}

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

func num(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.3g M", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.4g", v)
	}
}

var tierRef = map[string]string{"TierA": "floor-pooled", "TierB": "floor-pooled", "TierC": "floor"}

var tierDesc = map[string]string{
	"TierA": "verify only (byte-identical bodies)",
	"TierB": "verify + decode into each library's own type",
	"TierC": "full net/http handler (httptest)",
}

func webhookTables(w io.Writer, results []*result) {
	for _, tier := range []string{"TierA", "TierB", "TierC"} {
		gs := groups(results, tier+"/", "impl")
		if len(gs) == 0 {
			continue
		}
		ref := tierRef[tier]
		fmt.Fprintf(w, "\n### %s: %s\n\n", tier, tierDesc[tier])
		fmt.Fprintf(w, "| size | impl | ns/op | MB/s | x %s | x ours | B/op | allocs/op |\n", ref)
		fmt.Fprintf(w, "|---|---|--:|--:|--:|--:|--:|--:|\n")
		for _, g := range gs {
			size, _ := key(g.name, "size")
			refNS := 0.0 // a run may leave the reference out (BENCH selecting only some impls)
			if r := g.by[ref]; r != nil {
				refNS, _ = r.median("ns/op")
			}
			oursNS := 0.0
			if o := g.by["ours"]; o != nil {
				oursNS, _ = o.median("ns/op")
			}
			for _, impl := range g.impls {
				r := g.by[impl]
				ns, _ := r.median("ns/op")
				mbs, _ := r.median("MB/s")
				bop, _ := r.median("B/op")
				allocs, _ := r.median("allocs/op")
				label := impl
				if impl == "ours" {
					label = "**ours**"
				}
				fmt.Fprintf(w, "| %s | %s | %s | %.0f | %s | %s | %s | %s |\n",
					size, label, num(ns), mbs, ratio(ns, refNS), ratio(ns, oursNS), num(bop), num(allocs))
			}
		}
	}
}

// decodeTable prints BenchmarkDecode: every decoder against event.Parse
// and against goccy/go-json, the fastest decoder on the same struct.
func decodeTable(w io.Writer, results []*result) {
	gs := groups(results, "Decode/", "impl")
	if len(gs) == 0 {
		return
	}
	fmt.Fprintf(w, "\n### Decode: one body into the generated payload struct (event.Parse against the fastest decoders)\n\n")
	fmt.Fprintf(w, "| size | impl | ns/op | MB/s | x parse | x goccy | B/op | allocs/op |\n")
	fmt.Fprintf(w, "|---|---|--:|--:|--:|--:|--:|--:|\n")
	for _, g := range gs {
		size, _ := key(g.name, "size")
		var parseNS, goccyNS float64
		if r := g.by["parse"]; r != nil {
			parseNS, _ = r.median("ns/op")
		}
		if r := g.by["goccy"]; r != nil {
			goccyNS, _ = r.median("ns/op")
		}
		for _, impl := range g.impls {
			r := g.by[impl]
			ns, _ := r.median("ns/op")
			mbs, _ := r.median("MB/s")
			bop, _ := r.median("B/op")
			allocs, _ := r.median("allocs/op")
			label := impl
			if impl == "parse" {
				label = "**parse**"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %.0f | %s | %s | %s | %s |\n",
				size, label, num(ns), mbs, ratio(ns, parseNS), ratio(ns, goccyNS), num(bop), num(allocs))
		}
	}
}

func wsTable(w io.Writer, results []*result) {
	gs := groups(results, "WS/", "impl")
	if len(gs) == 0 {
		return
	}
	fmt.Fprintf(w, "\n### WebSocket: the same N frames from a loopback server (1 KiB event)\n\n")
	fmt.Fprintf(w, "| mode | impl | events/s | x f1 events/s | p50 µs | p99 µs | p99 - f1 p99 µs | ns/event | B/event | allocs/event |\n")
	fmt.Fprintf(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, g := range gs {
		mode, _ := key(g.name, "mode")
		var f1EPS, f1P99 float64
		if f1 := g.by["f1"]; f1 != nil {
			f1EPS, _ = f1.median("events/s")
			f1P99, _ = f1.median("p99-ns")
		}
		for _, impl := range g.impls {
			r := g.by[impl]
			eps, _ := r.median("events/s")
			ns, _ := r.median("ns/op")
			bop, _ := r.median("B/op")
			allocs, _ := r.median("allocs/op")
			p50, ok50 := r.median("p50-ns")
			p99, ok99 := r.median("p99-ns")
			lat50, lat99, delta := "-", "-", "-"
			if ok50 && ok99 {
				lat50, lat99 = fmt.Sprintf("%.1f", p50/1e3), fmt.Sprintf("%.1f", p99/1e3)
				if f1P99 > 0 {
					delta = fmt.Sprintf("%+.1f", (p99-f1P99)/1e3)
				}
			}
			label := impl
			if impl == "ours" {
				label = "**ours**"
			}
			fmt.Fprintf(w, "| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n",
				mode, label, eps, ratio(eps, f1EPS), lat50, lat99, delta, num(ns), num(bop), num(allocs))
		}
	}
}

func e2eTable(w io.Writer, results []*result) {
	gs := groups(results, "E2E", "transport")
	if len(gs) == 0 {
		return
	}
	fmt.Fprintf(w, "\n### End to end on loopback: sender's write to the user's handler, one event at a time\n\n")
	fmt.Fprintf(w, "| transport | p50 µs | p99 µs | x webhook-keepalive p50 | round trips/s | allocs/event (both ends) |\n")
	fmt.Fprintf(w, "|---|--:|--:|--:|--:|--:|\n")
	for _, g := range gs {
		var ref float64
		if r := g.by["webhook-keepalive"]; r != nil {
			ref, _ = r.median("p50-ns")
		}
		for _, impl := range g.impls {
			r := g.by[impl]
			p50, _ := r.median("p50-ns")
			p99, _ := r.median("p99-ns")
			eps, _ := r.median("events/s")
			allocs, _ := r.median("allocs/op")
			fmt.Fprintf(w, "| %s | %.1f | %.1f | %s | %.0f | %s |\n", impl, p50/1e3, p99/1e3, ratio(p50, ref), eps, num(allocs))
		}
	}
}

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: benchratio [file ...]  (reads go test -bench output; stdin when no file)")
	}
	flag.Parse()
	var inputs []io.Reader
	for _, name := range flag.Args() {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		inputs = append(inputs, f)
	}
	if len(inputs) == 0 {
		inputs = append(inputs, os.Stdin)
	}
	results, err := parse(io.MultiReader(inputs...))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if len(results) == 0 {
		fmt.Fprintln(os.Stderr, "benchratio: no benchmark results in the input")
		os.Exit(1)
	}
	fmt.Println("Medians over the runs; x columns are ratios of ns/op (lower is better) except where they say events/s.")
	webhookTables(os.Stdout, results)
	decodeTable(os.Stdout, results)
	wsTable(os.Stdout, results)
	e2eTable(os.Stdout, results)
}

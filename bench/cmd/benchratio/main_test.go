package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
BenchmarkTierA/size=1KiB/impl=floor-pooled-2   	 100	      1000 ns/op	 1000.00 MB/s	       0 B/op	       0 allocs/op
BenchmarkTierA/size=1KiB/impl=floor-pooled-2   	 100	      1200 ns/op	 1000.00 MB/s	       0 B/op	       0 allocs/op
BenchmarkTierA/size=1KiB/impl=floor-pooled-2   	 100	      1100 ns/op	 1000.00 MB/s	       0 B/op	       0 allocs/op
BenchmarkTierA/size=1KiB/impl=ours-2           	 100	      1210 ns/op	  900.00 MB/s	       0 B/op	       0 allocs/op
BenchmarkTierA/size=1KiB/impl=stripe-2         	 100	      2420 ns/op	  400.00 MB/s	     808 B/op	      17 allocs/op
BenchmarkWS/mode=lockstep/impl=f1-2            	 100	    100000 ns/op	    7000 events/s	   90000 p50-ns	  300000 p99-ns	   11552 B/op	      76 allocs/op
BenchmarkWS/mode=lockstep/impl=ours-2          	 100	    100000 ns/op	    6000 events/s	   95000 p50-ns	  350000 p99-ns	    8784 B/op	      76 allocs/op
BenchmarkE2E/transport=webhook-keepalive-2     	 100	    100000 ns/op	    8000 events/s	   60000 p50-ns	  200000 p99-ns	   11000 B/op	     127 allocs/op
PASS
`

func TestTables(t *testing.T) {
	results, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 6 {
		t.Fatalf("parsed %d benchmarks, want 6", len(results))
	}
	var out bytes.Buffer
	webhookTables(&out, results)
	wsTable(&out, results)
	e2eTable(&out, results)
	for _, want := range []string{
		"| 1KiB | floor-pooled | 1100 | 1000 | 1.00x | 0.91x | 0 | 0 |",
		"| 1KiB | **ours** | 1210 | 900 | 1.10x | 1.00x | 0 | 0 |",
		"| 1KiB | stripe | 2420 | 400 | 2.20x | 2.00x | 808 | 17 |",
		"| lockstep | **ours** | 6000 | 0.86x | 95.0 | 350.0 | +50.0 |",
		"| webhook-keepalive | 60.0 | 200.0 | 1.00x | 8000 | 127 |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

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
BenchmarkDecode/size=small/impl=parse-2         	 100	      8000 ns/op	   48.50 MB/s	    1104 B/op	      22 allocs/op
BenchmarkDecode/size=small/impl=stdjson-2       	 100	      6000 ns/op	   64.67 MB/s	     784 B/op	      20 allocs/op
BenchmarkDecode/size=small/impl=goccy-2         	 100	      1000 ns/op	  388.00 MB/s	     432 B/op	      13 allocs/op
BenchmarkDecode/size=small/impl=sonic-nocopy-2  	 100	      2000 ns/op	  194.00 MB/s	     688 B/op	       4 allocs/op
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
	if len(results) != 10 {
		t.Fatalf("parsed %d benchmarks, want 10", len(results))
	}
	var out bytes.Buffer
	webhookTables(&out, results)
	decodeTable(&out, results)
	wsTable(&out, results)
	e2eTable(&out, results)
	for _, want := range []string{
		"| 1KiB | floor-pooled | 1100 | 1000 | 1.00x | 0.91x | 0 | 0 |",
		"| 1KiB | **ours** | 1210 | 900 | 1.10x | 1.00x | 0 | 0 |",
		"| 1KiB | stripe | 2420 | 400 | 2.20x | 2.00x | 808 | 17 |",
		"| small | **parse** | 8000 | 48 | 1.00x | 8.00x | 1104 | 22 |",
		"| small | stdjson | 6000 | 65 | 0.75x | 6.00x | 784 | 20 |",
		"| small | goccy | 1000 | 388 | 0.12x | 1.00x | 432 | 13 |",
		"| small | sonic-nocopy | 2000 | 194 | 0.25x | 2.00x | 688 | 4 |",
		"| lockstep | **ours** | 6000 | 0.86x | 95.0 | 350.0 | +50.0 |",
		"| webhook-keepalive | 60.0 | 200.0 | 1.00x | 8000 | 127 |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

package webhook

import (
	"encoding/hex"
	"testing"

	"github.com/zoomevents/zoomevents/internal/signature"
)

// BenchmarkSignatureDecode times precheck without the clock: checking the
// timestamp's digits and decoding the hex of an x-zm-signature value (64
// digits) into its 32 bytes.
func BenchmarkSignatureDecode(b *testing.B) {
	var sum [signature.Size]byte
	for i := range sum {
		sum[i] = byte(i * 37)
	}
	sig := signature.Prefix + hex.EncodeToString(sum[:])
	v := &Verifier{}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var got [signature.Size]byte
		if err := v.precheck(sig, "1700000000", &got); err != nil || got != sum {
			b.Fatal(err)
		}
	}
}

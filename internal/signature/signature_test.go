package signature

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseReversesSign(t *testing.T) {
	sig := Sign("secret", "1700000000", []byte(`{"event":"e"}`))
	var want, got [Size]byte
	NewSigner("secret").Message(&want, "1700000000", []byte(`{"event":"e"}`))
	assert.True(t, Parse(&got, sig))
	assert.Equal(t, want, got)
	assert.True(t, Parse(&got, Prefix+strings.ToUpper(sig[len(Prefix):])), "upper-case hex")
	assert.Equal(t, want, got)
}

func TestParseRejectsMalformed(t *testing.T) {
	sig := Sign("secret", "1", nil)
	var sum [Size]byte
	for name, v := range map[string]string{
		"empty":      "",
		"no prefix":  sig[len(Prefix):],
		"v1 prefix":  "v1=" + sig[len(Prefix):],
		"short":      sig[:len(sig)-2],
		"long":       sig + "00",
		"odd":        sig[:len(sig)-1],
		"non-hex":    sig[:len(sig)-1] + "g",
		"space":      sig[:len(Prefix)] + " " + sig[len(Prefix)+1:],
		"multi-byte": sig[:len(sig)-2] + "é",
	} {
		assert.False(t, Parse(&sum, v), name)
	}
}

func TestParseAllocatesNothing(t *testing.T) {
	sig := Sign("secret", "1", nil)
	var sum [Size]byte
	assert.Zero(t, testing.AllocsPerRun(100, func() { Parse(&sum, sig) }))
}

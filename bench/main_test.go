package bench

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any benchmark leaves a goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

//go:build !goexperiment.jsonv2

package jsonscan

// jsonv2 reports a build with GOEXPERIMENT=jsonv2 (see jsonv2_test.go).
const jsonv2 = false

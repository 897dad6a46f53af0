//go:build goexperiment.jsonv2

package jsonscan

// jsonv2 reports a build with GOEXPERIMENT=jsonv2, where encoding/json
// runs on encoding/json/v2 and words a problem differently (the field as
// the document spells it) and stores ±MaxFloat64 for a float beyond
// range. Decoder follows the default build in every build, so the tests
// that compare it with encoding/json forgive those two differences there.
const jsonv2 = true

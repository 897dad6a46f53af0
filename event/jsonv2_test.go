//go:build goexperiment.jsonv2

package event_test

// jsonv2 reports a build with GOEXPERIMENT=jsonv2, where encoding/json
// runs on encoding/json/v2 and differs from its default build in ways
// that Parse does not follow: Parse decodes as the default encoding/json
// does, in every build. The differential tests then compare everything
// but the text of Event.Problem (v2 names a field as the body spells it,
// gives array indexes, and no embedded struct's name) and a float64
// beyond range (v2 stores ±MaxFloat64 where v1 leaves the field).
const jsonv2 = true

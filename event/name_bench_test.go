package event

import (
	"testing"
)

// BenchmarkEventName times the name scan alone: the name first (as Zoom
// sends it), the name after a nested payload, and an escaped key.
func BenchmarkEventName(b *testing.B) {
	payload := `{"account_id":"acct","object":{"id":"1","topic":"a \"b\" c","list":[1,2.5,true,null,{"x":"}"}],"s":"ünïcode"}}`
	for _, c := range []struct{ name, body string }{
		{"first", `{"event":"meeting.started","event_ts":1700000000000,"payload":` + payload + `}`},
		{"last", `{"event_ts":1700000000000,"payload":` + payload + `,"event":"meeting.started"}`},
		{"escaped", `{"\u0065vent":"meeting\u002estarted","payload":{}}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			data := []byte(c.body)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if name, err := eventName(data); err != nil || name != "meeting.started" {
					b.Fatal(name, err)
				}
			}
		})
	}
}

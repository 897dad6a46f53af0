// Command sizeprobe is the smallest real user of package event: it parses
// one literal meeting.started body with event.Parse and prints the event's
// name. It imports nothing else from the SDK, so its stripped size is what
// the event package (its generated payload types, their decoders and the
// registry) costs a program. bench/size.sh builds it; it lives in the bench module (whose go.mod replaces the SDK with the
// working tree above it) so that CI's bench step builds and vets it and an
// API change to event cannot leave it stale.
package main

import (
	"fmt"
	"os"

	"github.com/zoomevents/zoomevents/event"
)

const body = `{"event":"meeting.started","event_ts":1720707175000,"payload":{` +
	`"account_id":"AAAAAAAAAAAAAAAAAAAAAA","object":{"id":"85726448384","uuid":"4444AAAiAAAAAiAiAiiAii==",` +
	`"host_id":"z8yBXksBSmGdVhPhJk7hAg","topic":"Weekly sync","type":2,` +
	`"start_time":"2024-07-11T14:12:55Z","timezone":"America/Los_Angeles","duration":60}}}`

func main() {
	ev, err := event.Parse([]byte(body))
	if err != nil {
		fmt.Fprintln(os.Stderr, "sizeprobe:", err)
		os.Exit(1)
	}
	if ev.Problem != nil {
		fmt.Fprintln(os.Stderr, "sizeprobe:", ev.Problem)
		os.Exit(1)
	}
	fmt.Println(ev.Name)
}

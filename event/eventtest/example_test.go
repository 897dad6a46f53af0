package eventtest_test

import (
	"context"
	"fmt"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/event/eventtest"
	"github.com/zoomevents/zoomevents/payload"
)

// Test a typed handler with an event built from a payload you fill in.
func ExampleNew() {
	onStarted := func(_ context.Context, ev *event.Event, p *payload.MeetingStarted) error {
		fmt.Printf("%s at %s: %q\n", ev.Name, ev.Time.Format("2006-01-02"), p.Object.Topic)
		return nil
	}
	p := &payload.MeetingStarted{}
	p.Object.Topic = "Standup"
	ev := eventtest.New(p)
	_ = onStarted(context.Background(), ev, ev.Payload.(*payload.MeetingStarted))
	// Output: meeting.started at 2024-07-11: "Standup"
}

// A plausible body for any event, with the envelope members its schema
// declares (here the download token of a recording).
func ExampleSample() {
	body, err := eventtest.Sample("recording.completed")
	if err != nil {
		panic(err)
	}
	ev, _ := event.Parse(body)
	fmt.Println(ev.Name, ev.DownloadToken, ev.Payload != nil)
	// Output: recording.completed test-download-token true
}

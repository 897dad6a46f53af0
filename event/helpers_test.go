package event_test

import "github.com/zoomevents/zoomevents/event"

// isTyped asks the catalog whether events named name decode into a struct.
func isTyped(name string) bool {
	info, ok := event.Lookup(name)
	return ok && info.Typed
}

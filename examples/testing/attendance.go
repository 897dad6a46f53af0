// Package attendance is a small application handler, here to show how a
// user of zoomevents tests their own code: calling the typed handlers
// directly with events built by event/eventtest, through the webhook with
// webhook/webhooktest, and through the WebSocket with wsclient/wstest,
// using the same handlers for all three.
package attendance

import (
	"context"
	"sort"
	"sync"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
)

// Tracker records who is in which meeting, from participant events.
type Tracker struct {
	mu      sync.Mutex
	present map[payload.ID]map[string]bool
}

// NewTracker returns an empty Tracker.
func NewTracker() *Tracker { return &Tracker{present: map[payload.ID]map[string]bool{}} }

// Register adds the tracker's handlers to mux.
func (t *Tracker) Register(mux *event.Mux) {
	event.On(mux, t.Joined)
	event.On(mux, t.Left)
}

// Joined handles meeting.participant_joined.
func (t *Tracker) Joined(_ context.Context, _ *event.Event, p *payload.MeetingParticipantJoined) error {
	t.set(p.Object.ID, p.Object.Participant.UserName, true)
	return nil
}

// Left handles meeting.participant_left.
func (t *Tracker) Left(_ context.Context, _ *event.Event, p *payload.MeetingParticipantLeft) error {
	t.set(p.Object.ID, p.Object.Participant.UserName, false)
	return nil
}

func (t *Tracker) set(meeting payload.ID, name string, in bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.present[meeting] == nil {
		t.present[meeting] = map[string]bool{}
	}
	if in {
		t.present[meeting][name] = true
	} else {
		delete(t.present[meeting], name)
	}
}

// Present returns who is in a meeting, sorted.
func (t *Tracker) Present(meeting payload.ID) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	names := make([]string, 0, len(t.present[meeting]))
	for n := range t.present[meeting] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

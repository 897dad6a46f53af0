package event

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Handler handles events. Both transports deliver to a Handler: a
// webhook answers Zoom 200 when HandleEvent returns nil and 500 (so Zoom
// retries) when it returns an error.
type Handler interface {
	HandleEvent(ctx context.Context, ev *Event) error
}

// HandlerFunc adapts a function to [Handler].
type HandlerFunc func(ctx context.Context, ev *Event) error

// HandleEvent calls f(ctx, ev).
func (f HandlerFunc) HandleEvent(ctx context.Context, ev *Event) error { return f(ctx, ev) }

// ErrPayloadType is returned by a handler registered with [On] when the
// event's payload is not the type the handler takes (for example after
// [Register] replaced the type for that name).
var ErrPayloadType = errors.New("event: payload is not the handler's type")

// Mux routes events to handlers by event name. Events with no handler go
// to the fallback, or are ignored (nil error) when there is none. A Mux is
// safe for concurrent use; register handlers before delivering events.
type Mux struct {
	mu       sync.RWMutex
	routes   map[string]Handler
	fallback Handler
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{routes: map[string]Handler{}} }

// Handle registers h for events named name. It panics if name is empty,
// already has a handler, or is not a known event name (see [Lookup]): each
// is a programming error, caught at start-up rather than by a handler that
// is silently never called. A typo such as "meeting.startd" is the usual
// cause; for an event Zoom added after this module's catalog was made, use
// [Mux.HandleUnlisted], or [Register] a type for it first.
func (m *Mux) Handle(name string, h Handler) {
	if _, known := Lookup(name); !known && name != "" {
		panic(fmt.Sprintf("event: Mux.Handle: %q is not a known event name (a typo? for an event newer than this module, use Mux.HandleUnlisted)", name))
	}
	m.handle(name, h)
}

// HandleFunc registers f for events named name, like [Mux.Handle].
func (m *Mux) HandleFunc(name string, f func(ctx context.Context, ev *Event) error) {
	m.Handle(name, HandlerFunc(f))
}

// HandleUnlisted registers h for events named name without checking that
// the name is known, for events Zoom publishes that this module's catalog
// does not list yet. It panics if name is empty or already has a handler.
func (m *Mux) HandleUnlisted(name string, h Handler) { m.handle(name, h) }

func (m *Mux) handle(name string, h Handler) {
	if name == "" || h == nil {
		panic("event: Mux.Handle needs a name and a handler")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.routes[name]; dup {
		panic("event: Mux already has a handler for " + name)
	}
	m.routes[name] = h
}

// Fallback sets the handler for events that have no handler of their own,
// typed or not. Calling it again replaces the fallback.
func (m *Mux) Fallback(f func(ctx context.Context, ev *Event) error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fallback = HandlerFunc(f)
}

// HandleEvent dispatches ev to the handler registered for its name.
func (m *Mux) HandleEvent(ctx context.Context, ev *Event) error {
	m.mu.RLock()
	h, ok := m.routes[ev.Name]
	if !ok {
		h = m.fallback
	}
	m.mu.RUnlock()
	if h == nil {
		return nil
	}
	return h.HandleEvent(ctx, ev)
}

// On registers a typed handler: f receives every event named P's
// EventName, as the whole [Event] (time, account, download token, raw
// bytes, delivery) and its decoded payload, which is ev.Payload typed.
// A handler can be called directly in a test, with values built by hand.
//
//	event.On(mux, func(ctx context.Context, ev *event.Event, p *payload.MeetingStarted) error { ... })
//
// When an event carries another payload type (for example after
// [Register] replaced the type for that name), the handler is not called
// and the error wraps [ErrPayloadType].
func On[P Payload](m *Mux, f func(ctx context.Context, ev *Event, p P) error) {
	var zero P
	name := zero.EventName()
	// The payload type names the event, so no name check: a type of the
	// user's own is routed as soon as it is registered.
	m.handle(name, HandlerFunc(func(ctx context.Context, ev *Event) error {
		p, ok := ev.Payload.(P)
		if !ok {
			return fmt.Errorf("%w: %s carries %T, handler takes %T", ErrPayloadType, ev.Name, ev.Payload, zero)
		}
		return f(ctx, ev, p)
	}))
}

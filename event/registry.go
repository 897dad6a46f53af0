package event

import (
	"sort"
	"sync"
	"sync/atomic"
)

// Payload is implemented by every typed event payload: a pointer to a struct
// that names the event it decodes.
//
// The generated payload types implement it with pointer receivers, and so
// must a user's own type registered with [Register]. EventName must not
// dereference its receiver: [On] calls it on a nil pointer.
type Payload interface {
	EventName() string
}

// Info describes one known event name.
type Info struct {
	// Name is the event name, such as "meeting.started".
	Name string
	// Product is the Zoom product whose specification defines the event,
	// such as "meetings" or "contact-center".
	Product string
	// Typed reports whether the event decodes into a struct; when false it
	// is known by name only and delivered raw.
	Typed bool
	// Envelope lists, sorted, the top-level members that the event's body
	// carries beside "event", "event_ts" and "payload" (such as
	// "download_token" on recording events; see [Event.Envelope]). The
	// slice is shared: do not modify it.
	Envelope []string
}

// The catalog of built-in events is static data (generated code: a sorted
// array and a switch), so importing this package costs no init time.
// User registrations live in a copy-on-write map, read without locks.
var (
	registerMu sync.Mutex
	custom     atomic.Pointer[map[string]func() Payload]
)

// Register makes events named (*T).EventName() decode into a new T,
// replacing any built-in type for that name. It lets users type an event this
// module does not know yet, or decode one differently. It is safe to call
// concurrently with Parse, but it is meant for program start-up.
func Register[T any, P interface {
	*T
	Payload
}]() {
	var zero P
	name := zero.EventName()
	registerMu.Lock()
	defer registerMu.Unlock()
	next := map[string]func() Payload{}
	if cur := custom.Load(); cur != nil {
		for k, v := range *cur {
			next[k] = v
		}
	}
	next[name] = func() Payload { return P(new(T)) }
	custom.Store(&next)
}

// NewPayload returns a new zero payload for events named name (a pointer
// to the registered struct), or nil when name has no struct. Parse uses the
// same constructor; tools use it to build or describe events.
func NewPayload(name string) Payload { return newPayload(name) }

func newPayload(name string) Payload {
	if m := custom.Load(); m != nil {
		if f, ok := (*m)[name]; ok {
			return f()
		}
	}
	return builtinPayload(name)
}

// builtinPayload returns a new payload for a built-in typed event, or nil.
func builtinPayload(name string) Payload {
	if i := builtinIndex(name); i >= 0 && builtinNew[i] != nil {
		return builtinNew[i]()
	}
	return nil
}

// Lookup returns what is known about an event name. A name registered only
// with [Register] is reported typed, with an empty Product.
func Lookup(name string) (Info, bool) {
	if i := builtinIndex(name); i >= 0 {
		info := builtinCatalog[i]
		info.Typed = info.Typed || isCustom(name)
		return info, true
	}
	if isCustom(name) {
		return Info{Name: name, Typed: true}, true
	}
	return Info{}, false
}

func isCustom(name string) bool {
	m := custom.Load()
	if m == nil {
		return false
	}
	_, ok := (*m)[name]
	return ok
}

// Catalog returns every known event, sorted by name: the built-in catalog
// plus names added with [Register]. The slice is the caller's to keep.
func Catalog() []Info {
	out := make([]Info, 0, len(builtinCatalog))
	for _, info := range builtinCatalog {
		info.Typed = info.Typed || isCustom(info.Name)
		out = append(out, info)
	}
	if m := custom.Load(); m != nil {
		for name := range *m {
			if builtinIndex(name) >= 0 {
				continue
			}
			out = append(out, Info{Name: name, Typed: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func builtinIndex(name string) int { return catalogIndex(name) }

// builtinIndexBytes is builtinIndex for a name's bytes.
func builtinIndexBytes(name []byte) int { return catalogIndex(name) }

// catalogIndex is a binary search of the sorted catalog, without
// allocating.
func catalogIndex[S string | []byte](name S) int {
	lo, hi := 0, len(builtinCatalog)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if builtinCatalog[m].Name < string(name) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(builtinCatalog) && builtinCatalog[lo].Name == string(name) {
		return lo
	}
	return -1
}

package event_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
)

// TestCatalogCounts checks the catalog against the snapshot it is
// generated from: 471 typed spec events, the 124 Contact Center names (untyped) and
// the 9 other names known without a schema.
func TestCatalogCounts(t *testing.T) {
	cat := event.Catalog()
	if !sort.SliceIsSorted(cat, func(i, j int) bool { return cat[i].Name < cat[j].Name }) {
		t.Error("Catalog is not sorted")
	}
	typed, cc, other := 0, 0, 0
	products := map[string]int{}
	for i, info := range cat {
		if i > 0 && cat[i-1].Name == info.Name {
			t.Errorf("duplicate %q", info.Name)
		}
		switch {
		case info.Typed:
			typed++
			products[info.Product]++
		case info.Product == "contact-center":
			cc++
		default:
			other++
		}
	}
	if typed != 471 || cc != 124 || other != 9 {
		t.Errorf("typed %d, contact center %d, other %d; want 471, 124, 9", typed, cc, other)
	}
	if len(products) != 24 || products["meetings"] != 105 || products["phone"] != 71 || products["team-chat"] != 54 {
		t.Errorf("typed events per product: %v", products)
	}

	// Every Contact Center name of the snapshot is known and untyped.
	snap, err := snapshot.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.ContactCenter) != 124 {
		t.Fatalf("the snapshot lists %d contact center names", len(snap.ContactCenter))
	}
	for _, n := range snap.ContactCenter {
		info, ok := event.Lookup(n)
		if !ok || info.Typed || info.Product != "contact-center" || isTyped(n) {
			t.Errorf("Lookup(%q) = %+v, %v", n, info, ok)
		}
	}
}

// TestCatalogSpecNames checks that every event of the snapshot of Zoom's
// specs is typed, under its spec's product, and that its payload names
// it; and that the catalog types no other event.
func TestCatalogSpecNames(t *testing.T) {
	snap, err := snapshot.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Products) != 24 {
		t.Errorf("%d products in the snapshot, want 24", len(snap.Products))
	}
	inSnapshot := map[string]bool{}
	for _, e := range snap.Events {
		inSnapshot[e.Name] = true
		info, ok := event.Lookup(e.Name)
		if !ok || !info.Typed || info.Product != e.Product || !isTyped(e.Name) {
			t.Errorf("Lookup(%q) = %+v, %v; want typed, product %q", e.Name, info, ok, e.Product)
			continue
		}
		ev, err := event.Parse([]byte(`{"event":"` + e.Name + `","payload":{}}`))
		if err != nil || ev.Payload == nil || ev.Payload.EventName() != e.Name {
			t.Errorf("Parse(%q) = %+v, %v", e.Name, ev, err)
		}
	}
	if len(inSnapshot) != 471 {
		t.Errorf("%d spec events, want 471", len(inSnapshot))
	}
	for _, info := range event.Catalog() {
		if info.Typed && !inSnapshot[info.Name] {
			t.Errorf("%q is typed but not in the snapshot", info.Name)
		}
	}
}

func TestCatalogNamesAndLookup(t *testing.T) {
	names := event.CatalogNames()
	if len(names) != 604 || !sort.StringsAreSorted(names) {
		t.Errorf("Names: %d names, sorted %v", len(names), sort.StringsAreSorted(names))
	}
	for _, c := range []struct {
		name, product string
		typed, known  bool
	}{
		{"meeting.started", "meetings", true, true},
		{"recording.completed", "meetings", true, true},
		{"bot_notification", "chatbot", true, true},
		{"phone.callee_ringing", "phone", true, true},
		{"contact_center.engagement_started", "contact-center", false, true},
		{"endpoint.url_validation", "platform", false, true},
		{"docs.file_created", "zoom-docs", false, true},
		{"meeting.no_such_event", "", false, false},
	} {
		info, ok := event.Lookup(c.name)
		if ok != c.known || info.Typed != c.typed || info.Product != c.product || isTyped(c.name) != c.typed {
			t.Errorf("Lookup(%q) = %+v, %v", c.name, info, ok)
		}
	}
	// A name-only event parses, untyped, with its raw payload.
	ev, err := event.Parse([]byte(`{"event":"contact_center.user_login","event_ts":1,"payload":{"account_id":"a","object":{"user_id":"u"}}}`))
	if err != nil || (ev.Payload != nil) || ev.AccountID != "a" || !strings.Contains(string(ev.Object()), `"user_id"`) {
		t.Errorf("contact center event: %+v, %v", ev, err)
	}
}

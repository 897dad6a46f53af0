package event_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/internal/sharedtest"
)

// TestCatalogCounts checks the catalog against the data it is generated
// from: 471 typed spec events, the 124 Contact Center names (untyped) and
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

	// Every Contact Center name from the data file is known and untyped.
	b, err := os.ReadFile(filepath.Join(sharedtest.Dir(t), "contact-center", "contact_center.events.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Events []string `json:"events"`
	}
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Events) != 124 {
		t.Fatalf("contact center list has %d names", len(list.Events))
	}
	for _, n := range list.Events {
		info, ok := event.Lookup(n)
		if !ok || info.Typed || info.Product != "contact-center" || event.IsTyped(n) {
			t.Errorf("Lookup(%q) = %+v, %v", n, info, ok)
		}
	}
}

// TestCatalogSpecNames checks that every event of every spec file is typed,
// under its spec file's product, and that its payload names it.
func TestCatalogSpecNames(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(sharedtest.Dir(t), "specs", "*.webhooks.json"))
	if err != nil || len(files) != 24 {
		t.Fatalf("spec files: %d, %v", len(files), err)
	}
	n := 0
	for _, f := range files {
		product := strings.TrimSuffix(filepath.Base(f), ".webhooks.json")
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Webhooks map[string]json.RawMessage `json:"webhooks"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for name := range doc.Webhooks {
			n++
			info, ok := event.Lookup(name)
			if !ok || !info.Typed || info.Product != product || !event.IsTyped(name) {
				t.Errorf("Lookup(%q) = %+v, %v; want typed, product %q", name, info, ok, product)
				continue
			}
			ev, err := event.Parse([]byte(`{"event":"` + name + `","payload":{}}`))
			if err != nil || ev.Payload == nil || ev.Payload.EventName() != name {
				t.Errorf("Parse(%q) = %+v, %v", name, ev, err)
			}
		}
	}
	if n != 471 {
		t.Errorf("%d spec events, want 471", n)
	}
}

func TestCatalogNamesAndLookup(t *testing.T) {
	names := event.Names()
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
		if ok != c.known || info.Typed != c.typed || info.Product != c.product || event.IsTyped(c.name) != c.typed {
			t.Errorf("Lookup(%q) = %+v, %v", c.name, info, ok)
		}
	}
	// A name-only event parses, untyped, with its raw payload.
	ev, err := event.Parse([]byte(`{"event":"contact_center.user_login","event_ts":1,"payload":{"account_id":"a","object":{"user_id":"u"}}}`))
	if err != nil || ev.Typed() || ev.AccountID != "a" || !strings.Contains(string(ev.Object()), `"user_id"`) {
		t.Errorf("contact center event: %+v, %v", ev, err)
	}
}

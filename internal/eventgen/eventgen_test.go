package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
)

func TestCamel(t *testing.T) {
	for in, want := range map[string]string{
		"meeting.participant_joined":    "MeetingParticipantJoined",
		"recording.completed":           "RecordingCompleted",
		"download_url":                  "DownloadURL",
		"participant_uuid":              "ParticipantUUID",
		"robotJid":                      "RobotJID",
		"accountId":                     "AccountID",
		"$changed_field_name":           "ChangedFieldName",
		"phone.sms_received":            "PhoneSMSReceived",
		"2fa_enabled":                   "X2faEnabled",
		"meeting.rtms_started":          "MeetingRTMSStarted",
		"HTTPServer":                    "HTTPServer",
		"session.user_room_system_call": "SessionUserRoomSystemCall",
	} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"recording_files": "recording_file", "occurrences": "occurrence", "addresses": "address",
		"status": "status", "data": "data", "categories": "category",
	} {
		if got := singular(in); got != want {
			t.Errorf("singular(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFieldTypes checks the type rules on a small document with the
// defects found in Zoom's specs.
func TestFieldTypes(t *testing.T) {
	doc, err := parseJSON([]byte(`{"webhooks":{"x.y":{"post":{"requestBody":{"content":{"application/json":{"schema":{
		"type":"object","properties":{"payload":{"type":"object","properties":{
			"object":{"type":"object","properties":{
				"id":{"type":"integer"},
				"session_id":{"type":"string"},
				"host_id":{"type":"integer"},
				"login_type":{"type":"integer"},
				"count":{"type":"integer","format":"int64"},
				"start":{"type":"long"},
				"when":{"type":"string","format":"date-time"},
				"join_time":{"type":"string"},
				"maybe":{"type":"string","anyOf":[{"format":"date-time"},{"enum":[""]}]},
				"free":{"type":"object","additionalProperties":true},
				"flag":{"type":"boolean"},
				"mode":{"type":"string","enum":["a","b"]},
				"opts":{"oneOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"object","properties":{"b":{"type":"integer"}}}]},
				"again":{"$ref":"#/paths/x.y/post/requestBody/content/application~1json/schema/properties/payload/properties/object/properties/opts"},
				"stray":{"type":"object","description":"d","name":{"type":"string"}},
				"tags":{"type":"array","item":{"type":"string"}}
			},"require":["id"]}}}}}}}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	g := &gen{shapes: map[string]*shape{}, envelope: map[string]*envField{}, reserved: map[string]bool{}}
	schema := deref(doc, doc.get("webhooks").get("x.y").get("post").get("requestBody").get("content").get("application/json").get("schema"))
	example, _ := parseJSON([]byte(`{"event":"x.y","payload":{"object":{"id":"5","flag":"cloud","count":"12","session_id":77}}}`))
	g.addEvent(importEvent(doc, "p", "x.y", schema, example))
	obj := g.events[0].fields[0].t.shape
	want := map[string]string{
		"id": "ID", "session_id": "ID", "host_id": "ID", "login_type": "Int", "count": "Int",
		"start": "int64", "when": "DateTime", "join_time": "DateTime", "maybe": "DateTime",
		"free": "json.RawMessage", "flag": "json.RawMessage", "mode": "string", "tags": "[]string",
	}
	for _, f := range obj.fields {
		if w, ok := want[f.json]; ok && f.t.goString() != w {
			t.Errorf("%s: %s, want %s", f.json, f.t.goString(), w)
		}
		switch f.json {
		case "id":
			if !f.required {
				t.Error("id: the misspelt require list was not read")
			}
		case "mode":
			if len(f.enum) != 2 {
				t.Errorf("mode: enum %v", f.enum)
			}
		case "opts", "again":
			if f.t.k != kStruct || len(f.t.shape.fields) != 2 {
				t.Errorf("%s: oneOf alternatives not merged: %+v", f.json, f.t)
			}
		case "stray":
			if f.t.k != kStruct || f.t.shape.fields[0].json != "name" {
				t.Errorf("stray: members beside the keywords not recovered: %+v", f.t)
			}
		}
	}
	if len(obj.fields) != 16 {
		t.Errorf("%d fields", len(obj.fields))
	}
}

// committedSnapshot is the snapshot file, relative to this package.
const committedSnapshot = "snapshot/zoom-webhooks.json"

// TestGenerateDeterministic generates twice from the committed snapshot
// and compares the output with itself and with the committed files.
func TestGenerateDeterministic(t *testing.T) {
	data, err := os.ReadFile(committedSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join("..", "..", "payload")
	listed, err := readNames(committedNames)
	if err != nil {
		t.Fatal(err)
	}
	run := func() map[string][]byte {
		s, err := snapshot.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		g, err := load(s, out, listed)
		if err != nil {
			t.Fatal(err)
		}
		files, err := g.render()
		if err != nil {
			t.Fatal(err)
		}
		catalog, err := g.renderCatalog()
		if err != nil {
			t.Fatal(err)
		}
		if len(catalog) != 1 || catalog["catalog_gen.go"] == nil {
			t.Fatalf("catalog files: %d, want catalog_gen.go alone", len(catalog))
		}
		files["../event/catalog_gen.go"] = catalog["catalog_gen.go"]
		return files
	}
	a, b := run(), run()
	if len(a) != len(b) || len(a) != 26 {
		t.Fatalf("%d files, then %d; want 26", len(a), len(b))
	}
	catalog := a["../event/catalog_gen.go"]
	delete(a, "../event/catalog_gen.go")
	if committed, err := os.ReadFile(filepath.Join(out, "..", "event", "catalog_gen.go")); err != nil || !bytes.Equal(committed, catalog) {
		t.Errorf("event/catalog_gen.go is stale (run go generate ./event/...); read error: %v", err)
	}
	for name, content := range a {
		if !bytes.Equal(content, b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	stale, err := compare(out, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("committed files are stale (run go generate ./event/...): %v", stale)
	}
}

// TestSnapshotCanonical checks that the committed snapshot is in the form
// the import writes (so a hand edit or a reformatting shows up), and small.
func TestSnapshotCanonical(t *testing.T) {
	data, err := os.ReadFile(committedSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 1500<<10 {
		t.Errorf("snapshot is %d bytes; keep it under 1.5 MB", len(data))
	}
	s, err := snapshot.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	again, err := snapshot.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Error("the committed snapshot is not in canonical form: re-run the import")
	}
	for i := 1; i < len(s.Events); i++ {
		a, b := s.Events[i-1], s.Events[i]
		if a.Product == b.Product && a.Name >= b.Name {
			t.Errorf("events out of order: %q before %q", a.Name, b.Name)
		}
	}
}

// TestGenerateIgnoresEscapes checks that the generated code depends on
// the snapshot's facts, not on how its file escapes them: the same enum
// written as "\u003c" or as "<" gives the same comment.
func TestGenerateIgnoresEscapes(t *testing.T) {
	gen := func(lit string) string {
		g := &gen{shapes: map[string]*shape{}, envelope: map[string]*envField{}, reserved: map[string]bool{}}
		g.addEvent(&snapshot.Event{Name: "x.y", Product: "p", Payload: &snapshot.Node{Members: []*snapshot.Node{
			{Name: "op", Type: "string", Enum: []json.RawMessage{json.RawMessage(lit), json.RawMessage("1.50")}},
		}}})
		return strings.Join(g.events[0].fields[0].enum, " ")
	}
	a, b := gen(`"\u003c"`), gen(`"<"`)
	if a != b || a != `"\u003c" 1.50` {
		t.Errorf("enum literals %s and %s", a, b)
	}
}

// TestImportFactsOnly imports a small spec directory twice and checks
// that the snapshot is the same both times, keeps the facts, and holds no
// description, summary or example text.
func TestImportFactsOnly(t *testing.T) {
	dir := t.TempDir()
	spec := `{"openapi":"3.1.0","info":{"title":"PROSE-TITLE","description":"PROSE-INFO"},"webhooks":{
		"b.second":{"post":{"summary":"PROSE-SUMMARY","requestBody":{"description":"PROSE-BODY","content":{"application/json":{
			"schema":{"type":"object","required":["event","payload"],"properties":{
				"event":{"type":"string"},"event_ts":{"type":"integer","format":"int64"},
				"download_token":{"type":"string","description":"PROSE-TOKEN"},
				"payload":{"type":"object","required":["object"],"properties":{
					"account_id":{"type":"string","description":"PROSE-ACCOUNT","example":"EXAMPLE-ACCOUNT"},
					"object":{"type":"object","properties":{
						"id":{"type":"integer","x-enum-descriptions":["PROSE-ENUM"]},
						"status":{"type":"string","enum":["on","off"],"default":"on"},
						"files":{"type":"array","items":{"$ref":"#/components/schemas/File"}}}}}}}},
			"examples":{"json-example":{"value":"{\"event\":\"b.second\",\"payload\":{\"account_id\":\"EXAMPLE-VALUE\",\"object\":{\"id\":\"123\",\"files\":[{\"size\":1.5}]}}}"}}}}}}},
		"a.first":{"post":{"requestBody":{"content":{"application/json":{"schema":{"type":"object","properties":{"payload":{"type":"object"}}}}}}}}},
		"components":{"schemas":{"File":{"type":"object","description":"PROSE-FILE","properties":{"size":{"type":"number"}}}}}}`
	for name, content := range map[string]string{
		"specs/zeta.webhooks.json":                  spec,
		"specs/alpha.webhooks.json":                 `{"webhooks":{"c.third":{"post":{"requestBody":{"content":{"application/json":{"schema":{"type":"object"}}}}}}}}`,
		"specs/README.md":                           "PROSE-README",
		"contact-center/contact_center.events.json": `{"description":"PROSE-CC","events":["contact_center.one","contact_center.two"]}`,
	} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	encode := func() []byte {
		s, err := importSpecs(filepath.Join(dir, "specs"), filepath.Join(dir, "contact-center"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := snapshot.Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := encode()
	if b := encode(); !bytes.Equal(a, b) {
		t.Fatal("two imports of the same files differ")
	}
	for _, prose := range []string{"PROSE", "EXAMPLE"} {
		if bytes.Contains(a, []byte(prose)) {
			t.Errorf("snapshot holds %s text:\n%s", prose, a)
		}
	}
	want := `{"version":1,
"products":["alpha","zeta"],
"contact_center":["contact_center.one","contact_center.two"],
"events":[
{"name":"c.third","product":"alpha"},
{"name":"a.first","product":"zeta","payload":{}},
{"name":"b.second","product":"zeta","envelope":[{"n":"download_token","t":"string"}],"payload":{"m":[{"n":"account_id","t":"string","x":"s"},{"n":"object","t":"object","r":true,"m":[{"n":"id","t":"integer","x":"S"},{"n":"status","t":"string","e":["on","off"]},{"n":"files","t":"array","i":{"t":"object","m":[{"n":"size","t":"number","x":"n"}],"x":"o"},"x":"a"}],"x":"o"}]}}
]}
`
	if string(a) != want {
		t.Errorf("snapshot:\n%s\nwant:\n%s", a, want)
	}
}

func TestEventNameCollisions(t *testing.T) {
	g := &gen{reserved: map[string]bool{"Parse": true}}
	for _, n := range []string{"a.b_c", "a_b.c", "parse", "a.b.c"} {
		g.events = append(g.events, &eventDef{name: n, typeName: camel(n)})
	}
	if err := g.nameEvents(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range g.events {
		got = append(got, e.name+"="+e.typeName)
	}
	want := "a.b.c=ABC a.b_c=ABCEvent a_b.c=ABCEventEvent parse=ParseEvent"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

// committedNames is the names file, relative to this package.
const committedNames = "snapshot/names.txt"

// TestNamesFileCommitted generates from the committed snapshot and names
// file and checks that the names file is exactly what generation writes:
// an entry removed from it, or a type added without its entry, fails.
// (A changed entry makes the committed generated code stale, which
// TestGenerateDeterministic reports; CI compares the file with the
// previous commit's.)
func TestNamesFileCommitted(t *testing.T) {
	data, err := os.ReadFile(committedSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(committedNames)
	if err != nil {
		t.Fatal(err)
	}
	listed, err := parseNames(committed)
	if err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	g, err := load(s, filepath.Join("..", "..", "payload"), listed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.render(); err != nil {
		t.Fatal(err)
	}
	if bad := checkNames(listed, g.names); len(bad) > 0 {
		t.Errorf("generation changed listed names: %v", bad)
	}
	if got := formatNames(g.names); !bytes.Equal(got, committed) {
		t.Errorf("%s is not what generation writes (%d entries generated, %d committed): run go generate ./event/...",
			committedNames, len(g.names), len(listed))
	}
	// Every exported type of the generated files has an entry.
	types := map[string]bool{}
	for _, n := range g.names {
		types[n] = true
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "payload", "*_gen.go"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if n, ok := strings.CutPrefix(line, "type "); ok {
				n = strings.Fields(n)[0]
				if n != "Envelope" && !types[n] {
					t.Errorf("%s: type %s has no entry in %s", f, n, committedNames)
				}
			}
		}
	}
}

// names generates the names of the events evs with the names file listed.
func genNames(t *testing.T, listed map[use]string, evs ...*snapshot.Event) (map[use]string, error) {
	t.Helper()
	g := &gen{shapes: map[string]*shape{}, envelope: map[string]*envField{}, reserved: map[string]bool{}, listed: listed}
	for _, e := range evs {
		g.addEvent(e)
	}
	if err := g.nameEvents(); err != nil {
		return nil, err
	}
	if err := g.assignNames(); err != nil {
		return nil, err
	}
	return g.names, nil
}

// obj is a snapshot object member holding the members ms.
func obj(name string, ms ...*snapshot.Node) *snapshot.Node {
	return &snapshot.Node{Name: name, Type: "object", Members: ms}
}

func str(name string) *snapshot.Node { return &snapshot.Node{Name: name, Type: "string"} }

func ev(name string, ms ...*snapshot.Node) *snapshot.Event {
	return &snapshot.Event{Name: name, Product: "p", Payload: &snapshot.Node{Members: ms}}
}

// TestNamesStable checks that a new event never moves a listed name, even
// where the naming rules alone would now choose differently: here the new
// events make the "b" shape the most used, which would give it the short
// name "ThingObject" that the "a" shape holds.
func TestNamesStable(t *testing.T) {
	a := func(e string) *snapshot.Event { return ev(e, obj("object", str("a"))) }
	b := func(e string) *snapshot.Event { return ev(e, obj("object", str("b"))) }
	first, err := genNames(t, nil, a("thing.one"), a("thing.two"), b("thing.three"))
	if err != nil {
		t.Fatal(err)
	}
	if n := first[use{"thing.one", "payload.object"}]; n != "ThingObject" {
		t.Fatalf("thing.one object named %s", n)
	}
	fresh, err := genNames(t, nil, a("thing.one"), a("thing.two"), b("thing.three"), b("thing.four"), b("thing.five"))
	if err != nil {
		t.Fatal(err)
	}
	if fresh[use{"thing.one", "payload.object"}] == "ThingObject" {
		t.Fatal("the test no longer exercises a rule that would move the name")
	}
	second, err := genNames(t, first, a("thing.one"), a("thing.two"), b("thing.three"), b("thing.four"), b("thing.five"), a("thing.six"))
	if err != nil {
		t.Fatal(err)
	}
	if bad := checkNames(first, second); len(bad) > 0 {
		t.Errorf("names moved: %v", bad)
	}
	for _, w := range []struct{ e, n string }{{"thing.four", "ThingThreeObject"}, {"thing.six", "ThingObject"}} {
		if got := second[use{w.e, "payload.object"}]; got != w.n {
			t.Errorf("%s object: %s, want the listed type %s", w.e, got, w.n)
		}
	}
	if got := second[use{"thing.six", "payload"}]; got != "ThingSix" {
		t.Errorf("new event named %s", got)
	}
	// Reading back what was written gives the same names.
	again, err := parseNames(formatNames(second))
	if err != nil {
		t.Fatal(err)
	}
	if bad := checkNames(second, again); len(bad) > 0 || len(again) != len(second) {
		t.Errorf("names file round trip: %v", bad)
	}
}

// TestNamesRefuseRename checks that generation fails, rather than rename,
// when the snapshot no longer allows a listed name.
func TestNamesRefuseRename(t *testing.T) {
	a := func(e string) *snapshot.Event { return ev(e, obj("object", str("a"))) }
	b := func(e string) *snapshot.Event { return ev(e, obj("object", str("b"))) }
	listed, err := genNames(t, nil, a("thing.one"), a("thing.two"), b("thing.three"))
	if err != nil {
		t.Fatal(err)
	}
	for name, evs := range map[string][]*snapshot.Event{
		// thing.two's object changed: one listed name, two types.
		"split": {a("thing.one"), b("thing.two"), b("thing.three")},
		// thing.two's object changed to a new shape: one name, two types.
		"split2": {a("thing.one"), ev("thing.two", obj("object", str("c"))), b("thing.three")},
		// thing.three's object became thing.one's: one type, two names.
		"merge": {a("thing.one"), a("thing.two"), a("thing.three")},
		// thing.three lost its object: a released name would disappear.
		"gone": {a("thing.one"), a("thing.two"), ev("thing.three", str("b"))},
	} {
		if _, err := genNames(t, listed, evs...); !errors.Is(err, ErrNames) {
			t.Errorf("%s: err = %v, want ErrNames", name, err)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	// An edited entry is honoured by generation (so the generated code
	// changes) and reported by checkNames against the file before.
	edited := map[use]string{}
	for u, n := range listed {
		edited[u] = n
	}
	edited[use{"thing.three", "payload.object"}] = "Renamed"
	got, err := genNames(t, edited, a("thing.one"), a("thing.two"), b("thing.three"))
	if err != nil {
		t.Fatal(err)
	}
	bad := checkNames(listed, got)
	if len(bad) != 1 || !strings.Contains(bad[0], "renamed to Renamed") {
		t.Errorf("checkNames: %v", bad)
	}
	delete(got, use{"thing.one", "payload"})
	if bad := checkNames(listed, got); len(bad) != 2 || !strings.Contains(bad[0], "thing.one payload ThingOne: removed") {
		t.Errorf("checkNames after a removal: %v", bad)
	}
}

func TestParseNamesRejects(t *testing.T) {
	for _, in := range []string{"a.b payload", "a.b payload lower", "a.b payload X\na.b payload Y", "a.b payload X-Y"} {
		if _, err := parseNames([]byte(in)); !errors.Is(err, ErrNames) {
			t.Errorf("%q: err = %v", in, err)
		}
	}
}

// TestNamingRules checks the rules for new names: shared types from what
// their events have in common, Go initialisms, identifier-like numbers.
func TestNamingRules(t *testing.T) {
	names, err := genNames(t, nil,
		ev("meeting.participant_joined_waiting_room", obj("object", obj("participant", str("user_name")), str("qos_type"))),
		ev("meeting.participant_left_waiting_room", obj("object", obj("participant", str("user_name")), str("qos_type"))),
		ev("phone.sms_received", &snapshot.Node{Name: "event_ts", Type: "integer"}),
	)
	if err != nil {
		t.Fatal(err)
	}
	for u, want := range map[use]string{
		{"meeting.participant_left_waiting_room", "payload.object"}:             "MeetingParticipantWaitingRoomObject",
		{"meeting.participant_left_waiting_room", "payload.object.participant"}: "MeetingWaitingRoomParticipant",
		{"phone.sms_received", "payload"}:                                       "PhoneSMSReceived",
	} {
		if got := names[u]; got != want {
			t.Errorf("%v: %s, want %s", u, got, want)
		}
	}
	for in, want := range map[string]string{"qos_type": "QoSType", "event_ts": "EventTS", "sdk_version": "SDKVersion", "dm_id": "DMID"} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %s, want %s", in, got, want)
		}
	}
	g := &gen{shapes: map[string]*shape{}, envelope: map[string]*envField{}, reserved: map[string]bool{}}
	for _, c := range []struct {
		name, typ, seen, want string
	}{
		{"phone_number", "integer", "N", "ID"},
		{"meeting_number", "integer", "", "ID"},
		{"caller_number", "string", "S", "ID"},
		{"number", "string", "", "ID"},
		{"concurrency_number", "integer", "N", "int"},
		{"number_of_messages", "integer", "", "int"},
	} {
		got := g.fieldType(c.name, &snapshot.Node{Name: c.name, Type: c.typ, Seen: c.seen}, ctx{&eventDef{name: "x.y"}, "payload." + c.name}).goString()
		if got != c.want {
			t.Errorf("%s (%s): %s, want %s", c.name, c.typ, got, c.want)
		}
	}
}

// TestEnums checks which enum members get a named type, and its output.
func TestEnums(t *testing.T) {
	enumNode := func(name string, vals ...string) *snapshot.Node {
		n := &snapshot.Node{Name: name, Type: "string"}
		for _, v := range vals {
			b, _ := json.Marshal(v)
			n.Enum = append(n.Enum, b)
		}
		return n
	}
	many := make([]string, maxEnumValues+1)
	for i := range many {
		many[i] = "v" + strings.Repeat("x", i)
	}
	g := &gen{shapes: map[string]*shape{}, envelope: map[string]*envField{}, reserved: map[string]bool{}}
	g.products = []string{"p"}
	g.addEvent(ev("meeting.a", enumNode("status", "in-progress", "done"), enumNode("one", "only"),
		enumNode("digits", "1", "2"), enumNode("empty", "", "x"), enumNode("clash", "a_b", "a-b"),
		enumNode("many", many...), obj("object", enumNode("status", "in-progress", "done"))))
	g.addEvent(ev("meeting.b", obj("object", enumNode("status", "in-progress", "done"))))
	if err := g.nameEvents(); err != nil {
		t.Fatal(err)
	}
	files, err := g.render()
	if err != nil {
		t.Fatal(err)
	}
	var typed []string
	for _, e := range g.events[0].fields {
		if e.enumType != nil {
			typed = append(typed, e.json+"="+e.enumType.name)
		}
	}
	if strings.Join(typed, " ") != "status=MeetingStatus" {
		t.Errorf("enum fields: %v", typed)
	}
	src := string(files["p_gen.go"])
	for _, want := range []string{
		"type MeetingStatus string",
		`MeetingStatusInProgress MeetingStatus = "in-progress"`,
		"func (v MeetingStatus) String() string { return string(v) }",
		"Status MeetingStatus `json:\"status,omitempty\"`",
		"Object MeetingObject `json:\"object\"`",
		"One    string        `json:\"one,omitempty\"`    // one of \"only\"",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("generated code lacks %q:\n%s", want, src)
		}
	}
	if g.names[use{"meeting.b", "payload.object.status"}] != "MeetingStatus" {
		t.Errorf("shared enum not listed at each place: %v", g.names)
	}
}

var docURLForm = regexp.MustCompile(`^https://developers\.zoom\.us/docs/api/[a-z]+(-[a-z]+)*/events/#tag/[a-z_]+/POST[a-z_]+(\.[a-z0-9_]+)*$`)

// TestDocLinks checks the form of every typed event's link to Zoom's
// reference (not fetched) and that its doc comment carries it.
func TestDocLinks(t *testing.T) {
	data, err := os.ReadFile(committedSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := docURL("meetings", "meeting.started"); got != "https://developers.zoom.us/docs/api/meetings/events/#tag/meeting/POSTmeeting.started" {
		t.Errorf("docURL = %s", got)
	}
	src := map[string]string{}
	for _, e := range s.Events {
		u := docURL(e.Product, e.Name)
		if !docURLForm.MatchString(u) {
			t.Errorf("%s: malformed link %s", e.Name, u)
		}
		f := filepath.Join("..", "..", "payload", fileName(e.Product))
		if _, ok := src[f]; !ok {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			src[f] = string(b)
		}
		if !strings.Contains(src[f], "// Zoom's reference: "+u+"\ntype ") {
			t.Errorf("%s: the payload type's doc comment does not end with %s", e.Name, u)
		}
	}
}

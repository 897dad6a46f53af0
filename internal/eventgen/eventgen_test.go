package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
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
	out := filepath.Join("..", "..", "event")
	run := func() map[string][]byte {
		s, err := snapshot.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		g, err := load(s, out)
		if err != nil {
			t.Fatal(err)
		}
		files, err := g.render()
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	a, b := run(), run()
	if len(a) != len(b) || len(a) != 26 {
		t.Fatalf("%d files, then %d; want 26", len(a), len(b))
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
	g.nameEvents()
	var got []string
	for _, e := range g.events {
		got = append(got, e.name+"="+e.typeName)
	}
	want := "a.b.c=ABC a.b_c=ABCEvent a_b.c=ABCEventEvent parse=ParseEvent"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	g.addEvent(doc, "p", "x.y", schema, example)
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

// TestGenerateDeterministic generates twice from the real specs and
// compares the output with itself and with the committed files.
func TestGenerateDeterministic(t *testing.T) {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	var shared string
	for d := dir; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, "shared", "zoom-events", "specs")); err == nil && fi.IsDir() {
			shared = filepath.Join(d, "shared", "zoom-events")
			break
		}
		if filepath.Dir(d) == d {
			t.Fatal("shared/zoom-events not found in any parent of the working directory")
		}
	}
	out := filepath.Join("..", "..", "event")
	run := func() map[string][]byte {
		g, err := load(filepath.Join(shared, "specs"), filepath.Join(shared, "contact-center"), out)
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
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
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

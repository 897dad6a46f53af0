package snapshot_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
)

func TestDecodeRejects(t *testing.T) {
	for _, in := range []string{
		``,
		`[]`,
		`{"version":2,"products":["p"],"events":[{"name":"a","product":"p"}]}`,
		`{"version":1,"products":["p"],"events":[]}`,
		`{"version":1,"products":["p"],"events":[{"name":"a","product":"p","summary":"prose"}]}`,
	} {
		if _, err := snapshot.Decode([]byte(in)); !errors.Is(err, snapshot.ErrFormat) {
			t.Errorf("Decode(%q) = %v, want ErrFormat", in, err)
		}
	}
}

func TestLoadCommitted(t *testing.T) {
	s, err := snapshot.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Events) != 471 || len(s.Products) != 24 || len(s.ContactCenter) != 124 {
		t.Errorf("%d events, %d products, %d contact center names; want 471, 24, 124",
			len(s.Events), len(s.Products), len(s.ContactCenter))
	}
	e, err := snapshot.Lookup("recording.completed")
	if err != nil || e == nil || e.Product != "meetings" || e.Payload.Member("object").Member("recording_files").Items == nil {
		t.Errorf("Lookup(recording.completed) = %+v, %v", e, err)
	}
	if e, err := snapshot.Lookup("no.such_event"); e != nil || err != nil {
		t.Errorf("Lookup(no.such_event) = %+v, %v", e, err)
	}
}

// TestBodyComplete checks, for every event, that Body is deterministic,
// valid JSON, names the event, and has every member the snapshot declares
// with a value of the declared JSON type.
func TestBodyComplete(t *testing.T) {
	s, err := snapshot.Load()
	if err != nil {
		t.Fatal(err)
	}
	members := 0
	for _, e := range s.Events {
		b := snapshot.Body(e)
		if !bytes.Equal(b, snapshot.Body(e)) {
			t.Fatalf("%s: two bodies differ", e.Name)
		}
		var body map[string]any
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&body); err != nil {
			t.Fatalf("%s: %v\n%s", e.Name, err, b)
		}
		if body["event"] != e.Name || body["event_ts"] != json.Number("1720707175904") {
			t.Errorf("%s: event %v, event_ts %v", e.Name, body["event"], body["event_ts"])
		}
		for _, m := range e.Envelope {
			members += checkValue(t, e.Name+": "+m.Name, m, body[m.Name])
		}
		if e.Payload != nil {
			members += checkValue(t, e.Name+": payload", &snapshot.Node{Type: "object", Members: e.Payload.Members}, body["payload"])
		}
	}
	if members < 5000 {
		t.Errorf("only %d members checked", members)
	}
}

// checkValue reports a value that is missing or not of n's JSON type, and
// returns the number of members checked.
func checkValue(t *testing.T, path string, n *snapshot.Node, v any) int {
	t.Helper()
	count := 1
	ok := true
	switch n.Type {
	case "object":
		obj, isObj := v.(map[string]any)
		ok = isObj && len(obj) == len(n.Members)
		for _, m := range n.Members {
			if isObj {
				count += checkValue(t, path+"."+m.Name, m, obj[m.Name])
			}
		}
	case "array":
		arr, isArr := v.([]any)
		ok = isArr && len(arr) == 1
		if ok && n.Items != nil {
			count += checkValue(t, path+"[]", n.Items, arr[0]) - 1
		}
	case "integer", "long":
		num, isNum := v.(json.Number)
		_, err := num.Int64()
		ok = isNum && err == nil
	case "number":
		_, ok = v.(json.Number)
	case "boolean":
		_, ok = v.(bool)
	case "string":
		str, isStr := v.(string)
		ok = isStr && str != ""
		if ok && strings.ContainsAny(n.Seen, "SN") && len(n.Enum) == 0 {
			ok = strings.Trim(str, "0123456789") == ""
		}
	default:
		ok = v != nil
	}
	if !ok {
		t.Errorf("%s: %T %v does not fit %+v", path, v, v, n)
	}
	return count
}

func TestBodyValues(t *testing.T) {
	e := &snapshot.Event{Name: "x.y", Product: "p", Envelope: []*snapshot.Node{{Name: "download_token", Type: "string"}},
		Payload: &snapshot.Node{Members: []*snapshot.Node{
			{Name: "when", Type: "string", Format: "date-time"},
			{Name: "join_time", Type: "string"},
			{Name: "day", Type: "string", Format: "date"},
			{Name: "email", Type: "string", Format: "email"},
			{Name: "password", Type: "string", Seen: "S"},
			{Name: "status", Type: "string", Enum: []json.RawMessage{json.RawMessage(`"started"`)}},
			{Name: "blank", Type: "string", Enum: []json.RawMessage{json.RawMessage(`""`)}},
			{Name: "mode", Type: "integer", Enum: []json.RawMessage{json.RawMessage(`"a"`), json.RawMessage(`2`)}},
			{Name: "kind", Type: "integer", Enum: []json.RawMessage{json.RawMessage(`3`)}},
			{Name: "size", Type: "integer", Format: "int64"},
			{Name: "score", Type: "number"},
			{Name: "count", Type: "number", Seen: "N"},
			{Name: "on", Type: "boolean"},
			{Name: "free", Type: "object"},
			{Name: "tags", Type: "array"},
			{Name: "any"},
		}}}
	want := `{"event":"x.y","event_ts":1720707175904,"download_token":"download_token-1","payload":{` +
		`"when":"2024-07-11T14:12:55Z","join_time":"2024-07-11T14:12:55Z","day":"2024-07-11","email":"user@example.com",` +
		`"password":"1720707175","status":"started","blank":"blank-1","mode":42,"kind":3,"size":1720707175904,` +
		`"score":12.5,"count":12,"on":true,"free":{},"tags":["item"],"any":"any"}}`
	if got := string(snapshot.Body(e)); got != want {
		t.Errorf("Body =\n%s\nwant\n%s", got, want)
	}
	if _, err := snapshot.BodyOf("no.such_event"); err == nil {
		t.Error("BodyOf(no.such_event) succeeded")
	}
}

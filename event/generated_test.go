package event_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/internal/eventgen/snapshot"
	"github.com/zoomevents/zoomevents/payload"
)

// genBody is one event body to check, with where it came from.
type genBody struct {
	origin string
	name   string
	data   []byte
}

// genSynthBodies returns a body synthesized from the committed snapshot of
// Zoom's specs for every typed event in it: every declared member filled
// with a value of its type (see snapshot.Body).
func genSynthBodies(t testing.TB) []genBody {
	t.Helper()
	s, err := snapshot.Load()
	if err != nil {
		t.Fatal(err)
	}
	var out []genBody
	for _, e := range s.Events {
		out = append(out, genBody{origin: "synthesized " + e.Name, name: e.Name, data: snapshot.Body(e)})
	}
	return out
}

// genTestdataBodies returns the recorded bodies in testdata/bodies (see
// testdata/SOURCES), named <event>.<origin>.json.
func genTestdataBodies(t testing.TB) []genBody {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "bodies", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no bodies in testdata/bodies: %v", err)
	}
	var out []genBody
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(b) {
			t.Fatalf("%s: not valid JSON", f)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		name = name[:strings.LastIndexByte(name, '.')]
		out = append(out, genBody{origin: f, name: name, data: b})
	}
	return out
}

// TestGeneratedRoundTrip decodes a synthesized body of every typed event
// and every recorded body, and checks that re-encoding the typed payload
// keeps every member the schema declares (that is, that the generated
// struct has) with the value the input had.
func TestGeneratedRoundTrip(t *testing.T) {
	synth := genSynthBodies(t)
	if len(synth) != 471 {
		t.Errorf("got %d synthesized bodies, want one per typed event (471)", len(synth))
	}
	bodies := append(synth, genTestdataBodies(t)...)
	declared := genDeclaredPaths(t)
	if len(declared) < 450 {
		t.Errorf("the snapshot declares payload members for only %d events", len(declared))
	}
	typed := 0
	for _, b := range bodies {
		ev, err := event.Parse(b.data)
		if err != nil {
			t.Errorf("%s: Parse: %v", b.origin, err)
			continue
		}
		if ev.Name != b.name {
			t.Errorf("%s: Name = %q, want %q", b.origin, ev.Name, b.name)
		}
		if ev.Problem != nil {
			t.Errorf("%s: Problem: %v", b.origin, ev.Problem)
		}
		if _, known := event.Lookup(b.name); !known {
			t.Errorf("%s: %q is not in the catalog", b.origin, b.name)
		}
		if (ev.Payload != nil) != isTyped(b.name) {
			t.Errorf("%s: Typed() = %v, IsTyped = %v", b.origin, (ev.Payload != nil), isTyped(b.name))
		}
		if !(ev.Payload != nil) {
			continue
		}
		typed++
		if got := ev.Payload.EventName(); got != b.name {
			t.Errorf("%s: payload EventName() = %q", b.origin, got)
		}
		var in struct {
			Payload any `json:"payload"`
		}
		if err := genDecode(b.data, &in); err != nil {
			t.Fatal(err)
		}
		enc, err := json.Marshal(ev.Payload)
		if err != nil {
			t.Errorf("%s: Marshal: %v", b.origin, err)
			continue
		}
		var out any
		if err := genDecode(enc, &out); err != nil {
			t.Fatal(err)
		}
		for _, m := range genCompareDeclared("payload", "payload", declared[b.name], reflect.TypeOf(ev.Payload).Elem(), in.Payload, out, true) {
			t.Errorf("%s: %s", b.origin, m)
		}
	}
	t.Logf("%d bodies, %d typed", len(bodies), typed)
	if typed < 473 {
		t.Errorf("only %d typed bodies checked, want 471 synthesized and 2 recorded", typed)
	}
}

// TestGeneratedEnvelopeMembers checks that every envelope member the
// snapshot declares (download_token, callback_url, ...) reaches
// [event.Event.Envelope] from a synthesized body.
func TestGeneratedEnvelopeMembers(t *testing.T) {
	s, err := snapshot.Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range s.Events {
		if len(e.Envelope) == 0 {
			continue
		}
		ev, err := event.Parse(snapshot.Body(e))
		if err != nil {
			t.Fatal(err)
		}
		enc, err := json.Marshal(ev.Envelope())
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(enc, &got); err != nil {
			t.Fatal(err)
		}
		for _, m := range e.Envelope {
			n++
			var lost bool
			switch m.Name {
			case "download_token":
				lost = ev.DownloadToken == ""
			case "operator":
				lost = ev.Operator == ""
			case "operator_id":
				lost = ev.OperatorID == ""
			default:
				lost = genIsZero(got[m.Name])
			}
			if lost {
				t.Errorf("%s: envelope member %q lost: Envelope() = %s, Event = %v", e.Name, m.Name, enc, ev)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d envelope members checked", n)
	}
}

// genDeclaredPaths returns, per event, the payload member paths its schema
// declares, read from the snapshot (not from the generated code), with []
// for array elements.
func genDeclaredPaths(t testing.TB) map[string]map[string]bool {
	t.Helper()
	s, err := snapshot.Load()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	var walk func(m map[string]bool, path string, n *snapshot.Node)
	walk = func(m map[string]bool, path string, n *snapshot.Node) {
		for _, c := range n.Members {
			p := path + "." + c.Name
			m[p] = true
			walk(m, p, c)
		}
		if n.Items != nil {
			walk(m, path+"[]", n.Items)
		}
	}
	for _, e := range s.Events {
		if e.Payload == nil || len(e.Payload.Members) == 0 {
			continue
		}
		m := map[string]bool{}
		walk(m, "payload", e.Payload)
		out[e.Name] = m
	}
	return out
}

func genDecode(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

var (
	genIDType  = reflect.TypeOf(payload.ID(""))
	genIntType = reflect.TypeOf(payload.Int(0))
	genRawType = reflect.TypeOf(json.RawMessage(nil))
)

// genField finds the struct field (possibly in an embedded struct) whose
// JSON name is name.
func genField(typ reflect.Type, name string) (reflect.Type, bool) {
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag := strings.Split(f.Tag.Get("json"), ",")[0]
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			if ft, ok := genField(f.Type, name); ok {
				return ft, true
			}
			continue
		}
		if tag == name {
			return f.Type, true
		}
	}
	return nil, false
}

// genCompare walks the input JSON tree in, guided by the Go type typ, and
// reports every declared member whose re-encoded value (in out) differs.
// present tells whether out has the member at all (omitempty may drop
// zero values).
func genCompare(path string, typ reflect.Type, in, out any, present bool) []string {
	return genCompareDeclared(path, path, nil, typ, in, out, present)
}

// genCompareDeclared is genCompare that also reports a member that the
// schema declares (declared holds the event's schema paths, from the
// shared index, with [] for array elements; spath is the schema path of
// in) but the Go type lacks.
func genCompareDeclared(path, spath string, declared map[string]bool, typ reflect.Type, in, out any, present bool) []string {
	if typ == genRawType {
		if !present && in == nil {
			return nil
		}
		a, _ := json.Marshal(in)
		b, _ := json.Marshal(out)
		if !bytes.Equal(a, b) {
			return []string{fmt.Sprintf("%s: raw %s became %s", path, a, b)}
		}
		return nil
	}
	if in == nil || !present {
		if genIsZero(in) && genIsZero(out) {
			return nil
		}
		return []string{fmt.Sprintf("%s: %v became %v (present %v)", path, genShow(in), genShow(out), present)}
	}
	switch typ.Kind() {
	case reflect.Struct:
		im, ok := in.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: input is %T, not an object", path, in)}
		}
		om, _ := out.(map[string]any)
		var msgs []string
		keys := make([]string, 0, len(im))
		for k := range im {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ft, ok := genField(typ, k)
			if !ok {
				if declared[spath+"."+k] {
					msgs = append(msgs, fmt.Sprintf("%s.%s: declared by the schema but not in %s", path, k, typ))
				}
				continue // not declared by the schema
			}
			ov, has := om[k]
			msgs = append(msgs, genCompareDeclared(path+"."+k, spath+"."+k, declared, ft, im[k], ov, has)...)
		}
		return msgs
	case reflect.Slice:
		ia, ok := in.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: input is %T, not an array", path, in)}
		}
		oa, _ := out.([]any)
		if len(ia) != len(oa) {
			return []string{fmt.Sprintf("%s: %d elements became %d", path, len(ia), len(oa))}
		}
		var msgs []string
		for i := range ia {
			msgs = append(msgs, genCompareDeclared(fmt.Sprintf("%s[%d]", path, i), spath+"[]", declared, typ.Elem(), ia[i], oa[i], true)...)
		}
		return msgs
	}
	if typ == genIDType || typ == genIntType {
		// A number and a string of the same digits are the same id.
		if fmt.Sprint(in) != fmt.Sprint(out) {
			return []string{fmt.Sprintf("%s: %v became %v", path, genShow(in), genShow(out))}
		}
		return nil
	}
	if in, ok := in.(json.Number); ok {
		out, ok := out.(json.Number)
		fi, _ := in.Float64()
		fo, _ := out.Float64()
		if !ok || fi != fo {
			return []string{fmt.Sprintf("%s: %v became %v", path, in, genShow(out))}
		}
		return nil
	}
	if !reflect.DeepEqual(in, out) {
		return []string{fmt.Sprintf("%s: %v became %v", path, genShow(in), genShow(out))}
	}
	return nil
}

// genIsZero reports whether a decoded JSON value is null or the zero value
// of its kind.
func genIsZero(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case json.Number:
		f, err := v.Float64()
		return err == nil && f == 0
	case []any:
		return len(v) == 0
	case map[string]any:
		for _, x := range v {
			if !genIsZero(x) {
				return false
			}
		}
		return true
	}
	return false
}

func genShow(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		b = append(b[:77], "..."...)
	}
	return string(b)
}

// TestGeneratedWrongTypedField checks that a member of an unexpected JSON
// type loses only that member: the rest of the payload still arrives typed
// and the problem is reported on the event.
func TestGeneratedWrongTypedField(t *testing.T) {
	body := []byte(`{"event":"meeting.participant_joined","event_ts":1626230691572,"payload":{
		"account_id":"acc1","operator":"op@example.com",
		"object":{"id":86431910364,"uuid":"u==","host_id":"h1","topic":"Standup","type":"eight",
			"start_time":"2024-07-11T14:12:55Z","duration":30,
			"participant":{"user_id":"16778240","user_name":"Ann","email":"ann@example.com","join_time":"2024-07-11T14:13:00Z"}}}}`)
	ev, err := event.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(ev.Problem, event.ErrFieldType) {
		t.Fatalf("Problem = %v, want it to wrap ErrFieldType", ev.Problem)
	}
	if !strings.Contains(ev.Problem.Error(), "payload.object.type") {
		t.Errorf("Problem %q does not name the field", ev.Problem)
	}
	p, ok := ev.Payload.(*payload.MeetingParticipantJoined)
	if !ok {
		t.Fatalf("Payload is %T", ev.Payload)
	}
	o := p.Object
	if o.ID != "86431910364" || o.Topic != "Standup" || o.Duration != 30 || o.Type != 0 {
		t.Errorf("object = %+v", o)
	}
	if o.Participant.UserName != "Ann" || o.Participant.UserID != "16778240" || !validTime(o.StartTime) {
		t.Errorf("members after the bad one lost: %+v", o)
	}
	if ev.AccountID != "acc1" || ev.Operator != "op@example.com" {
		t.Errorf("envelope: AccountID %q Operator %q", ev.AccountID, ev.Operator)
	}

	// A nested object replaced by a string, and an array by an object.
	body = []byte(`{"event":"recording.completed","event_ts":1,"download_token":"tok","payload":{"account_id":"a",
		"object":{"id":"123","topic":"T","recording_count":"two","recording_files":{"id":"x"},"participant_audio_files":[{"id":"p1","download_url":"https://d"}]}}}`)
	ev, err = event.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(ev.Problem, event.ErrFieldType) {
		t.Fatalf("Problem = %v", ev.Problem)
	}
	rc := ev.Payload.(*payload.RecordingCompleted)
	if rc.Object.Topic != "T" || rc.Object.ID != "123" || len(rc.Object.ParticipantAudioFiles) != 1 ||
		rc.Object.ParticipantAudioFiles[0].DownloadURL != "https://d" || ev.DownloadToken != "tok" {
		t.Errorf("payload = %+v, token %q", rc.Object, ev.DownloadToken)
	}
}

// TestGeneratedLenientTypes checks the drift that zoom-events.md §4 lists.
func TestGeneratedLenientTypes(t *testing.T) {
	cases := []struct {
		body  string
		check func(event.Payload) bool
	}{
		{`{"event":"session.recording_started","payload":{"object":{"session_id":1234567890}}}`,
			func(p event.Payload) bool {
				return p.(*payload.SessionRecordingStarted).Object.SessionID == "1234567890"
			}},
		{`{"event":"user.signed_in","payload":{"object":{"login_type":"100"}}}`,
			func(p event.Payload) bool { return p.(*payload.UserSignedIn).Object.LoginType == 100 }},
		{`{"event":"user.signed_in","payload":{"object":{"login_type":101}}}`,
			func(p event.Payload) bool { return p.(*payload.UserSignedIn).Object.LoginType == 101 }},
		{`{"event":"team_chat.dm_reaction_added","payload":{"object":{"emoji_time":1703821653134}}}`,
			func(p event.Payload) bool {
				return p.(*payload.TeamChatDMReactionAdded).Object.EmojiTime == 1703821653134
			}},
		{`{"event":"team_chat.dm_reaction_added","payload":{"object":{"emoji_time":"1703821653134"}}}`,
			func(p event.Payload) bool {
				return p.(*payload.TeamChatDMReactionAdded).Object.EmojiTime == 1703821653134
			}},
		{`{"event":"meeting.started","payload":{"object":{"id":"86431910364","timezone":null}}}`,
			func(p event.Payload) bool { return p.(*payload.MeetingStarted).Object.ID == "86431910364" }},
		{`{"event":"meeting.started","payload":{"object":{"id":86431910364}}}`,
			func(p event.Payload) bool { return p.(*payload.MeetingStarted).Object.ID == "86431910364" }},
		{`{"event":"phone.callee_ringing","payload":{"object":{"caller":{"extension_number":"1001"},"callee":{"extension_number":1002}}}}`,
			func(p event.Payload) bool {
				o := p.(*payload.PhoneCalleeRinging).Object
				return o.Caller.ExtensionNumber == "1001" && o.Callee.ExtensionNumber == "1002"
			}},
		{`{"event":"visitor_management.checked_in","payload":{"object":{"start_time":1707848572310}}}`,
			func(p event.Payload) bool {
				return p.(*payload.VisitorManagementCheckedIn).Object.StartTime == 1707848572310
			}},
		// Identifier-like numbers are IDs: digits kept exactly, a leading
		// "+" or zero included, whether Zoom sends a number or a string.
		{`{"event":"meeting.participant_phone_callout_ringing","payload":{"object":{"participant":{"phone_number":14155550123}}}}`,
			func(p event.Payload) bool {
				return p.(*payload.MeetingParticipantPhoneCalloutRinging).Object.Participant.PhoneNumber == "14155550123"
			}},
		{`{"event":"meeting.participant_phone_callout_ringing","payload":{"object":{"participant":{"phone_number":"+014155550123"}}}}`,
			func(p event.Payload) bool {
				return p.(*payload.MeetingParticipantPhoneCalloutRinging).Object.Participant.PhoneNumber == "+014155550123"
			}},
		{`{"event":"meeting.ai_companion_started","payload":{"object":{"meeting_number":98765432101}}}`,
			func(p event.Payload) bool {
				return p.(*payload.MeetingAICompanionStarted).Object.MeetingNumber == "98765432101"
			}},
		// Enums: a listed value compares with its constant; a value the
		// schema does not list still decodes, as it is.
		{`{"event":"meeting.created","payload":{"operation":"single"}}`,
			func(p event.Payload) bool {
				op := p.(*payload.MeetingCreated).Operation
				return op == payload.MeetingOperationSingle && op.String() == "single"
			}},
		{`{"event":"meeting.created","payload":{"operation":"some_day"}}`,
			func(p event.Payload) bool { return p.(*payload.MeetingCreated).Operation == "some_day" }},
		{`{"event":"bot_notification","payload":{"accountId":"A","robotJid":"r@xmpp","cmd":"hi","timestamp":1560891222018}}`,
			func(p event.Payload) bool {
				b := p.(*payload.BotNotification)
				return b.AccountID == "A" && b.RobotJID == "r@xmpp" && b.Cmd == "hi" && b.Timestamp == 1560891222018
			}},
	}
	for _, c := range cases {
		ev, err := event.Parse([]byte(c.body))
		if err != nil {
			t.Errorf("%s: %v", c.body, err)
			continue
		}
		if ev.Problem != nil || !c.check(ev.Payload) || (ev.Name == "bot_notification" && ev.AccountID != "A") {
			t.Errorf("%s: Problem %v, payload %+v", c.body, ev.Problem, ev.Payload)
		}
	}
	// Lenient types never fail, whatever JSON they get.
	for _, in := range []string{`true`, `{"a":1}`, `[1]`, `"x"`, `null`, `1.5`, `"\u0031"`} {
		var id payload.ID
		var n payload.Int
		if err := json.Unmarshal([]byte(in), &id); err != nil {
			t.Errorf("ID %s: %v", in, err)
		}
		if err := json.Unmarshal([]byte(in), &n); err != nil {
			t.Errorf("Int %s: %v", in, err)
		}
	}
}

// TestGeneratedEnvelope checks the members beside "payload".
func TestGeneratedEnvelope(t *testing.T) {
	ev, err := event.Parse([]byte(`{"event":"interactive_message_actions","callback_url":"https://cb","callback_token":"ct",
		"payload":{"accountId":"A","actionItem":{"text":"OK","value":"ok"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	env := ev.Envelope()
	if env.CallbackURL != "https://cb" || env.CallbackToken != "ct" {
		t.Errorf("Envelope() = %+v", env)
	}
	ev, err = event.Parse([]byte(`{"event":"team_chat.link_shared","response_url":"https://r","payload":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := ev.Envelope().ResponseURL; got != "https://r" {
		t.Errorf("ResponseURL = %q", got)
	}
	ev, err = event.Parse([]byte(`{"event":"user.settings_updated","operator":"o@x","operator_id":"oid","time_stamp":"17","payload":{"account_id":"a"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if env := ev.Envelope(); env.TimeStamp != 17 {
		t.Errorf("Envelope() = %+v", env)
	}
	if ev.Operator != "o@x" || ev.OperatorID != "oid" {
		t.Errorf("top-level operator: Operator %q, OperatorID %q", ev.Operator, ev.OperatorID)
	}
	ev, err = event.Parse([]byte(`{"event":"meeting.deleted","operator":"top@x","payload":{"account_id":"a","operator":"in@x","operator_id":"in"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Operator != "in@x" || ev.OperatorID != "in" {
		t.Errorf("the payload's operator wins: Operator %q, OperatorID %q", ev.Operator, ev.OperatorID)
	}
}

// TestGeneratedFoundationCompat uses the fields of the hand-written types
// that the generated ones replaced, so that code written against them keeps
// compiling.
func TestGeneratedFoundationCompat(t *testing.T) {
	var (
		mc  payload.MeetingCreated
		mu  payload.MeetingUpdated
		md  payload.MeetingDeleted
		ms  payload.MeetingStarted
		me  payload.MeetingEnded
		pj  payload.MeetingParticipantJoined
		pl  payload.MeetingParticipantLeft
		rc  payload.RecordingCompleted
		ws  payload.WebinarStarted
		we  payload.WebinarEnded
		uc  payload.UserCreated
		ids []payload.ID
	)
	ids = append(ids, mc.Object.ID, mu.Object.ID, md.Object.ID, ms.Object.ID, me.Object.ID, pj.Object.ID, pl.Object.ID,
		rc.Object.ID, ws.Object.ID, we.Object.ID)
	strs := []string{mc.Object.Topic, mc.Object.UUID, mc.Object.HostID, mc.Object.Timezone, mc.Object.JoinURL, mc.Object.Password,
		mu.Object.Agenda, string(mc.Operation), string(mu.Scope), ms.Object.Topic, ms.Object.HostID, ms.Object.UUID, me.Object.Topic,
		md.Object.Topic, string(md.Operation),
		pj.Object.Participant.UserName, pj.Object.Participant.UserID, pj.Object.Participant.Email,
		pj.Object.Participant.ParticipantUUID, pj.Object.Participant.RegistrantID, pl.Object.Participant.UserName,
		pl.Object.Participant.LeaveReason, rc.Object.Topic, rc.Object.ShareURL, rc.Object.HostEmail, ws.Object.Topic, we.Object.Topic,
		string(uc.CreationType), uc.Object.Email, uc.Object.FirstName, uc.Object.LastName, uc.Object.DisplayName,
		mc.AccountID, ms.Operator, rc.OperatorID}
	var files []payload.CompletedRecordingFile
	files = append(files, rc.Object.RecordingFiles...)
	for _, f := range files {
		strs = append(strs, f.DownloadURL, string(f.FileType), string(f.Status), string(f.RecordingType), string(f.FileExtension), f.PlayURL, f.MeetingID)
		var size int64 = f.FileSize
		_ = size
		_, _ = f.RecordingStart.Time()
	}
	_, _ = ms.Object.StartTime.Time()
	_, _ = pj.Object.Participant.JoinTime.Time()
	_, _ = pl.Object.Participant.LeaveTime.Time()
	_ = ms.Object.Duration + ms.Object.Type + mu.Object.Duration
	_ = mu.TimeStamp
	var total int64 = rc.Object.TotalSize
	_ = total
	_ = rc.Object.RecordingCount + 1
	_ = uc.Object.Type + 1
	_ = uc.Object.ID
	if len(ids) != 10 || len(strs) == 0 {
		t.Fatal("unreachable")
	}
}

// TestGeneratedCompareDetects makes sure the round-trip comparison reports
// a changed or lost member with its path, so that a passing round trip
// means something.
func TestGeneratedCompareDetects(t *testing.T) {
	typ := reflect.TypeOf(payload.MeetingStarted{})
	var in, out any
	if err := genDecode([]byte(`{"account_id":"a","extra":1,"object":{"id":5,"topic":"x","duration":3,"timezone":null}}`), &in); err != nil {
		t.Fatal(err)
	}
	if err := genDecode([]byte(`{"account_id":"a","object":{"id":"5","topic":"y","timezone":""}}`), &out); err != nil {
		t.Fatal(err)
	}
	msgs := genCompare("payload", typ, in, out, true)
	if len(msgs) != 2 || !strings.HasPrefix(msgs[0], "payload.object.duration:") || !strings.HasPrefix(msgs[1], "payload.object.topic:") {
		t.Errorf("genCompare = %q", msgs)
	}
	// A member the schema declares but the struct lacks is reported too.
	msgs = genCompareDeclared("payload", "payload", map[string]bool{"payload.extra": true}, typ, in, out, true)
	if len(msgs) != 3 || !strings.Contains(msgs[0], "payload.extra: declared by the schema") {
		t.Errorf("genCompareDeclared = %q", msgs)
	}
	declared := genDeclaredPaths(t)
	if !declared["meeting.started"]["payload.object.topic"] || !declared["recording.completed"]["payload.object.recording_files[].download_url"] {
		t.Error("index paths are not in the expected form")
	}
}

// TestGeneratedNeverAborts mutates a synthesized body of every typed
// event (all strings become numbers, all numbers strings, all bools
// objects) and checks that Parse still returns the event typed: a wrong
// type is a Problem, never an error, so no generated type may fail the
// whole decode.
func TestGeneratedNeverAborts(t *testing.T) {
	mutations := []func(any) any{
		func(v any) any {
			if _, ok := v.(string); ok {
				return json.Number("1")
			}
			return v
		},
		func(v any) any {
			if _, ok := v.(json.Number); ok {
				return "n"
			}
			return v
		},
		func(v any) any {
			if _, ok := v.(bool); ok {
				return map[string]any{"k": []any{1}}
			}
			return v
		},
	}
	for _, b := range genSynthBodies(t) {
		var root map[string]any
		if err := genDecode(b.data, &root); err != nil {
			t.Fatal(err)
		}
		for i, mut := range mutations {
			body, err := json.Marshal(map[string]any{"event": b.name, "payload": genMap(root["payload"], mut)})
			if err != nil {
				t.Fatal(err)
			}
			ev, err := event.Parse(body)
			if err != nil || !(ev.Payload != nil) {
				t.Errorf("%s, mutation %d: Parse = %v, %v", b.name, i, ev, err)
				continue
			}
			if ev.Problem != nil && !errors.Is(ev.Problem, event.ErrFieldType) {
				t.Errorf("%s, mutation %d: Problem %v", b.name, i, ev.Problem)
			}
		}
	}
}

// genMap applies f to every scalar of a decoded JSON tree.
func genMap(v any, f func(any) any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = genMap(x, f)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = genMap(x, f)
		}
		return out
	}
	return f(v)
}

func validTime(d payload.DateTime) bool {
	t, err := d.Time()
	return err == nil && !t.IsZero()
}

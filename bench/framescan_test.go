package bench

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func init() {
	wsImpls = append(wsImpls, wsImpl{"f1-scan", runF1Scan})
}

// runF1Scan is F1 with the frame scanned by hand instead of decoded by
// encoding/json: the top-level members are skipped until "content", whose
// string is unquoted once, and only the event itself goes through
// json.Unmarshal. It is the floor a frame decoder without reflection can
// reach (a prototype for wsclient, see README.md), not a peer.
func runF1Scan(b *testing.B, srv *wsServer, rec *recorder) {
	c, ctx, cancel := dialFloor(b, srv)
	defer cancel()
	defer c.CloseNow()
	b.ResetTimer()
	srv.Start()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			b.Fatal(err)
		}
		module, content, ok := scanFrame(data)
		if !ok {
			b.Fatal("f1-scan: malformed frame")
		}
		if string(module) != "message" || len(content) < len(tsField)+tsDigits {
			continue
		}
		var env floorEnvelope
		if err := json.Unmarshal(content, &env); err != nil {
			b.Fatal(err)
		}
		if err := wantFiles(len(env.Payload.Object.RecordingFiles)); err != nil {
			b.Fatal(err)
		}
		if rec.record(parseTS(content[len(tsField):])) {
			break
		}
	}
	b.StopTimer()
}

// scanFrame returns the unquoted module and content strings of a frame
// object, skipping every other member.
func scanFrame(d []byte) (module, content []byte, ok bool) {
	i := skipWS(d, 0)
	if i >= len(d) || d[i] != '{' {
		return nil, nil, false
	}
	i++
	for {
		i = skipWS(d, i)
		if i < len(d) && d[i] == '}' {
			return module, content, true
		}
		ks, ke := i, scanString(d, i)
		if ke < 0 {
			return nil, nil, false
		}
		i = skipWS(d, ke)
		if i >= len(d) || d[i] != ':' {
			return nil, nil, false
		}
		i = skipWS(d, i+1)
		vs := i
		if i = scanValue(d, i); i < 0 {
			return nil, nil, false
		}
		switch string(d[ks+1 : ke-1]) {
		case "module", "content":
			if d[vs] != '"' {
				return nil, nil, false
			}
			s, ok := unquote(d[vs+1 : i-1])
			if !ok {
				return nil, nil, false
			}
			if d[ks+1] == 'm' {
				module = s
			} else {
				content = s
			}
		}
		i = skipWS(d, i)
		if i >= len(d) {
			return nil, nil, false
		}
		switch d[i] {
		case ',':
			i++
		case '}':
			return module, content, true
		default:
			return nil, nil, false
		}
	}
}

func skipWS(d []byte, i int) int {
	for i < len(d) && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r') {
		i++
	}
	return i
}

// scanString returns the index after the string starting at d[i], or -1.
func scanString(d []byte, i int) int {
	if i >= len(d) || d[i] != '"' {
		return -1
	}
	for i++; i < len(d); {
		j := bytes.IndexAny(d[i:], `"\`)
		if j < 0 {
			return -1
		}
		i += j
		if d[i] == '"' {
			return i + 1
		}
		i += 2
	}
	return -1
}

// scanValue returns the index after the value starting at d[i], or -1.
func scanValue(d []byte, i int) int {
	if i >= len(d) {
		return -1
	}
	switch d[i] {
	case '"':
		return scanString(d, i)
	case '{', '[':
		depth := 0
		for i < len(d) {
			switch d[i] {
			case '"':
				if i = scanString(d, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	default:
		for i < len(d) && d[i] != ',' && d[i] != '}' && d[i] != ']' && d[i] != ' ' && d[i] != '\n' && d[i] != '\r' && d[i] != '\t' {
			i++
		}
		return i
	}
}

// unquote decodes the body of a JSON string into a new slice.
func unquote(s []byte) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		j := bytes.IndexByte(s[i:], '\\')
		if j < 0 {
			return append(out, s[i:]...), true
		}
		out = append(out, s[i:i+j]...)
		i += j
		if i+1 >= len(s) {
			return nil, false
		}
		switch c := s[i+1]; c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(s, i+2)
			if !ok {
				return nil, false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(s, i+2); ok && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return nil, false
		}
		i += 2
	}
	return out, true
}

func hex4(s []byte, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range s[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// TestScanFrame checks the prototype against encoding/json on frames with
// escapes, other members and nesting.
func TestScanFrame(t *testing.T) {
	ev := stampedEvent(zoomBody(t, sizes[0]))
	frame, _ := zoomFrame(t, ev)
	for _, f := range [][]byte{
		frame,
		[]byte(`{"header":{"x":[1,{"y":"}\""}]},"success":true, "module" : "message","content":"{\"a\":\"\u00e9\\u00e9 \ud83d\ude00 \\ud83d\\ude00 <>&\"}"}`),
		[]byte(`{"module":"heartbeat","success":true}`),
	} {
		module, content, ok := scanFrame(f)
		var want floorFrame
		if err := json.Unmarshal(f, &want); err != nil {
			t.Fatal(err)
		}
		if !ok || string(module) != want.Module || string(content) != want.Content {
			t.Errorf("scanFrame(%.60s) = %q, %.40q, %v; want %q, %.40q", f, module, content, ok, want.Module, want.Content)
		}
	}
	for _, bad := range []string{``, `[]`, `{"module":}`, `{"content":"\x"}`, `{"a":"unterminated}`} {
		if _, _, ok := scanFrame([]byte(bad)); ok {
			t.Errorf("scanFrame(%q) accepted", bad)
		}
	}
}

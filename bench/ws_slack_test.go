package bench

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/slacktest"
	"github.com/slack-go/slack/socketmode"
)

func init() {
	wsImpls = append(wsImpls,
		wsImpl{"f1-gorilla", runF1Gorilla},
		wsImpl{"slack", runSlack},
	)
}

// runF1Gorilla is F1 on gorilla/websocket (ReadMessage + the two
// json.Unmarshal), the floor to read slack-go's numbers against: slack-go
// uses gorilla on both ends.
func runF1Gorilla(b *testing.B, srv *wsServer, rec *recorder) {
	c, _, err := websocket.DefaultDialer.Dial(srv.URL(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	c.SetReadLimit(1 << 20)
	b.ResetTimer()
	srv.Start()
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			b.Fatal(err)
		}
		var f floorFrame
		if err := json.Unmarshal(data, &f); err != nil {
			b.Fatal(err)
		}
		if f.Module != "message" || len(f.Content) < len(tsField)+tsDigits {
			continue
		}
		var env floorEnvelope
		if err := json.Unmarshal([]byte(f.Content), &env); err != nil {
			b.Fatal(err)
		}
		if err := wantFiles(len(env.Payload.Object.RecordingFiles)); err != nil {
			b.Fatal(err)
		}
		if rec.record(parseTS(f.Content[len(tsField):])) {
			break
		}
	}
	b.StopTimer()
	_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
}

// slackFile is one file of a Slack message event, the analogue of one
// Zoom recording file (about the same size and number of fields).
const slackFile = `{"id":"F0123456789","created":1626230691,"timestamp":1626230691,"name":"recording-shared_screen_with_speaker_view.mp4","title":"My Personal Recording","mimetype":"video/mp4","filetype":"mp4","pretty_type":"MPEG 4 Video","user":"U0123456789","size":282825,"url_private":"https://files.slack.com/files-pri/T0-F0123456789/recording.mp4","url_private_download":"https://files.slack.com/files-pri/T0-F0123456789/download/recording.mp4","permalink":"https://example.slack.com/files/U0123456789/F0123456789/recording.mp4"}`

// slackFrame is a Socket Mode events_api envelope around a message event
// with files, about the size of the Zoom frame. The send timestamp is the
// envelope_id, which slack-go hands back as Request.EnvelopeID.
func slackFrame(tb testing.TB, target int) ([]byte, int) {
	tb.Helper()
	build := func(n int) []byte {
		files := strings.TrimSuffix(strings.Repeat(slackFile+",", n), ",")
		return []byte(`{"envelope_id":"` + strings.Repeat("0", tsDigits) + `","type":"events_api","accepts_response_payload":false,"retry_attempt":0,"retry_reason":"",` +
			`"payload":{"token":"XXYYZZ","team_id":"T0123456789","api_app_id":"A0123456789","type":"event_callback","event_id":"Ev0123456789","event_time":1626230691,` +
			`"event":{"type":"message","subtype":"file_share","channel":"C0123456789","channel_type":"channel","user":"U0123456789","text":"Recording completed: My Personal Recording","ts":"1626230691.000100","event_ts":"1626230691.000100","files":[` + files + `]}}}`)
	}
	best := build(1)
	for n := 2; ; n++ {
		f := build(n)
		if abs(len(f)-target) >= abs(len(best)-target) {
			break
		}
		best = f
	}
	if !json.Valid(best) {
		tb.Fatal("bench: slack frame is not valid JSON")
	}
	return best, len(`{"envelope_id":"`)
}

// slackServer is slacktest's server with /ws replaced by a gorilla
// endpoint that says hello, then sends n Socket Mode frames (flood or
// lock-step, as wsServer) and reads the acks. It does not use slacktest's
// SendToWebsocket, which starts a goroutine per message and loses order.
type slackServer struct {
	*slacktest.Server
	frame    []byte
	tsOff    int
	n        int
	lockstep bool
	start    chan struct{}
	next     chan struct{}
	stop     chan struct{}
	wg       sync.WaitGroup
	errMu    sync.Mutex
	err      error
}

func newSlackServer(tb testing.TB, n int, lockstep bool) *slackServer {
	frame, off := slackFrame(tb, len(zoomBody(tb, sizes[0]))+200)
	s := &slackServer{frame: frame, tsOff: off, n: n, lockstep: lockstep,
		start: make(chan struct{}), next: make(chan struct{}, 1), stop: make(chan struct{})}
	s.Server = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/ws", slacktest.Websocket(s.serve))
	})
	s.Server.Start()
	return s
}

func (s *slackServer) Next() {
	if s.lockstep {
		select {
		case s.next <- struct{}{}:
		default:
		}
	}
}

func (s *slackServer) fail(err error) {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

func (s *slackServer) Close() error {
	close(s.stop)
	s.Server.Stop()
	s.wg.Wait()
	s.errMu.Lock()
	defer s.errMu.Unlock()
	return s.err
}

func (s *slackServer) serve(c *websocket.Conn) {
	s.wg.Add(1)
	defer s.wg.Done()
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			if _, _, err := c.ReadMessage(); err != nil { // acks
				return
			}
		}
	}()
	defer func() {
		_ = c.Close()
		<-readerDone
	}()
	hello := `{"type":"hello","num_connections":1,"debug_info":{"host":"bench","approximate_connection_time":18060},"connection_info":{"app_id":"A0123456789"}}`
	if err := c.WriteMessage(websocket.TextMessage, []byte(hello)); err != nil {
		s.fail(err)
		return
	}
	select {
	case <-s.start:
	case <-s.stop:
		return
	case <-readerDone:
		return
	}
	frame := append([]byte(nil), s.frame...)
	ts := frame[s.tsOff : s.tsOff+tsDigits]
	for i := 0; i < s.n; i++ {
		if s.lockstep && i > 0 {
			select {
			case <-s.next:
			case <-s.stop:
				return
			case <-readerDone:
				return
			}
		}
		putTS(ts, nowNS())
		if err := c.WriteMessage(websocket.TextMessage, frame); err != nil {
			s.fail(err)
			return
		}
	}
	select {
	case <-s.stop:
	case <-readerDone:
	}
}

// runSlack is slack-go's socketmode client against slacktest, draining
// Client.Events and acking each event as its documentation shows; the
// handler starts when the event is taken from Events. It takes only the
// mode from srv (slack-go cannot speak to a Zoom-shaped server) and uses a
// slackServer with a Slack message event of the same size class.
func runSlack(b *testing.B, srv *wsServer, rec *recorder) {
	ss := newSlackServer(b, cap(rec.lat), srv.lockstep)
	rec.next = ss.Next
	api := slack.New("xoxb-bench", slack.OptionAPIURL(ss.GetAPIURL()), slack.OptionAppLevelToken("xapp-bench"))
	client := socketmode.New(api, socketmode.OptionPingInterval(time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- client.RunContext(ctx) }()
	stop := func() {
		cancel()
		<-runDone
		if err := ss.Close(); err != nil {
			b.Error(err)
		}
	}
	// Wait for hello.
	for connected := false; !connected; {
		select {
		case evt := <-client.Events:
			connected = evt.Type == socketmode.EventTypeHello
		case err := <-runDone:
			runDone <- err
			stop()
			b.Fatal("socketmode stopped:", err)
		case <-time.After(10 * time.Second):
			stop()
			b.Fatal("socketmode did not connect")
		}
	}
	b.ResetTimer()
	close(ss.start)
	var bad error
loop:
	for {
		select {
		case evt := <-client.Events:
			if evt.Type != socketmode.EventTypeEventsAPI {
				continue
			}
			sent := parseTS(evt.Request.EnvelopeID)
			ev, ok := evt.Data.(slackevents.EventsAPIEvent)
			msg, ok2 := ev.InnerEvent.Data.(*slackevents.MessageEvent)
			if !ok || !ok2 || msg.Message == nil || len(msg.Message.Files) == 0 {
				bad = errors.New("slack: event not decoded into *slackevents.MessageEvent with files")
			}
			client.Ack(*evt.Request)
			if rec.record(sent) {
				break loop
			}
		case err := <-runDone:
			runDone <- err
			bad = errors.Join(errors.New("socketmode stopped early"), err)
			break loop
		}
	}
	b.StopTimer()
	stop()
	if bad != nil {
		b.Fatal(bad)
	}
}

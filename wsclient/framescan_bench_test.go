package wsclient

import (
	"encoding/json"
	"testing"
)

// BenchmarkDecodeFrame times decodeFrame alone on a Zoom message frame
// carrying a 1 KiB event (escaped JSON in a string), a heartbeat and a
// frame with the event as an object.
func BenchmarkDecodeFrame(b *testing.B) {
	content := `{"event":"recording.completed","event_ts":1700000000000,"payload":{"account_id":"acct","object":{"uuid":"u==","id":123,"host_id":"h","topic":"Tópic \"quoted\" 🎉","start_time":"2024-01-01T00:00:00Z","recording_files":[` +
		`{"id":"f1","file_type":"MP4","download_url":"https://zoom.us/rec/download/abc?x=1","status":"completed"},` +
		`{"id":"f2","file_type":"M4A","download_url":"https://zoom.us/rec/download/def?x=2","status":"completed"},` +
		`{"id":"f3","file_type":"TRANSCRIPT","download_url":"https://zoom.us/rec/download/ghi?x=3","status":"completed"}]}},"download_token":"` +
		"tok.abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz" + `"}`
	message, err := json.Marshal(map[string]any{"module": "message", "success": true, "content": content, "header": map[string]string{"x-zm-trackingid": "tr"}})
	if err != nil {
		b.Fatal(err)
	}
	object := []byte(`{"module":"message","success":true,"content":` + content + `,"header":{}}`)
	heartbeat := []byte(`{"module":"heartbeat","success":true,"content":"live","header":{}}`)
	for _, c := range []struct {
		name string
		data []byte
	}{{"message", message}, {"object", object}, {"heartbeat", heartbeat}} {
		b.Run(c.name, func(b *testing.B) {
			var f frame
			if err := decodeFrame(c.data, &f); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				f = frame{}
				if err := decodeFrame(c.data, &f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

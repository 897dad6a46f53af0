package wsclient

import (
	"encoding/json"
	"errors"

	"github.com/zoomevents/zoomevents/internal/jsonscan"
)

// errInvalidFrame words the refusal of a frame that jsonscan.Decoder finds
// invalid but encoding/json accepts, which the differential tests say
// never happens.
var errInvalidFrame = errors.New("wsclient: frame is not valid JSON")

// decodeFrame decodes a frame in one pass, without reflection, exactly as
// encoding/json's json.Unmarshal into f does while ignoring its
// *json.UnmarshalTypeError: a member of an unexpected JSON type (a numeric
// header id, say) is left as it was rather than failing the frame, so that
// it cannot cost an event. Member names match exactly, else
// case-insensitively as encoding/json folds them; a repeated member
// decodes again. A frame that is not valid JSON returns an error (worded
// by encoding/json, on that path only) and leaves f partly filled.
func decodeFrame(data []byte, f *frame) error {
	var d jsonscan.Decoder
	// Without the copy: the content, nearly all of a frame, is unquoted
	// into its own slice anyway, and the few other strings are short (the
	// module interned), so one copy of the whole frame for them to share
	// costs more than it saves.
	d.ResetNoCopy(data)
	if d.Open("", "wsclient.frame") {
		for d.Member() {
			k := d.KeyIn(frameNames[:])
		again:
			switch k {
			case "module":
				d.Enum(&f.Module, "module", "string", modules[:])
			case "success":
				if d.Null() {
					f.Success = nil
					break
				}
				// encoding/json allocates the pointer before it looks at
				// the value's type: "yes" leaves a pointer to false.
				if f.Success == nil {
					f.Success = new(bool)
				}
				d.Bool(f.Success, "success")
			case "content":
				if raw := d.Raw(); raw != nil {
					_ = f.Content.UnmarshalJSON(raw) // never fails
				}
			case "header":
				if d.Open("header", "struct") {
					decodeHeader(&d, f)
				}
			default:
				if k = d.Fold(frameFolded[:], frameNames[:]); k != "" {
					goto again
				}
				d.Skip()
			}
		}
	}
	if d.End() {
		return nil
	}
	// Refused: only now does encoding/json read the frame, to word why.
	if err := json.Unmarshal(data, &struct{}{}); err != nil {
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return err
		}
	}
	return errInvalidFrame
}

// decodeHeader decodes the members of the header object, which
// [jsonscan.Decoder.Open] has opened, into f.Header.
func decodeHeader(d *jsonscan.Decoder, f *frame) {
	for d.Member() {
		k := d.KeyIn(headerNames[:])
	again:
		switch k {
		case "x-zm-request-id":
			d.String(&f.Header.RequestID, "header.x-zm-request-id", "string")
		case "x-zm-trackingid":
			d.String(&f.Header.TrackingID, "header.x-zm-trackingid", "string")
		default:
			if k = d.Fold(headerFolded[:], headerNames[:]); k != "" {
				goto again
			}
			d.Skip()
		}
	}
}

// The members of frame and of its header, in field order, and folded for
// [jsonscan.Decoder.Fold] (TestFoldedNames checks them); the modules Zoom
// sends, interned.
var (
	frameNames   = [...]string{"module", "success", "content", "header"}
	frameFolded  = [...]string{"MODULE", "SUCCESS", "CONTENT", "HEADER"}
	headerNames  = [...]string{"x-zm-request-id", "x-zm-trackingid"}
	headerFolded = [...]string{"X-ZM-REQUEST-ID", "X-ZM-TRACKINGID"}
	modules      = [...]string{"message", "heartbeat", "build_connection"}
)

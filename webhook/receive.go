package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/zoomevents/zoomevents/event"
)

// URLValidationEvent is the event name of Zoom's endpoint validation
// challenge, which [Verifier.Receive] and the [Endpoint] answer themselves.
const URLValidationEvent = "endpoint.url_validation"

// ErrInvalidEvent: the signed body is not a JSON event, or a URL validation
// challenge has no plainToken. It wraps the event package's error where
// there is one.
var ErrInvalidEvent = errors.New("webhook: body is not a Zoom event")

// ErrBodyRead: the body could not be read whole (the client stopped
// sending, the connection broke, a read timed out). It is answered 500, not
// 400: the event was not refused, so Zoom should retry it.
var ErrBodyRead = errors.New("webhook: reading the body failed")

// Received is a genuine request, as [Verifier.Receive] found it: exactly
// one of Event and Challenge is set.
type Received struct {
	// Event is the decoded event, with its Delivery filled in (transport,
	// request id, time received, traceparent), for an event handler.
	Event *event.Event
	// Challenge is set instead when the request was Zoom's URL validation
	// challenge: answer it, and pass nothing to an event handler.
	Challenge *Challenge
}

// Challenge is the answer to Zoom's URL validation challenge
// (endpoint.url_validation), computed with the secret that signed the
// challenge. Zoom expects it as the body of a 200 answer, with
// Content-Type application/json, within 3 seconds.
type Challenge struct {
	PlainToken     string `json:"plainToken"`
	EncryptedToken string `json:"encryptedToken"`
}

// JSON returns the answer's body: {"plainToken":...,"encryptedToken":...}.
func (c *Challenge) JSON() []byte {
	b, _ := json.Marshal(c) // two strings: cannot fail
	return b
}

// Receive verifies a webhook request given its headers and raw body, with
// no HTTP server: for AWS Lambda, queues and frameworks that hand over
// bytes. It returns either the decoded event or the URL validation answer;
// on error, [StatusCode] gives the status to answer Zoom with.
//
// The checks run cheapest first, and the first that fails decides:
// authentication headers ([ErrUnauthorized]), signature and timestamp
// present and well formed and the timestamp inside the window
// ([ErrMissingSignature], [ErrMissingTimestamp], [ErrBadTimestamp],
// [ErrStaleTimestamp], [ErrBadSignature]), then the HMAC of the body
// ([ErrBadSignature]), then the body's JSON ([ErrInvalidEvent]). A URL
// validation challenge is answered only once its own signature verified.
// The event keeps body as its Raw bytes: do not modify body afterwards.
func (v *Verifier) Receive(header http.Header, body []byte) (Received, error) {
	var hv verifiedHeaders
	if err := v.checkHeaders(header, &hv); err != nil {
		return Received{}, err
	}
	return v.receiveBody(&hv, header, body)
}

// receiveBody is Receive after checkHeaders passed.
func (v *Verifier) receiveBody(hv *verifiedHeaders, header http.Header, body []byte) (Received, error) {
	secret, err := v.match(&hv.sig, hv.timestamp, body)
	if err != nil {
		return Received{}, err
	}
	ev, err := event.Parse(body)
	if err != nil {
		return Received{}, fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	if ev.Name == URLValidationEvent {
		var c struct {
			Payload struct {
				PlainToken string `json:"plainToken"`
			} `json:"payload"`
		}
		if err := json.Unmarshal(body, &c); err != nil || c.Payload.PlainToken == "" {
			return Received{}, fmt.Errorf("%w: URL validation without a plainToken", ErrInvalidEvent)
		}
		return Received{Challenge: &Challenge{
			PlainToken:     c.Payload.PlainToken,
			EncryptedToken: v.encryptToken(secret, c.Payload.PlainToken),
		}}, nil
	}
	ev.Delivery = event.Delivery{
		Transport:   event.TransportWebhook,
		RequestID:   requestID(header),
		ReceivedAt:  v.now(),
		TraceParent: traceParent(header),
	}
	return Received{Event: ev}, nil
}

// StatusCode returns the HTTP status Zoom should be answered for err, an
// error of [Verifier.Receive] or of reading a request: 200 for nil, 401 for
// an authentication, signature or timestamp failure, 413 for
// [ErrBodyTooLarge], 400 for [ErrInvalidEvent], 405 for
// [ErrMethodNotAllowed], 403 for [ErrSourceNotAllowed], and 500 for
// anything else ([ErrBodyRead], an event handler's failure: Zoom retries
// 5xx and never 4xx).
func StatusCode(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrMissingSignature),
		errors.Is(err, ErrMissingTimestamp), errors.Is(err, ErrBadTimestamp),
		errors.Is(err, ErrStaleTimestamp), errors.Is(err, ErrBadSignature):
		return http.StatusUnauthorized
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrInvalidEvent):
		return http.StatusBadRequest
	case errors.Is(err, ErrMethodNotAllowed):
		return http.StatusMethodNotAllowed
	case errors.Is(err, ErrSourceNotAllowed):
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

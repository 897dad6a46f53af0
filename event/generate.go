package event

// The typed payloads (*_gen.go) are generated from Zoom's webhook
// specifications, which live outside the repository in ../shared (see
// internal/eventgen). Run "go generate ./event/..." from the repository root.
//go:generate go run ../internal/eventgen -specs ../../shared/zoom-events/specs -contact-center ../../shared/zoom-events/contact-center -out .

// Package decode holds the generated, reflection-free decoders of the
// payload types of package payload: one function for each struct and each
// slice type, written by internal/eventgen from the same model as the
// types, over [jsonscan.Decoder]. [Payload] is their entry point, used by
// event.Parse.
//
// They decode exactly as encoding/json decodes into the same structs:
// event's differential tests and fuzz test compare the two on every
// synthesized body and on mutations of them.
package decode

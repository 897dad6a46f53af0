package event

// The typed payloads (package payload, *_gen.go) and the catalog
// (catalog_gen.go) are generated from the committed snapshot
// of Zoom's webhook specifications (internal/eventgen/snapshot), so the
// repository generates on its own. Run "go generate ./event/..." from the
// repository root; internal/eventgen's import mode refreshes the snapshot.
//go:generate go run ../internal/eventgen -snapshot ../internal/eventgen/snapshot/zoom-webhooks.json -out . -payload-out ../payload -decode-out ../internal/decode

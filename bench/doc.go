// Package bench holds side-by-side benchmarks of zoomevents against peer
// libraries and raw floors. It is its own module so that the peers never
// enter the SDK's go.mod. See README.md.
package bench

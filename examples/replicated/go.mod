module github.com/zoomevents/zoomevents/examples/replicated

go 1.26.0

replace (
	github.com/zoomevents/zoomevents => ../..
	github.com/zoomevents/zoomevents/store/redisstore => ../../store/redisstore
)

require (
	github.com/redis/go-redis/v9 v9.23.0
	github.com/zoomevents/zoomevents v0.0.0-00010101000000-000000000000
	github.com/zoomevents/zoomevents/store/redisstore v0.0.0-00010101000000-000000000000
	go.uber.org/goleak v1.3.0
)

require (
	github.com/cenkalti/backoff/v4 v4.3.0 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/coder/websocket v1.8.15 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)

module github.com/zoomevents/zoomevents/examples/webhook-router

go 1.24

replace github.com/zoomevents/zoomevents => ../..

require (
	github.com/go-chi/chi/v5 v5.5.0
	github.com/zoomevents/zoomevents v0.0.0-00010101000000-000000000000
)

require go.uber.org/goleak v1.3.0

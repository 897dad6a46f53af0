module github.com/zoomevents/zoomevents/lambda

go 1.23

replace github.com/zoomevents/zoomevents => ..

require github.com/aws/aws-lambda-go v1.54.0

require (
	github.com/stretchr/testify v1.10.0
	github.com/zoomevents/zoomevents v0.0.0-00010101000000-000000000000
	go.uber.org/goleak v1.3.0
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

package eventtest

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"

	"github.com/zoomevents/zoomevents/event"
	"github.com/zoomevents/zoomevents/payload"
)

var (
	idType       = reflect.TypeOf(payload.ID(""))
	dateTimeType = reflect.TypeOf(payload.DateTime(""))
	rawType      = reflect.TypeOf(json.RawMessage(nil))
)

// fillSample sets every field of the struct p points to an example value
// chosen by its type and JSON name.
func fillSample(p event.Payload, now time.Time) {
	fill(reflect.ValueOf(p).Elem(), "", now, 0)
}

// fill sets v to an example value; it stops at a depth that no Zoom schema
// reaches, so a recursive user type cannot make it loop.
func fill(v reflect.Value, name string, now time.Time, depth int) {
	if depth > 8 {
		return
	}
	switch v.Type() {
	case idType:
		v.SetString("85393847045")
		return
	case dateTimeType:
		v.SetString(now.UTC().Format(time.RFC3339))
		return
	case rawType:
		v.SetBytes([]byte("{}"))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(exampleString(name))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(exampleInt(name))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(exampleInt(name)))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(exampleInt(name)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag := strings.Split(f.Tag.Get("json"), ",")[0]
			if tag == "-" {
				continue
			}
			fill(v.Field(i), tag, now, depth+1)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), name, now, depth+1)
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), name, now, depth+1)
		v.Set(p)
	}
	// Maps and interfaces are left at their zero value.
}

func exampleString(name string) string {
	n := strings.ToLower(name)
	switch {
	case n == "account_id" || n == "accountid":
		return "test-account-id"
	case strings.Contains(n, "email") || n == "operator":
		return "ada@example.com"
	case n == "topic":
		return "Weekly sync"
	case strings.HasSuffix(n, "url"):
		return "https://example.com/" + n
	case n == "timezone":
		return "America/New_York"
	case strings.HasSuffix(n, "name"):
		return "Ada Lovelace"
	case n == "uuid":
		return "4444AAAiAAAAAiAiAiiAii=="
	case strings.HasSuffix(n, "_id") || n == "id":
		return "test-" + strings.ReplaceAll(n, "_", "-")
	case n == "":
		return "example"
	}
	return "example " + strings.ReplaceAll(n, "_", " ")
}

func exampleInt(name string) int64 {
	switch n := strings.ToLower(name); {
	case n == "duration":
		return 30
	case n == "type":
		return 2
	case strings.HasSuffix(n, "size"):
		return 1024
	}
	return 1
}

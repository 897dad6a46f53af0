package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/zoomevents/zoomevents/event"
)

func runEvents(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "events", "", "Lists every known event name with its product and whether it decodes typed or raw.")
	asJSON := fs.Bool("json", false, "print a JSON array")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("unexpected argument %q", rest[0])
	}
	catalog := event.Catalog()
	if *asJSON {
		type row struct {
			Name     string   `json:"name"`
			Product  string   `json:"product"`
			Typed    bool     `json:"typed"`
			Envelope []string `json:"envelope,omitempty"`
		}
		rows := make([]row, len(catalog))
		for i, info := range catalog {
			rows[i] = row{Name: info.Name, Product: info.Product, Typed: info.Typed, Envelope: info.Envelope}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "EVENT\tPRODUCT\tDECODES")
	typed := 0
	for _, info := range catalog {
		kind := "raw"
		if info.Typed {
			kind = "typed"
			typed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", info.Name, info.Product, kind)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%d events, %d typed, %d raw\n", len(catalog), typed, len(catalog)-typed)
	return nil
}

func runParse(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "parse", "[FILE|-]",
		"Reads one event body (as a webhook delivers it) from FILE or stdin, prints the Go type it decodes\n"+
			"into and the typed payload re-encoded as indented JSON. Decode problems go to stderr.")
	asJSON := fs.Bool("json", false, `print one object {"event","go_type","payload","problems"}`)
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return usageError("at most one FILE")
	}
	path := "-"
	if len(rest) == 1 {
		path = rest[0]
	}
	body, err := readInput(path, e.stdin)
	if err != nil {
		return err
	}
	ev, err := event.Parse(body)
	if err != nil {
		return err
	}
	goType := "(raw: no struct for this event)"
	var payload any = ev.RawPayload()
	if ev.Payload != nil {
		goType = fmt.Sprintf("%T", ev.Payload)
		payload = ev.Payload
	}
	var problems []string
	if ev.Problem != nil {
		problems = append(problems, ev.Problem.Error())
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if problems == nil {
			problems = []string{}
		}
		return enc.Encode(struct {
			Event    string   `json:"event"`
			GoType   string   `json:"go_type"`
			Payload  any      `json:"payload"`
			Problems []string `json:"problems"`
		}{ev.Name, goType, payload, problems})
	}
	for _, p := range problems {
		fmt.Fprintln(e.stderr, "problem:", p)
	}
	out, err := json.MarshalIndent(payload, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "event:   %s\ngo type: %s\npayload:\n%s\n", ev.Name, goType, out)
	return nil
}

// readInput reads a file, or stdin for "-".
func readInput(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		if stdin == nil {
			return nil, errors.New("no standard input")
		}
		return io.ReadAll(io.LimitReader(stdin, 64<<20))
	}
	return os.ReadFile(path)
}

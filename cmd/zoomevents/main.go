// Command zoomevents receives, sends and inspects Zoom events.
//
//	zoomevents demo                       see the SDK work, with a built-in fake Zoom
//	zoomevents listen                     subscribe over WebSocket; one JSON line per event
//	zoomevents serve                      receive webhooks; one JSON line per event
//	zoomevents trigger EVENT --to URL     send one signed event to a webhook endpoint
//	zoomevents events [--json]            list every known event
//	zoomevents parse [FILE|-] [--json]    decode one event body and show its Go type
//
// Exit status: 0 on success, 2 on a usage error, 1 on a runtime failure
// (with a one-line error on stderr).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// env is how commands read the environment, so tests can supply their own.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

var commands = []command{
	{"demo", "see the SDK work end to end, with a built-in fake Zoom (no account needed)", runDemo},
	{"listen", "subscribe to a Zoom WebSocket subscription; print or forward each event", runListen},
	{"serve", "receive Zoom webhooks; print each verified event as one JSON line", runServe},
	{"trigger", "send one signed, plausible event to a webhook endpoint", runTrigger},
	{"events", "list every known event name, its product and whether it is typed", runEvents},
	{"parse", "decode one event body and show the Go type and payload", runParse},
}

// errUsage marks errors that exit with status 2.
var errUsage = errors.New("usage")

func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(e.stderr, "zoomevents %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(e.stderr, "zoomevents %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "zoomevents: unknown command %q\n", args[0])
	printUsage(e.stderr)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: zoomevents COMMAND [flags]  (zoomevents COMMAND -h for its flags)")
	fmt.Fprintln(w)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}

// newFlags returns a flag set that reports errors instead of exiting, and
// prints its usage to the command's stderr.
func newFlags(e *env, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: zoomevents %s %s\n\n%s\n\nflags:\n", name, args, about)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors. It accepts
// flags after positional arguments too (`trigger EVENT --to URL`).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// requireEnv returns the named variable or a usage error.
func requireEnv(e *env, name string) (string, error) {
	v := e.getenv(name)
	if v == "" {
		return "", usageError("environment variable %s is not set", name)
	}
	return v, nil
}

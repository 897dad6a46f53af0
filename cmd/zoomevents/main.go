// Command zoomevents receives, sends and inspects Zoom events.
//
//	zoomevents demo                       see the SDK work, with a built-in fake Zoom
//	zoomevents listen                     subscribe over WebSocket; one JSON line per event
//	zoomevents serve                      receive webhooks; one JSON line per event
//	zoomevents trigger EVENT --to URL     send one signed event to a webhook endpoint
//	zoomevents events [--json]            list every known event
//	zoomevents parse [FILE|-] [--json]    decode one event body and show its Go type
//	zoomevents version                    print the module version and VCS revision
//	zoomevents help [COMMAND]             print the usage, or one command's flags
//
// Help (-h, --help, help COMMAND) goes to stdout and exits 0.
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
	"strings"
	"syscall"
)

// env is how commands read the environment, so tests can supply their own.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// limits are serve's HTTP server limits; nil means defaultLimits.
	// Tests set short ones.
	limits *httpLimits
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
	{"version", "print the module version, VCS revision and Go version", runVersion},
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
	if len(args) == 0 {
		printUsage(e.stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		printUsage(e.stdout)
		return 0
	case "help":
		if len(args) == 1 {
			printUsage(e.stdout)
			return 0
		}
		if len(args) > 2 || findCommand(args[1]) == nil {
			fmt.Fprintf(e.stderr, "zoomevents help: unknown command %q\n", strings.Join(args[1:], " "))
			printUsage(e.stderr)
			return 2
		}
		args = []string{args[1], "-h"}
	}
	c := findCommand(args[0])
	if c == nil {
		fmt.Fprintf(e.stderr, "zoomevents: unknown command %q\n", args[0])
		printUsage(e.stderr)
		return 2
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

func findCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: zoomevents COMMAND [flags]  (zoomevents help COMMAND, or zoomevents COMMAND -h, for its flags)")
	fmt.Fprintln(w)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-8s %s\n", "help", "print this, or one command's help and flags (help COMMAND)")
}

// flagSet is a command's flags: help goes to stdout, errors to stderr.
type flagSet struct {
	*flag.FlagSet
	e     *env
	args  string // the positional arguments, as the synopsis shows them
	about string
	// required flags are shown without brackets in the synopsis.
	required map[string]bool
}

// newFlags returns a command's flag set; name is the command, args its
// positional arguments as the synopsis shows them, about its description.
func newFlags(e *env, name, args, about string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), e: e, args: args, about: about}
	// The flag package prints errors and usage itself; parse does it instead.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// synopsis is the command's one-line usage, generated from its flags so it
// cannot drift from them: "serve [--addr ADDR] [--no-dedup] [-v]".
func (fs *flagSet) synopsis() string {
	var b strings.Builder
	b.WriteString(fs.Name())
	if fs.args != "" {
		b.WriteString(" " + fs.args)
	}
	fs.VisitAll(func(f *flag.Flag) {
		s := flagName(f)
		if v := flagValueName(f); v != "" {
			s += " " + v
		}
		if !fs.required[f.Name] {
			s = "[" + s + "]"
		}
		b.WriteString(" " + s)
	})
	return b.String()
}

// flagName spells a flag as the CLI documents it: -v for one letter,
// --name otherwise (the flag package accepts either spelling).
func flagName(f *flag.Flag) string {
	if len(f.Name) == 1 {
		return "-" + f.Name
	}
	return "--" + f.Name
}

// flagValueName is the placeholder for a flag's value: the back-quoted
// word of its usage, or its type, upper-cased; "" for a boolean flag.
func flagValueName(f *flag.Flag) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return ""
	}
	name, _ := flag.UnquoteUsage(f)
	return strings.ToUpper(name)
}

// printHelp writes the command's full help.
func (fs *flagSet) printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: zoomevents %s\n\n%s\n", fs.synopsis(), fs.about)
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprint(w, "\nflags:\n")
			first = false
		}
		_, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  %s", flagName(f))
		if v := flagValueName(f); v != "" {
			fmt.Fprintf(w, " %s", v)
		}
		fmt.Fprintf(w, "\n    \t%s", usage)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			if fmt.Sprintf("%T", f.Value) == "*flag.stringValue" {
				fmt.Fprintf(w, " (default %q)", f.DefValue)
			} else {
				fmt.Fprintf(w, " (default %s)", f.DefValue)
			}
		}
		fmt.Fprintln(w)
	})
}

// parse parses args, accepting flags after positional arguments too
// (`trigger EVENT --to URL`). -h prints the help to stdout and returns
// flag.ErrHelp; a bad flag is a usage error.
func (fs *flagSet) parse(args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.printHelp(fs.e.stdout)
				return nil, err
			}
			return nil, usageError("%v (see 'zoomevents help %s')", err, fs.Name())
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// missingEnv returns a usage error naming every variable in names that is
// unset, or nil when all are set.
func missingEnv(e *env, names ...string) error {
	var missing []string
	for _, n := range names {
		if e.getenv(n) == "" {
			missing = append(missing, n)
		}
	}
	return missingError(missing)
}

// missingError reports every missing variable (or alternative, such as
// "ZOOM_SUBSCRIPTION_ID or --endpoint") in one usage error.
func missingError(missing []string) error {
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return usageError("environment variable %s is not set", missing[0])
	}
	return usageError("environment variables not set: %s", strings.Join(missing, ", "))
}

package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

func runVersion(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "version", "", "Prints the module version, the VCS revision it was built from and the Go version.")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("unexpected argument %q", rest[0])
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(e.stdout, versionLine(info, runtime.Version()))
	return nil
}

// versionLine describes a build in one line:
//
//	zoomevents v1.2.0 (revision 0123abcd4567, 2026-11-27T09:00:00Z, modified) go1.26.0
//
// The version is "(devel)" for a build from a work tree and "(unknown)"
// without build information; the revision part is left out when the build
// recorded none (go build -buildvcs=false, or not in a repository).
func versionLine(info *debug.BuildInfo, goVersion string) string {
	version := "(unknown)"
	var vcs []string
	if info != nil {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		var revision, when string
		modified := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if revision != "" {
			if len(revision) > 12 {
				revision = revision[:12]
			}
			vcs = append(vcs, "revision "+revision)
			if when != "" {
				vcs = append(vcs, when)
			}
			if modified {
				vcs = append(vcs, "modified")
			}
		}
	}
	line := "zoomevents " + version
	if len(vcs) > 0 {
		line += " (" + strings.Join(vcs, ", ") + ")"
	}
	return line + " " + goVersion
}

package main

import (
	"context"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zoomevents/zoomevents/wsclient/wstest"
)

func TestHelpGoesToStdoutAndExits0(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		te := newTestEnv(nil, "")
		assert.Equal(t, 0, runCLI(t, te, args...), args)
		assert.Contains(t, te.out.String(), "usage: zoomevents COMMAND", args)
		assert.Contains(t, te.out.String(), "  version ", args)
		assert.Empty(t, te.err.String(), args)
	}
	for _, c := range commands {
		viaFlag, viaHelp := newTestEnv(nil, ""), newTestEnv(nil, "")
		assert.Equal(t, 0, runCLI(t, viaFlag, c.name, "-h"), c.name)
		assert.Equal(t, 0, runCLI(t, viaHelp, "help", c.name), c.name)
		assert.True(t, strings.HasPrefix(viaFlag.out.String(), "usage: zoomevents "+c.name), c.name)
		assert.Equal(t, viaFlag.out.String(), viaHelp.out.String(), "help %s is %s -h", c.name, c.name)
		assert.Empty(t, viaFlag.err.String(), c.name)
		assert.Empty(t, viaHelp.err.String(), c.name)
	}

	// Mistakes are not help: stderr, status 2.
	for _, args := range [][]string{{}, {"help", "nope"}, {"nope"}, {"serve", "--bogus"}} {
		te := newTestEnv(nil, "")
		assert.Equal(t, 2, runCLI(t, te, args...), args)
		assert.Empty(t, te.out.String(), args)
		assert.NotEmpty(t, te.err.String(), args)
	}
}

func TestHelpSpellsFlagsAsTheyAreAccepted(t *testing.T) {
	te := newTestEnv(nil, "")
	require.Equal(t, 0, runCLI(t, te, "help", "serve"))
	help := te.out.String()
	assert.Contains(t, help, "usage: zoomevents serve [--addr ADDRESS] [--no-dedup] [--path PATH] [-v]\n")
	assert.Contains(t, help, "\n  --addr ADDRESS\n")
	assert.Contains(t, help, "\n  -v\n")
	assert.Contains(t, help, `(default "127.0.0.1:8080")`)

	te = newTestEnv(nil, "")
	require.Equal(t, 0, runCLI(t, te, "trigger", "--help"))
	assert.Contains(t, te.out.String(), "usage: zoomevents trigger [EVENT] [--body FILE] [--timeout DURATION] --to URL\n",
		"a required flag has no brackets")
	assert.Contains(t, te.out.String(), "(default 10s)")
}

func TestMissingEnvironmentIsReportedAtOnce(t *testing.T) {
	te := newTestEnv(nil, "")
	assert.Equal(t, 2, runCLI(t, te, "listen", "--forward-to", "http://127.0.0.1:1/hook"))
	assert.Equal(t, "zoomevents listen: usage: environment variables not set: ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, "+
		"ZOOM_CLIENT_SECRET, ZOOM_SUBSCRIPTION_ID (or --endpoint), ZOOM_WEBHOOK_SECRET_TOKEN (for --forward-to)\n", te.err.String())

	te = newTestEnv(map[string]string{"ZOOM_CLIENT_ID": "id"}, "")
	assert.Equal(t, 2, runCLI(t, te, "listen", "--client-credentials", "--endpoint", "ws://127.0.0.1:1/ws"))
	assert.Equal(t, "zoomevents listen: usage: environment variable ZOOM_CLIENT_SECRET is not set\n", te.err.String())

	te = newTestEnv(nil, "")
	assert.Equal(t, 2, runCLI(t, te, "trigger", "meeting.started", "--to", "http://127.0.0.1:1/"))
	assert.Contains(t, te.err.String(), "ZOOM_WEBHOOK_SECRET_TOKEN")
}

func TestListenLogsOneLinePerConnect(t *testing.T) {
	zoom := wstest.NewServer()
	defer zoom.Close()
	te := newTestEnv(zoomVars(zoom), "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, &te.env, listenArgs(zoom)) }()
	require.NoError(t, zoom.WaitConnections(ctx, 1))
	require.NoError(t, zoom.Emit([]byte(listenEvents[0])))
	// wsclient logs its connect before it reads the first event.
	waitFor(t, "the event on stdout", func() bool { return strings.Count(te.out.String(), "\n") == 1 })
	cancel()
	assert.Equal(t, 0, <-done)
	logs := te.err.String()
	assert.Equal(t, 1, strings.Count(logs, "connected"), "one line for one connect:\n%s", logs)
	assert.Contains(t, logs, `msg="zoom websocket" state=connected`)
}

func TestVersion(t *testing.T) {
	te := newTestEnv(nil, "")
	require.Equal(t, 0, runCLI(t, te, "version"))
	out := te.out.String()
	assert.Regexp(t, `^zoomevents \S+ .*`+regexp.QuoteMeta(runtime.Version())+"\n$", out)
	assert.Equal(t, 1, strings.Count(out, "\n"))
	assert.Equal(t, 2, runCLI(t, newTestEnv(nil, ""), "version", "extra"))

	info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/zoomevents/zoomevents", Version: "v1.2.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-11-27T09:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	assert.Equal(t, "zoomevents v1.2.0 (revision 0123456789ab, 2026-11-27T09:00:00Z, modified) go1.26.0", versionLine(info, "go1.26.0"))
	info.Settings = info.Settings[:1]
	info.Main.Version = "(devel)"
	assert.Equal(t, "zoomevents (devel) (revision 0123456789ab) go1.26.0", versionLine(info, "go1.26.0"))
	assert.Equal(t, "zoomevents (unknown) go1.26.0", versionLine(nil, "go1.26.0"))
}

func TestVersionOfABuiltBinary(t *testing.T) {
	out, err := exec.Command(binary(t), "version").Output()
	require.NoError(t, err)
	// A binary built from this work tree says (devel); a go install of a
	// tagged module, its tag. Either way the Go version that built it.
	assert.Regexp(t, `^zoomevents (\(devel\)|v\d+\.\d+\.\d+\S*) .*go1\.\d+`, string(out))
}

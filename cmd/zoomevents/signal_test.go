package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the command once per test run, for tests that need a real
// process (signals).
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zoomevents-cli")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "zoomevents")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Log(string(out))
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// startUntil starts the binary and reads stderr until a line matches ready;
// it returns the match and the running command.
func startUntil(t *testing.T, env []string, ready *regexp.Regexp, args ...string) (*exec.Cmd, []string, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	stdout := &strings.Builder{}
	cmd.Stdout = stdout
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := ready.FindStringSubmatch(sc.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, stderr) }()
			return cmd, m, stdout
		}
	}
	t.Fatalf("process ended before it was ready: %v", sc.Err())
	return nil, nil, nil
}

func TestServeEndsCleanlyOnSIGINT(t *testing.T) {
	cmd, _, _ := startUntil(t, []string{"ZOOM_WEBHOOK_SECRET_TOKEN=s"}, listenURL, "serve", "--addr", "127.0.0.1:0")
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	require.NoError(t, cmd.Wait(), "exit status 0 after SIGINT")
}

package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeCLI returns the README's section about the CLI.
func readmeCLI(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	s := string(readme)
	start := strings.Index(s, "## The CLI")
	require.NotEqual(t, -1, start, "README has a CLI section")
	s = s[start:]
	if end := strings.Index(s[3:], "\n## "); end != -1 {
		s = s[:end+3]
	}
	return s
}

func TestReadmeShowsEachCommandAsHelpDoes(t *testing.T) {
	section := readmeCLI(t)
	helpFlags := map[string]bool{}
	for _, c := range commands {
		te := newTestEnv(nil, "")
		require.Equal(t, 0, runCLI(t, te, "help", c.name))
		synopsis := strings.TrimPrefix(strings.SplitN(te.out.String(), "\n", 2)[0], "usage: ")
		assert.Contains(t, section, "\n"+synopsis+"\n", "the README shows %s's synopsis as help prints it", c.name)
		for _, f := range regexp.MustCompile(`(?m)^  (-{1,2}[a-z][a-z-]*)`).FindAllStringSubmatch(te.out.String(), -1) {
			helpFlags[f[1]] = true
		}
	}
	// Every flag the README names is spelled as some command's help spells it.
	for _, f := range regexp.MustCompile("(?:^|[\\s`(\\[])(-{1,2}[a-z][a-z-]*)").FindAllStringSubmatch(section, -1) {
		if f[1] == "-h" || f[1] == "--help" {
			continue
		}
		assert.True(t, helpFlags[f[1]], "README spells a flag %q that no help shows", f[1])
	}
}

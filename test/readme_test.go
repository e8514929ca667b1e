package test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Every shell block in README.md is preceded by a marker saying how it is
// proven to work as shown:
//
//	<!-- readme-test: run -->  run here by TestReadme_CommandsWork, in the repository, as written;
//	<!-- readme-test: ci -->   the set-up commands that .ci/run itself runs on a fresh clone;
//	<!-- readme-test: aws -->  needs an AWS account: checked for syntax (bash -n) only.
//	<!-- readme-test: dev -->  needs make dev running in another terminal: checked for syntax here;
//	                           test/browser runs make dev and make dev-user as written, and
//	                           internal/devapi and tools/dev call the local API and its OpenAPI.
//
// A block without a marker fails the test, so no command escapes the choice.

type readmeBlock struct {
	line   int
	marker string
	code   string
}

func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	f, err := os.Open("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		blocks  []readmeBlock
		marker  string
		inShell bool
		cur     readmeBlock
		prev    string
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case inShell && line == "```":
			inShell = false
			blocks = append(blocks, cur)
		case inShell:
			cur.code += line + "\n"
		case line == "```sh" || line == "```bash" || line == "```shell":
			inShell = true
			cur = readmeBlock{line: n}
			if strings.HasPrefix(prev, "<!-- readme-test:") {
				cur.marker = marker
			}
		case strings.HasPrefix(line, "<!-- readme-test:"):
			marker = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "<!-- readme-test:"), "-->"))
		}
		prev = line
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return blocks
}

func TestReadme_EveryShellBlockIsClassified(t *testing.T) {
	blocks := readmeBlocks(t)
	if len(blocks) < 5 {
		t.Fatalf("found %d shell blocks in README.md; the parser is broken", len(blocks))
	}
	for _, b := range blocks {
		switch b.marker {
		case "run", "ci", "aws", "dev":
		default:
			t.Errorf("README.md:%d: shell block without a readme-test marker (run, ci or aws) directly above it", b.line)
		}
		cmd := exec.Command("bash", "-n")
		cmd.Stdin = strings.NewReader(b.code)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("README.md:%d: not valid bash: %v\n%s", b.line, err, out)
		}
	}
}

func TestReadme_CIRunsTheSetUpCommands(t *testing.T) {
	ci, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range readmeBlocks(t) {
		if b.marker != "ci" {
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(b.code), "\n") {
			cmd := strings.TrimSpace(strings.SplitN(line, "#", 2)[0])
			if cmd != "" && !strings.Contains(string(ci), "\n"+cmd+"\n") {
				t.Errorf("README.md:%d: %q is a set-up command but .ci/run does not run it", b.line, cmd)
			}
		}
	}
}

// TestReadme_CommandsWork runs every block marked run, as a user would paste
// it, from the repository root. Skipped with -short.
func TestReadme_CommandsWork(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the README's commands (cdk synth, make e2e): not in -short")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, f := range []string{"cdn-signing.pem", "cdn-signing.pub.pem"} {
			_ = os.Remove(filepath.Join(root, f))
		}
	})
	for _, b := range readmeBlocks(t) {
		if b.marker != "run" {
			continue
		}
		first := strings.SplitN(strings.TrimSpace(b.code), "\n", 2)[0]
		t.Run(first, func(t *testing.T) {
			cmd := exec.Command("bash", "-euo", "pipefail", "-c", b.code)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1", "CDK_DISABLE_VERSION_CHECK=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("README.md:%d failed: %v\n%s", b.line, err, out)
			}
		})
	}
}

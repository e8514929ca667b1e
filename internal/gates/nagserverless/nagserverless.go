// Package nagserverless runs cdk-nag's Serverless rule pack over synthesized CloudFormation
// templates. The Go cdk-nag module (v2.35.0) has no Serverless pack, so the checks run in one
// Node process through tools/nag-serverless/check.cjs with the npm cdk-nag pinned in package.json.
package nagserverless

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Script is the checker script's path relative to the module root.
const Script = "tools/nag-serverless/check.cjs"

// Finding is one rule outcome on one resource of one template.
type Finding struct {
	Template   string `json:"template"`
	Rule       string `json:"rule"`      // e.g. "Serverless-LambdaDLQ"
	Level      string `json:"level"`     // "error" or "warning"; empty for suppressed findings
	LogicalID  string `json:"logicalId"` // CloudFormation logical id of the resource
	Message    string `json:"message"`
	Suppressed bool   `json:"-"`
	Reason     string `json:"reason"` // suppression reason, set when Suppressed
}

type line struct {
	Kind string `json:"kind"`
	Finding
	Templates int `json:"templates"`
	Findings  int `json:"findings"`
}

// Run checks every template in one Node process and returns all findings, unsuppressed and
// suppressed (Suppressed set). An unsuppressed finding is not an error; use Unsuppressed to
// pick them. The error is non-nil when the checker fails: a template that cannot be read or
// included, a suppression without a proper reason, or a missing Node toolchain.
func Run(templatePaths ...string) ([]Finding, error) {
	if len(templatePaths) == 0 {
		return nil, errors.New("nagserverless: no templates given")
	}
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	args := []string{filepath.Join(root, Script)}
	for _, p := range templatePaths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("nagserverless: %s: %w", p, err)
		}
		args = append(args, abs)
	}
	cmd := exec.Command("node", args...)
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case runErr == nil:
	case errors.As(runErr, &exitErr) && exitErr.ExitCode() == 1:
		// 1 = unsuppressed findings, reported on stdout.
	default:
		return nil, fmt.Errorf("nagserverless: %s: %w: %s", Script, runErr, bytes.TrimSpace(stderr.Bytes()))
	}
	var out []Finding
	summary := false
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("nagserverless: bad output line %q: %w", sc.Text(), err)
		}
		switch l.Kind {
		case "finding":
			out = append(out, l.Finding)
		case "suppressed":
			f := l.Finding
			f.Suppressed = true
			out = append(out, f)
		case "summary":
			summary = true
			if l.Templates != len(templatePaths) {
				return nil, fmt.Errorf("nagserverless: checked %d of %d templates", l.Templates, len(templatePaths))
			}
		default:
			return nil, fmt.Errorf("nagserverless: unknown output kind %q", l.Kind)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("nagserverless: reading output: %w", err)
	}
	if !summary {
		return nil, fmt.Errorf("nagserverless: checker ended without a summary: %s", bytes.TrimSpace(stderr.Bytes()))
	}
	if n := len(Unsuppressed(out)); (n > 0) != (runErr != nil) {
		return nil, fmt.Errorf("nagserverless: exit status %v disagrees with %d unsuppressed findings", runErr, n)
	}
	return out, nil
}

// Unsuppressed returns the findings that no suppression covers.
func Unsuppressed(findings []Finding) []Finding {
	var out []Finding
	for _, f := range findings {
		if !f.Suppressed {
			out = append(out, f)
		}
	}
	return out
}

// moduleRoot walks up from the working directory to the directory holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("nagserverless: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("nagserverless: no go.mod above the working directory")
		}
		dir = parent
	}
}

package cfncheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// ErrToolMissing is wrapped by [Lint] when cfn-lint is not installed and CI
// is not "true": tests should skip with the error's message. Under CI=true a
// missing cfn-lint is a plain error instead, so CI cannot pass without it.
var ErrToolMissing = errors.New("tool not installed")

// Lint runs cfn-lint (the cfn-lint on PATH: 1.51 on the Python of this
// project's machines) over the template file at templatePath and returns
// its findings: errors (E...) and warnings (W...) fail, informational
// findings (I...) are reported only, see [Failures]. Exemptions from the one
// exemptions list are applied. An error means cfn-lint could not run or its
// output could not be read, never that a rule failed.
func Lint(templatePath string) ([]Finding, error) {
	findings, err := lint(templatePath)
	if err != nil {
		return nil, err
	}
	exempt(findings, exemptions)
	return findings, nil
}

func lint(templatePath string) ([]Finding, error) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			return nil, fmt.Errorf("cfn-lint is not on PATH and CI=true requires it (this project's machines ship cfn-lint 1.51 on their Python): %w", err)
		}
		return nil, fmt.Errorf("cfn-lint is not on PATH, skipping the cfn-lint check (it is required when CI=true): %w", ErrToolMissing)
	}
	tmpl, err := readTemplate(templatePath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--format", "json", "--include-checks", "I", "--", templatePath)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	// cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 informational;
	// 1 means cfn-lint itself failed.
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() > 1 && exit.ExitCode()&^14 == 0:
	default:
		return nil, fmt.Errorf("cfn-lint on %s: %w: %s", templatePath, err, strings.TrimSpace(stderr.String()))
	}
	findings, err := parseLint(stdout.Bytes(), tmpl)
	if err != nil {
		return nil, fmt.Errorf("cfn-lint on %s: %w", templatePath, err)
	}
	return findings, nil
}

// lintMatch is one entry of cfn-lint's JSON output.
type lintMatch struct {
	Level    string
	Message  string
	Rule     struct{ Id, ShortDescription string }
	Location struct{ Path []any }
}

func parseLint(out []byte, tmpl *template) ([]Finding, error) {
	var matches []lintMatch
	if err := json.Unmarshal(out, &matches); err != nil {
		return nil, fmt.Errorf("parse output: %w", err)
	}
	findings := make([]Finding, 0, len(matches))
	for _, m := range matches {
		level, ok := map[string]string{
			"Error":         LevelError,
			"Warning":       LevelWarning,
			"Informational": LevelInformational,
		}[m.Level]
		if !ok {
			return nil, fmt.Errorf("unknown level %q for %s", m.Level, m.Rule.Id)
		}
		f := Finding{ID: m.Rule.Id, Rule: m.Rule.ShortDescription, Level: level, Message: m.Message}
		if len(m.Location.Path) >= 2 && m.Location.Path[0] == "Resources" {
			if id, ok := m.Location.Path[1].(string); ok {
				f.Resource = id
				if r, ok := tmpl.Resources[id]; ok {
					f.Type, f.Path, f.properties = r.Type, r.cdkPath(), r.properties()
				}
			}
		}
		findings = append(findings, f)
	}
	sort.SliceStable(findings, func(i, j int) bool {
		if findings[i].ID != findings[j].ID {
			return findings[i].ID < findings[j].ID
		}
		return findings[i].Resource < findings[j].Resource
	})
	return findings, nil
}

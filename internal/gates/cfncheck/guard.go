package cfncheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// validatorPackage is the npm package that ships cfn-guard and the rules.
const validatorPackage = "node_modules/@cdklabs/cdk-validator-cfnguard"

// Guard runs the cfn-guard binary shipped in @cdklabs/cdk-validator-cfnguard
// with that package's AWS Control Tower proactive-control rules
// (rules/control-tower/cfn-guard) over the template file at templatePath,
// and returns one Finding per failed control and resource, with Exemption
// set where the exemptions list covers it. Use [Failures] on the result.
//
// The package is found in the node_modules directory of the working
// directory or its nearest ancestor that has one (npm ci installs it). An
// error means guard could not run or its output could not be read, never that
// a control failed.
func Guard(templatePath string) ([]Finding, error) {
	findings, err := guard(templatePath)
	if err != nil {
		return nil, err
	}
	exempt(findings, exemptions)
	return findings, nil
}

func guard(templatePath string) ([]Finding, error) {
	tg, err := guardTools()
	if err != nil {
		return nil, err
	}
	tmpl, err := readTemplate(templatePath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(tg.binary, "validate",
		"--rules", tg.rulesDir,
		"--data", templatePath,
		"--output-format", "json",
		"--show-summary", "none",
		"--structured")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() == 19: // 19: some rule failed
	default:
		return nil, fmt.Errorf("cfn-guard on %s: %w: %s", templatePath, err, strings.TrimSpace(stderr.String()))
	}
	findings, err := parseGuard(stdout.Bytes(), tg.controls, tmpl)
	if err != nil {
		return nil, fmt.Errorf("cfn-guard on %s: %w", templatePath, err)
	}
	return findings, nil
}

// control is a Control Tower control as described by the package's metadata.
type control struct {
	ID   string // "CT.S3.PR.1"
	Name string // display name
}

type guardToolset struct {
	binary   string
	rulesDir string
	controls map[string]control // guard rule name -> control
}

var (
	guardOnce  sync.Once
	guardSet   *guardToolset
	guardSetEr error
)

// guardTools finds the binary and rules once per process.
func guardTools() (*guardToolset, error) {
	guardOnce.Do(func() { guardSet, guardSetEr = loadGuardTools() })
	return guardSet, guardSetEr
}

func loadGuardTools() (*guardToolset, error) {
	pkg, err := findValidatorPackage()
	if err != nil {
		return nil, err
	}
	osDir, ok := map[string]string{"linux": "ubuntu", "darwin": "macos"}[runtime.GOOS]
	if !ok {
		return nil, fmt.Errorf("cfn-guard: no binary for %s in %s", runtime.GOOS, pkg)
	}
	archDir, ok := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	if !ok {
		return nil, fmt.Errorf("cfn-guard: no binary for %s in %s", runtime.GOARCH, pkg)
	}
	ts := &guardToolset{
		binary:   filepath.Join(pkg, "bin", osDir, archDir, "cfn-guard"),
		rulesDir: filepath.Join(pkg, "rules", "control-tower", "cfn-guard"),
	}
	if _, err := os.Stat(ts.binary); err != nil {
		return nil, fmt.Errorf("cfn-guard binary: %w (run npm ci)", err)
	}
	ts.controls, err = loadControls(filepath.Join(pkg, "rules", "control-tower"))
	if err != nil {
		return nil, err
	}
	return ts, nil
}

// findValidatorPackage walks up from the working directory to the first
// node_modules that holds the validator package.
func findValidatorPackage() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find %s: %w", validatorPackage, err)
	}
	for {
		p := filepath.Join(dir, filepath.FromSlash(validatorPackage))
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s not found in the working directory or any parent (run npm ci at the module root)", validatorPackage)
		}
		dir = parent
	}
}

// topRule matches the rule a Control Tower guard file evaluates on templates.
var topRule = regexp.MustCompile(`(?m)^rule\s+(\w+)\s+when\s+is_cfn_template\(`)

// loadControls maps each guard rule name to its control, from the .guard
// files and the metadata JSON beside them.
func loadControls(root string) (map[string]control, error) {
	controls := map[string]control{}
	rulesDir := filepath.Join(root, "cfn-guard")
	err := filepath.WalkDir(rulesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".guard") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		m := topRule.FindSubmatch(src)
		if m == nil {
			return fmt.Errorf("%s: no top-level rule", path)
		}
		rel, err := filepath.Rel(rulesDir, path)
		if err != nil {
			return err
		}
		metaPath := filepath.Join(root, "metadata", strings.TrimSuffix(rel, ".guard")+".metadata.json")
		raw, err := os.ReadFile(metaPath)
		if err != nil {
			return fmt.Errorf("metadata for %s: %w", path, err)
		}
		var meta struct{ Id, DisplayName string }
		if err := json.Unmarshal(raw, &meta); err != nil {
			return fmt.Errorf("%s: %w", metaPath, err)
		}
		if !controlID.MatchString(meta.Id) {
			return fmt.Errorf("%s: unexpected control id %q", metaPath, meta.Id)
		}
		name := string(m[1])
		if prev, dup := controls[name]; dup {
			return fmt.Errorf("guard rule %s is defined for both %s and %s", name, prev.ID, meta.Id)
		}
		controls[name] = control{ID: meta.Id, Name: meta.DisplayName}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load Control Tower rules: %w", err)
	}
	if len(controls) == 0 {
		return nil, fmt.Errorf("load Control Tower rules: none under %s", rulesDir)
	}
	return controls, nil
}

// guardReport is cfn-guard's --structured JSON output: one entry per data file.
type guardReport struct {
	Name         string          `json:"name"`
	Status       string          `json:"status"`
	NotCompliant json.RawMessage `json:"not_compliant"`
}

// parseGuard turns cfn-guard's structured JSON into findings: one per
// control and resource, with the control's name and the rule's [FIX] text.
func parseGuard(out []byte, controls map[string]control, tmpl *template) ([]Finding, error) {
	var reports []guardReport
	if err := json.Unmarshal(out, &reports); err != nil {
		return nil, fmt.Errorf("parse output: %w", err)
	}
	if len(reports) == 0 {
		return nil, fmt.Errorf("parse output: no report")
	}
	type key struct{ id, resource string }
	byKey := map[key]*Finding{}
	var order []key
	for _, rep := range reports {
		var rules []map[string]any
		if len(rep.NotCompliant) > 0 {
			// An array of {"Rule": {...}}; guard writes {} when there is none.
			var arr []map[string]any
			if err := json.Unmarshal(rep.NotCompliant, &arr); err != nil {
				var obj map[string]map[string]any
				if err2 := json.Unmarshal(rep.NotCompliant, &obj); err2 != nil {
					return nil, fmt.Errorf("parse not_compliant: %w", err)
				}
				for _, v := range obj {
					arr = append(arr, v)
				}
			}
			for _, r := range arr {
				if rule, ok := r["Rule"].(map[string]any); ok {
					rules = append(rules, rule)
				}
			}
		}
		if rep.Status == "FAIL" && len(rules) == 0 {
			return nil, fmt.Errorf("status FAIL with no non-compliant rule")
		}
		for _, rule := range rules {
			name, _ := rule["name"].(string)
			ctl, ok := controls[name]
			if !ok {
				return nil, fmt.Errorf("rule %q is not a known Control Tower rule", name)
			}
			fix := guardFix(rule)
			msg := ctl.Name
			if fix != "" {
				msg += ". Fix: " + fix
			}
			resources := guardResources(rule)
			if len(resources) == 0 {
				resources = []string{""}
			}
			for _, res := range resources {
				k := key{ctl.ID, res}
				if _, seen := byKey[k]; seen {
					continue
				}
				f := &Finding{ID: ctl.ID, Rule: name, Resource: res, Level: LevelError, Message: msg}
				if r, ok := tmpl.Resources[res]; ok {
					f.Type, f.Path, f.properties = r.Type, r.cdkPath(), r.properties()
				}
				byKey[k] = f
				order = append(order, k)
			}
		}
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].id != order[j].id {
			return order[i].id < order[j].id
		}
		return order[i].resource < order[j].resource
	})
	findings := make([]Finding, 0, len(order))
	for _, k := range order {
		findings = append(findings, *byKey[k])
	}
	return findings, nil
}

// guardResources collects the logical ids in the paths guard traversed to
// (or from) while evaluating a failed rule.
func guardResources(rule any) []string {
	seen := map[string]bool{}
	var ids []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				if k == "traversed_to" || k == "from" {
					if m, ok := c.(map[string]any); ok {
						if p, ok := m["path"].(string); ok {
							if id := resourceOfPath(p); id != "" && !seen[id] {
								seen[id] = true
								ids = append(ids, id)
							}
						}
					}
				}
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(rule)
	sort.Strings(ids)
	return ids
}

// resourceOfPath returns X for "/Resources/X/...", else "".
func resourceOfPath(p string) string {
	parts := strings.Split(p, "/")
	if len(parts) >= 3 && parts[0] == "" && parts[1] == "Resources" {
		return parts[2]
	}
	return ""
}

// guardFix returns the first "[FIX]: ..." line of the rule's custom messages.
func guardFix(rule any) string {
	var fix string
	var walk func(v any)
	walk = func(v any) {
		if fix != "" {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["custom_message"].(string); ok {
				for _, line := range strings.Split(s, "\n") {
					if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "[FIX]:"); ok {
						fix = strings.TrimSpace(rest)
						return
					}
				}
			}
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(v[k])
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(rule)
	return fix
}

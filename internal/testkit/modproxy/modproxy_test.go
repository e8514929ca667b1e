package modproxy

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
)

const modulePath = "github.com/securestore/securestore"

// repoRoot is this module's root: two directories up.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// The file name that broke `go get` of this module: Publish refuses it as
// the go command does, naming it.
func TestPublish_RefusesWhatGoGetRefuses(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"go.mod": "module example.com/m\n", "testdata/nul": "x", "a.go": "package m\n"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err := Publish(t.TempDir(), dir, module.Version{Path: "example.com/m", Version: "v0.1.0"}, []string{"go.mod", "a.go", "testdata/nul"})
	if err == nil || !strings.Contains(err.Error(), "testdata/nul") {
		t.Errorf("Publish = %v, want an error naming testdata/nul", err)
	}
}

// The constructs, which other teams compile into their CDK apps, reach
// the function's environment contract (lambdas/presign/settings) and its
// access rules, never its runtime: no AWS SDK service and no aws-lambda-go.
func TestConstructs_CompileNeitherTheSDKNorLambdaGo(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./constructs/...")
	cmd.Dir = repoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	deps := strings.Fields(string(out))
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/aws/aws-sdk-go-v2/service/") || strings.HasPrefix(d, "github.com/aws/aws-lambda-go/") {
			t.Errorf("go list -deps ./constructs/... holds %s", d)
		}
	}
	t.Logf("go list -deps ./constructs/...: %d packages", len(deps))
}

// TestModule_ImportsThroughAProxy does what another team's `go get` does:
// this module, zipped by the module zip rules, is served from a file-based
// proxy at a fresh version; a separate module fetches it, builds a CDK app
// that composes the constructs (a bucket, grants to a role and to a
// function, the presign API on an existing user pool with rules of its
// own) and synthesizes it, building the function's bootstrap from the
// fetched module in the module cache.
func TestModule_ImportsThroughAProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and synthesizes another module")
	}
	root := repoRoot(t)
	files, err := Files(root)
	if err != nil {
		t.Fatal(err)
	}
	version := fmt.Sprintf("v0.0.0-%s-%012x", time.Now().UTC().Format("20060102150405"), time.Now().UnixNano()&0xffffffffffff)
	v := module.Version{Path: modulePath, Version: version}
	proxy := t.TempDir()
	if err := Publish(proxy, root, v, files); err != nil {
		t.Fatal(err)
	}

	gomodcache := goEnv(t, "GOMODCACHE")
	t.Cleanup(func() { removeFromModCache(t, gomodcache, v) })

	team := t.TempDir()
	src, err := os.ReadFile("testdata/teamstack/main.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(team, "main.go"), src)
	write(t, filepath.Join(team, "go.mod"), []byte("module example.com/teamstack\n\ngo 1.26.8\n\nrequire "+modulePath+" "+version+"\n"))
	// The team's go.sum starts with what this module's requirements need.
	sums, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(team, "go.sum"), sums)

	env := append(os.Environ(),
		"GOPROXY=file://"+filepath.ToSlash(proxy)+","+goEnv(t, "GOPROXY"),
		"GONOSUMDB="+modulePath, "GONOSUMCHECK=1", "GOFLAGS=-mod=mod",
		"GOWORK=off",
	)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = team, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return out.String()
	}
	run("mod", "tidy")
	dir := strings.TrimSpace(run("list", "-m", "-f", "{{.Dir}}", modulePath))
	if !strings.HasPrefix(dir, gomodcache) || !strings.HasSuffix(dir, "@"+version) {
		t.Fatalf("the module resolved to %s, want the fetched %s in the module cache", dir, version)
	}
	outdir := filepath.Join(team, "cdk.out")
	out := run("run", ".", outdir)
	if !strings.Contains(out, "rules: 2") {
		t.Errorf("the team's app printed %q", out)
	}

	raw, err := os.ReadFile(filepath.Join(outdir, "TeamStack.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(raw, &tmpl); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var asset string
	for _, r := range tmpl.Resources {
		count[r.Type]++
		if r.Type == "AWS::Lambda::Function" && r.Properties["Handler"] == "bootstrap" {
			code, _ := r.Properties["Code"].(map[string]any)
			key, _ := code["S3Key"].(string)
			asset = "asset." + strings.TrimSuffix(key, ".zip")
		}
	}
	if count["AWS::Cognito::UserPool"] != 0 || count["AWS::Cognito::UserPoolClient"] != 0 || count["AWS::Cognito::UserPoolGroup"] != 1 {
		t.Errorf("Cognito resources %v, want only the tier's group in the team's pool", count)
	}
	for _, want := range []string{"Worker", "Indexer"} {
		if !strings.Contains(string(raw), `"`+want) || !policyFor(string(raw), want) {
			t.Errorf("no identity policy for the team's %s", want)
		}
	}
	if asset == "" || asset == "asset." {
		t.Fatal("no presign function with its code asset in the template")
	}
	bin, err := elf.Open(filepath.Join(outdir, asset, "bootstrap"))
	if err != nil {
		t.Fatalf("the presign bootstrap: %v", err)
	}
	defer bin.Close()
	if bin.Machine != elf.EM_AARCH64 {
		t.Errorf("bootstrap is for %v, want arm64", bin.Machine)
	}
}

// policyFor reports whether the template holds an IAM policy attached to
// a role of the construct named name (its logical id starts with it).
func policyFor(template, name string) bool {
	return strings.Contains(template, `"Ref": "`+name) || strings.Contains(template, `"Ref":"`+name)
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// removeFromModCache deletes version v of the module from the module
// cache (its files are read-only), so that runs do not pile up copies.
func removeFromModCache(t *testing.T, cache string, v module.Version) {
	escaped, _ := module.EscapePath(v.Path)
	ev, _ := module.EscapeVersion(v.Version)
	extracted := filepath.Join(cache, filepath.FromSlash(escaped)+"@"+ev)
	_ = filepath.Walk(extracted, func(path string, info os.FileInfo, err error) error {
		if err == nil {
			_ = os.Chmod(path, 0o755)
		}
		return nil
	})
	if err := os.RemoveAll(extracted); err != nil {
		t.Logf("module cache: %v", err)
	}
	dl := filepath.Join(cache, "cache", "download", filepath.FromSlash(escaped), "@v")
	matches, _ := filepath.Glob(filepath.Join(dl, ev+".*"))
	for _, m := range matches {
		_ = os.Remove(m)
	}
}

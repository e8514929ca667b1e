package runtimeapi

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BuildFlags are the go build flags of the deployed function (besides -o):
// reproducible (-trimpath, no VCS stamp, empty build id), stripped, and
// without the net/rpc server that only the retired go1.x runtime used.
var BuildFlags = []string{"-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-ldflags", "-s -w -buildid="}

// Build compiles the Go main package pkg (an import path, or a directory
// relative to the current one such as "./testdata/empty") into
// dir/bootstrap the way the deployed function is built:
//
//	CGO_ENABLED=0 GOOS=linux GOARCH=<goarch> go build -trimpath -buildvcs=false \
//	    -tags lambda.norpc -ldflags "-s -w -buildid=" -o <dir>/bootstrap <pkg>
//
// It returns the binary's path; on failure the error includes go build's output.
func Build(ctx context.Context, pkg, goarch, dir string) (string, error) {
	if goarch == "" {
		return "", fmt.Errorf("runtimeapi: build %s: empty GOARCH", pkg)
	}
	out := filepath.Join(dir, "bootstrap")
	args := append([]string{"build"}, BuildFlags...)
	args = append(args, "-o", out, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("runtimeapi: go build %s for linux/%s: %w\n%s", pkg, goarch, err, output.Bytes())
	}
	return out, nil
}

// BuildForTest is Build into a fresh t.TempDir(); it fails the test on error.
func BuildForTest(t testing.TB, pkg, goarch string) string {
	t.Helper()
	path, err := Build(t.Context(), pkg, goarch, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return path
}

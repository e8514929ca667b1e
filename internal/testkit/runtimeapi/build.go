package runtimeapi

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/securestore/securestore/internal/lambdabuild"
)

// Build compiles the Go main package pkg (an import path, or a directory
// relative to the current one such as "./testdata/empty") into
// dir/bootstrap the way the deployed function is built (lambdabuild.Build).
// It returns the binary's path; on failure the error includes go build's output.
func Build(ctx context.Context, pkg, goarch, dir string) (string, error) {
	out := filepath.Join(dir, "bootstrap")
	if err := lambdabuild.Build(ctx, "", pkg, goarch, out); err != nil {
		return "", fmt.Errorf("runtimeapi: %w", err)
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

package presignapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/internal/lambdabuild"
)

// ModulePath is the Go module that holds the presign function's source.
const ModulePath = "github.com/securestore/securestore"

// FunctionPackage is the function's main package, relative to the module root.
const FunctionPackage = "./lambdas/presign"

// buildTimeout bounds one go build (a cold module and build cache included).
const buildTimeout = 10 * time.Minute

// goBuild bundles the function on the synthesizing machine: it implements
// awscdk.ILocalBundling, so CDK calls TryBundle instead of starting Docker.
type goBuild struct {
	moduleDir string
}

var _ awscdk.ILocalBundling = (*goBuild)(nil)

// TryBundle builds <outputDir>/bootstrap with go build and returns true. It
// never returns false (which would make CDK fall back to Docker, which this
// construct does not use): a failed build panics, failing synth with go
// build's output.
func (b *goBuild) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	if outputDir == nil || *outputDir == "" {
		panic(errors.New("presignapi: bundling the presign function: CDK gave no output directory"))
	}
	if err := build(b.moduleDir, *outputDir); err != nil {
		panic(err)
	}
	return jsii.Bool(true)
}

// build runs lambdabuild.Build for linux/arm64 in moduleDir, writing
// <outputDir>/bootstrap.
func build(moduleDir, outputDir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	if err := lambdabuild.Build(ctx, moduleDir, FunctionPackage, "arm64", filepath.Join(outputDir, "bootstrap")); err != nil {
		return fmt.Errorf("presignapi: bundling the presign function: %w", err)
	}
	return nil
}

var (
	moduleDirOnce sync.Once
	moduleDirVal  string
	moduleDirErr  error
)

// findModuleDir returns the directory of ModulePath as the go command in the
// current directory sees it: this repository when synthesizing here, the
// module cache (or a replace target) in another team's module that requires
// it. The answer is cached for the process.
func findModuleDir() (string, error) {
	moduleDirOnce.Do(func() {
		var out, errOut bytes.Buffer
		cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", ModulePath)
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			moduleDirErr = fmt.Errorf("go list -m %s: %w: %s", ModulePath, err, strings.TrimSpace(errOut.String()))
			return
		}
		moduleDirVal = strings.TrimSpace(out.String())
		if moduleDirVal == "" {
			moduleDirErr = fmt.Errorf("go list -m %s gave no directory (is the module downloaded? run go mod download %s)", ModulePath, ModulePath)
		}
	})
	return moduleDirVal, moduleDirErr
}

// checkModuleDir explains what is wrong with dir as the module root, or returns "".
func checkModuleDir(dir string) string {
	if !filepath.IsAbs(dir) {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Sprintf("cannot be made absolute: %v", err)
		}
		dir = abs
	}
	main := filepath.Join(dir, filepath.FromSlash(FunctionPackage), "main.go")
	if _, err := os.Stat(main); err != nil {
		return fmt.Sprintf("must be the root of module %s, holding %s/main.go; %s is missing", ModulePath, FunctionPackage, main)
	}
	return ""
}

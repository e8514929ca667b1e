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
)

// ModulePath is the Go module that holds the presign function's source.
const ModulePath = "github.com/securestore/securestore"

// FunctionPackage is the function's main package, relative to the module root.
const FunctionPackage = "./lambdas/presign"

// BuildFlags are the go build flags of the function (besides -o): reproducible
// (-trimpath, no VCS stamp, an empty build id) so that the asset hash, taken
// from the built binary, is the same on every machine with the same Go
// toolchain; stripped; without the net/rpc server only the retired go1.x
// runtime used.
var BuildFlags = []string{"-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-ldflags", "-s -w -buildid="}

// buildEnv is what the build adds to the environment: a static linux/arm64
// binary, built against the module's own go.mod whatever go.work surrounds it.
var buildEnv = []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64", "GOWORK=off"}

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

// build runs, in moduleDir,
//
//	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -trimpath -buildvcs=false \
//	    -tags lambda.norpc -ldflags "-s -w -buildid=" -o <outputDir>/bootstrap ./lambdas/presign
func build(moduleDir, outputDir string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("presignapi: bundling the presign function needs the Go toolchain on PATH: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	args := append([]string{"build"}, BuildFlags...)
	args = append(args, "-o", filepath.Join(outputDir, "bootstrap"), FunctionPackage)
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), buildEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("presignapi: bundling the presign function: go build %s in %s for linux/arm64: %w\n%s",
			FunctionPackage, moduleDir, err, strings.TrimSpace(out.String()))
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

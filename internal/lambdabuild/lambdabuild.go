// Package lambdabuild is the one way securestore builds a Go Lambda
// function, shared by the construct that bundles the deployed function
// (constructs/presignapi), the harness that runs it through the Runtime API
// (internal/testkit/runtimeapi) and the benchmarks that measure its size.
package lambdabuild

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Flags are the go build flags of the function (besides -o): reproducible
// (-trimpath, no VCS stamp, an empty build id) so that a binary, and the
// asset hash taken from it, is the same on every machine with the same Go
// toolchain; stripped; without the net/rpc server only the retired go1.x
// runtime used.
var Flags = []string{"-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-ldflags", "-s -w -buildid="}

// Build compiles the main package pkg into the file out as a static
// linux/goarch binary, running go in dir ("" for the current directory)
// against that module's own go.mod whatever go.work surrounds it:
//
//	CGO_ENABLED=0 GOOS=linux GOARCH=<goarch> GOWORK=off go build -trimpath -buildvcs=false \
//	    -tags lambda.norpc -ldflags "-s -w -buildid=" -o <out> <pkg>
//
// On failure the error includes go build's output.
func Build(ctx context.Context, dir, pkg, goarch, out string) error {
	if goarch == "" {
		return fmt.Errorf("go build %s: empty GOARCH", pkg)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("go build %s: the Go toolchain is not on PATH: %w", pkg, err)
	}
	args := append([]string{"build"}, Flags...)
	args = append(args, "-o", out, pkg)
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GOWORK=off")
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		where := ""
		if dir != "" {
			where = " in " + dir
		}
		return fmt.Errorf("go build %s%s for linux/%s: %w\n%s", pkg, where, goarch, err, strings.TrimSpace(output.String()))
	}
	return nil
}

// Package s3server runs a real S3-compatible server, MinIO, on this machine
// for tests: built from source through the Go module proxy at a pinned
// version, started on a free loopback port with its data in a temporary
// directory, and stopped when the test ends. MinIO checks AWS Signature V4
// on every request, presigned URLs (signature, expiry, signed headers) and
// browser POST policies, which is what the presign end-to-end tests rely on.
package s3server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
)

// MinIOModule is the Go module of the MinIO server.
const MinIOModule = "github.com/minio/minio"

// MinIOVersion is the pinned MinIO server version. MinIO tags releases as
// RELEASE.<date>, not semver, so the module proxy knows them only as
// pseudo-versions; this is commit 7aac2a2c5b7c of 2026-02-12, the newest the
// proxy serves here (it refuses the RELEASE.2025-* pseudo-versions).
const MinIOVersion = "v0.0.0-20260212201848-7aac2a2c5b7c"

// BinaryPath is where Install puts the pinned MinIO binary:
// <user cache dir>/securestore/minio-<version>/minio. A new version gets a
// directory of its own, so switching versions never runs a stale build.
func BinaryPath() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("s3server: user cache dir: %w", err)
	}
	return filepath.Join(cache, "securestore", "minio-"+MinIOVersion, "minio"), nil
}

// Install returns the path of the pinned MinIO binary, building it with
// `go install` the first time (a few minutes with a cold module and build
// cache). Concurrent callers, in this process or others, wait for one build.
func Install(ctx context.Context) (string, error) {
	bin, err := BinaryPath()
	if err != nil {
		return "", err
	}
	if isExecutable(bin) {
		return bin, nil
	}
	dir := filepath.Dir(bin)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("s3server: install: %w", err)
	}
	unlock, err := lockFile(filepath.Join(dir, "install.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if isExecutable(bin) { // built by whoever held the lock before us
		return bin, nil
	}

	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", fmt.Errorf("s3server: install: %w", err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, "go", "install", MinIOModule+"@"+MinIOVersion)
	cmd.Dir = tmp // outside any module: go.mod and go.work of the caller play no part
	cmd.Env = append(os.Environ(),
		"GOBIN="+tmp,
		"GOFLAGS=",           // a caller's -mod=vendor or -tags must not leak into MinIO's build
		"GOWORK=off",         // nor a go.work
		"GOTOOLCHAIN=local",  // MinIO asks for go1.24; any newer local toolchain builds it
		"CGO_ENABLED=0",      // as MinIO's own release builds
		"GOOS="+runtime.GOOS, // go install refuses to put a cross-compiled binary in GOBIN
		"GOARCH="+runtime.GOARCH,
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("s3server: go install %s@%s: %w\n%s", MinIOModule, MinIOVersion, err, out.Bytes())
	}
	if err := os.Rename(filepath.Join(tmp, "minio"), bin); err != nil {
		return "", fmt.Errorf("s3server: install: %w", err)
	}
	return bin, nil
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// lockFile takes an exclusive flock on path, waiting for it; the returned
// function releases it.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("s3server: lock: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("s3server: lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}

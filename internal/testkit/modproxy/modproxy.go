// Package modproxy publishes this Go module to a file-based module proxy
// (GOPROXY=file://<dir>), laid out and zipped as proxy.golang.org serves a
// release, so that a test can fetch the module the way another team does:
// through a proxy, by version, into the module cache, and not from a
// checkout.
package modproxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

// Files returns the files under dir, a Git work tree, that a release would
// hold: those Git tracks (as they are in the work tree, deleted ones left
// out) and the untracked ones it does not ignore. Paths are relative to
// dir, with "/".
func Files(dir string) ([]string, error) {
	out, err := exec.Command("git", "-C", dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return nil, fmt.Errorf("modproxy: git ls-files in %s: %w", dir, err)
	}
	var files []string
	seen := map[string]bool{}
	for _, name := range strings.Split(string(out), "\x00") {
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		if _, err := os.Lstat(filepath.Join(dir, name)); os.IsNotExist(err) {
			continue // deleted in the work tree
		}
		files = append(files, name)
	}
	return files, nil
}

// file is one file of the module for zip.Create.
type file struct{ dir, name string }

func (f file) Path() string                 { return f.name }
func (f file) Lstat() (os.FileInfo, error)  { return os.Lstat(filepath.Join(f.dir, f.name)) }
func (f file) Open() (io.ReadCloser, error) { return os.Open(filepath.Join(f.dir, f.name)) }

// Publish writes version v of the module made of files (relative to dir)
// to the proxy directory root: <module>/@v/list, <version>.info, .mod and
// .zip. The zip is made by golang.org/x/mod/zip, which applies the rules
// the go command checks on download: file names (no names Windows
// reserves, such as "nul", no case-insensitive duplicates), sizes, no
// files of a nested module. A file that breaks them fails Publish, naming
// it, as it fails `go get`.
func Publish(root, dir string, v module.Version, files []string) error {
	escaped, err := module.EscapePath(v.Path)
	if err != nil {
		return fmt.Errorf("modproxy: %w", err)
	}
	ev, err := module.EscapeVersion(v.Version)
	if err != nil {
		return fmt.Errorf("modproxy: %w", err)
	}
	vdir := filepath.Join(root, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return fmt.Errorf("modproxy: %w", err)
	}
	zf := make([]zip.File, len(files))
	for i, name := range files {
		zf[i] = file{dir: dir, name: name}
	}
	var buf bytes.Buffer
	if err := zip.Create(&buf, v, zf); err != nil {
		return fmt.Errorf("modproxy: %w", err)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return fmt.Errorf("modproxy: %w", err)
	}
	info, err := json.Marshal(map[string]string{"Version": v.Version, "Time": time.Now().UTC().Format(time.RFC3339)})
	if err != nil {
		return fmt.Errorf("modproxy: %w", err)
	}
	for name, data := range map[string][]byte{
		ev + ".zip":  buf.Bytes(),
		ev + ".mod":  gomod,
		ev + ".info": info,
		"list":       []byte(v.Version + "\n"),
	} {
		if err := os.WriteFile(filepath.Join(vdir, name), data, 0o644); err != nil {
			return fmt.Errorf("modproxy: %w", err)
		}
	}
	return nil
}

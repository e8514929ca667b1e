package lambdabuild

import (
	"context"
	"debug/elf"
	"path/filepath"
	"strings"
	"testing"
)

// The binaries' properties (static, stripped, no build path, no net/rpc)
// are tested where they are used: internal/testkit/runtimeapi and
// constructs/presignapi. Here: what the command is, and its errors.

func TestBuild_StaticLinuxBinaryForTheArch(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bootstrap")
	if err := Build(context.Background(), "", "../testkit/runtimeapi/testdata/empty", "arm64", out); err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 || f.Class != elf.ELFCLASS64 {
		t.Errorf("binary is %v/%v, want a 64-bit arm64 ELF", f.Machine, f.Class)
	}
	if f.Section(".interp") != nil {
		t.Error("binary asks for a dynamic loader; want a static build")
	}
}

func TestBuild_Errors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bootstrap")
	cases := []struct{ name, pkg, arch, want string }{
		{"no arch", "../testkit/runtimeapi/testdata/empty", "", "empty GOARCH"},
		{"missing package", "./nothing/here", "amd64", "go build ./nothing/here for linux/amd64"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := Build(context.Background(), "", tc.pkg, tc.arch, out); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Build = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

package presignapi

import (
	"crypto/sha256"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/privatebucket"
)

// functionAsset returns the staged directory of the function's code asset in fx.
func (fx *fixture) functionAsset(t *testing.T) string {
	t.Helper()
	_, fn := fx.only(t, "AWS::Lambda::Function")
	key, _ := props(fn)["Code"].(map[string]any)["S3Key"].(string)
	hash := strings.TrimSuffix(key, ".zip")
	if len(hash) != 64 {
		t.Fatalf("function code key %q is not an asset hash", key)
	}
	return filepath.Join(fx.outdir, "asset."+hash)
}

func TestBundle_AssetIsAStaticLinuxArm64Bootstrap(t *testing.T) {
	def, _, _ := fixtures(t)
	dir := def.functionAsset(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "bootstrap" {
		t.Fatalf("asset holds %v, want only bootstrap", entries)
	}
	path := filepath.Join(dir, "bootstrap")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm()&0o111 == 0 {
		t.Errorf("bootstrap mode %v is not executable", info.Mode())
	}
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("bootstrap is not ELF: %v", err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 || f.Class != elf.ELFCLASS64 || f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX {
		t.Errorf("bootstrap is %v %v %v, want a 64-bit arm64 Linux executable", f.Class, f.Machine, f.OSABI)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("bootstrap asks for a dynamic loader; want a static binary (CGO_ENABLED=0)")
		}
	}
	if f.Section(".symtab") != nil {
		t.Error("bootstrap has a symbol table; want it stripped (-s)")
	}
}

func TestBundle_SameAssetInEveryStack(t *testing.T) {
	def, max, min := fixtures(t)
	a, b, c := def.functionAsset(t), max.functionAsset(t), min.functionAsset(t)
	if filepath.Base(a) != filepath.Base(b) || filepath.Base(a) != filepath.Base(c) {
		t.Errorf("assets %s, %s, %s differ: one source, one set of flags must give one binary", filepath.Base(a), filepath.Base(b), filepath.Base(c))
	}
}

func TestBuild_Reproducible(t *testing.T) {
	dir, err := findModuleDir()
	if err != nil {
		t.Fatal(err)
	}
	var sums [2][32]byte
	for i := range sums {
		out := t.TempDir()
		if err := build(dir, out); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(out, "bootstrap"))
		if err != nil {
			t.Fatal(err)
		}
		sums[i] = sha256.Sum256(b)
	}
	if sums[0] != sums[1] {
		t.Errorf("two builds differ: %x, %x", sums[0], sums[1])
	}
}

func TestTryBundle_FailsSynthWithGoBuildsOutput(t *testing.T) {
	// A directory without the module: go build has nothing to build.
	b := &goBuild{moduleDir: t.TempDir()}
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok {
			t.Fatalf("TryBundle returned instead of panicking (recovered %v)", r)
		}
		if !strings.Contains(err.Error(), "go build ./lambdas/presign") || !strings.Contains(err.Error(), "linux/arm64") {
			t.Errorf("error %q does not say which build failed", err)
		}
	}()
	b.TryBundle(jsii.String(t.TempDir()), nil)
}

func TestTryBundle_NeverFallsBackToDocker(t *testing.T) {
	b := &goBuild{moduleDir: t.TempDir()}
	defer func() {
		if _, ok := recover().(error); !ok {
			t.Error("an empty output directory did not fail")
		}
	}()
	b.TryBundle(jsii.String(""), nil)
}

func TestFindModuleDir_IsThisRepository(t *testing.T) {
	dir, err := findModuleDir()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs("../..")
	if dir != want {
		t.Errorf("module dir %s, want %s", dir, want)
	}
	if why := checkModuleDir(dir); why != "" {
		t.Error(why)
	}
	if why := checkModuleDir(t.TempDir()); why == "" {
		t.Error("an empty directory passed as the module root")
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); errors.Is(err, os.ErrNotExist) {
		t.Error("no go.mod at the module root")
	}
}

func TestNew_FailsWithTheBuildErrorWhenTheFunctionDoesNotCompile(t *testing.T) {
	mod := t.TempDir()
	pkg := filepath.Join(mod, "lambdas", "presign")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		filepath.Join(mod, "go.mod"):  "module " + ModulePath + "\n\ngo 1.22\n",
		filepath.Join(pkg, "main.go"): "package main\n\nfunc main() { undefinedCall() }\n",
	}
	for name, text := range files {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// CDK stages (and so bundles) an asset when the function is created.
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("Broken"), nil)
	defer func() {
		msg := fmt.Sprint(recover())
		for _, want := range []string{"go build ./lambdas/presign", "undefined: undefinedCall"} {
			if !strings.Contains(msg, want) {
				t.Errorf("synth failure %q lacks %q", msg, want)
			}
		}
	}()
	New(stack, jsii.String("Presign"), &Props{
		Bucket:    privatebucket.New(stack, jsii.String("Bucket"), nil),
		ModuleDir: jsii.String(mod),
	})
}

// Command bench runs securestore's benchmarks and their baselines in one go
// and writes BENCHMARKS.md: each figure next to what a user would use
// instead, measured in the same run on the same machine, as a ratio.
//
//	go run ./tools/bench [-o BENCHMARKS.md] [-count 5] [-benchtime 1s] [-skip-synth]
//
// It runs, in order:
//
//   - the Go benchmarks of the presign function (the presigner, the full
//     handler path, every route) and of the Lambda cold start through the
//     Runtime API harness, with -benchmem;
//   - the same presign with botocore's generate_presigned_url (Python) and
//     with the AWS SDK for JavaScript v3 presigner (Node);
//   - the deployed binary's size;
//   - the number of test binaries that link jsii (go list -deps -test);
//   - unless -skip-synth: `cdk synth` of the default app against an app
//     with one empty stack (the jsii floor), and `make test` in a fresh
//     clone of the committed tree.
//
// Bounds come from issue 20; a missed bound is reported as missed, never
// loosened.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/securestore/securestore/internal/testkit/runtimeapi"
)

func main() {
	out := flag.String("o", "BENCHMARKS.md", "report file to write")
	count := flag.Int("count", 5, "runs of each Go benchmark (the report takes the median)")
	benchtime := flag.String("benchtime", "1s", "go test -benchtime for the presign benchmarks")
	synthRuns := flag.Int("synth-runs", 3, "runs of each cdk synth (the report takes the median)")
	skipSynth := flag.Bool("skip-synth", false, "skip the synth and test timings (for a quick look at presign figures)")
	flag.Parse()
	if err := run(*out, *count, *benchtime, *synthRuns, *skipSynth); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(out string, count int, benchtime string, synthRuns int, skipSynth bool) error {
	r := &report{Date: time.Now().UTC(), Command: "make bench (go run ./tools/bench " + strings.Join(os.Args[1:], " ") + ")"}
	r.Machine = machine()

	step("Go benchmarks (presign, handler, cold start)")
	var err error
	if r.Go, err = goBench(count, benchtime, "./lambdas/presign/..."); err != nil {
		return err
	}

	step("botocore baseline")
	if r.Botocore, err = script("python3", "tools/bench/botocore_presign.py", "--rounds", strconv.Itoa(count)); err != nil {
		return err
	}
	step("AWS SDK for JavaScript v3 baseline")
	if r.SDKv3, err = script("node", "tools/bench/sdkv3_presign.mjs", "--rounds", strconv.Itoa(count)); err != nil {
		return err
	}

	step("deployed binary size")
	if r.Size, err = binarySize(); err != nil {
		return err
	}
	step("test binaries that link jsii")
	if r.JSIITests, r.TestBinaries, err = jsiiTestBinaries(); err != nil {
		return err
	}

	if !skipSynth {
		step("cdk synth: default app and the empty-app floor")
		if r.SynthApp, err = timeRuns(synthRuns, "npx", "--no-install", "cdk", "synth", "--quiet", "-o", tempDir("app")); err != nil {
			return err
		}
		if r.SynthFloor, err = timeRuns(synthRuns, "npx", "--no-install", "cdk", "synth", "--quiet", "-o", tempDir("floor"),
			"--app", "go run -trimpath ./tools/bench/emptyapp"); err != nil {
			return err
		}
		step("make test in a fresh clone")
		if r.MakeTest, err = makeTestFresh(); err != nil {
			return err
		}
	}

	md := r.markdown()
	if notes, err := os.ReadFile("tools/bench/analysis.md"); err == nil {
		md += "\n" + string(notes)
	}
	if err := os.WriteFile(out, []byte(md), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	fmt.Print(md)
	return nil
}

func step(what string) { fmt.Fprintf(os.Stderr, "==> %s\n", what) }

func tempDir(name string) string {
	d, err := os.MkdirTemp("", "securestore-bench-"+name+"-")
	if err != nil {
		panic(err)
	}
	return d
}

// benchResult is one Go benchmark's median figures.
type benchResult struct {
	Name    string
	NsPerOp float64
	Bytes   float64
	Allocs  float64
	Extra   map[string]float64 // custom metrics (b.ReportMetric)
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// goBench runs the benchmarks of pkgs and returns the median of each figure.
func goBench(count int, benchtime string, pkgs ...string) ([]benchResult, error) {
	args := append([]string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-count", strconv.Itoa(count), "-benchtime", benchtime}, pkgs...)
	cmd := exec.Command("go", args...)
	var stdout bytes.Buffer
	cmd.Stdout = io.MultiWriter(&stdout, os.Stderr)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return parseBench(stdout.Bytes())
}

// parseBench reads `go test -bench` output and keeps, per benchmark, the
// median of every metric over its runs.
func parseBench(out []byte) ([]benchResult, error) {
	samples := map[string]map[string][]float64{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		name := m[1]
		if samples[name] == nil {
			samples[name] = map[string][]float64{}
			order = append(order, name)
		}
		fields := strings.Fields(m[2])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("benchmark %s: value %q: %w", name, fields[i], err)
			}
			samples[name][fields[i+1]] = append(samples[name][fields[i+1]], v)
		}
	}
	if len(order) == 0 {
		return nil, errors.New("no benchmark results in the go test output")
	}
	var res []benchResult
	for _, name := range order {
		r := benchResult{Name: name, Extra: map[string]float64{}}
		for unit, vs := range samples[name] {
			v := median(vs)
			switch unit {
			case "ns/op":
				r.NsPerOp = v
			case "B/op":
				r.Bytes = v
			case "allocs/op":
				r.Allocs = v
			default:
				r.Extra[unit] = v
			}
		}
		res = append(res, r)
	}
	return res, nil
}

func median(vs []float64) float64 {
	s := slices.Clone(vs)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// scriptResult is one line of a baseline script's output.
type scriptResult struct {
	Name       string  `json:"name"`
	NsPerOp    float64 `json:"ns_per_op"`
	Rounds     int     `json:"rounds"`
	Iterations int     `json:"iterations"`
}

func script(interpreter string, args ...string) (map[string]scriptResult, error) {
	cmd := exec.Command(interpreter, args...)
	cmd.Env = append(os.Environ(), "NODE_NO_WARNINGS=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", interpreter, strings.Join(args, " "), err)
	}
	res := map[string]scriptResult{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r scriptResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s: output line %q: %w", args[0], line, err)
		}
		res[r.Name] = r
	}
	return res, nil
}

// timeRuns runs a command n times and returns the median wall time.
func timeRuns(n int, name string, args ...string) (time.Duration, error) {
	return timeRunsIn("", n, name, args...)
}

// timeRunsIn is timeRuns in directory dir ("" for the current one).
func timeRunsIn(dir string, n int, name string, args ...string) (time.Duration, error) {
	var ds []float64
	for i := 0; i < n; i++ {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1", "CDK_DISABLE_VERSION_CHECK=1")
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, stderr.String())
		}
		ds = append(ds, float64(time.Since(start)))
	}
	return time.Duration(median(ds)), nil
}

// sizes of the presign function as deployed.
type sizes struct {
	Binary, Zip int64
}

// binarySize builds the presign bootstrap for arm64 exactly as the construct
// bundles it, and zips it as the asset is uploaded.
func binarySize() (sizes, error) {
	bin, err := runtimeapi.Build(context.Background(), "./lambdas/presign", "arm64", tempDir("size"))
	if err != nil {
		return sizes{}, err
	}
	st, err := os.Stat(bin)
	if err != nil {
		return sizes{}, err
	}
	zipped, err := zipSize(bin)
	if err != nil {
		return sizes{}, err
	}
	return sizes{Binary: st.Size(), Zip: zipped}, nil
}

// jsiiModule is the jsii runtime every CDK binding links.
const jsiiModule = "github.com/aws/jsii-runtime-go"

// jsiiTestBinaries counts the module's test binaries (one per package with
// tests: the "<pkg>.test" main packages of `go list -test`) and those whose
// dependencies, as go list resolves them, include the jsii runtime.
func jsiiTestBinaries() (jsii, total int, err error) {
	out, err := exec.Command("go", "list", "-test", "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}", "./...").Output()
	if err != nil {
		return 0, 0, fmt.Errorf("go list -test ./...: %w", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || !strings.HasSuffix(fields[0], ".test") {
			continue
		}
		total++
		for _, dep := range fields[1:] {
			if dep == jsiiModule || strings.HasPrefix(dep, jsiiModule+"/") {
				jsii++
				break
			}
		}
	}
	return jsii, total, nil
}

// makeTestFresh clones the committed tree into a new directory and times
// `make test` there: what a new contributor's first run costs (the Go build
// and test caches are the machine's own, as they would be on a reused
// machine; the npm install and every test run are not cached).
func makeTestFresh() (time.Duration, error) {
	root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return 0, fmt.Errorf("git rev-parse: %w", err)
	}
	dir := filepath.Join(tempDir("clone"), "securestore")
	if out, err := exec.Command("git", "clone", "--quiet", "--no-hardlinks", strings.TrimSpace(string(root)), dir).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("git clone: %w\n%s", err, out)
	}
	defer os.RemoveAll(filepath.Dir(dir))
	return timeRunsIn(dir, 1, "make", "test")
}

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	ver := func(name string, args ...string) string {
		out, err := exec.Command(name, args...).Output()
		if err != nil {
			return name + " (not found)"
		}
		return strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	return fmt.Sprintf("%s, %d CPUs, %s/%s; %s; node %s; %s; botocore %s", cpu, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH,
		runtime.Version(), ver("node", "--version"), ver("python3", "--version"),
		ver("python3", "-c", "import botocore; print(botocore.__version__)"))
}

package runtimeapi

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// binaries builds each testdata function once per test binary run.
var binaries struct {
	sync.Mutex
	dir   string
	paths map[string]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binaries.dir != "" {
		_ = os.RemoveAll(binaries.dir)
	}
	os.Exit(code)
}

// testFunction returns the host-arch bootstrap built from testdata/<name>.
func testFunction(t testing.TB, name string) string {
	t.Helper()
	binaries.Lock()
	defer binaries.Unlock()
	if p, ok := binaries.paths[name]; ok {
		return p
	}
	if binaries.dir == "" {
		dir, err := os.MkdirTemp("", "runtimeapi-test-")
		if err != nil {
			t.Fatal(err)
		}
		binaries.dir, binaries.paths = dir, map[string]string{}
	}
	dir := filepath.Join(binaries.dir, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := Build(t.Context(), "./testdata/"+name, runtime.GOARCH, dir)
	if err != nil {
		t.Fatal(err)
	}
	binaries.paths[name] = p
	return p
}

func TestEmpty_ReturnsEachInputUnchanged(t *testing.T) {
	s := Start(t, nil)
	p := s.Launch(t, testFunction(t, "empty"), nil)
	for _, payload := range []string{
		`{"a":1,"b":[true,null,"x"]}`,
		`[]`,
		`"text with ünïcode and \"quotes\""`,
		`12345678901234567890`,
		`null`,
		`{"nested":{"deep":{"deeper":[1,2,3]}}}`,
	} {
		res, err := s.Invoke(t.Context(), []byte(payload))
		if err != nil {
			t.Fatalf("Invoke(%s): %v", payload, err)
		}
		if res.Error != nil || string(res.Body) != payload {
			t.Errorf("Invoke(%s) = %s, error %v; want the input back", payload, res.Body, res.Error)
		}
		if res.ContentType != "application/json" {
			t.Errorf("Content-Type = %q, want application/json", res.ContentType)
		}
	}
	initDur, ok1 := p.InitDuration()
	cold, ok2 := p.ColdStart()
	if !ok1 || !ok2 || initDur <= 0 || cold < initDur {
		t.Errorf("InitDuration = %v (%v), ColdStart = %v (%v): want both, init first", initDur, ok1, cold, ok2)
	}
	if exited, err := p.Exited(); exited {
		t.Errorf("the function exited while serving: %v", err)
	}
}

func TestEmpty_ColdStartUnknownBeforeFirstAnswer(t *testing.T) {
	s := Start(t, nil)
	p := s.Launch(t, testFunction(t, "empty"), nil)
	if d, ok := p.ColdStart(); ok {
		t.Fatalf("ColdStart = %v before any invocation, want none", d)
	}
	// An event queued before the runtime asks is still served.
	if res, err := s.Invoke(t.Context(), []byte(`1`)); err != nil || string(res.Body) != "1" {
		t.Fatalf("Invoke = %+v, %v", res, err)
	}
	if _, ok := p.ColdStart(); !ok {
		t.Fatal("ColdStart unknown after the first answer")
	}
}

type echoReport struct {
	Event         json.RawMessage `json:"event"`
	RequestID     string          `json:"requestId"`
	FunctionARN   string          `json:"functionArn"`
	DeadlineMs    int64           `json:"deadlineMs"`
	TraceID       string          `json:"traceId"`
	ClientContext struct {
		Client struct {
			AppTitle string `json:"app_title"`
		} `json:"Client"`
		Custom map[string]string `json:"custom"`
	} `json:"clientContext"`
	Identity struct {
		CognitoIdentityID     string `json:"CognitoIdentityID"`
		CognitoIdentityPoolID string `json:"CognitoIdentityPoolID"`
	} `json:"identity"`
	Env map[string]string `json:"env"`
	Cwd string            `json:"cwd"`
}

func TestEcho_SeesInvocationContext(t *testing.T) {
	s := Start(t, &Config{FunctionName: "presign", Region: "eu-west-1", MemoryMB: 256, Timeout: 30 * time.Second})
	t.Setenv("SECURESTORE_HOST_ONLY", "must not leak")
	bin := testFunction(t, "echo")
	p := s.Launch(t, bin, map[string]string{"BUCKET_NAME": "b", "AWS_REGION": "eu-central-1"})

	cases := []struct {
		name string
		req  Request
		want func(t *testing.T, r echoReport)
	}{
		{
			name: "defaults",
			req:  Request{Payload: []byte(`{"k":"v"}`)},
			want: func(t *testing.T, r echoReport) {
				if r.FunctionARN != "arn:aws:lambda:eu-west-1:123456789012:function:presign" {
					t.Errorf("ARN = %q", r.FunctionARN)
				}
				if r.ClientContext.Custom != nil || r.Identity.CognitoIdentityID != "" {
					t.Errorf("client context %+v / identity %+v, want empty", r.ClientContext, r.Identity)
				}
			},
		},
		{
			name: "trace, client context, identity and qualified ARN",
			req: Request{
				Payload:         []byte(`[1,2]`),
				TraceID:         "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
				ClientContext:   `{"client":{"app_title":"mobile"},"custom":{"tenant":"t1"}}`,
				CognitoIdentity: `{"cognitoIdentityId":"us-east-1:abc","cognitoIdentityPoolId":"us-east-1:pool"}`,
				FunctionARN:     "arn:aws:lambda:eu-west-1:123456789012:function:presign:live",
			},
			want: func(t *testing.T, r echoReport) {
				if r.TraceID != "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1" {
					t.Errorf("trace id = %q", r.TraceID)
				}
				if r.ClientContext.Client.AppTitle != "mobile" || r.ClientContext.Custom["tenant"] != "t1" {
					t.Errorf("client context = %+v", r.ClientContext)
				}
				if r.Identity.CognitoIdentityID != "us-east-1:abc" || r.Identity.CognitoIdentityPoolID != "us-east-1:pool" {
					t.Errorf("identity = %+v", r.Identity)
				}
				if r.FunctionARN != "arn:aws:lambda:eu-west-1:123456789012:function:presign:live" {
					t.Errorf("ARN = %q", r.FunctionARN)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.Do(t.Context(), tc.req)
			if err != nil || res.Error != nil {
				t.Fatalf("Do = %+v, %v", res, err)
			}
			var r echoReport
			if err := json.Unmarshal(res.Body, &r); err != nil {
				t.Fatalf("report %s: %v", res.Body, err)
			}
			if !bytes.Equal(r.Event, tc.req.Payload) || r.RequestID != res.RequestID || r.DeadlineMs != res.Deadline.UnixMilli() {
				t.Errorf("event %s id %s deadline %d; want %s, %s, %d", r.Event, r.RequestID, r.DeadlineMs, tc.req.Payload, res.RequestID, res.Deadline.UnixMilli())
			}
			if !strings.HasPrefix(r.TraceID, "Root=1-") {
				t.Errorf("trace id = %q, want an X-Ray header", r.TraceID)
			}
			root := filepath.Dir(bin)
			wantEnv := map[string]string{
				"AWS_LAMBDA_RUNTIME_API":          p.Addr(),
				"AWS_LAMBDA_FUNCTION_NAME":        "presign",
				"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
				"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
				"AWS_REGION":                      "eu-central-1", // the caller's env wins
				"AWS_DEFAULT_REGION":              "eu-west-1",
				"_HANDLER":                        "bootstrap",
				"LAMBDA_TASK_ROOT":                root,
				"BUCKET_NAME":                     "b",
				"TZ":                              ":UTC",
			}
			for k, want := range wantEnv {
				if got := r.Env[k]; got != want {
					t.Errorf("env %s = %q, want %q", k, got, want)
				}
			}
			for _, k := range []string{"SECURESTORE_HOST_ONLY", "HOME", "AWS_ACCESS_KEY_ID"} {
				if v, ok := r.Env[k]; ok {
					t.Errorf("env %s = %q leaked from the host", k, v)
				}
			}
			if r.Cwd != root {
				t.Errorf("cwd = %q, want the task root %q", r.Cwd, root)
			}
			tc.want(t, r)
		})
	}
}

func TestEcho_FunctionErrorsAreReportedAndServingGoesOn(t *testing.T) {
	s := Start(t, nil)
	s.Launch(t, testFunction(t, "echo"), nil)
	cases := []struct {
		payload  string
		wantType string
		wantMsg  string
	}{
		{`{"fail":"bad thing"}`, "errBadThing", "bad thing"},
		{`{"k":1}`, "", ""},
		{`{"fail":"again"}`, "errBadThing", "again"},
		{`"plain"`, "", ""},
	}
	for _, tc := range cases {
		res, err := s.Invoke(t.Context(), []byte(tc.payload))
		if err != nil {
			t.Fatalf("Invoke(%s): %v", tc.payload, err)
		}
		switch {
		case tc.wantType == "" && (res.Error != nil || len(res.Body) == 0):
			t.Errorf("Invoke(%s) = %s, error %v; want a report", tc.payload, res.Body, res.Error)
		case tc.wantType != "" && (res.Error == nil || res.Error.Type != tc.wantType || res.Error.Message != tc.wantMsg || res.Body != nil):
			t.Errorf("Invoke(%s) error = %+v, want %s: %s", tc.payload, res.Error, tc.wantType, tc.wantMsg)
		}
	}
}

func TestEcho_PanicIsReportedThenTheRuntimeExits(t *testing.T) {
	s := Start(t, nil)
	p := s.Launch(t, testFunction(t, "echo"), nil)
	res, err := s.Invoke(t.Context(), []byte(`{"panic":"kaboom"}`))
	if err != nil || res.Error == nil || res.Error.Type != "string" || res.Error.Message != "kaboom" || len(res.Error.StackTrace) < 3 {
		t.Fatalf("Invoke = %+v (error %+v), %v; want the panic with a stack", res, res.Error, err)
	}
	<-p.Done()
	if _, err := s.Invoke(t.Context(), []byte(`{}`)); !errors.Is(err, ErrRuntimeExited) {
		t.Fatalf("Invoke after exit = %v, want ErrRuntimeExited", err)
	}
	out, err := p.Output()
	if err != nil || !strings.Contains(out, "kaboom") {
		t.Errorf("output %q (%v), want the logged panic", out, err)
	}
}

func TestEcho_ServiceRaisedErrors(t *testing.T) {
	cases := []struct {
		name     string
		payload  string
		wantType string
	}{
		{"no answer by the deadline", `{"hang":true}`, "Sandbox.Timedout"},
		{"response over 6 MiB", `{"big":` + strconv.Itoa(MaxResponseBytes+16) + `}`, "Function.ResponseSizeTooLarge"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Start(t, &Config{Timeout: time.Second})
			s.Launch(t, testFunction(t, "echo"), nil)
			res, err := s.Invoke(t.Context(), []byte(tc.payload))
			if err != nil || res.Error == nil || res.Error.Type != tc.wantType {
				t.Fatalf("Invoke = %+v (error %+v), %v; want %s", res, res.Error, err, tc.wantType)
			}
		})
	}
}

func TestLaunch_ExitDuringInvocationIsRuntimeExitError(t *testing.T) {
	s := Start(t, &Config{Timeout: time.Minute})
	// /bin/true exits at once without asking for an event.
	p := s.Launch(t, "/bin/true", nil)
	res, err := s.Invoke(t.Context(), []byte(`{}`))
	if err == nil && (res.Error == nil || res.Error.Type != "Runtime.ExitError") {
		t.Fatalf("Invoke = %+v, want Runtime.ExitError", res)
	}
	if err != nil && !errors.Is(err, ErrRuntimeExited) {
		t.Fatalf("Invoke error = %v, want ErrRuntimeExited", err)
	}
	if exited, _ := p.Exited(); !exited {
		t.Fatal("process not reported exited")
	}
}

func TestLaunch_OneProcessAtATimeThenRelaunch(t *testing.T) {
	s := Start(t, nil)
	bin := testFunction(t, "empty")
	first := s.Launch(t, bin, nil)
	if _, err := s.launch(bin, nil, t.TempDir()); err == nil {
		t.Fatal("a second launch while the first runs succeeded")
	}
	if res, err := s.Invoke(t.Context(), []byte(`1`)); err != nil || string(res.Body) != "1" {
		t.Fatalf("Invoke = %+v, %v", res, err)
	}
	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}
	second := s.Launch(t, bin, nil)
	if _, ok := second.ColdStart(); ok {
		t.Fatal("a fresh process inherited the previous cold start")
	}
	if res, err := s.Invoke(t.Context(), []byte(`2`)); err != nil || string(res.Body) != "2" {
		t.Fatalf("Invoke after relaunch = %+v, %v", res, err)
	}
	if _, ok := second.ColdStart(); !ok {
		t.Fatal("no cold start for the relaunched process")
	}
}

func TestLaunch_OtherListenersAreStale(t *testing.T) {
	s := Start(t, nil)
	bin := testFunction(t, "empty")
	first := s.Launch(t, bin, nil)
	firstAddr := first.Addr()
	if firstAddr == s.Addr() {
		t.Fatal("the process shares the server's own listener")
	}
	// While a process runs, a runtime on the server's own address is stale.
	resp, err := http.Get("http://" + s.Addr() + "/" + APIVersion + "/runtime/invocation/next")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("next on the server's address = %d, want 500", resp.StatusCode)
	}
	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}
	second := s.Launch(t, bin, nil)
	if second.Addr() == firstAddr {
		t.Fatal("the relaunched process reuses its predecessor's listener")
	}
	if resp, err := http.Get("http://" + firstAddr + "/" + APIVersion + "/runtime/invocation/next"); err == nil {
		_ = resp.Body.Close()
		t.Error("the exited process's listener still accepts")
	}
	if res, err := s.Invoke(t.Context(), []byte(`3`)); err != nil || string(res.Body) != "3" {
		t.Fatalf("Invoke = %+v, %v", res, err)
	}
}

func TestBuild_ProducesTheDeployedKindOfBinary(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		goarch  string
		machine elf.Machine
	}{
		{"amd64", elf.EM_X86_64},
		{"arm64", elf.EM_AARCH64},
	}
	for _, tc := range cases {
		t.Run(tc.goarch, func(t *testing.T) {
			path := BuildForTest(t, "./testdata/empty", tc.goarch)
			if filepath.Base(path) != "bootstrap" {
				t.Errorf("binary %s, want one named bootstrap", path)
			}
			f, err := elf.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Machine != tc.machine || f.Type != elf.ET_EXEC {
				t.Errorf("machine %v type %v, want %v static executable", f.Machine, f.Type, tc.machine)
			}
			for _, prog := range f.Progs {
				if prog.Type == elf.PT_INTERP {
					t.Error("binary has an interpreter: not statically linked (CGO_ENABLED=0)")
				}
			}
			if f.Section(".symtab") != nil {
				t.Error("binary has a symbol table: not stripped (-s)")
			}
			if f.Section(".debug_info") != nil || f.Section(".zdebug_info") != nil {
				t.Error("binary has DWARF: not stripped (-w)")
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(raw, []byte(wd)) {
				t.Errorf("binary contains the build directory %s: not -trimpath", wd)
			}
			if bytes.Contains(raw, []byte("net/rpc")) {
				t.Error("binary links net/rpc: built without -tags lambda.norpc")
			}
		})
	}
	if _, err := Build(context.Background(), "./testdata/empty", "", t.TempDir()); err == nil {
		t.Error("Build with no GOARCH succeeded")
	}
	if _, err := Build(context.Background(), "./testdata/missing", runtime.GOARCH, t.TempDir()); err == nil || !strings.Contains(err.Error(), "testdata/missing") {
		t.Errorf("Build of a missing package = %v, want go build's complaint", err)
	}
}

func TestEmpty_PeakRSSKnownOnceExited(t *testing.T) {
	s := Start(t, nil)
	p := s.Launch(t, testFunction(t, "empty"), nil)
	if res, err := s.Invoke(t.Context(), []byte(`{}`)); err != nil || res.Error != nil {
		t.Fatalf("Invoke = %+v, %v", res, err)
	}
	if _, ok := p.PeakRSS(); ok {
		t.Fatal("PeakRSS known while the process runs")
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	rss, ok := p.PeakRSS()
	// A Go binary maps at least its runtime; no process fits in 64 KiB or needs 1 GiB here.
	if !ok || rss < 64<<10 || rss > 1<<30 {
		t.Errorf("PeakRSS = %d, %v; want a plausible size once exited", rss, ok)
	}
}

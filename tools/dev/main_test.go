package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securestore/securestore/internal/devapi"
)

func TestOpenAPI_WritesTheDocumentForTheTemplatesLimits(t *testing.T) {
	out := filepath.Join(t.TempDir(), "openapi.json")
	if err := run([]string{"openapi", "-template", "../../test/testdata/prod.template.json", "-o", out}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string `json:"name"`
				Schema struct {
					Maximum int64 `json:"maximum"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range doc.Paths["/presign"]["get"].Parameters {
		if p.Name == "expiresIn" {
			found = true
			if p.Schema.Maximum != 120 {
				t.Errorf("expiresIn maximum %d, want prod's URL_TTL_SECONDS 120", p.Schema.Maximum)
			}
		}
	}
	if !found {
		t.Error("GET /presign has no expiresIn parameter")
	}
}

func TestRun_RefusesWithUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"deploy"}, {"user"}, {"serve", "-template", "does-not-exist"}} {
		err := run(args, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil {
			t.Errorf("%q: no error", args)
			continue
		}
		if !strings.Contains(err.Error(), "usage") && !strings.Contains(err.Error(), "unknown") && !strings.Contains(err.Error(), "-template") {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

// TestMain lets a test run this command as its own process: the test
// binary re-executed with SECURESTORE_DEV_MAIN=1 is the dev command.
func TestMain(m *testing.M) {
	if os.Getenv("SECURESTORE_DEV_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// command is the dev command serving the default golden template on free
// ports with its state in a fresh directory, its output in a buffer.
type command struct {
	cmd   *exec.Cmd
	dir   string
	out   *syncBuffer
	ports []int
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startCommand(t *testing.T) *command {
	t.Helper()
	c := &command{dir: t.TempDir(), out: &syncBuffer{}}
	env := append(os.Environ(), "SECURESTORE_DEV_MAIN=1")
	for _, name := range []string{"DEV_API_PORT", "DEV_S3_PORT", "DEV_COGNITO_PORT"} {
		port, err := devapi.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		c.ports = append(c.ports, port)
		env = append(env, fmt.Sprintf("%s=%d", name, port))
	}
	c.cmd = exec.Command(os.Args[0], "serve", "-dir", c.dir, "-template", "../../test/testdata/default.template.json",
		"-cognito-local", "../../node_modules/cognito-local/lib/bin/start.js")
	c.cmd.Env = env
	c.cmd.Stdout, c.cmd.Stderr = c.out, c.out
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.cmd.Process.Kill() })
	deadline := time.Now().Add(90 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(c.dir, devapi.InfoFile)); err == nil {
			return c
		}
		if time.Now().After(deadline) || c.cmd.ProcessState != nil {
			t.Fatalf("dev.json not written; output:\n%s", c.out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// allClosed waits until nothing listens on any of the command's ports.
func (c *command) allClosed(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for _, port := range c.ports {
		for {
			conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
			if err != nil {
				break
			}
			_ = conn.Close()
			if time.Now().After(deadline) {
				t.Fatalf("port %d still served after the command stopped", port)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// TestServe_CtrlCStopsEverything: dev-user prints a token the API takes
// as its last line; an interrupt stops the API, MinIO and cognito-local
// and removes dev.json.
func TestServe_CtrlCStopsEverything(t *testing.T) {
	c := startCommand(t)
	if !strings.Contains(c.out.String(), "Ctrl-C stops everything") {
		t.Errorf("no how-to printed:\n%s", c.out)
	}
	var out bytes.Buffer
	if err := run([]string{"user", "-dir", c.dir, "-name", "erin", "-groups", "tier-1"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	token := lines[len(lines)-1]
	info, err := devapi.ReadInfo(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), "GET", info.APIURL+"/presign?key=tier-1/a.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /presign with the printed token: %d", res.StatusCode)
	}

	if err := c.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Wait(); err != nil {
		t.Errorf("after an interrupt: %v\n%s", err, c.out)
	}
	c.allClosed(t)
	if _, err := os.Stat(filepath.Join(c.dir, devapi.InfoFile)); !os.IsNotExist(err) {
		t.Errorf("dev.json after the command stopped: %v", err)
	}
}

// TestServe_KilledCommandTakesItsServersAlong: even a SIGKILL, which the
// command cannot handle, stops MinIO and cognito-local (they get SIGTERM
// when their parent dies).
func TestServe_KilledCommandTakesItsServersAlong(t *testing.T) {
	c := startCommand(t)
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = c.cmd.Wait()
	c.allClosed(t)
}

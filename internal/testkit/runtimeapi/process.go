package runtimeapi

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
const stopGrace = 2 * time.Second

// Process is a function binary launched against a Server.
type Process struct {
	// Started is when the process was started.
	Started time.Time
	// LogPath is the file that receives the process's stdout and stderr.
	LogPath string

	srv  *Server
	ln   net.Listener // this process's own Runtime API listener
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // exit error, set before done closes
	rss  int64         // peak resident set size in bytes, set before done closes

	stopOnce sync.Once
}

// Env is the environment Launch gives the process before the caller's
// additions: what Lambda sets for a provided.al2023 function, with
// AWS_LAMBDA_RUNTIME_API pointing at this server and taskRoot as
// LAMBDA_TASK_ROOT. Nothing is inherited from the test's environment
// (in particular no AWS credentials).
func (s *Server) Env(taskRoot string) map[string]string {
	c := s.cfg
	return map[string]string{
		"AWS_LAMBDA_RUNTIME_API":          s.Addr(),
		"AWS_LAMBDA_FUNCTION_NAME":        c.FunctionName,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(c.MemoryMB),
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + c.FunctionName,
		"AWS_LAMBDA_LOG_STREAM_NAME":      time.Now().UTC().Format("2006/01/02") + "/[$LATEST]local",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_REGION":                      c.Region,
		"AWS_DEFAULT_REGION":              c.Region,
		"AWS_EXECUTION_ENV":               "AWS_Lambda_provided.al2023",
		"_HANDLER":                        "bootstrap",
		"LAMBDA_TASK_ROOT":                taskRoot,
		"LAMBDA_RUNTIME_DIR":              taskRoot,
		"PATH":                            "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
		"LD_LIBRARY_PATH":                 "/lib64:/usr/lib64:" + taskRoot + ":" + taskRoot + "/lib:/opt/lib",
		"LANG":                            "en_US.UTF-8",
		"TZ":                              ":UTC",
	}
}

// Launch runs binary as the function's runtime: its working directory and
// LAMBDA_TASK_ROOT are the binary's directory, its environment is Env plus
// env (env wins), its output goes to a log file that is printed if the test
// fails. The process is stopped in t.Cleanup. One process runs against a
// server at a time: launch the next after Stop.
func (s *Server) Launch(t testing.TB, binary string, env map[string]string) *Process {
	t.Helper()
	p, err := s.launch(binary, env, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("stopping %s: %v", binary, err)
		}
		if t.Failed() {
			if out, err := os.ReadFile(p.LogPath); err == nil {
				t.Logf("output of %s:\n%s", binary, out)
			}
		}
	})
	return p
}

func (s *Server) launch(binary string, env map[string]string, logDir string) (*Process, error) {
	abs, err := filepath.Abs(binary)
	if err != nil {
		return nil, fmt.Errorf("runtimeapi: launch %s: %w", binary, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("runtimeapi: launch %s: listen: %w", binary, err)
	}
	root := filepath.Dir(abs)
	vars := s.Env(root)
	vars["AWS_LAMBDA_RUNTIME_API"] = ln.Addr().String()
	for k, v := range env {
		vars[k] = v
	}
	environ := make([]string, 0, len(vars))
	for k, v := range vars {
		environ = append(environ, k+"="+v)
	}
	logPath := filepath.Join(logDir, filepath.Base(abs)+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("runtimeapi: launch %s: log file: %w", binary, err)
	}

	s.mu.Lock()
	if s.proc != nil {
		select {
		case <-s.proc.done:
		default:
			s.mu.Unlock()
			_ = logFile.Close()
			_ = ln.Close()
			return nil, fmt.Errorf("runtimeapi: launch %s: a process is already running against this server", binary)
		}
	}
	cmd := exec.Command(abs)
	cmd.Dir = root
	cmd.Env = environ
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &Process{LogPath: logPath, srv: s, ln: ln, cmd: cmd, done: make(chan struct{})}
	// A fresh process is a fresh execution environment: its init has not
	// run yet and it has no timings.
	s.initDone, s.initErr, s.exitErr = false, nil, nil
	s.firstNext, s.firstResponse = time.Time{}, time.Time{}
	p.Started = time.Now()
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		_ = logFile.Close()
		_ = ln.Close()
		return nil, fmt.Errorf("runtimeapi: launch %s: %w", binary, err)
	}
	s.proc = p
	s.gen++
	s.listenerGen[ln.Addr().String()] = s.gen
	s.signalLocked()
	s.mu.Unlock()
	go func() { _ = s.srv.Serve(ln) }()

	go func() {
		werr := cmd.Wait()
		_ = logFile.Close()
		var rss int64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss * 1024 // Linux reports kilobytes
		}
		if werr == nil {
			werr = errors.New("exit status 0")
		}
		s.mu.Lock()
		p.err = werr
		p.rss = rss
		if s.proc == p {
			s.exitErr = fmt.Errorf("%w: %v", ErrRuntimeExited, werr)
			s.gen++
		}
		delete(s.listenerGen, ln.Addr().String())
		_ = ln.Close() // before done: a stopped process's address accepts nothing
		close(p.done)
		s.signalLocked()
		s.mu.Unlock()
	}()
	return p, nil
}

// PeakRSS is the process's peak resident set size in bytes, as the kernel
// accounted it (getrusage ru_maxrss), and false while it is running.
func (p *Process) PeakRSS() (int64, bool) {
	select {
	case <-p.done:
		return p.rss, true
	default:
		return 0, false
	}
}

// Stop ends the process: SIGTERM to its process group, then SIGKILL if it
// has not exited within two seconds. It is safe to call more than once.
func (p *Process) Stop() error {
	var err error
	p.stopOnce.Do(func() {
		select {
		case <-p.done:
			return
		default:
		}
		pgid := -p.cmd.Process.Pid
		if e := syscall.Kill(pgid, syscall.SIGTERM); e != nil && !errors.Is(e, syscall.ESRCH) {
			err = fmt.Errorf("runtimeapi: SIGTERM: %w", e)
		}
		select {
		case <-p.done:
		case <-time.After(stopGrace):
			if e := syscall.Kill(pgid, syscall.SIGKILL); e != nil && !errors.Is(e, syscall.ESRCH) {
				err = errors.Join(err, fmt.Errorf("runtimeapi: SIGKILL: %w", e))
			}
			<-p.done
		}
	})
	return err
}

// Addr is host:port of this process's Runtime API listener, the value of
// its AWS_LAMBDA_RUNTIME_API.
func (p *Process) Addr() string { return p.ln.Addr().String() }

// Exited reports whether the process has exited and, if so, how.
func (p *Process) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Output is what the process has written to stdout and stderr so far.
func (p *Process) Output() (string, error) {
	b, err := os.ReadFile(p.LogPath)
	if err != nil {
		return "", fmt.Errorf("runtimeapi: reading output: %w", err)
	}
	return string(b), nil
}

// InitDuration is the time from process start to its first call to next
// (Lambda's Init phase), and false while it has made none.
func (p *Process) InitDuration() (time.Duration, bool) {
	p.srv.mu.Lock()
	defer p.srv.mu.Unlock()
	if p.srv.proc != p || p.srv.firstNext.IsZero() {
		return 0, false
	}
	return p.srv.firstNext.Sub(p.Started), true
}

// ColdStart is the time from process start to the first answer (response or
// error) the server received from it, and false while there is none: what
// the first caller of a fresh execution environment waits, less the queueing.
func (p *Process) ColdStart() (time.Duration, bool) {
	p.srv.mu.Lock()
	defer p.srv.mu.Unlock()
	if p.srv.proc != p || p.srv.firstResponse.IsZero() {
		return 0, false
	}
	return p.srv.firstResponse.Sub(p.Started), true
}

// signalLocked wakes every invocation waiting on a process change.
// Call with s.mu held.
func (s *Server) signalLocked() {
	close(s.stateCh)
	s.stateCh = make(chan struct{})
}

package s3server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Region is the region the server is configured with and signs for.
const Region = "us-east-1"

const (
	startTimeout = 60 * time.Second // from exec to a live health check
	stopGrace    = 5 * time.Second  // from SIGTERM to SIGKILL
	startTries   = 3                // a free port can be taken between probe and bind
)

// Server is a running MinIO server.
type Server struct {
	// Endpoint is the S3 endpoint, http://127.0.0.1:<port>.
	Endpoint string
	// AccessKey and SecretKey are the root user's credentials.
	AccessKey, SecretKey string
	// Region is the server's region, "us-east-1".
	Region string
	// DataDir holds the buckets and objects.
	DataDir string
	// LogPath receives the server's stdout and stderr.
	LogPath string

	cmd  *exec.Cmd
	done chan struct{}
	err  error // wait result, set before done closes
}

// Start installs MinIO if needed (see Install), starts it on a free port of
// 127.0.0.1 with fresh root credentials and its data in t.TempDir(), and
// waits until /minio/health/live answers 200. The server is stopped in
// t.Cleanup (SIGTERM, then SIGKILL); its log is printed if the test failed.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := Install(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var lastErr error
	for try := 0; try < startTries; try++ {
		s, err := start(t.Context(), bin, dir, try)
		if err == nil {
			t.Cleanup(func() {
				if err := s.Stop(); err != nil {
					t.Errorf("stopping MinIO: %v", err)
				}
				if t.Failed() {
					if out, err := os.ReadFile(s.LogPath); err == nil {
						t.Logf("MinIO log (%s):\n%s", s.LogPath, out)
					}
				}
			})
			return s
		}
		lastErr = err
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	t.Fatal(lastErr)
	return nil
}

var errPortTaken = errors.New("port taken")

func start(ctx context.Context, bin, dir string, try int) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	run := filepath.Join(dir, "run"+strconv.Itoa(try))
	s := &Server{
		Endpoint:  "http://127.0.0.1:" + strconv.Itoa(port),
		AccessKey: "securestore-" + randomHex(6),
		SecretKey: randomHex(20),
		Region:    Region,
		DataDir:   filepath.Join(run, "data"),
		LogPath:   filepath.Join(run, "minio.log"),
		done:      make(chan struct{}),
	}
	home := filepath.Join(run, "home")
	for _, d := range []string{s.DataDir, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("s3server: %w", err)
		}
	}
	logFile, err := os.Create(s.LogPath)
	if err != nil {
		return nil, fmt.Errorf("s3server: %w", err)
	}
	s.cmd = exec.Command(bin, "server",
		"--address", "127.0.0.1:"+strconv.Itoa(port),
		"--certs-dir", filepath.Join(home, "certs"),
		"--quiet",
		s.DataDir)
	s.cmd.Env = []string{
		"HOME=" + home,
		"PATH=/usr/bin:/bin",
		"MINIO_ROOT_USER=" + s.AccessKey,
		"MINIO_ROOT_PASSWORD=" + s.SecretKey,
		"MINIO_REGION=" + Region,
		"MINIO_BROWSER=off",         // no web console, no second port
		"MINIO_UPDATE=off",          // never reach out for updates
		"MINIO_CALLHOME_ENABLE=off", // nor phone home
	}
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("s3server: starting %s: %w", bin, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		_ = logFile.Close()
		close(s.done)
	}()
	if err := s.waitLive(ctx); err != nil {
		_ = s.Stop()
		log, _ := os.ReadFile(s.LogPath)
		if strings.Contains(string(log), "address already in use") {
			return nil, fmt.Errorf("s3server: %w: %v", errPortTaken, err)
		}
		return nil, fmt.Errorf("s3server: %w\nMinIO log:\n%s", err, log)
	}
	return s, nil
}

func (s *Server) waitLive(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/minio/health/live", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("MinIO exited before it was live: %v", s.err)
		case <-ctx.Done():
			return fmt.Errorf("MinIO not live at %s after %v: %w", s.Endpoint, startTimeout, ctx.Err())
		case <-tick.C:
		}
	}
}

// Stop ends the server: SIGTERM, then SIGKILL if it has not exited within
// five seconds. It is safe to call more than once.
func (s *Server) Stop() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	pgid := -s.cmd.Process.Pid
	var err error
	if e := syscall.Kill(pgid, syscall.SIGTERM); e != nil && !errors.Is(e, syscall.ESRCH) {
		err = fmt.Errorf("s3server: SIGTERM: %w", e)
	}
	select {
	case <-s.done:
	case <-time.After(stopGrace):
		if e := syscall.Kill(pgid, syscall.SIGKILL); e != nil && !errors.Is(e, syscall.ESRCH) {
			err = errors.Join(err, fmt.Errorf("s3server: SIGKILL: %w", e))
		}
		<-s.done
	}
	return err
}

// Credentials are the root user's static credentials.
func (s *Server) Credentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, "")
}

// Client is an S3 client for the server: endpoint override, path-style
// addressing, the root credentials and the server's region. optFns are
// applied last.
func (s *Server) Client(optFns ...func(*s3.Options)) *s3.Client {
	opts := []func(*s3.Options){func(o *s3.Options) {
		o.BaseEndpoint = aws.String(s.Endpoint)
		o.UsePathStyle = true
	}}
	return s3.New(s3.Options{
		Region:      s.Region,
		Credentials: s.Credentials(),
	}, append(opts, optFns...)...)
}

// Env is the standard environment that points an AWS SDK (such as the
// presign function's) at this server: region, root credentials,
// AWS_ENDPOINT_URL_S3 and S3_FORCE_PATH_STYLE=true.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"AWS_REGION":            s.Region,
		"AWS_DEFAULT_REGION":    s.Region,
		"AWS_ACCESS_KEY_ID":     s.AccessKey,
		"AWS_SECRET_ACCESS_KEY": s.SecretKey,
		"AWS_ENDPOINT_URL_S3":   s.Endpoint,
		"S3_FORCE_PATH_STYLE":   "true",
	}
}

// CreateBucket creates a bucket with S3's CreateBucket.
func (s *Server) CreateBucket(ctx context.Context, name string) error {
	if _, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		return fmt.Errorf("s3server: create bucket %q: %w", name, err)
	}
	return nil
}

// Bucket creates a bucket for a test, failing the test on error, and
// returns its name.
func (s *Server) Bucket(t testing.TB, name string) string {
	t.Helper()
	if err := s.CreateBucket(t.Context(), name); err != nil {
		t.Fatal(err)
	}
	return name
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("s3server: finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

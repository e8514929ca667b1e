// Package devapi is the local securestore: the presign API as the deployed
// REST API answers (its resources, Cognito authorizer, request validator,
// CORS preflights and gateway responses, all read from the synthesized
// template) in front of the real function's handler, with the MinIO server
// of the tests as S3 and cognito-local as the user pool. tools/dev is its
// command (make dev, make dev-user).
//
// Nothing here is a second implementation of a route: the gateway only
// does what API Gateway does before and after the function, and the
// function is api.Handler built as lambdas/presign's main builds it.
package devapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/securestore/securestore/internal/testkit/s3server"
)

// Default ports, each overridden by its environment variable (see
// PortsFromEnv).
const (
	DefaultAPIPort     = 4000 // DEV_API_PORT
	DefaultS3Port      = 9000 // DEV_S3_PORT
	DefaultCognitoPort = 9229 // DEV_COGNITO_PORT
)

// InfoFile is the file, in the state directory, that Start writes when
// everything is ready and Close removes.
const InfoFile = "dev.json"

// startTimeout bounds each server's start.
const startTimeout = 60 * time.Second

// Info is what an app needs to reach the local securestore (dev.json).
type Info struct {
	APIURL     string `json:"apiUrl"`
	S3URL      string `json:"s3Url"`
	Bucket     string `json:"bucket"`
	Region     string `json:"region"`
	UserPoolID string `json:"userPoolId"`
	ClientID   string `json:"clientId"`
	CognitoURL string `json:"cognitoUrl"`
}

// ReadInfo reads dir's dev.json.
func ReadInfo(dir string) (Info, error) {
	var i Info
	raw, err := os.ReadFile(filepath.Join(dir, InfoFile))
	if err != nil {
		return i, fmt.Errorf("devapi: is make dev running? %w", err)
	}
	if err := json.Unmarshal(raw, &i); err != nil {
		return i, fmt.Errorf("devapi: %s: %w", InfoFile, err)
	}
	return i, nil
}

// Options configure Start.
type Options struct {
	// Dir holds the state kept between runs (S3 data, the user pool,
	// credentials), the logs and dev.json.
	Dir string
	// Template is the synthesized template with the API.
	Template string
	// APIPort, S3Port and CognitoPort are the ports on 127.0.0.1.
	APIPort, S3Port, CognitoPort int
	// CognitoLocal is the path of cognito-local's start script
	// (node_modules/cognito-local/lib/bin/start.js).
	CognitoLocal string
	// Node is the node binary. Default: "node".
	Node string
	// Logger receives the API's request log. Default: discard.
	Logger *slog.Logger
}

// PortsFromEnv sets o's ports from DEV_API_PORT, DEV_S3_PORT and
// DEV_COGNITO_PORT, or their defaults.
func (o *Options) PortsFromEnv(getenv func(string) string) error {
	for _, p := range []struct {
		name string
		def  int
		dst  *int
	}{{"DEV_API_PORT", DefaultAPIPort, &o.APIPort}, {"DEV_S3_PORT", DefaultS3Port, &o.S3Port}, {"DEV_COGNITO_PORT", DefaultCognitoPort, &o.CognitoPort}} {
		*p.dst = p.def
		if v := getenv(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				return fmt.Errorf("devapi: %s=%q: want a port number", p.name, v)
			}
			*p.dst = n
		}
	}
	return nil
}

// state is what a run keeps for the next (Dir/state.json).
type state struct {
	S3AccessKey string `json:"s3AccessKey"`
	S3SecretKey string `json:"s3SecretKey"`
	UserPoolID  string `json:"userPoolId"`
	ClientID    string `json:"clientId"`
}

// Instance is a running local securestore.
type Instance struct {
	// Info is what dev.json says.
	Info Info
	// Deployment is what was read from the template.
	Deployment *Deployment

	dir    string
	procs  []*process
	server *http.Server
	auth   *CognitoAuthorizer
	failed chan error
}

// Start starts MinIO, cognito-local and the API, each on its port of
// 127.0.0.1, creates the bucket, the user pool and its groups when
// missing, and writes dev.json. On error, whatever it started is stopped.
func Start(ctx context.Context, o Options) (inst *Instance, err error) {
	if o.Node == "" {
		o.Node = "node"
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	dep, err := ReadDeployment(o.Template, LocalPseudo)
	if err != nil {
		return nil, err
	}
	for _, p := range []struct {
		port int
		env  string
	}{{o.APIPort, "DEV_API_PORT"}, {o.S3Port, "DEV_S3_PORT"}, {o.CognitoPort, "DEV_COGNITO_PORT"}} {
		if err := checkPort(p.port, p.env); err != nil {
			return nil, err
		}
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, fmt.Errorf("devapi: %w", err)
	}
	for _, d := range []string{"s3", "minio-home", "cognito", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, fmt.Errorf("devapi: %w", err)
		}
	}
	_ = os.Remove(filepath.Join(dir, InfoFile)) // never ready before we are
	st := readState(dir)
	if st.S3AccessKey == "" {
		st.S3AccessKey, st.S3SecretKey = "securestore-"+randomHex(6), randomHex(20)
	}

	inst = &Instance{Deployment: dep, dir: dir, failed: make(chan error, 4)}
	defer func() {
		if err != nil {
			_ = inst.Close()
			inst = nil
		}
	}()

	// S3: the tests' MinIO, built once per version (make tools).
	minioBin, err := s3server.Install(ctx)
	if err != nil {
		return inst, err
	}
	s3URL := "http://127.0.0.1:" + strconv.Itoa(o.S3Port)
	minio := exec.Command(minioBin, "server", "--address", "127.0.0.1:"+strconv.Itoa(o.S3Port),
		"--certs-dir", filepath.Join(dir, "minio-home", "certs"), "--quiet", filepath.Join(dir, "s3"))
	minio.Env = []string{
		"HOME=" + filepath.Join(dir, "minio-home"), "PATH=/usr/bin:/bin",
		"MINIO_ROOT_USER=" + st.S3AccessKey, "MINIO_ROOT_PASSWORD=" + st.S3SecretKey,
		"MINIO_REGION=" + LocalPseudo.Region, "MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_CALLHOME_ENABLE=off",
	}
	mp, err := startProcess("MinIO", minio, filepath.Join(dir, "logs", "minio.log"))
	if err != nil {
		return inst, err
	}
	inst.procs = append(inst.procs, mp)

	// The user pool: cognito-local keeps its pools under its working
	// directory's .cognito.
	cognitoURL := "http://127.0.0.1:" + strconv.Itoa(o.CognitoPort)
	script, err := filepath.Abs(o.CognitoLocal)
	if err != nil {
		return inst, fmt.Errorf("devapi: %w", err)
	}
	if _, err := os.Stat(script); err != nil {
		return inst, fmt.Errorf("devapi: cognito-local: %w (npm ci installs it; make dev runs that)", err)
	}
	cl := exec.Command(o.Node, script)
	cl.Dir = filepath.Join(dir, "cognito")
	cl.Env = append(os.Environ(), "PORT="+strconv.Itoa(o.CognitoPort), "HOST=127.0.0.1", "NODE_NO_WARNINGS=1")
	cp, err := startProcess("cognito-local", cl, filepath.Join(dir, "logs", "cognito-local.log"))
	if err != nil {
		return inst, err
	}
	inst.procs = append(inst.procs, cp)

	if err := mp.waitHTTP(ctx, s3URL+"/minio/health/live", startTimeout); err != nil {
		return inst, err
	}
	if err := cp.waitHTTP(ctx, cognitoURL+"/health", startTimeout); err != nil {
		return inst, err
	}

	pool, err := EnsurePool(ctx, cognitoURL, "securestore-dev", st.UserPoolID, st.ClientID, dep.Groups)
	if err != nil {
		return inst, err
	}
	st.UserPoolID, st.ClientID = pool.ID, pool.ClientID
	if err := writeJSON(filepath.Join(dir, "state.json"), st, 0o600); err != nil {
		return inst, err
	}

	env, err := FunctionEnv(dep, S3Access{Endpoint: s3URL, Region: LocalPseudo.Region, AccessKey: st.S3AccessKey, SecretKey: st.S3SecretKey})
	if err != nil {
		return inst, err
	}
	if err := ensureBucket(ctx, env); err != nil {
		return inst, err
	}
	h, cfg, err := NewHandler(ctx, env, logger.With(slog.String("source", "function")))
	if err != nil {
		return inst, err
	}
	apiURL := "http://127.0.0.1:" + strconv.Itoa(o.APIPort)
	doc, err := OpenAPI(cfg, apiURL)
	if err != nil {
		return inst, err
	}
	auth, err := NewCognitoAuthorizer(ctx, pool.Issuer(), pool.ClientID)
	if err != nil {
		return inst, err
	}
	inst.auth = auth
	gw, err := NewGateway(dep, h.Handle, auth, map[string]http.Handler{"/openapi.json": serveDoc(doc)}, logger.With(slog.String("source", "gateway")))
	if err != nil {
		return inst, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(o.APIPort))
	if err != nil {
		return inst, fmt.Errorf("devapi: the API's port: %w (choose another with DEV_API_PORT)", err)
	}
	inst.server = &http.Server{Handler: gw, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := inst.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			inst.failed <- fmt.Errorf("devapi: the API server: %w", err)
		}
	}()
	for _, p := range inst.procs {
		go func() {
			<-p.done
			inst.failed <- fmt.Errorf("devapi: %s exited (%v); its log: %s", p.name, p.err, p.logPath)
		}()
	}

	inst.Info = Info{APIURL: apiURL, S3URL: s3URL, Bucket: env["BUCKET_NAME"], Region: LocalPseudo.Region,
		UserPoolID: pool.ID, ClientID: pool.ClientID, CognitoURL: cognitoURL}
	if err := writeJSON(filepath.Join(dir, InfoFile), inst.Info, 0o644); err != nil {
		return inst, err
	}
	return inst, nil
}

// Failed reports a child server that exited, or the API server failing.
func (i *Instance) Failed() <-chan error { return i.failed }

// Close removes dev.json and stops the API, cognito-local and MinIO.
func (i *Instance) Close() error {
	_ = os.Remove(filepath.Join(i.dir, InfoFile))
	var errs []error
	if i.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := i.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("devapi: stopping the API: %w", err))
		}
		cancel()
	}
	if i.auth != nil {
		i.auth.Close()
	}
	for j := len(i.procs) - 1; j >= 0; j-- {
		if err := i.procs[j].stop(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Dir is the instance's state directory, absolute.
func (i *Instance) Dir() string { return i.dir }

// PIDs are the process ids of the servers started (for tests that check
// that none is left).
func (i *Instance) PIDs() []int {
	var pids []int
	for _, p := range i.procs {
		pids = append(pids, p.cmd.Process.Pid)
	}
	return pids
}

func serveDoc(doc []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write(doc)
	})
}

func ensureBucket(ctx context.Context, env map[string]string) error {
	client := s3.New(s3.Options{
		Region: env["AWS_REGION"], BaseEndpoint: aws.String(env["AWS_ENDPOINT_URL_S3"]), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], ""),
	})
	bucket := env["BUCKET_NAME"]
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	var owned *s3types.BucketAlreadyOwnedByYou
	if err != nil && !errors.As(err, &owned) {
		return fmt.Errorf("devapi: creating bucket %s: %w", bucket, err)
	}
	return nil
}

func readState(dir string) state {
	var st state
	if raw, err := os.ReadFile(filepath.Join(dir, "state.json")); err == nil {
		_ = json.Unmarshal(raw, &st)
	}
	return st
}

// writeJSON writes v to path atomically (a reader sees the whole file or
// none).
func writeJSON(path string, v any, mode os.FileMode) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("devapi: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), mode); err != nil {
		return fmt.Errorf("devapi: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("devapi: %w", err)
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

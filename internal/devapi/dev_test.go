package devapi_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/securestore/securestore/internal/devapi"
)

const cognitoLocal = "../../node_modules/cognito-local/lib/bin/start.js"

// start runs a local securestore on free ports with its state in dir,
// configured from the default golden template, and stops it when the test
// ends, checking that none of its processes is left.
func start(t *testing.T, dir string) (*devapi.Instance, devapi.Options) {
	t.Helper()
	opts := devapi.Options{Dir: dir, Template: defaultTemplate, CognitoLocal: cognitoLocal}
	for _, p := range []*int{&opts.APIPort, &opts.S3Port, &opts.CognitoPort} {
		port, err := devapi.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		*p = port
	}
	return startWith(t, opts), opts
}

// startWith starts with opts (a restart on the same ports and state).
func startWith(t *testing.T, opts devapi.Options) *devapi.Instance {
	t.Helper()
	began := time.Now()
	inst, err := devapi.Start(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("local securestore ready in %s: %+v", time.Since(began).Round(time.Millisecond), inst.Info)
	t.Cleanup(func() { stop(t, inst) })
	return inst
}

// stop closes inst and checks that every process it started is gone and
// dev.json with them. Closing twice is harmless.
func stop(t *testing.T, inst *devapi.Instance) {
	t.Helper()
	if err := inst.Close(); err != nil {
		t.Errorf("closing: %v", err)
	}
	for _, pid := range inst.PIDs() {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("process %d still there after Close (kill -0: %v)", pid, err)
		}
	}
	if _, err := devapi.ReadInfo(inst.Dir()); err == nil {
		t.Error("dev.json still there after Close")
	}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func call(t *testing.T, method, target, token string, body []byte, header map[string]string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if body != nil {
		req.ContentLength = int64(len(body))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{res.StatusCode, res.Header, b}
}

// subOf reads the sub claim of a token (verified by the API, not here).
func subOf(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %.20s...", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Sub string `json:"sub"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	return claims.Sub
}

type presigned struct {
	URL     string            `json:"url"`
	Method  string            `json:"method"`
	Headers map[string]string `json:"headers"`
}

// TestDev_UploadAndReadBackThroughTheLocalAPI is what an app team does
// with make dev: sign in, presign a PUT through the API, upload to the
// local S3, presign a GET and read the bytes back; without a token the
// gateway answers 401, and a key the rules refuse is 403.
func TestDev_UploadAndReadBackThroughTheLocalAPI(t *testing.T) {
	dir := t.TempDir()
	inst, opts := start(t, dir)
	info, err := devapi.ReadInfo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info != inst.Info {
		t.Fatalf("dev.json %+v, instance %+v", info, inst.Info)
	}
	api := info.APIURL
	pool := devapi.OpenPool(info.CognitoURL, info.UserPoolID, info.ClientID)
	alice, err := pool.SignIn(t.Context(), "alice", []string{"tier-1"})
	if err != nil {
		t.Fatal(err)
	}
	key := "users/" + subOf(t, alice) + "/hello.txt"
	content := []byte("hello from the local securestore\n")

	t.Log("GET /presign for a PUT of the caller's own key")
	a := call(t, "GET", fmt.Sprintf("%s/presign?key=%s&method=PUT&contentType=text/plain&contentLength=%d", api, url.QueryEscape(key), len(content)), alice, nil, nil)
	if a.status != http.StatusOK {
		t.Fatalf("presign PUT: %d %s", a.status, a.body)
	}
	var put presigned
	if err := json.Unmarshal(a.body, &put); err != nil {
		t.Fatal(err)
	}
	t.Log("PUT to the local S3 with the presigned URL")
	if a := call(t, "PUT", put.URL, "", content, put.Headers); a.status != http.StatusOK {
		t.Fatalf("PUT to S3: %d %s", a.status, a.body)
	}

	t.Log("GET /presign for a GET, then read the object back")
	a = call(t, "GET", api+"/presign?key="+url.QueryEscape(key), alice, nil, nil)
	if a.status != http.StatusOK {
		t.Fatalf("presign GET: %d %s", a.status, a.body)
	}
	var get presigned
	if err := json.Unmarshal(a.body, &get); err != nil {
		t.Fatal(err)
	}
	if a := call(t, "GET", get.URL, "", nil, get.Headers); a.status != http.StatusOK || !bytes.Equal(a.body, content) {
		t.Fatalf("GET from S3: %d %q, want 200 %q", a.status, a.body, content)
	}

	t.Log("no token: the authorizer answers 401")
	if a := call(t, "GET", api+"/presign?key="+url.QueryEscape(key), "", nil, nil); a.status != http.StatusUnauthorized || string(a.body) != `{"message":"Unauthorized"}` {
		t.Errorf("without a token: %d %s, want 401 Unauthorized", a.status, a.body)
	}
	t.Log("a tampered token: 401")
	if a := call(t, "GET", api+"/presign?key="+url.QueryEscape(key), alice[:len(alice)-4]+"AAAA", nil, nil); a.status != http.StatusUnauthorized {
		t.Errorf("with a tampered token: %d %s, want 401", a.status, a.body)
	}
	t.Log("a tier-2 key for a tier-1 member: the function answers 403")
	if a := call(t, "GET", api+"/presign?key=tier-2/report.pdf", alice, nil, nil); a.status != http.StatusForbidden || !bytes.Contains(a.body, []byte(`"message"`)) {
		t.Errorf("tier-2 key: %d %s, want 403 with a reason", a.status, a.body)
	}
	t.Log("the gateway's validator: a missing required parameter is 400")
	if a := call(t, "GET", api+"/presign", alice, nil, nil); a.status != http.StatusBadRequest || !strings.Contains(string(a.body), "Missing required request parameters: [key]") {
		t.Errorf("no key: %d %s", a.status, a.body)
	}
	t.Log("the groups come from the token: a tier-2 member reads tier-2")
	bob, err := pool.SignIn(t.Context(), "bob", []string{"tier-2"})
	if err != nil {
		t.Fatal(err)
	}
	if a := call(t, "GET", api+"/presign?key=tier-2/report.pdf", bob, nil, nil); a.status != http.StatusOK {
		t.Errorf("tier-2 key for a tier-2 member: %d %s", a.status, a.body)
	}

	t.Log("GET /openapi.json: the document validates and names this API as its server")
	a = call(t, "GET", api+"/openapi.json", "", nil, nil)
	doc, err := openapi3.NewLoader().LoadFromData(a.body)
	if err != nil || a.status != http.StatusOK {
		t.Fatalf("/openapi.json: %d %v %.200s", a.status, err, a.body)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Errorf("/openapi.json does not validate: %v", err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != api {
		t.Errorf("/openapi.json servers %v, want %s", doc.Servers, api)
	}

	t.Log("stop, start again on the same state: the pool, its users and the objects are kept")
	stop(t, inst)
	again := startWith(t, opts)
	if again.Info.UserPoolID != info.UserPoolID || again.Info.ClientID != info.ClientID {
		t.Errorf("pool %s/%s after a restart, was %s/%s", again.Info.UserPoolID, again.Info.ClientID, info.UserPoolID, info.ClientID)
	}
	a = call(t, "GET", again.Info.APIURL+"/presign?key="+url.QueryEscape(key), alice, nil, nil)
	if a.status != http.StatusOK {
		t.Fatalf("presign GET after a restart with the earlier token: %d %s", a.status, a.body)
	}
	if err := json.Unmarshal(a.body, &get); err != nil {
		t.Fatal(err)
	}
	if a := call(t, "GET", get.URL, "", nil, get.Headers); a.status != http.StatusOK || !bytes.Equal(a.body, content) {
		t.Errorf("GET after a restart: %d %q", a.status, a.body)
	}
}

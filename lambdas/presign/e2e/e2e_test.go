// Package e2e runs the presign function end to end on this machine: the real
// bootstrap binary as its own process, driven through the Lambda Runtime
// API (internal/testkit/runtimeapi plays the Lambda service), signing for a real
// MinIO server (internal/testkit/s3server) that checks every signature, expiry,
// signed header and POST policy. `make e2e` runs it verbosely, so each step
// is printed.
package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/securestore/securestore/internal/testkit/runtimeapi"
	"github.com/securestore/securestore/internal/testkit/s3server"
	"github.com/securestore/securestore/lambdas/presign/access"

	// The function's packages, so that a change to any of them reruns these
	// tests instead of answering from Go's test cache.
	_ "github.com/securestore/securestore/lambdas/presign/api"
	_ "github.com/securestore/securestore/lambdas/presign/cdnsign"
	_ "github.com/securestore/securestore/lambdas/presign/lambdaenv"
	_ "github.com/securestore/securestore/lambdas/presign/signer"
)

const (
	presignPkg     = "github.com/securestore/securestore/lambdas/presign"
	maxUploadBytes = 1024
	alice          = "7d3f6c1e-2b4a-4e8f-9c0d-1a2b3c4d5e6f" // a tier-1 member
	bob            = "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d" // a tier-2 member
)

// function is the presign bootstrap running against a MinIO bucket.
type function struct {
	srv    *runtimeapi.Server
	s3     *s3server.Server
	bucket string
	client *s3.Client
	http   *http.Client
}

// extraEnv is environment for the bootstrap, given the MinIO server it
// runs against.
type extraEnv func(*s3server.Server) map[string]string

// withEnv is extra environment that does not depend on the server.
func withEnv(m map[string]string) extraEnv {
	return func(*s3server.Server) map[string]string { return m }
}

// start launches the bootstrap against a fresh MinIO bucket; extra
// entries override or add to its environment.
func start(t *testing.T, extra ...extraEnv) *function {
	t.Helper()
	// The bootstrap is built by a go build subprocess, whose reads Go's test
	// cache does not see: reading the function's sources here makes a change
	// to them rerun these tests (the packages it uses are imported below).
	if _, err := os.ReadFile("../main.go"); err != nil {
		t.Fatal(err)
	}
	minio := s3server.Start(t)
	bucket := minio.Bucket(t, "securestore-e2e")
	bin := runtimeapi.BuildForTest(t, presignPkg, runtime.GOARCH)
	rules, err := json.Marshal(access.Tiered([]string{"tier-1", "tier-2"}))
	if err != nil {
		t.Fatal(err)
	}
	env := minio.Env()
	env["BUCKET_NAME"] = bucket
	env["ACCESS_RULES"] = string(rules)
	env["URL_TTL_SECONDS"] = "300"
	env["MAX_UPLOAD_BYTES"] = fmt.Sprint(maxUploadBytes)
	for _, e := range extra {
		for k, v := range e(minio) {
			env[k] = v
		}
	}
	srv := runtimeapi.Start(t, &runtimeapi.Config{FunctionName: "securestore-presign", MemoryMB: 256, Timeout: 10 * time.Second})
	srv.Launch(t, bin, env)
	t.Logf("presign bootstrap %s running against MinIO %s, bucket %s", bin, minio.Endpoint, bucket)
	return &function{srv: srv, s3: minio, bucket: bucket, client: minio.Client(), http: &http.Client{Timeout: 10 * time.Second}}
}

// event is an API Gateway REST proxy event as the Cognito authorizer
// passes it on: the claims (cognito:groups flattened to one string) and
// the ID token it verified in the Authorization header.
func event(method, resource string, query map[string]string, body string, sub string, groups ...string) events.APIGatewayProxyRequest {
	return forged(method, resource, query, body, sub, strings.Join(groups, ","), groups)
}

// forged is event with the claim string and the token's groups given
// apart: a group whose name holds the claim's delimiters.
func forged(method, resource string, query map[string]string, body string, sub, claimGroups string, tokenGroups []string) events.APIGatewayProxyRequest {
	claims := map[string]any{"sub": sub, "email": sub[:8] + "@example.com", "token_use": "id"}
	token := map[string]any{"sub": sub, "email": sub[:8] + "@example.com", "token_use": "id"}
	if claimGroups != "" {
		claims["cognito:groups"] = claimGroups
	}
	if len(tokenGroups) > 0 {
		token["cognito:groups"] = tokenGroups
	}
	return events.APIGatewayProxyRequest{
		Resource: resource, Path: resource, HTTPMethod: method,
		Headers:               map[string]string{"Content-Type": "application/json", "Authorization": idToken(token)},
		QueryStringParameters: query,
		Body:                  body,
		RequestContext: events.APIGatewayProxyRequestContext{
			RequestID: fmt.Sprintf("e2e-%d", time.Now().UnixNano()), Stage: "prod", HTTPMethod: method, ResourcePath: resource,
			Authorizer: map[string]any{"claims": claims},
		},
	}
}

// idToken is a JWT with payload as Cognito issues ID tokens; the function
// does not check the signature again (the authorizer has).
func idToken(payload map[string]any) string {
	b, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	return "eyJraWQiOiJlMmUiLCJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(b) + ".c2lnbmF0dXJl"
}

// invoke invokes the function through the Runtime API with ev and
// returns the proxy response.
func (f *function) invoke(t *testing.T, ev events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	t.Helper()
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.srv.Invoke(t.Context(), payload)
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	if res.Error != nil {
		t.Fatalf("function error: %v", res.Error)
	}
	var resp events.APIGatewayProxyResponse
	if err := json.Unmarshal(res.Body, &resp); err != nil {
		t.Fatalf("response %s: %v", res.Body, err)
	}
	return resp
}

// call invokes the function through the Runtime API and decodes the proxy
// response's body.
func (f *function) call(t *testing.T, ev events.APIGatewayProxyRequest) (int, map[string]any) {
	t.Helper()
	resp := f.invoke(t, ev)
	var body map[string]any
	if resp.Body == "" && resp.StatusCode == http.StatusNoContent {
		return resp.StatusCode, nil
	}
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatalf("body %s: %v", resp.Body, err)
	}
	return resp.StatusCode, body
}

// presign asks for a URL and fails the test unless it gets one.
func (f *function) presign(t *testing.T, query map[string]string, sub string, groups ...string) (string, map[string]string) {
	t.Helper()
	status, body := f.call(t, event(http.MethodGet, "/presign", query, "", sub, groups...))
	if status != http.StatusOK {
		t.Fatalf("presign %v: %d %v", query, status, body)
	}
	headers := map[string]string{}
	if h, ok := body["headers"].(map[string]any); ok {
		for k, v := range h {
			headers[k] = v.(string)
		}
	}
	return body["url"].(string), headers
}

func (f *function) do(t *testing.T, method, rawURL string, headers map[string]string, body []byte) (int, string) {
	t.Helper()
	status, b, _ := f.send(t, method, rawURL, headers, body)
	return status, b
}

// send makes the request and returns the status, the body and the headers
// of the answer. A Content-Length among headers is the body's own: the
// HTTP client sends the body's length.
func (f *function) send(t *testing.T, method, rawURL string, headers map[string]string, body []byte) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, rawURL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := f.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// exists asks MinIO directly, with the root credentials, whether key exists.
func (f *function) exists(t *testing.T, key string) bool {
	t.Helper()
	_, err := f.client.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(f.bucket), Key: aws.String(key)})
	var nf *types.NotFound
	switch {
	case err == nil:
		return true
	case errors.As(err, &nf):
		return false
	default:
		t.Fatalf("HeadObject %s: %v", key, err)
		return false
	}
}

func checksum(b []byte) string {
	sum := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// TestE2E_PresignedRoundTrip is the flow a newcomer watches with `make e2e`:
// sign in (claims), get a PUT URL, upload, get a GET URL, download, delete.
func TestE2E_PresignedRoundTrip(t *testing.T) {
	f := start(t)
	key := "users/" + alice + "/notes/hello.txt"
	content := []byte("hello from securestore\n")

	putURL, headers := f.presign(t, map[string]string{"key": key, "method": "PUT", "contentType": "text/plain", "contentLength": fmt.Sprint(len(content)), "checksumSha256": checksum(content)}, alice, "tier-1")
	t.Logf("1. PUT URL for %s, client must send %v", key, headers)
	if headers["Content-Type"] != "text/plain" || headers["Content-Length"] != fmt.Sprint(len(content)) || headers["X-Amz-Checksum-Sha256"] != checksum(content) {
		t.Fatalf("headers = %v, want Content-Type, Content-Length and x-amz-checksum-sha256", headers)
	}
	if status, body := f.do(t, http.MethodPut, putURL, headers, content); status != http.StatusOK {
		t.Fatalf("upload: %d %s", status, body)
	}
	t.Log("2. uploaded with the presigned PUT: 200")

	getURL, _ := f.presign(t, map[string]string{"key": key}, alice, "tier-1")
	status, got := f.do(t, http.MethodGet, getURL, nil, nil)
	if status != http.StatusOK || got != string(content) {
		t.Fatalf("download: %d %q", status, got)
	}
	t.Logf("3. downloaded with the presigned GET: 200, %d bytes, content matches", len(got))

	delURL, _ := f.presign(t, map[string]string{"key": key, "method": "DELETE"}, alice, "tier-1")
	if status, body := f.do(t, http.MethodDelete, delURL, nil, nil); status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", status, body)
	}
	if f.exists(t, key) {
		t.Fatal("object still exists after the presigned DELETE")
	}
	t.Log("4. deleted with the presigned DELETE: 204, object gone")
}

// TestE2E_PresignedPost uploads through the POST form and shows the
// content-length-range holding.
func TestE2E_PresignedPost(t *testing.T) {
	f := start(t)
	post := func(key string, size int) (int, string) {
		body := fmt.Sprintf(`{"key":%q,"contentType":"application/octet-stream","maxBytes":%d}`, key, maxUploadBytes)
		status, form := f.call(t, event(http.MethodPost, "/uploads", nil, body, alice, "tier-1"))
		if status != http.StatusOK {
			t.Fatalf("POST /uploads: %d %v", status, form)
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range form["fields"].(map[string]any) {
			if err := mw.WriteField(k, v.(string)); err != nil {
				t.Fatal(err)
			}
		}
		fw, err := mw.CreateFormFile("file", "blob.bin")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(bytes.Repeat([]byte{'x'}, size)); err != nil {
			t.Fatal(err)
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		return f.do(t, http.MethodPost, form["url"].(string), map[string]string{"Content-Type": mw.FormDataContentType()}, buf.Bytes())
	}

	ok := "users/" + alice + "/uploads/fits.bin"
	if status, body := post(ok, maxUploadBytes); status != http.StatusNoContent && status != http.StatusOK && status != http.StatusCreated {
		t.Fatalf("POST of %d bytes: %d %s", maxUploadBytes, status, body)
	}
	if !f.exists(t, ok) {
		t.Fatal("the POSTed object is missing")
	}
	t.Logf("presigned POST of %d bytes (the limit): accepted, stored", maxUploadBytes)

	big := "users/" + alice + "/uploads/too-big.bin"
	status, body := post(big, maxUploadBytes+1)
	if status != http.StatusBadRequest || !strings.Contains(body, "EntityTooLarge") {
		t.Fatalf("POST of %d bytes: %d %s, want 400 EntityTooLarge", maxUploadBytes+1, status, body)
	}
	if f.exists(t, big) {
		t.Fatal("the oversized POST was stored")
	}
	t.Logf("presigned POST of %d bytes: refused by the server (400 EntityTooLarge), nothing stored", maxUploadBytes+1)
}

// TestE2E_ServerRefusesAbuse shows that the URLs the function signs are
// worth exactly what they say: the S3 server refuses every variation.
func TestE2E_ServerRefusesAbuse(t *testing.T) {
	f := start(t)
	home := "users/" + alice + "/"
	content := []byte("original")
	putURL, headers := f.presign(t, map[string]string{"key": home + "a.txt", "method": "PUT", "contentType": "text/plain", "contentLength": fmt.Sprint(len(content))}, alice)
	if status, body := f.do(t, http.MethodPut, putURL, headers, content); status != http.StatusOK {
		t.Fatalf("setup upload: %d %s", status, body)
	}

	t.Run("tampered signature", func(t *testing.T) {
		u, _ := f.presign(t, map[string]string{"key": home + "a.txt"}, alice)
		parsed, _ := url.Parse(u)
		q := parsed.Query()
		sig := []byte(q.Get("X-Amz-Signature"))
		sig[0] = map[bool]byte{true: 'a', false: 'b'}[sig[0] != 'a']
		q.Set("X-Amz-Signature", string(sig))
		parsed.RawQuery = q.Encode()
		if status, _ := f.do(t, http.MethodGet, parsed.String(), nil, nil); status != http.StatusForbidden {
			t.Errorf("tampered GET: %d, want 403", status)
		}
	})
	t.Run("URL reused for another key", func(t *testing.T) {
		u, h := f.presign(t, map[string]string{"key": home + "b.txt", "method": "PUT", "contentType": "text/plain", "contentLength": fmt.Sprint(len(content))}, alice)
		other := strings.Replace(u, "/b.txt?", "/c.txt?", 1)
		if status, _ := f.do(t, http.MethodPut, other, h, content); status != http.StatusForbidden {
			t.Errorf("PUT to another key: %d, want 403", status)
		}
		if f.exists(t, home+"c.txt") || f.exists(t, home+"b.txt") {
			t.Error("a refused PUT wrote an object")
		}
	})
	t.Run("PUT with another content type", func(t *testing.T) {
		u, h := f.presign(t, map[string]string{"key": home + "d.txt", "method": "PUT", "contentType": "text/plain", "contentLength": "8"}, alice)
		h["Content-Type"] = "text/html"
		if status, _ := f.do(t, http.MethodPut, u, h, []byte("<script>")); status != http.StatusForbidden {
			t.Errorf("PUT as text/html: %d, want 403", status)
		}
		if f.exists(t, home+"d.txt") {
			t.Error("a refused PUT wrote an object")
		}
	})
	t.Run("PUT with another body than the signed checksum", func(t *testing.T) {
		u, h := f.presign(t, map[string]string{"key": home + "e.txt", "method": "PUT", "contentType": "text/plain", "contentLength": "8", "checksumSha256": checksum([]byte("expected"))}, alice)
		if status, _ := f.do(t, http.MethodPut, u, h, []byte("tampered")); status < 400 || status > 499 {
			t.Errorf("PUT with another body: %d, want 4xx", status)
		}
		if f.exists(t, home+"e.txt") {
			t.Error("a refused PUT wrote an object")
		}
	})
	// Issue 13: the size is signed, so maxUploadBytes bounds every PUT.
	for _, size := range []int{len(content) + 1, len(content) - 1, maxUploadBytes * 4} {
		t.Run(fmt.Sprintf("PUT of %d bytes on a URL signed for %d", size, len(content)), func(t *testing.T) {
			key := home + fmt.Sprintf("sized-%d.txt", size)
			u, h := f.presign(t, map[string]string{"key": key, "method": "PUT", "contentType": "text/plain", "contentLength": fmt.Sprint(len(content))}, alice)
			if status, body := f.do(t, http.MethodPut, u, h, bytes.Repeat([]byte{'x'}, size)); status < 400 || status > 499 {
				t.Errorf("PUT of %d bytes: %d %s, want 4xx", size, status, body)
			}
			if f.exists(t, key) {
				t.Error("a refused PUT wrote an object")
			}
		})
	}
	t.Run("URL used with another method", func(t *testing.T) {
		u, _ := f.presign(t, map[string]string{"key": home + "a.txt"}, alice)
		if status, _ := f.do(t, http.MethodDelete, u, nil, nil); status != http.StatusForbidden {
			t.Errorf("DELETE with a GET URL: %d, want 403", status)
		}
		if !f.exists(t, home+"a.txt") {
			t.Error("a refused DELETE removed the object")
		}
	})
	t.Run("expired URL", func(t *testing.T) {
		u, h := f.presign(t, map[string]string{"key": home + "late.txt", "method": "PUT", "contentType": "text/plain", "contentLength": fmt.Sprint(len(content)), "expiresIn": "1"}, alice)
		time.Sleep(2100 * time.Millisecond) // the shortest expiry the API grants is one second
		if status, _ := f.do(t, http.MethodPut, u, h, content); status != http.StatusForbidden {
			t.Errorf("expired PUT: %d, want 403", status)
		}
		if f.exists(t, home+"late.txt") {
			t.Error("an expired PUT wrote an object")
		}
	})
}

// TestE2E_FunctionRefusesWithoutSigning shows refusals that never reach S3:
// the function answers 403 or 400 JSON and signs nothing.
func TestE2E_FunctionRefusesWithoutSigning(t *testing.T) {
	f := start(t)
	cases := []struct {
		name   string
		query  map[string]string
		sub    string
		groups []string
		want   int
	}{
		{"another user's home", map[string]string{"key": "users/" + bob + "/secret.txt"}, alice, []string{"tier-1"}, http.StatusForbidden},
		{"tier-1 member reads tier-2", map[string]string{"key": "tier-2/plan.pdf"}, alice, []string{"tier-1"}, http.StatusForbidden},
		{"tier-10 is not tier-1", map[string]string{"key": "tier-10/plan.pdf"}, alice, []string{"tier-1"}, http.StatusForbidden},
		{"write to a tier", map[string]string{"key": "tier-1/x", "method": "PUT", "contentType": "text/plain", "contentLength": "5"}, bob, []string{"tier-2"}, http.StatusForbidden},
		{"PUT without contentLength", map[string]string{"key": "users/" + alice + "/x", "method": "PUT", "contentType": "text/plain"}, alice, nil, http.StatusBadRequest},
		{"PUT over maxUploadBytes", map[string]string{"key": "users/" + alice + "/x", "method": "PUT", "contentType": "text/plain", "contentLength": fmt.Sprint(maxUploadBytes + 1)}, alice, nil, http.StatusBadRequest},
		{"PUT of HTML", map[string]string{"key": "users/" + alice + "/x.html", "method": "PUT", "contentType": "text/html", "contentLength": "5"}, alice, nil, http.StatusBadRequest},
		{"PUT of SVG", map[string]string{"key": "users/" + alice + "/x.svg", "method": "PUT", "contentType": "image/svg+xml", "contentLength": "5"}, alice, nil, http.StatusBadRequest},
		{"a POST policy variable in the key", map[string]string{"key": "users/" + alice + "/${filename}"}, alice, nil, http.StatusBadRequest},
		{"path traversal", map[string]string{"key": "users/" + alice + "/../" + bob + "/x"}, alice, nil, http.StatusBadRequest},
		{"expiry over the maximum", map[string]string{"key": "users/" + alice + "/x", "expiresIn": "301"}, alice, nil, http.StatusBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.call(t, event(http.MethodGet, "/presign", tc.query, "", tc.sub, tc.groups...))
			if status != tc.want || body["message"] == "" || body["url"] != nil {
				t.Errorf("%v: %d %v, want %d with a message and no URL", tc.query, status, body, tc.want)
			}
			t.Logf("%s: %d %q", tc.name, status, body["message"])
		})
	}
	// Issue 13: one group named "guests,tier-2" (or "[tier-2]") is not
	// membership of tier-2, though the flattened claim string reads so.
	for _, name := range []string{"guests,tier-2", "[tier-2]"} {
		status, body := f.call(t, forged(http.MethodGet, "/presign", map[string]string{"key": "tier-2/plan.pdf"}, "", alice, name, []string{name}))
		if status != http.StatusForbidden || body["url"] != nil {
			t.Errorf("group %q reading tier-2: %d %v, want 403 and no URL", name, status, body)
		}
		t.Logf("a group named %q reading tier-2: %d %q", name, status, body["message"])
	}
	// A tier-2 member does read tier-1 (the tiered rule), and the URL works
	// once the object exists.
	if _, err := f.client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(f.bucket), Key: aws.String("tier-1/welcome.txt"), Body: strings.NewReader("hi")}); err != nil {
		t.Fatal(err)
	}
	u, _ := f.presign(t, map[string]string{"key": "tier-1/welcome.txt"}, bob, "tier-2")
	if status, got := f.do(t, http.MethodGet, u, nil, nil); status != http.StatusOK || got != "hi" {
		t.Errorf("tier-2 member reading tier-1: %d %q", status, got)
	}
}

// TestE2E_Listing lists "my files" against MinIO: only the caller's keys,
// in pages that follow the continuation token, and no listing of another
// home or of every home.
func TestE2E_Listing(t *testing.T) {
	f := start(t)
	home := "users/" + alice + "/"
	for _, key := range []string{home + "a.txt", home + "b/c.txt", home + "d.txt", "users/" + bob + "/secret.txt", "tier-1/welcome.txt"} {
		if _, err := f.client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(f.bucket), Key: aws.String(key), Body: strings.NewReader(key)}); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	query := map[string]string{"prefix": home, "maxKeys": "2"}
	for page := 1; ; page++ {
		status, body := f.call(t, event(http.MethodGet, "/objects", query, "", alice, "tier-1"))
		if status != http.StatusOK {
			t.Fatalf("page %d: %d %v", page, status, body)
		}
		objects := body["objects"].([]any)
		for _, o := range objects {
			e := o.(map[string]any)
			keys = append(keys, e["key"].(string))
			if e["size"].(float64) != float64(len(e["key"].(string))) || e["etag"] == "" || e["lastModified"] == "" {
				t.Errorf("entry %v", e)
			}
		}
		t.Logf("page %d: %d objects, next token %v", page, len(objects), body["nextContinuationToken"] != nil)
		next, _ := body["nextContinuationToken"].(string)
		if next == "" {
			break
		}
		if page > 3 {
			t.Fatal("the listing does not end")
		}
		query["continuationToken"] = next
	}
	if want := []string{home + "a.txt", home + "b/c.txt", home + "d.txt"}; strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Errorf("listed %q, want %q", keys, want)
	}
	for _, tc := range []struct {
		name, prefix string
		want         int
	}{
		{"another user's home", "users/" + bob + "/", http.StatusForbidden},
		{"every home", "users/", http.StatusForbidden},
		{"a tier above the caller's", "tier-2/", http.StatusForbidden},
	} {
		status, body := f.call(t, event(http.MethodGet, "/objects", map[string]string{"prefix": tc.prefix}, "", alice, "tier-1"))
		if status != tc.want || body["objects"] != nil {
			t.Errorf("%s: %d %v, want %d and no objects", tc.name, status, body, tc.want)
		}
		t.Logf("listing %s: %d %q", tc.name, status, body["message"])
	}
	status, body := f.call(t, event(http.MethodGet, "/objects", map[string]string{"prefix": "tier-1/"}, "", bob, "tier-2"))
	if status != http.StatusOK || len(body["objects"].([]any)) != 1 {
		t.Errorf("a tier-2 member listing tier-1: %d %v", status, body)
	}
	status, body = f.call(t, event(http.MethodGet, "/objects", map[string]string{"prefix": home, "continuationToken": "bm90LWEtdG9rZW4"}, "", alice, "tier-1"))
	if status != http.StatusBadRequest {
		t.Errorf("a forged continuation token: %d %v, want 400", status, body)
	}
}

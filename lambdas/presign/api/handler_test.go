package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/securestore/securestore/lambdas/presign/api"
	"github.com/securestore/securestore/lambdas/presign/cdnsign"
	"github.com/securestore/securestore/lambdas/presign/routes"
	"github.com/securestore/securestore/lambdas/presign/signer"
)

const sha256OfEmpty = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

// longType is a content type of routes.MaxContentTypeBytes.
var longType = "application/" + strings.Repeat("x", routes.MaxContentTypeBytes-len("application/"))

// presignCase is one GET /presign request and what must come back.
type presignCase struct {
	name    string
	query   map[string]string
	claims  map[string]any
	status  int
	method  string            // 200: the method in the body
	headers map[string]string // 200: exactly the headers the client must send
	ttl     time.Duration     // 200: the URL's lifetime
	message string            // 4xx: a substring of the message
}

// presignCases is the GET /presign case table.
func presignCases() []presignCase {
	t1 := claims(alice, "tier-1")
	t2 := claims(alice, "[tier-2]")
	both := claims(alice, "tier-1,tier-2")
	none := claims(alice, "")
	home := "users/" + alice + "/"
	return []presignCase{
		{name: "tier-1 member reads tier-1", query: map[string]string{"key": "tier-1/report.pdf"}, claims: t1, status: 200, method: "GET", headers: map[string]string{}, ttl: 300 * time.Second},
		{name: "explicit GET", query: map[string]string{"key": "tier-1/report.pdf", "method": "GET"}, claims: t1, status: 200, method: "GET", headers: map[string]string{}, ttl: 300 * time.Second},
		{name: "tier-2 member reads tier-1", query: map[string]string{"key": "tier-1/a/b.txt"}, claims: t2, status: 200, method: "GET", headers: map[string]string{}, ttl: 300 * time.Second},
		{name: "tier-2 member reads tier-2", query: map[string]string{"key": "tier-2/b.txt"}, claims: t2, status: 200, method: "GET", headers: map[string]string{}, ttl: 300 * time.Second},
		{name: "member of both, comma form", query: map[string]string{"key": "tier-2/b.txt"}, claims: both, status: 200, method: "GET", headers: map[string]string{}, ttl: 300 * time.Second},
		{name: "tier-1 member may not read tier-2", query: map[string]string{"key": "tier-2/b.txt"}, claims: t1, status: 403, message: "not open to the caller's groups"},
		{name: "no group may not read tier-1", query: map[string]string{"key": "tier-1/b.txt"}, claims: none, status: 403},
		{name: "tier-2 member may not write tier-1", query: map[string]string{"key": "tier-1/b.txt", "method": "PUT", "contentLength": "5", "contentType": "text/plain"}, claims: t2, status: 403, message: "method PUT is not allowed"},
		{name: "tier-2 member may not delete tier-2", query: map[string]string{"key": "tier-2/b.txt", "method": "DELETE"}, claims: t2, status: 403},
		{name: "owner reads home", query: map[string]string{"key": home + "notes.txt"}, claims: none, status: 200, method: "GET", headers: map[string]string{}, ttl: 300 * time.Second},
		{name: "owner writes home", query: map[string]string{"key": home + "notes.txt", "method": "PUT", "contentLength": "5", "contentType": "text/plain; charset=utf-8"}, claims: none, status: 200, method: "PUT", headers: map[string]string{"Content-Type": "text/plain; charset=utf-8", "Content-Length": "5"}, ttl: 300 * time.Second},
		{name: "owner writes home with checksum", query: map[string]string{"key": home + "empty.bin", "method": "PUT", "contentLength": "5", "contentType": "application/octet-stream", "checksumSha256": sha256OfEmpty}, claims: t1, status: 200, method: "PUT", headers: map[string]string{"Content-Type": "application/octet-stream", "Content-Length": "5", signer.HeaderChecksumSHA256: sha256OfEmpty}, ttl: 300 * time.Second},
		{name: "owner deletes home", query: map[string]string{"key": home + "notes.txt", "method": "DELETE"}, claims: none, status: 200, method: "DELETE", headers: map[string]string{}, ttl: 300 * time.Second},
		{name: "combining mark on a dot is an ordinary name in one's home", query: map[string]string{"key": home + ".\u0301./x"}, claims: none, status: 200, method: "GET", headers: map[string]string{}, ttl: 300 * time.Second},
		{name: "harmless escape %20 is an ordinary name", query: map[string]string{"key": home + "a%20b"}, claims: none, status: 200, method: "GET", headers: map[string]string{}, ttl: 300 * time.Second},
		{name: "expiry less than the maximum", query: map[string]string{"key": home + "a", "expiresIn": "60"}, claims: none, status: 200, method: "GET", headers: map[string]string{}, ttl: 60 * time.Second},
		{name: "expiry of one second", query: map[string]string{"key": home + "a", "expiresIn": "1"}, claims: none, status: 200, method: "GET", headers: map[string]string{}, ttl: time.Second},
		{name: "expiry equal to the maximum", query: map[string]string{"key": home + "a", "expiresIn": "300"}, claims: none, status: 200, method: "GET", headers: map[string]string{}, ttl: 300 * time.Second},
		{name: "expiry over the maximum", query: map[string]string{"key": home + "a", "expiresIn": "301"}, claims: none, status: 400, message: "expiresIn must be from 1 to 300 seconds"},
		{name: "contentType of the longest length", query: map[string]string{"key": home + "long.bin", "method": "PUT", "contentLength": "5", "contentType": longType}, claims: none, status: 200, method: "PUT", headers: map[string]string{"Content-Type": longType, "Content-Length": "5"}, ttl: 300 * time.Second},
		{name: "explicit s3 delivery", query: map[string]string{"key": home + "a", "delivery": "s3"}, claims: none, status: 200, method: "GET", headers: map[string]string{}, ttl: 300 * time.Second},
	}
}

func TestHandle_Presign(t *testing.T) {
	cases := presignCases()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			resp, err := f.h.Handle(context.Background(), getEvent(t, tc.query, tc.claims))
			if err != nil {
				t.Fatalf("Handle returned an error: %v", err)
			}
			checkCommonHeaders(t, resp)
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tc.status, resp.Body)
			}
			body := decodeJSON(t, resp.Body)
			if tc.status != 200 {
				msg, _ := body["message"].(string)
				if msg == "" || !strings.Contains(msg, tc.message) {
					t.Errorf("message = %q, want it to contain %q", msg, tc.message)
				}
				if n := f.calls(); n != 0 {
					t.Errorf("signer called %d times for a refused request", n)
				}
				return
			}
			checkS3URL(t, body, tc.query["key"], tc.method, tc.headers, tc.ttl)
		})
	}
}

// checkCommonHeaders asserts what every response carries.
func checkCommonHeaders(t *testing.T, resp events.APIGatewayProxyResponse) {
	t.Helper()
	if got := resp.Headers["Content-Type"]; got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := resp.Headers["Cache-Control"]; got != "no-store" {
		t.Errorf("Cache-Control = %q", got)
	}
}

// checkS3URL asserts a GET /presign 200 body against the signed URL:
// host, path, method, the signed headers, the lifetime, and expiresAt equal
// to X-Amz-Date plus X-Amz-Expires.
func checkS3URL(t *testing.T, body map[string]any, key, method string, headers map[string]string, ttl time.Duration) {
	t.Helper()
	if got := body["method"]; got != method {
		t.Errorf("method = %v, want %s", got, method)
	}
	raw, _ := body["url"].(string)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("url: %v", err)
	}
	if u.Scheme != "https" || !strings.HasPrefix(u.Host, testBucket+".s3.") {
		t.Errorf("url host = %s://%s, want https virtual-hosted %s", u.Scheme, u.Host, testBucket)
	}
	if got := strings.TrimPrefix(u.Path, "/"); got != key {
		t.Errorf("url path = %q, want key %q", got, key)
	}
	q := u.Query()
	if q.Get("X-Amz-Signature") == "" || !strings.HasPrefix(q.Get("X-Amz-Credential"), testAccessKey+"/") {
		t.Errorf("url is not SigV4-presigned with the test credentials: %v", q)
	}
	if got := q.Get("X-Amz-Expires"); got != strconv.Itoa(int(ttl/time.Second)) {
		t.Errorf("X-Amz-Expires = %s, want %d", got, int(ttl/time.Second))
	}
	signed := strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	gotHeaders := map[string]string{}
	if hs, ok := body["headers"].(map[string]any); ok {
		for k, v := range hs {
			gotHeaders[k], _ = v.(string)
			if !slices.Contains(signed, strings.ToLower(k)) {
				t.Errorf("header %s is listed but not signed (%v)", k, signed)
			}
		}
	} else {
		t.Errorf("headers = %v, want an object", body["headers"])
	}
	if len(gotHeaders) != len(headers) {
		t.Errorf("headers = %v, want %v", gotHeaders, headers)
	}
	for k, v := range headers {
		if gotHeaders[k] != v {
			t.Errorf("header %s = %q, want %q", k, gotHeaders[k], v)
		}
	}
	for _, h := range signed {
		if h == "host" {
			continue
		}
		if _, ok := gotHeaders[h]; !ok && !containsFold(gotHeaders, h) {
			t.Errorf("signed header %s is not listed for the client", h)
		}
	}
	date, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		t.Fatalf("X-Amz-Date: %v", err)
	}
	exp, err := time.Parse(time.RFC3339, body["expiresAt"].(string))
	if err != nil {
		t.Fatalf("expiresAt: %v", err)
	}
	if want := date.Add(ttl); !exp.Equal(want) {
		t.Errorf("expiresAt = %v, want X-Amz-Date + %v = %v", exp, ttl, want)
	}
}

func containsFold(m map[string]string, name string) bool {
	for k := range m {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

func TestHandle_Upload(t *testing.T) {
	home := "users/" + alice + "/"
	cases := []struct {
		name     string
		body     string
		b64      bool
		maxBytes int64
		ttl      time.Duration
	}{
		{name: "with maxBytes", body: `{"key":"` + home + `photo.jpg","contentType":"image/jpeg","maxBytes":1048576}`, maxBytes: 1 << 20},
		{name: "maxBytes defaults to the configured maximum", body: `{"key":"` + home + `photo.jpg","contentType":"image/jpeg"}`, maxBytes: testMaxUpload},
		{name: "maxBytes equal to the maximum", body: `{"maxBytes":` + strconv.Itoa(testMaxUpload) + `,"contentType":"image/jpeg","key":"` + home + `x"}`, maxBytes: testMaxUpload},
		{name: "base64-encoded body", body: base64.StdEncoding.EncodeToString([]byte(`{"key":"` + home + `a.txt","contentType":"text/plain","maxBytes":10}`)), b64: true, maxBytes: 10},
		{name: "whitespace is fine", body: " {\r\n\t\"key\": \"" + home + "a.txt\",\n \"contentType\": \"text/plain\" }\n", maxBytes: testMaxUpload},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ev := postEvent(t, tc.body, claims(alice, "tier-1"))
			ev.IsBase64Encoded = tc.b64
			resp, _ := f.h.Handle(context.Background(), ev)
			checkCommonHeaders(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("status = %d; body %s", resp.StatusCode, resp.Body)
			}
			var got struct {
				URL       string            `json:"url"`
				Fields    map[string]string `json:"fields"`
				ExpiresAt string            `json:"expiresAt"`
			}
			if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
				t.Fatal(err)
			}
			if u, err := url.Parse(got.URL); err != nil || u.Scheme != "https" || !strings.Contains(got.URL, testBucket) {
				t.Errorf("url = %q, want the bucket's https endpoint", got.URL)
			}
			if !strings.HasPrefix(got.Fields["key"], home) {
				t.Errorf("fields.key = %q", got.Fields["key"])
			}
			policy := decodePolicy(t, got.Fields)
			lo, hi, ok := contentLengthRange(policy)
			if !ok || hi != tc.maxBytes || lo > 1 {
				t.Errorf("content-length-range = [%d, %d] (found %v), want up to %d", lo, hi, ok, tc.maxBytes)
			}
			if !hasCondition(policy, "bucket", testBucket) {
				t.Errorf("policy does not pin the bucket: %v", policy["conditions"])
			}
			if !hasCondition(policy, "key", got.Fields["key"]) {
				t.Errorf("policy does not pin the key: %v", policy["conditions"])
			}
			exp, err := time.Parse(time.RFC3339, got.ExpiresAt)
			if err != nil {
				t.Fatalf("expiresAt: %v", err)
			}
			pexp, err := time.Parse(time.RFC3339, policy["expiration"].(string))
			if err != nil {
				t.Fatalf("policy expiration: %v", err)
			}
			if !exp.Equal(pexp.Truncate(time.Second)) {
				t.Errorf("expiresAt %v != policy expiration %v", exp, pexp)
			}
		})
	}
}

func decodePolicy(t *testing.T, fields map[string]string) map[string]any {
	t.Helper()
	var enc string
	for k, v := range fields {
		if strings.EqualFold(k, "policy") {
			enc = v
		}
	}
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		t.Fatalf("policy field %q: %v", enc, err)
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("policy: %v", err)
	}
	return p
}

func contentLengthRange(policy map[string]any) (lo, hi int64, ok bool) {
	conds, _ := policy["conditions"].([]any)
	for _, c := range conds {
		arr, isArr := c.([]any)
		if isArr && len(arr) == 3 && arr[0] == "content-length-range" {
			l, _ := arr[1].(float64)
			h, _ := arr[2].(float64)
			return int64(l), int64(h), true
		}
	}
	return 0, 0, false
}

func hasCondition(policy map[string]any, name, value string) bool {
	conds, _ := policy["conditions"].([]any)
	for _, c := range conds {
		switch v := c.(type) {
		case map[string]any:
			for k, val := range v {
				if strings.EqualFold(k, name) && val == value {
					return true
				}
			}
		case []any:
			if len(v) == 3 && v[0] == "eq" && strings.EqualFold(strings.TrimPrefix(v[1].(string), "$"), name) && v[2] == value {
				return true
			}
		}
	}
	return false
}

func TestHandle_CDN(t *testing.T) {
	f := newFixture(t)
	resp, _ := f.h.Handle(context.Background(), getEvent(t, map[string]string{"key": "tier-1/movie.mp4", "delivery": "cdn", "expiresIn": "120"}, claims(bob, "tier-1")))
	if resp.StatusCode != 200 {
		t.Fatalf("status = %d; body %s", resp.StatusCode, resp.Body)
	}
	body := decodeJSON(t, resp.Body)
	u, err := url.Parse(body["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != testCDNDomain || u.Path != "/tier-1/movie.mp4" {
		t.Errorf("url = %s, want https://%s/tier-1/movie.mp4", u, testCDNDomain)
	}
	q := u.Query()
	want := testNow.Add(120 * time.Second)
	if q.Get("Key-Pair-Id") != testKeyPairID || q.Get("Signature") == "" || q.Get("Expires") != strconv.FormatInt(want.Unix(), 10) {
		t.Errorf("url query = %v, want a canned-policy signature expiring at %d", q, want.Unix())
	}
	if body["expiresAt"] != want.Format(time.RFC3339) || body["method"] != "GET" {
		t.Errorf("body = %v", body)
	}
	if f.s3.calls.Load() != 0 || f.cdn.calls.Load() != 1 {
		t.Errorf("calls: s3 %d, cdn %d; want 0, 1", f.s3.calls.Load(), f.cdn.calls.Load())
	}

	t.Run("refused when the rules refuse", func(t *testing.T) {
		f := newFixture(t)
		resp, _ := f.h.Handle(context.Background(), getEvent(t, map[string]string{"key": "tier-2/movie.mp4", "delivery": "cdn"}, claims(bob, "tier-1")))
		if resp.StatusCode != 403 || f.calls() != 0 {
			t.Errorf("status %d, calls %d; want 403, 0", resp.StatusCode, f.calls())
		}
	})
	t.Run("refused when no CDN is configured", func(t *testing.T) {
		f := newFixture(t, withoutCDN)
		resp, _ := f.h.Handle(context.Background(), getEvent(t, map[string]string{"key": "tier-1/movie.mp4", "delivery": "cdn"}, claims(bob, "tier-1")))
		if resp.StatusCode != 400 || !strings.Contains(resp.Body, "no CDN is configured") || f.calls() != 0 {
			t.Errorf("status %d, body %s, calls %d; want 400", resp.StatusCode, resp.Body, f.calls())
		}
	})
}

func TestHandle_Routes(t *testing.T) {
	cl := claims(alice, "tier-1")
	cases := []struct {
		name           string
		resource, path string
		httpMethod     string
		status         int
		allow          string
	}{
		{name: "unknown path", resource: "/secrets", path: "/secrets", httpMethod: "GET", status: 404},
		{name: "root", resource: "/", path: "/", httpMethod: "GET", status: 404},
		{name: "presign with a trailing slash", resource: "/presign/", path: "/presign/", httpMethod: "GET", status: 404},
		{name: "case differs", resource: "/Presign", path: "/Presign", httpMethod: "GET", status: 404},
		{name: "POST /presign", resource: "/presign", path: "/presign", httpMethod: "POST", status: 405, allow: "GET"},
		{name: "PUT /presign", resource: "/presign", path: "/presign", httpMethod: "PUT", status: 405, allow: "GET"},
		{name: "GET /uploads", resource: "/uploads", path: "/uploads", httpMethod: "GET", status: 405, allow: "POST"},
		{name: "OPTIONS /uploads", resource: "/uploads", path: "/uploads", httpMethod: "OPTIONS", status: 405, allow: "POST"},
		{name: "proxy resource routes by path", resource: "/{proxy+}", path: "/presign", httpMethod: "GET", status: 200},
		{name: "proxy resource, unknown path", resource: "/{proxy+}", path: "/hello/world", httpMethod: "GET", status: 404},
		{name: "no resource routes by path", resource: "", path: "/presign", httpMethod: "GET", status: 200},
		{name: "known resource without its path parameter", resource: "/multipart/{uploadId}", path: "/multipart/abc", httpMethod: "GET", status: 404},
		{name: "proxy resource, a method the upload's path does not take", resource: "/{proxy+}", path: "/multipart/abc", httpMethod: "PUT", status: 405, allow: "DELETE, GET"},
		{name: "proxy resource, an empty upload id", resource: "/{proxy+}", path: "/multipart//complete", httpMethod: "POST", status: 404},
		{name: "proxy resource, a trailing slash under /multipart", resource: "/{proxy+}", path: "/multipart/abc/", httpMethod: "GET", status: 404},
		{name: "proxy resource, too many segments", resource: "/{proxy+}", path: "/multipart/abc/parts/1/x", httpMethod: "GET", status: 404},
		{name: "proxy resource, a method the parts batch does not take", resource: "/{proxy+}", path: "/multipart/abc/parts", httpMethod: "DELETE", status: 405, allow: "GET"},
		{name: "proxy resource, the parts batch with a trailing slash", resource: "/{proxy+}", path: "/multipart/abc/parts/", httpMethod: "GET", status: 404},
		{name: "proxy resource, parts batch of an empty upload id", resource: "/{proxy+}", path: "/multipart//parts", httpMethod: "GET", status: 404},
		{name: "another resource does not route by path", resource: "/secrets", path: "/presign", httpMethod: "GET", status: 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ev := getEvent(t, map[string]string{"key": "tier-1/a"}, cl)
			ev.Resource, ev.Path, ev.HTTPMethod = tc.resource, tc.path, tc.httpMethod
			resp, _ := f.h.Handle(context.Background(), ev)
			checkCommonHeaders(t, resp)
			if resp.StatusCode != tc.status || resp.Headers["Allow"] != tc.allow {
				t.Errorf("status %d Allow %q, want %d %q; body %s", resp.StatusCode, resp.Headers["Allow"], tc.status, tc.allow, resp.Body)
			}
			if tc.status != 200 {
				if decodeJSON(t, resp.Body)["message"] == "" || f.calls() != 0 {
					t.Errorf("want a message and no signing: %s", resp.Body)
				}
			}
		})
	}
}

func TestHandle_CORS(t *testing.T) {
	cases := []struct {
		name    string
		origins []string // header values; nil sends none
		want    string
	}{
		{name: "allowed origin", origins: []string{"https://app.example.com"}, want: "https://app.example.com"},
		{name: "other origin", origins: []string{"https://evil.example.com"}},
		{name: "allowed origin with a path", origins: []string{"https://app.example.com/"}},
		{name: "allowed origin over http", origins: []string{"http://app.example.com"}},
		{name: "suffix trick", origins: []string{"https://app.example.com.evil.example"}},
		{name: "null origin", origins: []string{"null"}},
		{name: "two origins", origins: []string{"https://app.example.com", "https://app.example.com"}},
		{name: "no origin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			for _, status := range []int{200, 403} {
				key := "tier-1/a"
				if status == 403 {
					key = "tier-2/a"
				}
				ev := getEvent(t, map[string]string{"key": key}, claims(alice, "tier-1"))
				if tc.origins != nil {
					ev.Headers["origin"] = tc.origins[0]
					ev.MultiValueHeaders["origin"] = tc.origins
				}
				resp, _ := f.h.Handle(context.Background(), ev)
				if resp.StatusCode != status {
					t.Fatalf("status = %d, want %d", resp.StatusCode, status)
				}
				if got := resp.Headers["Access-Control-Allow-Origin"]; got != tc.want {
					t.Errorf("%d: Access-Control-Allow-Origin = %q, want %q", status, got, tc.want)
				}
				if resp.Headers["Vary"] != "Origin" {
					t.Errorf("Vary = %q, want Origin", resp.Headers["Vary"])
				}
			}
		})
	}
}

// TestHandle_LambdaInvoke goes through the runtime's JSON path: the
// fixture's bytes in, the response bytes out.
func TestHandle_LambdaInvoke(t *testing.T) {
	f := newFixture(t)
	ev := getEvent(t, map[string]string{"key": "tier-1/a.txt"}, claims(alice, "tier-1"))
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	out, err := lambda.NewHandler(f.h.Handle).Invoke(context.Background(), payload)
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	var resp events.APIGatewayProxyResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Headers["Cache-Control"] != "no-store" {
		t.Fatalf("response = %+v", resp)
	}
	if !strings.Contains(resp.Body, "&X-Amz-") || strings.Contains(resp.Body, `\u0026`) {
		t.Errorf("the URL's & are escaped in the body (SetEscapeHTML(false) keeps them): %s", resp.Body)
	}
	checkS3URL(t, decodeJSON(t, resp.Body), "tier-1/a.txt", "GET", map[string]string{}, 300*time.Second)
}

// TestHandle_SignerFailure: when the real signer cannot get credentials the
// answer is a bare 500, and the cause goes to the log only.
func TestHandle_SignerFailure(t *testing.T) {
	client := s3.New(s3.Options{
		Region: "eu-west-1",
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, errors.New("no credentials in this test")
		}),
	})
	s, err := signer.New(client, testBucket)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	h, err := api.New(api.Config{Bucket: testBucket, Rules: testRules, MaxTTL: 300 * time.Second, MaxUploadBytes: 1 << 20}, api.Deps{
		Presigner: s,
		Logger:    slog.New(slog.NewJSONHandler(&log, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []events.APIGatewayProxyRequest{
		getEvent(t, map[string]string{"key": "tier-1/a"}, claims(alice, "tier-1")),
		postEvent(t, `{"key":"users/`+alice+`/a","contentType":"text/plain"}`, claims(alice, "")),
	} {
		log.Reset()
		resp, err := h.Handle(context.Background(), ev)
		if err != nil {
			t.Fatalf("Handle returned an error: %v", err)
		}
		checkCommonHeaders(t, resp)
		if resp.StatusCode != 500 || resp.Body != `{"message":"internal error"}` {
			t.Errorf("response = %d %s, want a bare 500", resp.StatusCode, resp.Body)
		}
		if !strings.Contains(log.String(), `"level":"ERROR"`) || !strings.Contains(log.String(), "no credentials in this test") {
			t.Errorf("log does not carry the cause: %s", log.String())
		}
	}
}

func TestHandle_NoCORSWithoutOrigins(t *testing.T) {
	f := newFixture(t, func(c *api.Config) { c.AllowedOrigins = nil })
	ev := getEvent(t, map[string]string{"key": "tier-1/a"}, claims(alice, "tier-1"))
	ev.Headers["Origin"] = "https://app.example.com"
	ev.MultiValueHeaders["Origin"] = []string{"https://app.example.com"}
	resp, _ := f.h.Handle(context.Background(), ev)
	if resp.StatusCode != 200 {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	for _, h := range []string{"Access-Control-Allow-Origin", "Vary"} {
		if v, ok := resp.Headers[h]; ok {
			t.Errorf("%s = %q, want no such header", h, v)
		}
	}
}

// expiresIn=1 with delivery=cdn just before a second's boundary: the
// handler reads its clock at .999, the CloudFront signer a moment later,
// after the boundary. A rounded-down expiry fell in the signer's past and
// answered 500; it must be a URL that outlives both readings.
func TestHandle_CDNExpiryAtASecondsBoundary(t *testing.T) {
	handlerNow := time.Date(2026, 12, 1, 12, 0, 0, 999_000_000, time.UTC)
	signerNow := handlerNow.Add(2 * time.Millisecond) // 12:00:01.001
	cdn, err := cdnsign.New(testCDNDomain, testKeyPairID, realCDNKey(t), cdnsign.WithClock(func() time.Time { return signerNow }))
	if err != nil {
		t.Fatal(err)
	}
	h, err := api.New(api.Config{
		Bucket: testBucket, Rules: testRules, MaxTTL: 300 * time.Second, MaxUploadBytes: testMaxUpload,
		CDN: &api.CDNConfig{Domain: testCDNDomain, KeyPairID: testKeyPairID, PrivateKeySecretARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cdn-key-AbCdEf"},
	}, api.Deps{Presigner: realS3(t), CDN: cdn, Now: func() time.Time { return handlerNow }})
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := h.Handle(context.Background(), getEvent(t, map[string]string{"key": "tier-1/movie.mp4", "delivery": "cdn", "expiresIn": "1"}, claims(bob, "tier-1")))
	if resp.StatusCode != 200 {
		t.Fatalf("status = %d, want 200; body %s", resp.StatusCode, resp.Body)
	}
	u, err := url.Parse(decodeJSON(t, resp.Body)["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	exp, _ := strconv.ParseInt(u.Query().Get("Expires"), 10, 64)
	if got := time.Unix(exp, 0); !got.After(signerNow) || got.Sub(handlerNow) > 2*time.Second {
		t.Errorf("Expires = %s, want after %s and within a second of expiresIn", got, signerNow)
	}
}

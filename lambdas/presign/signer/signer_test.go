package signer

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

const (
	testBucket   = "securestore-dev-data-123456789012-eu-west-1"
	testChecksum = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" // SHA-256 of ""
)

var testTime = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func testClient(optFns ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{
		Region:                     "eu-west-1",
		Credentials:                credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
	}, optFns...)
}

func testSigner(t testing.TB, optFns ...func(*s3.Options)) *S3 {
	t.Helper()
	s, err := New(testClient(optFns...), testBucket, WithClock(func() time.Time { return testTime }))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fixedTime is the presigner the S3 client builds for itself (a v4 signer
// that does not escape S3 paths twice), with the test clock and no header
// hoisting like this package, so the two can be compared byte for byte.
type fixedTime struct{ s *v4.Signer }

func (f fixedTime) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	optFns = append(optFns, func(o *v4.SignerOptions) { o.DisableHeaderHoisting = true })
	return f.s.PresignHTTP(ctx, creds, r, payloadHash, service, region, testTime, optFns...)
}

// sdkPresign presigns r with the SDK's own PresignClient.
func sdkPresign(t *testing.T, client *s3.Client, r Request) string {
	t.Helper()
	pc := s3.NewPresignClient(client, func(o *s3.PresignOptions) {
		o.Presigner = fixedTime{v4.NewSigner(func(so *v4.SignerOptions) { so.DisableURIPathEscaping = true })}
		o.Expires = r.Expires
	})
	var (
		req *v4.PresignedHTTPRequest
		err error
	)
	ctx := context.Background()
	switch r.Method {
	case MethodGet:
		req, err = pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(testBucket), Key: aws.String(r.Key)})
	case MethodDelete:
		req, err = pc.PresignDeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(testBucket), Key: aws.String(r.Key)})
	case MethodPut:
		in := &s3.PutObjectInput{Bucket: aws.String(testBucket), Key: aws.String(r.Key), ContentType: aws.String(r.ContentType)}
		if r.ChecksumSHA256 != "" {
			in.ChecksumSHA256 = aws.String(r.ChecksumSHA256)
		}
		req, err = pc.PresignPutObject(ctx, in)
	}
	if err != nil {
		t.Fatalf("SDK presign: %v", err)
	}
	return req.URL
}

// TestPresign_SameURLAsTheSDK pins the fast path to the SDK's PresignClient:
// same request, same time, same URL.
func TestPresign_SameURLAsTheSDK(t *testing.T) {
	keys := []string{
		"users/0f1e2d3c/report.pdf",
		"tier-1/a b+c&d=e?f#g.txt",
		"users/u/ünïcødé/日本語.txt",
		"users/u/%41-already%20escaped~_.x",
	}
	styles := map[string][]func(*s3.Options){
		"virtual-hosted": nil,
		"path-style":     {func(o *s3.Options) { o.UsePathStyle = true }},
		"local endpoint": {func(o *s3.Options) { o.UsePathStyle = true; o.BaseEndpoint = aws.String("http://127.0.0.1:9000") }},
	}
	for style, opts := range styles {
		for _, key := range keys {
			for _, r := range []Request{
				{Method: MethodGet, Key: key, Expires: 300 * time.Second},
				{Method: MethodDelete, Key: key, Expires: 60 * time.Second},
				{Method: MethodPut, Key: key, ContentType: "application/pdf", Expires: 300 * time.Second},
				{Method: MethodPut, Key: key, ContentType: "text/plain; charset=utf-8", ChecksumSHA256: testChecksum, Expires: 120 * time.Second},
			} {
				t.Run(style+"/"+r.Method+"/"+key, func(t *testing.T) {
					got, err := testSigner(t, opts...).Presign(context.Background(), r)
					if err != nil {
						t.Fatal(err)
					}
					if want := sdkPresign(t, testClient(opts...), r); got.URL != want {
						t.Errorf("URL differs from the SDK's\n got %s\nwant %s", got.URL, want)
					}
				})
			}
		}
	}
}

func TestPresign_HeadersAreExactlyTheSignedOnes(t *testing.T) {
	cases := []struct {
		name string
		r    Request
		want map[string]string
	}{
		{"GET needs none", Request{Method: MethodGet, Key: "k", Expires: time.Minute}, map[string]string{}},
		{"DELETE needs none", Request{Method: MethodDelete, Key: "k", Expires: time.Minute}, map[string]string{}},
		{"PUT signs the content type", Request{Method: MethodPut, Key: "k", ContentType: "image/png", Expires: time.Minute},
			map[string]string{"Content-Type": "image/png"}},
		{"PUT signs the checksum", Request{Method: MethodPut, Key: "k", ContentType: "image/png", ChecksumSHA256: testChecksum, Expires: time.Minute},
			map[string]string{"Content-Type": "image/png", "X-Amz-Checksum-Sha256": testChecksum}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u, err := testSigner(t).Presign(context.Background(), tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if len(u.Headers) != len(tc.want) {
				t.Errorf("Headers = %v, want %v", u.Headers, tc.want)
			}
			for k, v := range tc.want {
				if u.Headers[k] != v {
					t.Errorf("Headers[%s] = %q, want %q", k, u.Headers[k], v)
				}
			}
			parsed, err := url.Parse(u.URL)
			if err != nil {
				t.Fatal(err)
			}
			q := parsed.Query()
			signed := strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
			wantSigned := []string{"host"}
			for k := range tc.want {
				wantSigned = append(wantSigned, strings.ToLower(k))
			}
			if len(signed) != len(wantSigned) {
				t.Errorf("X-Amz-SignedHeaders = %v, want %v", signed, wantSigned)
			}
			for _, h := range wantSigned {
				if !strings.Contains(";"+q.Get("X-Amz-SignedHeaders")+";", ";"+h+";") {
					t.Errorf("X-Amz-SignedHeaders %q lacks %q", q.Get("X-Amz-SignedHeaders"), h)
				}
			}
			if q.Get("x-amz-checksum-sha256") != "" || q.Get("Content-Type") != "" {
				t.Errorf("a signed header was hoisted into the query: %s", u.URL)
			}
			if got := q.Get("X-Amz-Expires"); got != "60" {
				t.Errorf("X-Amz-Expires = %s, want 60", got)
			}
			if !u.ExpiresAt.Equal(testTime.Add(time.Minute)) {
				t.Errorf("ExpiresAt = %s, want %s", u.ExpiresAt, testTime.Add(time.Minute))
			}
		})
	}
}

func TestPresign_Addressing(t *testing.T) {
	cases := []struct {
		name     string
		opts     []func(*s3.Options)
		bucket   string
		wantHost string
		wantPath string
	}{
		{"virtual-hosted", nil, testBucket, testBucket + ".s3.eu-west-1.amazonaws.com", "/k"},
		{"path style", []func(*s3.Options){func(o *s3.Options) { o.UsePathStyle = true }}, testBucket, "s3.eu-west-1.amazonaws.com", "/" + testBucket + "/k"},
		{"dotted bucket falls back to path style", nil, "my.dotted.bucket", "s3.eu-west-1.amazonaws.com", "/my.dotted.bucket/k"},
		{"local endpoint", []func(*s3.Options){func(o *s3.Options) { o.UsePathStyle = true; o.BaseEndpoint = aws.String("http://127.0.0.1:9000") }},
			testBucket, "127.0.0.1:9000", "/" + testBucket + "/k"},
		{"China", []func(*s3.Options){func(o *s3.Options) { o.Region = "cn-north-1" }}, testBucket, testBucket + ".s3.cn-north-1.amazonaws.com.cn", "/k"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(testClient(tc.opts...), tc.bucket)
			if err != nil {
				t.Fatal(err)
			}
			u, err := s.Presign(context.Background(), Request{Method: MethodGet, Key: "k", Expires: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			parsed, _ := url.Parse(u.URL)
			if parsed.Host != tc.wantHost || parsed.Path != tc.wantPath {
				t.Errorf("URL %s: host %q path %q, want %q %q", u.URL, parsed.Host, parsed.Path, tc.wantHost, tc.wantPath)
			}
		})
	}
}

func TestPresign_RejectsBadRequests(t *testing.T) {
	s := testSigner(t)
	cases := []struct {
		name string
		r    Request
		want string
	}{
		{"unknown method", Request{Method: "POST", Key: "k", Expires: time.Minute}, `"POST"`},
		{"lower-case method", Request{Method: "get", Key: "k", Expires: time.Minute}, `"get"`},
		{"empty key", Request{Method: MethodGet, Expires: time.Minute}, "empty key"},
		{"zero expiry", Request{Method: MethodGet, Key: "k"}, "expiry"},
		{"negative expiry", Request{Method: MethodGet, Key: "k", Expires: -time.Second}, "expiry"},
		{"fractional expiry", Request{Method: MethodGet, Key: "k", Expires: 1500 * time.Millisecond}, "whole seconds"},
		{"over seven days", Request{Method: MethodGet, Key: "k", Expires: MaxExpires + time.Second}, "expiry"},
		{"PUT without content type", Request{Method: MethodPut, Key: "k", Expires: time.Minute}, "content type"},
		{"GET with content type", Request{Method: MethodGet, Key: "k", ContentType: "a/b", Expires: time.Minute}, "PUT only"},
		{"checksum not base64", Request{Method: MethodPut, Key: "k", ContentType: "a/b", ChecksumSHA256: "not base64!", Expires: time.Minute}, "32 bytes"},
		{"checksum wrong length", Request{Method: MethodPut, Key: "k", ContentType: "a/b", ChecksumSHA256: base64.StdEncoding.EncodeToString([]byte("short")), Expires: time.Minute}, "32 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u, err := s.Presign(context.Background(), tc.r)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Presign = %v, want ErrInvalid mentioning %q", err, tc.want)
			}
			if u.URL != "" {
				t.Errorf("a URL was signed: %s", u.URL)
			}
		})
	}
}

func TestNew_RejectsUnusableClients(t *testing.T) {
	cases := []struct {
		name   string
		client *s3.Client
		bucket string
	}{
		{"no bucket", testClient(), ""},
		{"no region", testClient(func(o *s3.Options) { o.Region = "" }), testBucket},
		{"no credentials", testClient(func(o *s3.Options) { o.Credentials = nil }), testBucket},
		{"bad endpoint", testClient(func(o *s3.Options) { o.BaseEndpoint = aws.String("ftp://x") }), testBucket},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.client, tc.bucket); err == nil {
				t.Fatal("New succeeded")
			}
		})
	}
}

// TestPresignPost_PolicyFixesKeyTypeAndSize decodes the policy S3 will
// enforce and checks each condition.
func TestPresignPost_PolicyFixesKeyTypeAndSize(t *testing.T) {
	s := testSigner(t)
	p, err := s.PresignPost(context.Background(), PostRequest{Key: "users/u/photo.jpg", ContentType: "image/jpeg", MaxBytes: 5 << 20, Expires: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if p.Fields["key"] != "users/u/photo.jpg" || p.Fields["Content-Type"] != "image/jpeg" {
		t.Errorf("fields = %v", p.Fields)
	}
	for _, f := range []string{"policy", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Algorithm", "X-Amz-Date"} {
		if p.Fields[f] == "" {
			t.Errorf("field %s missing: %v", f, p.Fields)
		}
	}
	raw, err := base64.StdEncoding.DecodeString(p.Fields["policy"])
	if err != nil {
		t.Fatal(err)
	}
	var policy struct {
		Expiration string `json:"expiration"`
		Conditions []any  `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &policy); err != nil {
		t.Fatalf("policy %s: %v", raw, err)
	}
	text := string(raw)
	for _, want := range []string{
		`["content-length-range",1,5242880]`,
		`{"Content-Type":"image/jpeg"}`,
		`{"bucket":"` + testBucket + `"}`,
		`{"key":"users/u/photo.jpg"}`,
	} {
		if !strings.Contains(strings.ReplaceAll(text, " ", ""), want) {
			t.Errorf("policy %s lacks %s", text, want)
		}
	}
	exp, err := time.Parse(time.RFC3339, policy.Expiration)
	if err != nil {
		t.Fatalf("expiration %q: %v", policy.Expiration, err)
	}
	if d := time.Until(exp); d < 4*time.Minute || d > 6*time.Minute {
		t.Errorf("policy expires %s after signing, want about 5 min", d)
	}
	if !strings.HasPrefix(p.URL, "https://"+testBucket+".s3.eu-west-1.amazonaws.com") {
		t.Errorf("URL = %s", p.URL)
	}
}

func TestPresignPost_RejectsBadRequests(t *testing.T) {
	s := testSigner(t)
	for _, r := range []PostRequest{
		{Key: "", ContentType: "a/b", MaxBytes: 1, Expires: time.Minute},
		{Key: "k", ContentType: "", MaxBytes: 1, Expires: time.Minute},
		{Key: "k", ContentType: "a/b", MaxBytes: 0, Expires: time.Minute},
		{Key: "k", ContentType: "a/b", MaxBytes: -5, Expires: time.Minute},
		{Key: "k", ContentType: "a/b", MaxBytes: 1, Expires: 0},
	} {
		if _, err := s.PresignPost(context.Background(), r); !errors.Is(err, ErrInvalid) {
			t.Errorf("PresignPost(%+v) = %v, want ErrInvalid", r, err)
		}
	}
}

func TestClientFromEnv_EndpointAndPathStyle(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000")
	t.Setenv("S3_FORCE_PATH_STYLE", "true")
	client, err := ClientFromEnv(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(client, testBucket)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Presign(context.Background(), Request{Method: MethodGet, Key: "k", Expires: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://127.0.0.1:9000/" + testBucket + "/k?"; !strings.HasPrefix(u.URL, want) {
		t.Errorf("URL = %s, want prefix %s", u.URL, want)
	}

	t.Setenv("S3_FORCE_PATH_STYLE", "yes please")
	if _, err := ClientFromEnv(context.Background()); err == nil || !strings.Contains(err.Error(), "S3_FORCE_PATH_STYLE") {
		t.Errorf("ClientFromEnv with a bad S3_FORCE_PATH_STYLE = %v", err)
	}
}

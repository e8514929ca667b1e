package signer

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
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

// configurations are client set-ups and the host the SDK's endpoint rules
// give for each.
var configurations = []struct {
	name     string
	bucket   string
	opts     []func(*s3.Options)
	wantHost string
	// region the URLs are signed for (default: the client's).
	region string
}{
	{"virtual-hosted", testBucket, nil, testBucket + ".s3.eu-west-1.amazonaws.com", ""},
	{"path style", testBucket, []func(*s3.Options){func(o *s3.Options) { o.UsePathStyle = true }}, "s3.eu-west-1.amazonaws.com", ""},
	{"dotted bucket", "my.dotted.bucket", nil, "s3.eu-west-1.amazonaws.com", ""},
	{"local endpoint", testBucket, []func(*s3.Options){func(o *s3.Options) { o.UsePathStyle = true; o.BaseEndpoint = aws.String("http://127.0.0.1:9000") }}, "127.0.0.1:9000", ""},
	{"local endpoint, virtual-hosted", testBucket, []func(*s3.Options){func(o *s3.Options) { o.BaseEndpoint = aws.String("http://minio.local:9000") }}, testBucket + ".minio.local:9000", ""},
	{"session token", testBucket, []func(*s3.Options){func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider("ASIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjE/+token==")
	}}, testBucket + ".s3.eu-west-1.amazonaws.com", ""},
	{"FIPS", testBucket, []func(*s3.Options){func(o *s3.Options) {
		o.Region = "us-east-1"
		o.EndpointOptions.UseFIPSEndpoint = aws.FIPSEndpointStateEnabled
	}}, testBucket + ".s3-fips.us-east-1.amazonaws.com", ""},
	{"dual-stack", testBucket, []func(*s3.Options){func(o *s3.Options) { o.EndpointOptions.UseDualStackEndpoint = aws.DualStackEndpointStateEnabled }}, testBucket + ".s3.dualstack.eu-west-1.amazonaws.com", ""},
	{"accelerate", testBucket, []func(*s3.Options){func(o *s3.Options) { o.UseAccelerate = true }}, testBucket + ".s3-accelerate.amazonaws.com", ""},
	{"China", testBucket, []func(*s3.Options){func(o *s3.Options) { o.Region = "cn-north-1" }}, testBucket + ".s3.cn-north-1.amazonaws.com.cn", ""},
	{"GovCloud", testBucket, []func(*s3.Options){func(o *s3.Options) { o.Region = "us-gov-west-1" }}, testBucket + ".s3.us-gov-west-1.amazonaws.com", ""},
	{"ISO partition", testBucket, []func(*s3.Options){func(o *s3.Options) { o.Region = "us-iso-east-1" }}, testBucket + ".s3.us-iso-east-1.c2s.ic.gov", ""},
	{"access point ARN in its region", "arn:aws:s3:us-west-2:123456789012:accesspoint/myap", []func(*s3.Options){func(o *s3.Options) { o.UseARNRegion = true }},
		"myap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", "us-west-2"},
}

// TestPresign_SignatureHoldsWithTheListedHeaders: in every configuration,
// the URL goes to the host the SDK's endpoint rules give, and its signature
// recomputes from the secret key with exactly the headers URL.Headers
// lists, at its X-Amz-Date, for the URL's expiry.
func TestPresign_SignatureHoldsWithTheListedHeaders(t *testing.T) {
	keys := []string{
		"users/0f1e2d3c/report.pdf",
		"tier-1/a b+c&d=e?f#g.txt",
		"users/u/ünïcødé/日本語.txt",
		"users/u/%41-already%20escaped~_.x",
	}
	for _, c := range configurations {
		client := testClient(c.opts...)
		s, err := New(client, c.bucket)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, key := range keys {
			for _, r := range []Request{
				{Method: MethodGet, Key: key, Expires: 300 * time.Second},
				{Method: MethodDelete, Key: key, Expires: 60 * time.Second},
				{Method: MethodPut, Key: key, ContentType: "application/pdf", ContentLength: 1234, Expires: 300 * time.Second},
				{Method: MethodPut, Key: key, ContentType: "text/plain; charset=utf-8", ContentLength: 1234, ChecksumSHA256: testChecksum, Expires: 120 * time.Second},
				{Method: MethodPut, Key: key, UploadID: "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA", PartNumber: 1, ContentLength: 5 << 20, Expires: 300 * time.Second},
				{Method: MethodPut, Key: key, UploadID: "NjM4MjQ3Yy0x+/=&%", PartNumber: 10000, ContentLength: 17, Expires: 60 * time.Second},
			} {
				t.Run(c.name+"/"+r.Method+r.UploadID+"/"+key, func(t *testing.T) {
					got, err := s.Presign(context.Background(), r)
					if err != nil {
						t.Fatal(err)
					}
					region := c.region
					if region == "" {
						region = client.Options().Region
					}
					u := recompute(t, client, got, "s3", region)
					if u.Host != c.wantHost {
						t.Errorf("host = %s, want %s", u.Host, c.wantHost)
					}
					q := u.Query()
					if q.Get("X-Amz-Expires") != strconv.Itoa(int(r.Expires/time.Second)) {
						t.Errorf("X-Amz-Expires = %s, want %s", q.Get("X-Amz-Expires"), r.Expires)
					}
					if r.UploadID != "" && (q.Get("uploadId") != r.UploadID || q.Get("partNumber") != strconv.Itoa(int(r.PartNumber))) {
						t.Errorf("uploadId %q partNumber %q, want %q %d", q.Get("uploadId"), q.Get("partNumber"), r.UploadID, r.PartNumber)
					}
					if want, _ := url.PathUnescape(u.EscapedPath()); !strings.HasSuffix(want, "/"+key) {
						t.Errorf("path %s does not end with the key %s", u.EscapedPath(), key)
					}
				})
			}
		}
	}
}

// recompute checks that got's signature is the SigV4 signature, for service
// in region at the URL's X-Amz-Date, of its method, URL and the headers
// got.Headers lists (and no other), and that ExpiresAt is that date plus
// X-Amz-Expires. It returns the parsed URL.
func recompute(t *testing.T, client *s3.Client, got URL, service, region string) *url.URL {
	t.Helper()
	u, err := url.Parse(got.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	signedAt, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		t.Fatal(err)
	}
	secs, _ := strconv.Atoi(q.Get("X-Amz-Expires"))
	if want := signedAt.Add(time.Duration(secs) * time.Second); !got.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %s, want %s", got.ExpiresAt, want)
	}
	// Rebuild the request without its signature and sign it again.
	sig := q.Get("X-Amz-Signature")
	for _, p := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"} {
		q.Del(p)
	}
	again := *u
	again.RawQuery = q.Encode()
	req := &http.Request{Method: got.Method, URL: &again, Host: u.Host, Header: http.Header{}}
	for k, v := range got.Headers {
		req.Header.Set(k, v)
	}
	if n := got.Headers["Content-Length"]; n != "" {
		// v4.Signer signs the request's length, not the header.
		req.ContentLength, _ = strconv.ParseInt(n, 10, 64)
	}
	creds, err := client.Options().Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	signed, _, err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).
		PresignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", service, region, signedAt)
	if err != nil {
		t.Fatal(err)
	}
	au, _ := url.Parse(signed)
	if au.Query().Get("X-Amz-Signature") != sig {
		t.Errorf("signature %s does not recompute (%s) from %s with headers %v", sig, au.Query().Get("X-Amz-Signature"), got.URL, got.Headers)
	}
	if names := strings.Split(au.Query().Get("X-Amz-SignedHeaders"), ";"); len(names) != len(got.Headers)+1 {
		t.Errorf("signed headers %v, Headers %v", names, got.Headers)
	}
	return u
}

// TestWithClock_StampsTheSignature: the clock sets X-Amz-Date and so the
// expiry, and the URL is otherwise the one the SDK's own presigner gives
// (the same path escaping).
func TestWithClock_StampsTheSignature(t *testing.T) {
	r := Request{Method: MethodPut, Key: "users/u/a b+c/ünï.txt", ContentType: "a/b", ContentLength: 5, Expires: time.Minute}
	clocked, err := testSigner(t).Presign(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if !clocked.ExpiresAt.Equal(testTime.Add(time.Minute)) || !strings.Contains(clocked.URL, "X-Amz-Date=20261123T090000Z") {
		t.Errorf("URL %s expiring %s, want signed at %s", clocked.URL, clocked.ExpiresAt, testTime)
	}
	s, err := New(testClient(), testBucket)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := s.Presign(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	cu, _ := url.Parse(clocked.URL)
	pu, _ := url.Parse(plain.URL)
	if cu.Host != pu.Host || cu.EscapedPath() != pu.EscapedPath() || !reflect.DeepEqual(clocked.Headers, plain.Headers) {
		t.Errorf("clocked %s %v, SDK's %s %v", clocked.URL, clocked.Headers, plain.URL, plain.Headers)
	}
}

// TestPresign_S3Express: a directory bucket's URLs go to its zonal
// endpoint, signed for s3express, and hold with the listed headers.
func TestPresign_S3Express(t *testing.T) {
	const express = "mybucket--usw2-az1--x-s3"
	client := testClient(func(o *s3.Options) { o.Region = "us-west-2"; o.DisableS3ExpressSessionAuth = aws.Bool(true) })
	s, err := New(client, express)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Request{
		{Method: MethodGet, Key: "users/u/a b.txt", Expires: time.Minute},
		{Method: MethodPut, Key: "users/u/a b.txt", ContentType: "image/png", ContentLength: 1234, ChecksumSHA256: testChecksum, Expires: 2 * time.Minute},
	} {
		t.Run(r.Method, func(t *testing.T) {
			got, err := s.Presign(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			if u := recompute(t, client, got, "s3express", "us-west-2"); u.Host != express+".s3express-usw2-az1.us-west-2.amazonaws.com" {
				t.Errorf("host %s", u.Host)
			}
		})
	}
}

// TestPresign_RefusesAnUnsignedChecksum: through a Multi-Region Access Point
// the SDK signs with SigV4a, which moves the checksum into the query, where
// S3 does not promise to check it: no URL rather than a weaker one.
func TestPresign_RefusesAnUnsignedChecksum(t *testing.T) {
	s, err := New(testClient(), "arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap")
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Presign(context.Background(), Request{Method: MethodPut, Key: "k", ContentType: "a/b", ContentLength: 1234, ChecksumSHA256: testChecksum, Expires: time.Minute})
	if err == nil || !strings.Contains(err.Error(), HeaderChecksumSHA256) {
		t.Errorf("Presign = %+v, %v; want an error about the checksum header", u, err)
	}
	get, err := s.Presign(context.Background(), Request{Method: MethodGet, Key: "k", Expires: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(get.URL, "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256") {
		t.Errorf("GET through a Multi-Region Access Point is not SigV4a: %s", get.URL)
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
		{"PUT signs the content type", Request{Method: MethodPut, Key: "k", ContentType: "image/png", ContentLength: 1234, Expires: time.Minute},
			map[string]string{"Content-Type": "image/png", "Content-Length": "1234"}},
		{"PUT signs the checksum", Request{Method: MethodPut, Key: "k", ContentType: "image/png", ContentLength: 1234, ChecksumSHA256: testChecksum, Expires: time.Minute},
			map[string]string{"Content-Type": "image/png", "Content-Length": "1234", "X-Amz-Checksum-Sha256": testChecksum}},
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
		{"PUT without content type", Request{Method: MethodPut, Key: "k", ContentLength: 1, Expires: time.Minute}, "content type"},
		{"PUT without content length", Request{Method: MethodPut, Key: "k", ContentType: "a/b", Expires: time.Minute}, "content length from 1"},
		{"PUT over 5 GiB", Request{Method: MethodPut, Key: "k", ContentType: "a/b", ContentLength: 5<<30 + 1, Expires: time.Minute}, "content length from 1"},
		{"GET with a content length", Request{Method: MethodGet, Key: "k", ContentLength: 5, Expires: time.Minute}, "PUT only"},
		{"GET with content type", Request{Method: MethodGet, Key: "k", ContentType: "a/b", Expires: time.Minute}, "PUT only"},
		{"checksum not base64", Request{Method: MethodPut, Key: "k", ContentType: "a/b", ContentLength: 1234, ChecksumSHA256: "not base64!", Expires: time.Minute}, "32 bytes"},
		{"part without upload id", Request{Method: MethodPut, Key: "k", PartNumber: 1, ContentLength: 5, Expires: time.Minute}, "upload id and a part number from 1"},
		{"part number 0", Request{Method: MethodPut, Key: "k", UploadID: "u", ContentLength: 5, Expires: time.Minute}, "upload id and a part number from 1"},
		{"part number 10001", Request{Method: MethodPut, Key: "k", UploadID: "u", PartNumber: 10001, ContentLength: 5, Expires: time.Minute}, "upload id and a part number from 1"},
		{"part with a content type", Request{Method: MethodPut, Key: "k", UploadID: "u", PartNumber: 1, ContentType: "a/b", ContentLength: 5, Expires: time.Minute}, "no content type"},
		{"part without length", Request{Method: MethodPut, Key: "k", UploadID: "u", PartNumber: 1, Expires: time.Minute}, "content length from 1"},
		{"GET with an upload id", Request{Method: MethodGet, Key: "k", UploadID: "u", PartNumber: 1, Expires: time.Minute}, "PUT only"},
		{"checksum wrong length", Request{Method: MethodPut, Key: "k", ContentType: "a/b", ContentLength: 1234, ChecksumSHA256: base64.StdEncoding.EncodeToString([]byte("short")), Expires: time.Minute}, "32 bytes"},
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
		{"no client", nil, testBucket},
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

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// TestPresignPost_PolicyFixesKeyTypeAndSize decodes the policy S3 will
// enforce, checks each condition and the expiration, and recomputes the
// policy's SigV4 signature from the secret key.
func TestPresignPost_PolicyFixesKeyTypeAndSize(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	cases := []struct {
		name string
		r    PostRequest
	}{
		{"photo", PostRequest{Key: "users/u/photo.jpg", ContentType: "image/jpeg", MaxBytes: 5 << 20, Expires: 5 * time.Minute}},
		{"one byte, odd key", PostRequest{Key: "tier-1/a b+c&d=\"e\".txt", ContentType: "text/plain; charset=utf-8", MaxBytes: 1, Expires: time.Second}},
		{"a week", PostRequest{Key: "users/u/big.bin", ContentType: "application/octet-stream", MaxBytes: 5 << 30, Expires: MaxExpires}},
	}
	s := testSigner(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.PresignPost(context.Background(), tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if p.Fields["key"] != tc.r.Key || p.Fields["Content-Type"] != tc.r.ContentType {
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
				Expiration string            `json:"expiration"`
				Conditions []json.RawMessage `json:"conditions"`
			}
			if err := json.Unmarshal(raw, &policy); err != nil {
				t.Fatalf("policy %s: %v", raw, err)
			}
			conditions := map[string]bool{}
			for _, c := range policy.Conditions {
				var v any
				if err := json.Unmarshal(c, &v); err != nil {
					t.Fatal(err)
				}
				canon, _ := json.Marshal(v)
				conditions[string(canon)] = true
			}
			for _, want := range []any{
				[]any{"content-length-range", 1, tc.r.MaxBytes},
				map[string]string{"Content-Type": tc.r.ContentType},
				map[string]string{"bucket": testBucket},
				map[string]string{"key": tc.r.Key},
			} {
				canon, _ := json.Marshal(want)
				if !conditions[string(canon)] {
					t.Errorf("policy %s lacks %s", raw, canon)
				}
			}
			for c := range conditions {
				if strings.Contains(c, "starts-with") {
					t.Errorf("policy has a prefix condition %s", c)
				}
			}
			exp, err := time.Parse(time.RFC3339, policy.Expiration)
			if err != nil {
				t.Fatalf("expiration %q: %v", policy.Expiration, err)
			}
			signedAt, err := time.Parse("20060102T150405Z", p.Fields["X-Amz-Date"])
			if err != nil {
				t.Fatal(err)
			}
			if !exp.Equal(signedAt.Add(tc.r.Expires)) || !p.ExpiresAt.Equal(exp) {
				t.Errorf("policy expires %s, ExpiresAt %s, want both %s", exp, p.ExpiresAt, signedAt.Add(tc.r.Expires))
			}
			day := signedAt.Format("20060102")
			if want := "AKIAIOSFODNN7EXAMPLE/" + day + "/eu-west-1/s3/aws4_request"; p.Fields["X-Amz-Credential"] != want {
				t.Errorf("X-Amz-Credential = %s, want %s", p.Fields["X-Amz-Credential"], want)
			}
			key := hmacSHA256([]byte("AWS4"+secret), day)
			key = hmacSHA256(key, "eu-west-1")
			key = hmacSHA256(key, "s3")
			key = hmacSHA256(key, "aws4_request")
			if want := hex.EncodeToString(hmacSHA256(key, p.Fields["policy"])); p.Fields["X-Amz-Signature"] != want {
				t.Errorf("X-Amz-Signature = %s, recomputed %s", p.Fields["X-Amz-Signature"], want)
			}
			if !strings.HasPrefix(p.URL, "https://"+testBucket+".s3.eu-west-1.amazonaws.com") {
				t.Errorf("URL = %s", p.URL)
			}
		})
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

// countingCreds counts how often credentials are fetched.
type countingCreds struct {
	calls int
	value aws.Credentials
}

func (c *countingCreds) Retrieve(context.Context) (aws.Credentials, error) {
	c.calls++
	return c.value, nil
}

// TestNew_CachesCredentials: New fetches no credentials, and a client built
// without a credentials cache must not fetch them on every signature.
func TestNew_CachesCredentials(t *testing.T) {
	creds := &countingCreds{value: aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "secret", Source: "test"}}
	s, err := New(testClient(func(o *s3.Options) { o.Credentials = creds }), testBucket)
	if err != nil {
		t.Fatal(err)
	}
	if creds.calls != 0 {
		t.Errorf("New fetched credentials %d times, want none before the first request", creds.calls)
	}
	for range 3 {
		if _, err := s.Presign(context.Background(), Request{Method: MethodGet, Key: "k", Expires: time.Minute}); err != nil {
			t.Fatal(err)
		}
	}
	if creds.calls != 1 {
		t.Errorf("credentials fetched %d times for 3 signatures, want 1", creds.calls)
	}
}

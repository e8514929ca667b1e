package s3server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// One server for every test in this package: starting MinIO takes seconds.
var shared struct {
	srv    *Server
	bucket string
}

func server(t *testing.T) (*Server, string) {
	t.Helper()
	if shared.srv == nil {
		t.Fatal("shared server not started")
	}
	return shared.srv, shared.bucket
}

func TestServer(t *testing.T) {
	s := Start(t)
	shared.srv, shared.bucket = s, s.Bucket(t, "presign-e2e")
	t.Run("Start", testStart)
	t.Run("PresignedGET", testPresignedGET)
	t.Run("PresignedPUT", testPresignedPUT)
	t.Run("PresignedDELETE", testPresignedDELETE)
	t.Run("PresignedPOST", testPresignedPOST)
	t.Run("UnsignedAndWrongKey", testUnsignedAndWrongKey)
}

func testStart(t *testing.T) {
	s, bucket := server(t)
	if !strings.HasPrefix(s.Endpoint, "http://127.0.0.1:") || s.Region != "us-east-1" || s.AccessKey == "" || len(s.SecretKey) < 8 {
		t.Fatalf("server %+v: want a loopback endpoint, us-east-1 and root credentials", s)
	}
	resp, err := http.Get(s.Endpoint + "/minio/health/live")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %v %v", resp, err)
	}
	_ = resp.Body.Close()
	c := s.Client()
	out, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{})
	if err != nil || len(out.Buckets) != 1 || aws.ToString(out.Buckets[0].Name) != bucket {
		t.Fatalf("ListBuckets = %+v, %v; want the one bucket %s", out, err, bucket)
	}
	loc, err := c.GetBucketLocation(t.Context(), &s3.GetBucketLocationInput{Bucket: &bucket})
	if err != nil || (loc.LocationConstraint != "" && loc.LocationConstraint != "us-east-1") {
		t.Fatalf("GetBucketLocation = %+v, %v; want us-east-1", loc, err)
	}
	var exists *types.BucketAlreadyOwnedByYou
	if err := s.CreateBucket(t.Context(), bucket); !errors.As(err, &exists) {
		t.Errorf("CreateBucket twice = %v, want BucketAlreadyOwnedByYou", err)
	}
	env := s.Env()
	if env["AWS_ENDPOINT_URL_S3"] != s.Endpoint || env["S3_FORCE_PATH_STYLE"] != "true" || env["AWS_SECRET_ACCESS_KEY"] != s.SecretKey {
		t.Errorf("Env() = %v", env)
	}
}

// shiftedSigner signs as if the clock were shifted by d: a past signing
// time makes a URL that expired before it was made.
type shiftedSigner struct {
	inner *v4.Signer
	d     time.Duration
}

func (s shiftedSigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, signingTime time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return s.inner.PresignHTTP(ctx, creds, r, payloadHash, service, region, signingTime.Add(s.d), optFns...)
}

type shiftedPostSigner struct {
	inner s3.PresignPost
	d     time.Duration
}

func (s shiftedPostSigner) PresignPost(creds aws.Credentials, bucket, key, region, service string, signingTime time.Time, conditions []any, expirationTime time.Time, optFns ...func(*v4.SignerOptions)) (map[string]string, error) {
	return s.inner.PresignPost(creds, bucket, key, region, service, signingTime.Add(s.d), conditions, expirationTime.Add(s.d), optFns...)
}

// tamper changes one character of the X-Amz-Signature query parameter.
func tamper(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	sig := q.Get("X-Amz-Signature")
	if len(sig) != 64 {
		t.Fatalf("signature %q is not 64 hex digits", sig)
	}
	flip := byte('0')
	if sig[10] == '0' {
		flip = '1'
	}
	q.Set("X-Amz-Signature", sig[:10]+string(flip)+sig[11:])
	u.RawQuery = q.Encode()
	return u.String()
}

type httpCase struct {
	name     string
	req      func(t *testing.T) *http.Request
	wantCode int
	wantErr  string // S3 error code in the XML body, for refusals
	wantBody string // for successes
	// absentKey must not exist after the request (refusals), when set.
	absentKey string
}

func runHTTPCases(t *testing.T, cases []httpCase) {
	s, bucket := server(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.DefaultClient.Do(tc.req(t))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != tc.wantCode {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tc.wantCode, body)
			}
			if tc.wantErr != "" && !strings.Contains(string(body), "<Code>"+tc.wantErr+"</Code>") {
				t.Errorf("body %s, want S3 error %s", body, tc.wantErr)
			}
			if tc.wantBody != "" && string(body) != tc.wantBody {
				t.Errorf("body %q, want %q", body, tc.wantBody)
			}
			if tc.absentKey != "" {
				_, err := s.Client().HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(tc.absentKey)})
				var nf *types.NotFound
				if !errors.As(err, &nf) {
					t.Errorf("HeadObject(%s) after the refusal = %v, want NotFound", tc.absentKey, err)
				}
			}
		})
	}
}

func put(t *testing.T, key, body string) {
	t.Helper()
	s, bucket := server(t)
	if _, err := s.Client().PutObject(t.Context(), &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: strings.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
}

func newRequest(t *testing.T, method, rawURL string, body io.Reader, header http.Header) *http.Request {
	t.Helper()
	r, err := http.NewRequestWithContext(t.Context(), method, rawURL, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		r.Header[k] = v
	}
	return r
}

func testPresignedGET(t *testing.T) {
	s, bucket := server(t)
	const key = "users/alice/report.txt"
	put(t, key, "hello")
	presign := func(t *testing.T, opts ...func(*s3.PresignOptions)) string {
		t.Helper()
		p, err := s3.NewPresignClient(s.Client()).PresignGetObject(t.Context(), &s3.GetObjectInput{Bucket: &bucket, Key: aws.String(key)}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return p.URL
	}
	get := func(u string) *http.Request { return newRequest(t, http.MethodGet, u, nil, nil) }
	inThePast := func(o *s3.PresignOptions) {
		o.Expires = time.Minute
		o.Presigner = shiftedSigner{v4.NewSigner(), -time.Hour}
	}
	inTheFuture := func(o *s3.PresignOptions) {
		o.Presigner = shiftedSigner{v4.NewSigner(), time.Hour}
	}
	runHTTPCases(t, []httpCase{
		{name: "valid URL reads the object", req: func(t *testing.T) *http.Request { return get(presign(t)) }, wantCode: 200, wantBody: "hello"},
		{name: "one signature character changed", req: func(t *testing.T) *http.Request { return get(tamper(t, presign(t))) }, wantCode: 403, wantErr: "SignatureDoesNotMatch"},
		{name: "signed an hour ago for a minute: expired", req: func(t *testing.T) *http.Request { return get(presign(t, inThePast)) }, wantCode: 403, wantErr: "AccessDenied"},
		{name: "signed an hour in the future: not valid yet", req: func(t *testing.T) *http.Request { return get(presign(t, inTheFuture)) }, wantCode: 403, wantErr: "AccessDenied"},
		{name: "another key under the same signature", req: func(t *testing.T) *http.Request {
			return get(strings.Replace(presign(t), "report.txt", "other.txt", 1))
		}, wantCode: 403, wantErr: "SignatureDoesNotMatch"},
		{name: "same URL with another method", req: func(t *testing.T) *http.Request {
			return newRequest(t, http.MethodDelete, presign(t), nil, nil)
		}, wantCode: 403, wantErr: "SignatureDoesNotMatch"},
	})
	// The DELETE above was refused: the object is still there.
	if _, err := s.Client().HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(key)}); err != nil {
		t.Errorf("object gone after a refused DELETE: %v", err)
	}
}

func testPresignedDELETE(t *testing.T) {
	s, bucket := server(t)
	const key = "users/bob/old.txt"
	put(t, key, "old")
	presign := func(t *testing.T) string {
		p, err := s3.NewPresignClient(s.Client()).PresignDeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: &bucket, Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		return p.URL
	}
	exists := func(t *testing.T) bool {
		_, err := s.Client().HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(key)})
		var nf *types.NotFound
		if err != nil && !errors.As(err, &nf) {
			t.Fatal(err)
		}
		return err == nil
	}
	cases := []struct {
		name       string
		url        func(t *testing.T) string
		wantCode   int
		wantExists bool
	}{
		{"one signature character changed", func(t *testing.T) string { return tamper(t, presign(t)) }, 403, true},
		{"valid URL deletes", presign, 204, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.DefaultClient.Do(newRequest(t, http.MethodDelete, tc.url(t), nil, nil))
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if got := exists(t); resp.StatusCode != tc.wantCode || got != tc.wantExists {
				t.Fatalf("status %d (want %d), object exists %v (want %v)", resp.StatusCode, tc.wantCode, got, tc.wantExists)
			}
		})
	}
}

// withChecksum presigns a PUT of key whose x-amz-checksum-sha256 is that of
// promised, and sends body with the signed headers.
func withChecksum(t *testing.T, key, promised, body string) *http.Request {
	t.Helper()
	s, bucket := server(t)
	sum := sha256.Sum256([]byte(promised))
	p, err := s3.NewPresignClient(s.Client()).PresignPutObject(t.Context(), &s3.PutObjectInput{
		Bucket: &bucket, Key: aws.String(key), ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(sum[:])),
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.SignedHeader.Get("X-Amz-Checksum-Sha256") == "" {
		t.Fatalf("checksum not among the signed headers: %v", p.SignedHeader)
	}
	h := p.SignedHeader.Clone()
	h.Del("Host")
	return newRequest(t, http.MethodPut, p.URL, strings.NewReader(body), h)
}

func testPresignedPUT(t *testing.T) {
	s, bucket := server(t)
	presign := func(t *testing.T, key string, opts ...func(*s3.PresignOptions)) (string, http.Header) {
		t.Helper()
		p, err := s3.NewPresignClient(s.Client()).PresignPutObject(t.Context(), &s3.PutObjectInput{
			Bucket: &bucket, Key: aws.String(key), ContentType: aws.String("text/plain"),
		}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if p.SignedHeader.Get("Content-Type") != "text/plain" {
			t.Fatalf("Content-Type not among the signed headers: %v", p.SignedHeader)
		}
		return p.URL, p.SignedHeader
	}
	send := func(t *testing.T, u string, h http.Header, contentType string) *http.Request {
		h = h.Clone()
		h.Del("Host")
		h.Set("Content-Type", contentType)
		return newRequest(t, http.MethodPut, u, strings.NewReader("body"), h)
	}
	runHTTPCases(t, []httpCase{
		{name: "signed content type is refused when another is sent", req: func(t *testing.T) *http.Request {
			u, h := presign(t, "up/wrong-type.txt")
			return send(t, u, h, "application/json")
		}, wantCode: 403, wantErr: "SignatureDoesNotMatch", absentKey: "up/wrong-type.txt"},
		{name: "one signature character changed", req: func(t *testing.T) *http.Request {
			u, h := presign(t, "up/tampered.txt")
			return send(t, tamper(t, u), h, "text/plain")
		}, wantCode: 403, wantErr: "SignatureDoesNotMatch", absentKey: "up/tampered.txt"},
		{name: "expired", req: func(t *testing.T) *http.Request {
			u, h := presign(t, "up/expired.txt", func(o *s3.PresignOptions) {
				o.Expires = time.Minute
				o.Presigner = shiftedSigner{v4.NewSigner(), -time.Hour}
			})
			return send(t, u, h, "text/plain")
		}, wantCode: 403, wantErr: "AccessDenied", absentKey: "up/expired.txt"},
		{name: "body other than the signed SHA-256 checksum", req: func(t *testing.T) *http.Request {
			return withChecksum(t, "up/checksum-bad.txt", "the promised body", "another body")
		}, wantCode: 400, wantErr: "XAmzContentChecksumMismatch", absentKey: "up/checksum-bad.txt"},
		{name: "body matching the signed SHA-256 checksum: stored", req: func(t *testing.T) *http.Request {
			return withChecksum(t, "up/checksum-ok.txt", "the promised body", "the promised body")
		}, wantCode: 200},
		{name: "signed content type sent: stored", req: func(t *testing.T) *http.Request {
			u, h := presign(t, "up/ok.txt")
			return send(t, u, h, "text/plain")
		}, wantCode: 200},
	})
	got, err := s.Client().GetObject(t.Context(), &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("up/ok.txt")})
	if err != nil {
		t.Fatal(err)
	}
	defer got.Body.Close()
	if b, _ := io.ReadAll(got.Body); string(b) != "body" || aws.ToString(got.ContentType) != "text/plain" {
		t.Errorf("stored %q as %q, want \"body\" as text/plain", b, aws.ToString(got.ContentType))
	}
}

// postForm builds a browser-style multipart POST with the presigned fields
// (after edit) and a file of size bytes.
func postForm(t *testing.T, p *s3.PresignedPostRequest, size int, edit func(map[string]string)) *http.Request {
	t.Helper()
	fields := map[string]string{}
	for k, v := range p.Values {
		fields[k] = v
	}
	if edit != nil {
		edit(fields)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	// The file must be the last field.
	fw, err := w.CreateFormFile("file", "upload.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(bytes.Repeat([]byte("a"), size)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return newRequest(t, http.MethodPost, p.URL, &body, http.Header{"Content-Type": {w.FormDataContentType()}})
}

func testPresignedPOST(t *testing.T) {
	s, bucket := server(t)
	const maxBytes = 1024
	presign := func(t *testing.T, key string, opts ...func(*s3.PresignPostOptions)) *s3.PresignedPostRequest {
		t.Helper()
		opts = append([]func(*s3.PresignPostOptions){func(o *s3.PresignPostOptions) {
			o.Expires = 5 * time.Minute
			o.Conditions = []any{[]any{"content-length-range", 1, maxBytes}}
		}}, opts...)
		p, err := s3.NewPresignClient(s.Client()).PresignPostObject(t.Context(), &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(key)}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	runHTTPCases(t, []httpCase{
		{name: "oversized file is refused", req: func(t *testing.T) *http.Request {
			return postForm(t, presign(t, "post/too-big.bin"), maxBytes+1, nil)
		}, wantCode: 400, wantErr: "EntityTooLarge", absentKey: "post/too-big.bin"},
		{name: "empty file is below the range", req: func(t *testing.T) *http.Request {
			return postForm(t, presign(t, "post/empty.bin"), 0, nil)
		}, wantCode: 400, wantErr: "EntityTooSmall", absentKey: "post/empty.bin"},
		{name: "another key than the policy names", req: func(t *testing.T) *http.Request {
			return postForm(t, presign(t, "post/mine.bin"), 10, func(f map[string]string) { f["key"] = "post/theirs.bin" })
		}, wantCode: 403, wantErr: "AccessDenied", absentKey: "post/theirs.bin"},
		{name: "one signature character changed", req: func(t *testing.T) *http.Request {
			return postForm(t, presign(t, "post/tampered.bin"), 10, func(f map[string]string) {
				sig := f["X-Amz-Signature"]
				f["X-Amz-Signature"] = sig[:10] + map[bool]string{true: "1", false: "0"}[sig[10] == '0'] + sig[11:]
			})
		}, wantCode: 403, wantErr: "SignatureDoesNotMatch", absentKey: "post/tampered.bin"},
		{name: "expired policy", req: func(t *testing.T) *http.Request {
			return postForm(t, presign(t, "post/expired.bin", func(o *s3.PresignPostOptions) {
				o.PostPresigner = shiftedPostSigner{o.PostPresigner, -time.Hour}
			}), 10, nil)
		}, wantCode: 403, wantErr: "AccessDenied", absentKey: "post/expired.bin"},
		{name: "file at the maximum is stored", req: func(t *testing.T) *http.Request {
			return postForm(t, presign(t, "post/ok.bin"), maxBytes, nil)
		}, wantCode: 204},
	})
	head, err := s.Client().HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("post/ok.bin")})
	if err != nil || aws.ToInt64(head.ContentLength) != maxBytes {
		t.Errorf("HeadObject(post/ok.bin) = %v, %v; want %d bytes", head, err, maxBytes)
	}
}

func testUnsignedAndWrongKey(t *testing.T) {
	s, bucket := server(t)
	put(t, "private.txt", "secret")
	wrongSecret := s.Client(func(o *s3.Options) {
		o.Credentials = aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: "not-the-secret"}, nil
		}))
	})
	runHTTPCases(t, []httpCase{
		{name: "anonymous GET", req: func(t *testing.T) *http.Request {
			return newRequest(t, http.MethodGet, s.Endpoint+"/"+bucket+"/private.txt", nil, nil)
		}, wantCode: 403, wantErr: "AccessDenied"},
		{name: "anonymous PUT", req: func(t *testing.T) *http.Request {
			return newRequest(t, http.MethodPut, s.Endpoint+"/"+bucket+"/anon.txt", strings.NewReader("x"), nil)
		}, wantCode: 403, wantErr: "AccessDenied", absentKey: "anon.txt"},
		{name: "URL signed with the wrong secret", req: func(t *testing.T) *http.Request {
			p, err := s3.NewPresignClient(wrongSecret).PresignGetObject(t.Context(), &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("private.txt")})
			if err != nil {
				t.Fatal(err)
			}
			return newRequest(t, http.MethodGet, p.URL, nil, nil)
		}, wantCode: 403, wantErr: "SignatureDoesNotMatch"},
		{name: "URL signed for another region", req: func(t *testing.T) *http.Request {
			c := s.Client(func(o *s3.Options) { o.Region = "eu-west-1" })
			p, err := s3.NewPresignClient(c).PresignGetObject(t.Context(), &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("private.txt")})
			if err != nil {
				t.Fatal(err)
			}
			return newRequest(t, http.MethodGet, p.URL, nil, nil)
		}, wantCode: 400, wantErr: "AuthorizationHeaderMalformed"},
	})
}

func TestInstall_PerVersionCachePathIsReused(t *testing.T) {
	want, err := BinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(want, "/securestore/minio-"+MinIOVersion+"/minio") {
		t.Errorf("BinaryPath() = %s, want a per-version directory", want)
	}
	for range 2 {
		got, err := Install(t.Context())
		if err != nil || got != want {
			t.Fatalf("Install() = %s, %v; want %s", got, err, want)
		}
	}
}

func TestStop_EndsTheServer(t *testing.T) {
	s := Start(t)
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.done:
	default:
		t.Fatal("process still running after Stop")
	}
	if resp, err := http.Get(s.Endpoint + "/minio/health/live"); err == nil {
		_ = resp.Body.Close()
		t.Fatalf("health answered %d after Stop", resp.StatusCode)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop = %v", err)
	}
}

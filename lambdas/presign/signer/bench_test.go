package signer

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The request every presign benchmark signs, the same as the botocore and
// SDK JS v3 baselines in tools/bench.
const (
	benchBucket   = "securestore-bench-123456789012-us-east-1"
	benchKey      = "users/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/reports/2026/q3.pdf"
	benchChecksum = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
)

var benchCreds = aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

// BenchmarkSigV4Floor is the floor: the SDK's bare v4.Signer presigning a
// request built once, with nothing else around it.
func BenchmarkSigV4Floor(b *testing.B) {
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true; o.DisableHeaderHoisting = true })
	u, err := url.Parse("https://" + benchBucket + ".s3.us-east-1.amazonaws.com/" + benchKey + "?X-Amz-Expires=300")
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		method  string
		headers http.Header
		length  int64
	}{
		{"GET", http.MethodGet, http.Header{}, 0},
		{"PUT", http.MethodPut, http.Header{"Content-Type": {"application/pdf"}, HeaderChecksumSHA256: {benchChecksum}}, 1 << 20},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := &http.Request{Method: tc.method, URL: u, Host: u.Host, Header: tc.headers, ContentLength: tc.length}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := signer.PresignHTTP(ctx, benchCreds, req, UnsignedPayload, "s3", "us-east-1", time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPresign is this package's presigner on the same requests.
func BenchmarkPresign(b *testing.B) {
	client := s3.New(s3.Options{Region: "us-east-1", Credentials: credentials.StaticCredentialsProvider{Value: benchCreds}})
	s, err := New(client, benchBucket)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range []Request{
		{Method: MethodGet, Key: benchKey, Expires: 300 * time.Second},
		{Method: MethodPut, Key: benchKey, ContentType: "application/pdf", ChecksumSHA256: benchChecksum, ContentLength: 1 << 20, Expires: 300 * time.Second},
	} {
		b.Run(r.Method, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Presign(ctx, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSDKPresignClient is the SDK's own PresignClient on the same
// requests: what this package would cost without its direct path.
func BenchmarkSDKPresignClient(b *testing.B) {
	client := s3.New(s3.Options{Region: "us-east-1", Credentials: credentials.StaticCredentialsProvider{Value: benchCreds},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired})
	pc := s3.NewPresignClient(client, func(o *s3.PresignOptions) { o.Expires = 300 * time.Second })
	ctx := context.Background()
	b.Run("GET", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String(benchKey)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("PUT", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := pc.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(benchBucket), Key: aws.String(benchKey),
				ContentType: aws.String("application/pdf"), ChecksumSHA256: aws.String(benchChecksum)}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

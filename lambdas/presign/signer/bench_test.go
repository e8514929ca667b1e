package signer

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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

// BenchmarkPresign is this package's presigner (the SDK's PresignClient
// and the checks around it) on the baselines' requests.
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

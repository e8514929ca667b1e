package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/securestore/securestore/lambdas/presign/api"
	"github.com/securestore/securestore/lambdas/presign/signer"
)

// The request tools/bench's botocore and SDK JS v3 baselines presign.
const (
	benchBucket = "securestore-bench-123456789012-us-east-1"
	benchSub    = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	benchKey    = "users/" + benchSub + "/reports/2026/q3.pdf"
)

// BenchmarkHandle measures the whole path the runtime takes in
// production, where main passes Handle to lambda.Start: the event's JSON
// bytes through lambda.NewHandler(h.Handle).Invoke (encoding/json into
// events.APIGatewayProxyRequest, Handle with the real signer and a JSON
// log, encoding/json out) to the response's JSON bytes.
func BenchmarkHandle(b *testing.B) {
	client := s3.New(s3.Options{
		Region:      "us-east-1",
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, "")),
	})
	s, err := signer.New(client, benchBucket)
	if err != nil {
		b.Fatal(err)
	}
	h, err := api.New(api.Config{Bucket: benchBucket, Rules: testRules, MaxTTL: 300 * time.Second, MaxUploadBytes: testMaxUpload},
		api.Deps{Presigner: s, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name  string
		query map[string]string
	}{
		{"GET", map[string]string{"key": benchKey}},
		{"PUT", map[string]string{"key": benchKey, "method": "PUT", "contentLength": "1048576", "contentType": "application/pdf", "checksumSha256": sha256OfEmpty}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			payload, err := json.Marshal(getEvent(b, tc.query, claims(benchSub, "tier-1")))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			invoke := lambda.NewHandler(h.Handle)
			b.ReportAllocs()
			out, err := invoke.Invoke(ctx, payload)
			if err != nil || !bytes.HasPrefix(out, []byte(`{"statusCode":200,`)) {
				b.Fatalf("Invoke: %v: %s", err, out)
			}
			for b.Loop() {
				if _, err := invoke.Invoke(ctx, payload); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

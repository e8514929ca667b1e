package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/securestore/securestore/internal/testkit/s3server"
	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/api"
	"github.com/securestore/securestore/lambdas/presign/cdnsign"
	"github.com/securestore/securestore/lambdas/presign/multipart"
	"github.com/securestore/securestore/lambdas/presign/signer"
)

// BenchmarkRoutes measures every route of the API in one run: the
// handler in this process (lambda.NewHandler(h.Handle).Invoke, as
// lambda.Start runs it: event JSON in, response JSON out), its
// S3 calls going to MinIO over loopback. GET /presign and POST /cdn-access
// make no call; the others' time is mostly MinIO's answer. The routes that
// use an upload up (complete, abort) get a fresh one per iteration, made
// outside the timer.
func BenchmarkRoutes(b *testing.B) {
	minio := s3server.Start(b)
	bucket := minio.Bucket(b, "securestore-bench")
	client := minio.Client()
	sig, err := signer.New(client, bucket)
	if err != nil {
		b.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	cdn, err := cdnsign.New("media.example.com", "K2JCJMDEHXQW5F", key)
	if err != nil {
		b.Fatal(err)
	}
	s3calls := &countedS3{Multipart: client}
	h, err := api.New(api.Config{
		Bucket: bucket, Rules: access.Tiered([]string{"tier-1", "tier-2"}), MaxTTL: 300 * time.Second, MaxUploadBytes: 1 << 30,
		CDN: &api.CDNConfig{Domain: "media.example.com", KeyPairID: "K2JCJMDEHXQW5F", PrivateKeySecretARN: cdnSecretARN, CookieDomain: "example.com"},
	}, api.Deps{Presigner: sig, CDN: cdn, Lister: client, Multipart: s3calls, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	home := "users/" + alice + "/"
	for i := range 20 {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(fmt.Sprintf("%sfile-%02d.txt", home, i)), Body: bytes.NewReader([]byte("x"))}); err != nil {
			b.Fatal(err)
		}
	}
	// newUpload makes an upload of one 1-KiB part, uploaded, as the API
	// names it, and the complete body for it.
	newUpload := func(b *testing.B, withPart bool) (id, body string) {
		k := home + "bench.bin"
		out, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(k)})
		if err != nil {
			b.Fatal(err)
		}
		id = multipart.ID{Upload: *out.UploadId, Size: 1024}.String()
		if !withPart {
			return id, ""
		}
		part, err := client.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(k), UploadId: out.UploadId, PartNumber: aws.Int32(1), Body: bytes.NewReader(make([]byte, 1024))})
		if err != nil {
			b.Fatal(err)
		}
		return id, fmt.Sprintf(`{"parts":[{"partNumber":1,"etag":%q}]}`, aws.ToString(part.ETag))
	}
	standing, _ := newUpload(b, true)
	on := func(method, resource, id, body string) events.APIGatewayProxyRequest {
		return routed(method, resource, map[string]string{"uploadId": id, "partNumber": "1"}, map[string]string{"key": home + "bench.bin"}, body, alice, "tier-1")
	}
	cases := []struct {
		name   string
		status int
		event  func(b *testing.B) events.APIGatewayProxyRequest // built outside the timer
	}{
		{"presign-GET", 200, func(*testing.B) events.APIGatewayProxyRequest {
			return event(http.MethodGet, "/presign", map[string]string{"key": home + "file-00.txt"}, "", alice, "tier-1")
		}},
		{"objects", 200, func(*testing.B) events.APIGatewayProxyRequest {
			return event(http.MethodGet, "/objects", map[string]string{"prefix": home, "maxKeys": "20"}, "", alice, "tier-1")
		}},
		{"multipart-create", 200, func(*testing.B) events.APIGatewayProxyRequest {
			return routed(http.MethodPost, "/multipart", nil, nil, `{"key":"`+home+`big.bin","contentType":"application/octet-stream","size":104857600}`, alice, "tier-1")
		}},
		{"multipart-sign-part", 200, func(*testing.B) events.APIGatewayProxyRequest {
			return on(http.MethodGet, "/multipart/{uploadId}/parts/{partNumber}", standing, "")
		}},
		{"multipart-list-parts", 200, func(*testing.B) events.APIGatewayProxyRequest {
			return on(http.MethodGet, "/multipart/{uploadId}", standing, "")
		}},
		{"multipart-complete", 200, func(b *testing.B) events.APIGatewayProxyRequest {
			id, body := newUpload(b, true)
			return on(http.MethodPost, "/multipart/{uploadId}/complete", id, body)
		}},
		{"multipart-abort", 204, func(b *testing.B) events.APIGatewayProxyRequest {
			id, _ := newUpload(b, false)
			return on(http.MethodDelete, "/multipart/{uploadId}", id, "")
		}},
		{"cdn-access", 200, func(*testing.B) events.APIGatewayProxyRequest {
			return routed(http.MethodPost, "/cdn-access", nil, nil, `{"prefix":"`+home+`album/"}`, alice, "tier-1")
		}},
	}
	invoke := lambda.NewHandler(h.Handle)
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			want := []byte(fmt.Sprintf(`{"statusCode":%d,`, tc.status))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				payload, err := json.Marshal(tc.event(b))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				out, err := invoke.Invoke(ctx, payload)
				if err != nil || !bytes.HasPrefix(out, want) {
					b.Fatalf("Invoke: %v: %s", err, out)
				}
			}
		})
	}
	benchmarkPartURLs(b, ctx, invoke, client, bucket, s3calls)
}

// benchmarkPartURLs measures what a client pays for the URLs of 100 parts
// of a 1 GiB upload (5 MiB parts, 205 of them): one GET
// /multipart/{uploadId}/parts?count=100 ("multipart-sign-100-parts-batch")
// against 100 GET /multipart/{uploadId}/parts/{n}, n = 1 to 100
// ("multipart-sign-100-parts-single"), with the API calls and the S3
// calls (ListParts) per 100 parts as metrics. It runs after
// BenchmarkRoutes' other cases, on the same handler and MinIO.
func benchmarkPartURLs(b *testing.B, ctx context.Context, invoke lambda.Handler, client *s3.Client, bucket string, s3calls *countedS3) {
	k := "users/" + alice + "/batch.bin"
	out, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(k)})
	if err != nil {
		b.Fatal(err)
	}
	id := multipart.ID{Upload: *out.UploadId, Size: 1 << 30}.String()
	payload := func(b *testing.B, ev events.APIGatewayProxyRequest) []byte {
		p, err := json.Marshal(ev)
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	const parts = 100
	cases := []struct {
		name     string
		payloads func(b *testing.B) [][]byte
	}{
		{"multipart-sign-100-parts-batch", func(b *testing.B) [][]byte {
			return [][]byte{payload(b, routed(http.MethodGet, "/multipart/{uploadId}/parts", map[string]string{"uploadId": id}, map[string]string{"key": k, "count": fmt.Sprint(parts)}, "", alice, "tier-1"))}
		}},
		{"multipart-sign-100-parts-single", func(b *testing.B) [][]byte {
			var ps [][]byte
			for n := 1; n <= parts; n++ {
				ps = append(ps, payload(b, routed(http.MethodGet, "/multipart/{uploadId}/parts/{partNumber}", map[string]string{"uploadId": id, "partNumber": fmt.Sprint(n)}, map[string]string{"key": k}, "", alice, "tier-1")))
			}
			return ps
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			payloads := tc.payloads(b)
			want := []byte(`{"statusCode":200,`)
			urls := 0
			start := s3calls.n.Load()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, p := range payloads {
					out, err := invoke.Invoke(ctx, p)
					if err != nil || !bytes.HasPrefix(out, want) {
						b.Fatalf("Invoke: %v: %s", err, out)
					}
					if i == 0 {
						urls += bytes.Count(out, []byte(`X-Amz-Signature=`))
					}
				}
			}
			b.StopTimer()
			if urls != parts {
				b.Fatalf("%d signed URLs per op, want %d", urls, parts)
			}
			b.ReportMetric(float64(len(payloads)), "api-calls/op")
			b.ReportMetric(float64(s3calls.n.Load()-start)/float64(b.N), "s3-calls/op")
		})
	}
}

// countedS3 counts the handler's S3 multipart calls.
type countedS3 struct {
	api.Multipart
	n atomic.Int64
}

// ListParts counts and calls S3.
func (c *countedS3) ListParts(ctx context.Context, in *s3.ListPartsInput, optFns ...func(*s3.Options)) (*s3.ListPartsOutput, error) {
	c.n.Add(1)
	return c.Multipart.ListParts(ctx, in, optFns...)
}

package api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/api"
	"github.com/securestore/securestore/lambdas/presign/cdnsign"
	"github.com/securestore/securestore/lambdas/presign/signer"
)

// Test identities and settings.
const (
	testBucket    = "securestore-test-bucket"
	testAccessKey = "AKIAIOSFODNN7EXAMPLE"
	testSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testCDNDomain = "d111111abcdef8.cloudfront.net"
	testKeyPairID = "K2JCJMDEHXQW5F"
	testMaxUpload = 10 << 20
	alice         = "0f7b2a6e-1111-4c1e-9d2a-alice0000001"
	bob           = "0f7b2a6e-2222-4c1e-9d2a-bob000000002"
)

// testNow is the handler's fixed clock (used for CDN expiry). cdnsign
// refuses an expiry in the past, so it is the time the tests started.
var testNow = time.Now().UTC().Truncate(time.Second)

// testRules are the default tiered rules the construct ships.
var testRules = access.Tiered([]string{"tier-1", "tier-2"})

// counting is the real signer plus a count of its calls.
type counting struct {
	api.Presigner
	calls atomic.Int64
}

func (c *counting) Presign(ctx context.Context, r signer.Request) (signer.URL, error) {
	c.calls.Add(1)
	return c.Presigner.Presign(ctx, r)
}

func (c *counting) PresignPost(ctx context.Context, r signer.PostRequest) (signer.Post, error) {
	c.calls.Add(1)
	return c.Presigner.PresignPost(ctx, r)
}

// countingCDN is the real CloudFront signer plus a count of its calls.
type countingCDN struct {
	api.URLSigner
	calls atomic.Int64
}

func (c *countingCDN) Sign(key string, expires time.Time) (string, error) {
	c.calls.Add(1)
	return c.URLSigner.Sign(key, expires)
}

func (c *countingCDN) SignFolder(prefix string, expires time.Time) (cdnsign.Folder, error) {
	c.calls.Add(1)
	return c.URLSigner.SignFolder(prefix, expires)
}

// countingMultipart is an S3 client that must never be reached, as
// countingLister, for the multipart calls.
type countingMultipart struct {
	api.Multipart
	calls atomic.Int64
}

func (c *countingMultipart) CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	c.calls.Add(1)
	return c.Multipart.CreateMultipartUpload(ctx, in, optFns...)
}

func (c *countingMultipart) ListParts(ctx context.Context, in *s3.ListPartsInput, optFns ...func(*s3.Options)) (*s3.ListPartsOutput, error) {
	c.calls.Add(1)
	return c.Multipart.ListParts(ctx, in, optFns...)
}

func (c *countingMultipart) CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	c.calls.Add(1)
	return c.Multipart.CompleteMultipartUpload(ctx, in, optFns...)
}

func (c *countingMultipart) AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	c.calls.Add(1)
	return c.Multipart.AbortMultipartUpload(ctx, in, optFns...)
}

// countingLister is an S3 client that must never be reached (its endpoint
// refuses connections) plus a count of its calls: the tables' refusals
// end before any listing.
type countingLister struct {
	api.Lister
	calls atomic.Int64
}

func (c *countingLister) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	c.calls.Add(1)
	return c.Lister.ListObjectsV2(ctx, in, optFns...)
}

// realS3 is the real signer over an offline client with static credentials.
func realS3(t testing.TB) *signer.S3 {
	t.Helper()
	client := s3.New(s3.Options{
		Region:      "eu-west-1",
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, "")),
	})
	s, err := signer.New(client, testBucket)
	if err != nil {
		t.Fatalf("signer.New: %v", err)
	}
	return s
}

var (
	cdnKeyOnce sync.Once
	cdnKey     *rsa.PrivateKey
)

// realCDNKey is the tests' CloudFront signing key, made once.
func realCDNKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	cdnKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		cdnKey = k
	})
	return cdnKey
}

func realCDN(t testing.TB) *cdnsign.Signer {
	t.Helper()
	s, err := cdnsign.New(testCDNDomain, testKeyPairID, realCDNKey(t))
	if err != nil {
		t.Fatalf("cdnsign.New: %v", err)
	}
	return s
}

// fixture is a handler over the real signers with counters and a log.
type fixture struct {
	h      *api.Handler
	s3     *counting
	cdn    *countingCDN
	lister *countingLister
	mp     *countingMultipart
	log    *bytes.Buffer
}

type fixtureOpt func(*api.Config)

func withoutCDN(c *api.Config) { c.CDN = nil }

func newFixture(t testing.TB, opts ...fixtureOpt) *fixture {
	t.Helper()
	cfg := api.Config{
		Bucket:         testBucket,
		Rules:          testRules,
		MaxTTL:         300 * time.Second,
		MaxUploadBytes: testMaxUpload,
		AllowedOrigins: []string{"https://app.example.com"},
		CDN:            &api.CDNConfig{Domain: testCDNDomain, KeyPairID: testKeyPairID, PrivateKeySecretARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cdn-key-AbCdEf"},
	}
	for _, o := range opts {
		o(&cfg)
	}
	f := &fixture{
		s3:     &counting{Presigner: realS3(t)},
		cdn:    &countingCDN{URLSigner: realCDN(t)},
		lister: &countingLister{Lister: unreachableS3()},
		mp:     &countingMultipart{Multipart: unreachableS3()},
		log:    &bytes.Buffer{},
	}
	if cfg.CDN != nil && cfg.CDN.Domain != testCDNDomain {
		s, err := cdnsign.New(cfg.CDN.Domain, testKeyPairID, realCDNKey(t))
		if err != nil {
			t.Fatalf("cdnsign.New: %v", err)
		}
		f.cdn.URLSigner = s
	}
	h, err := api.New(cfg, api.Deps{
		Presigner: f.s3,
		CDN:       f.cdn,
		Lister:    f.lister,
		Multipart: f.mp,
		Logger:    slog.New(slog.NewJSONHandler(f.log, nil)),
		Now:       func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatalf("api.New: %v", err)
	}
	f.h = h
	return f
}

func (f *fixture) calls() int64 {
	return f.s3.calls.Load() + f.cdn.calls.Load() + f.lister.calls.Load() + f.mp.calls.Load()
}

// unreachableS3 is an S3 client whose endpoint refuses connections, with
// no retries: a call that reaches it fails fast.
func unreachableS3() *s3.Client {
	return s3.New(s3.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String("http://127.0.0.1:9"), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, ""),
		Retryer:     aws.NopRetryer{},
	})
}

// routeEvent derives a request of method on resource (a template such as
// /multipart/{uploadId}, with its path parameters) from the fixture.
func routeEvent(t testing.TB, method, resource string, params, query map[string]string, body string, cl map[string]any) events.APIGatewayProxyRequest {
	t.Helper()
	ev := getEvent(t, query, cl)
	path := resource
	for name, v := range params {
		path = strings.ReplaceAll(path, "{"+name+"}", v)
	}
	ev.Resource, ev.Path, ev.HTTPMethod = resource, path, method
	ev.RequestContext.ResourcePath, ev.RequestContext.Path, ev.RequestContext.HTTPMethod = resource, "/testStage"+path, method
	ev.PathParameters = params
	if body != "" {
		ev.Body = body
		ev.Headers["Content-Type"] = "application/json"
	}
	return ev
}

// listEvent derives GET /objects from the fixture.
func listEvent(t testing.TB, query map[string]string, cl map[string]any) events.APIGatewayProxyRequest {
	t.Helper()
	ev := getEvent(t, query, cl)
	ev.Resource, ev.Path = "/objects", "/objects"
	ev.RequestContext.ResourcePath, ev.RequestContext.Path = "/objects", "/testStage/objects"
	return ev
}

var (
	baseOnce  sync.Once
	baseEvent []byte
)

// fixtureEvent is aws-lambda-go's own API Gateway REST proxy sample.
func fixtureEvent(t testing.TB) events.APIGatewayProxyRequest {
	t.Helper()
	baseOnce.Do(func() {
		b, err := os.ReadFile("testdata/apigw-request.json")
		if err != nil {
			panic(err)
		}
		baseEvent = b
	})
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal(baseEvent, &ev); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return ev
}

// claims builds Cognito authorizer claims; groups "" leaves the claim out.
func claims(sub, groups string) map[string]any {
	c := map[string]any{"sub": sub, "email": "someone@example.com", "token_use": "id"}
	if groups != "" {
		c["cognito:groups"] = groups
	}
	return c
}

// getEvent derives GET /presign from the fixture: the query as API
// Gateway delivers it (decoded, single and multi-value maps) and claims.
func getEvent(t testing.TB, query map[string]string, cl map[string]any) events.APIGatewayProxyRequest {
	t.Helper()
	ev := fixtureEvent(t)
	ev.Resource, ev.Path, ev.HTTPMethod = "/presign", "/presign", "GET"
	ev.RequestContext.ResourcePath, ev.RequestContext.Path, ev.RequestContext.HTTPMethod = "/presign", "/testStage/presign", "GET"
	ev.PathParameters = nil
	ev.Body = ""
	delete(ev.Headers, "Content-Type")
	delete(ev.MultiValueHeaders, "Content-Type")
	setQuery(&ev, query)
	setClaims(&ev, cl)
	return ev
}

// postEvent derives POST /uploads from the fixture.
func postEvent(t testing.TB, body string, cl map[string]any) events.APIGatewayProxyRequest {
	t.Helper()
	ev := fixtureEvent(t)
	ev.Resource, ev.Path, ev.HTTPMethod = "/uploads", "/uploads", "POST"
	ev.RequestContext.ResourcePath, ev.RequestContext.Path, ev.RequestContext.HTTPMethod = "/uploads", "/testStage/uploads", "POST"
	ev.PathParameters = nil
	ev.Body = body
	setQuery(&ev, nil)
	setClaims(&ev, cl)
	return ev
}

func setQuery(ev *events.APIGatewayProxyRequest, query map[string]string) {
	ev.QueryStringParameters, ev.MultiValueQueryStringParameters = nil, nil
	if len(query) == 0 {
		return
	}
	ev.QueryStringParameters = map[string]string{}
	ev.MultiValueQueryStringParameters = map[string][]string{}
	for k, v := range query {
		ev.QueryStringParameters[k] = v
		ev.MultiValueQueryStringParameters[k] = []string{v}
	}
}

// setClaims puts claims where the Cognito authorizer does, and the ID
// token they came from in the Authorization header (its cognito:groups an
// array, as Cognito issues it); nil removes the authorizer's claims and
// the header altogether.
func setClaims(ev *events.APIGatewayProxyRequest, cl map[string]any) {
	ev.RequestContext.Authorizer = map[string]any{"principalId": "admin"}
	if cl == nil {
		setHeader(ev, "Authorization", "")
		delete(ev.Headers, "Authorization")
		delete(ev.MultiValueHeaders, "Authorization")
		return
	}
	ev.RequestContext.Authorizer["claims"] = cl
	payload := map[string]any{}
	for k, v := range cl {
		payload[k] = v
	}
	if g, ok := cl["cognito:groups"].(string); ok {
		// API Gateway flattened the token's array into this string, as
		// "a,b" or "[a b]": the test's groups are names without those
		// delimiters, so undo it.
		if strings.HasPrefix(g, "[") && strings.HasSuffix(g, "]") {
			payload["cognito:groups"] = strings.Fields(g[1 : len(g)-1])
		} else {
			payload["cognito:groups"] = strings.Split(g, ",")
		}
	}
	setHeader(ev, "Authorization", idToken(payload))
}

// setToken replaces the Authorization header with a token whose payload
// is the claims plus over (a nil value removes a claim).
func setToken(ev *events.APIGatewayProxyRequest, cl map[string]any, over map[string]any) {
	payload := map[string]any{}
	for k, v := range cl {
		payload[k] = v
	}
	for k, v := range over {
		if v == nil {
			delete(payload, k)
		} else {
			payload[k] = v
		}
	}
	setHeader(ev, "Authorization", idToken(payload))
}

// idToken is a JWT with payload, as Cognito issues ID tokens; its
// signature is a placeholder (the function never checks it again: the
// authorizer has).
func idToken(payload map[string]any) string {
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]any{"kid": "test", "alg": "RS256"}) + "." + enc(payload) + ".c2lnbmF0dXJl"
}

func setHeader(ev *events.APIGatewayProxyRequest, name, value string) {
	for k := range ev.Headers {
		if strings.EqualFold(k, name) {
			delete(ev.Headers, k)
		}
	}
	for k := range ev.MultiValueHeaders {
		if strings.EqualFold(k, name) {
			delete(ev.MultiValueHeaders, k)
		}
	}
	ev.Headers[name] = value
	ev.MultiValueHeaders[name] = []string{value}
}

// decodeJSON decodes a response body into a generic map.
func decodeJSON(t testing.TB, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, body)
	}
	return m
}

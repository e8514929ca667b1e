package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/securestore/securestore/lambdas/presign/api"
	"github.com/securestore/securestore/lambdas/presign/signer"
)

// The runtime takes the Handler itself (lambda.Start(h)).
var _ lambda.Handler = (*api.Handler)(nil)

// steadyFixture is a handler whose S3 and CDN signatures do not depend on
// when they are made, so that two answers to one request are equal byte
// for byte (POST policies excepted: the SDK stamps them with its clock).
func steadyFixture(t testing.TB) (*api.Handler, *bytes.Buffer) {
	t.Helper()
	client := s3.New(s3.Options{
		Region:      "eu-west-1",
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, "")),
	})
	s, err := signer.New(client, testBucket, signer.WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	h, err := api.New(api.Config{
		Bucket:         testBucket,
		Rules:          testRules,
		MaxTTL:         300 * time.Second,
		MaxUploadBytes: testMaxUpload,
		AllowedOrigins: []string{"https://app.example.com"},
		CDN:            &api.CDNConfig{Domain: testCDNDomain, KeyPairID: testKeyPairID, PrivateKeySecretARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cdn-key-AbCdEf"},
	}, api.Deps{
		Presigner: s,
		CDN:       realCDN(t),
		Logger:    slog.New(slog.NewJSONHandler(&log, nil)),
		Now:       func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, &log
}

// invokeCase is a named event for the comparison of Invoke with Handle.
type invokeCase struct {
	name  string
	event func(testing.TB) events.APIGatewayProxyRequest
}

// invokeCases are the hostile table, the GET /presign table, uploads,
// routes, CORS and CDN delivery.
func invokeCases() []invokeCase {
	var cases []invokeCase
	for _, c := range hostileCases() {
		cases = append(cases, invokeCase{"hostile/" + c.name, c.event})
	}
	for _, c := range presignCases() {
		cases = append(cases, invokeCase{"presign/" + c.name, getAs(c.query, c.claims)})
	}
	home := "users/" + alice + "/"
	withOrigin := func(origins ...string) func(*events.APIGatewayProxyRequest) {
		return func(ev *events.APIGatewayProxyRequest) {
			ev.Headers["origin"] = origins[0]
			ev.MultiValueHeaders["origin"] = origins
		}
	}
	route := func(resource, path, method string) func(*events.APIGatewayProxyRequest) {
		return func(ev *events.APIGatewayProxyRequest) { ev.Resource, ev.Path, ev.HTTPMethod = resource, path, method }
	}
	tier1 := get(map[string]string{"key": "tier-1/a"})
	return append(cases,
		invokeCase{"upload/with maxBytes", post(`{"key":"` + home + `photo.jpg","contentType":"image/jpeg","maxBytes":1048576}`)},
		invokeCase{"upload/default maxBytes", post(`{"key":"` + home + `photo.jpg","contentType":"image/jpeg"}`)},
		invokeCase{"upload/base64 body", with(post(`eyJrZXkiOiJ1c2Vycy8wZjdiMmE2ZS0xMTExLTRjMWUtOWQyYS1hbGljZTAwMDAwMDEvYS50eHQiLCJjb250ZW50VHlwZSI6InRleHQvcGxhaW4ifQ==`), func(ev *events.APIGatewayProxyRequest) { ev.IsBase64Encoded = true })},
		invokeCase{"upload/multi-value Content-Type", with(post(`{"key":"`+home+`a","contentType":"text/plain"}`), func(ev *events.APIGatewayProxyRequest) {
			ev.MultiValueHeaders["content-type"] = []string{"application/json", "text/plain"}
		})},
		invokeCase{"route/unknown", with(tier1, route("/secrets", "/secrets", "GET"))},
		invokeCase{"route/POST /presign", with(tier1, route("/presign", "/presign", "POST"))},
		invokeCase{"route/GET /uploads", with(tier1, route("/uploads", "/uploads", "GET"))},
		invokeCase{"route/proxy resource", with(tier1, route("/{proxy+}", "/presign", "GET"))},
		invokeCase{"cors/allowed origin", with(tier1, withOrigin("https://app.example.com"))},
		invokeCase{"cors/allowed origin, refused request", with(get(map[string]string{"key": "tier-2/a"}), withOrigin("https://app.example.com"))},
		invokeCase{"cors/other origin", with(tier1, withOrigin("https://evil.example.com"))},
		invokeCase{"cors/two origins", with(tier1, withOrigin("https://app.example.com", "https://app.example.com"))},
		invokeCase{"cors/single-value header only", with(tier1, func(ev *events.APIGatewayProxyRequest) { ev.Headers["Origin"] = "https://app.example.com" })},
		invokeCase{"cdn/GET", get(map[string]string{"key": "tier-1/movie.mp4", "delivery": "cdn", "expiresIn": "120"})},
		invokeCase{"cdn/refused", get(map[string]string{"key": "tier-2/movie.mp4", "delivery": "cdn"})},
	)
}

// clockFields are the POST form fields derived from the SDK's clock.
var clockFields = []string{"policy", "x-amz-signature", "x-amz-date", "x-amz-credential"}

// steadyBody replaces what depends on the SDK's clock in a POST /uploads
// answer; every other body is returned as it is.
func steadyBody(t *testing.T, body string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, body)
	}
	fields, ok := m["fields"].(map[string]any)
	if !ok {
		return body
	}
	for k := range fields {
		for _, c := range clockFields {
			if strings.EqualFold(k, c) {
				fields[k] = "<clock>"
			}
		}
	}
	m["expiresAt"] = "<clock>"
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// logLine returns the one log line in log without its time, and resets log.
func logLine(t *testing.T, log *bytes.Buffer) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(log.Bytes(), &m); err != nil || strings.Count(log.String(), "\n") != 1 {
		t.Fatalf("want one JSON log line, got %v: %s", err, log)
	}
	delete(m, "time")
	log.Reset()
	return m
}

// TestInvoke_SameAsHandle: over every case table, Invoke and the path the
// runtime took before it (lambda.NewHandler(h.Handle): encoding/json into
// events.APIGatewayProxyRequest, Handle, encoding/json out) give the same
// status, headers, body and log line for the JSON the runtime delivers.
//
// The JSON, not the Go event: json.Marshal turns invalid UTF-8 into
// U+FFFD, so the hostile cases with raw invalid bytes reach both paths as
// U+FFFD (TestHandle_Hostile covers the raw bytes through Handle).
func TestInvoke_SameAsHandle(t *testing.T) {
	h, log := steadyFixture(t)
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "lambda-req-1"})
	cases := invokeCases()
	if len(cases) < 150 {
		t.Fatalf("only %d cases", len(cases))
	}
	viaHandle := lambda.NewHandler(h.Handle)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			payload, err := json.Marshal(tc.event(t))
			if err != nil {
				t.Fatal(err)
			}
			wantOut, err := viaHandle.Invoke(ctx, payload)
			if err != nil {
				t.Fatalf("Handle through the runtime: %v", err)
			}
			var want events.APIGatewayProxyResponse
			if err := json.Unmarshal(wantOut, &want); err != nil {
				t.Fatal(err)
			}
			wantLog := logLine(t, log)

			out, err := h.Invoke(ctx, payload)
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			gotLog := logLine(t, log)
			var got events.APIGatewayProxyResponse
			dec := json.NewDecoder(bytes.NewReader(out))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil || dec.More() {
				t.Fatalf("Invoke's answer is not one proxy response (%v): %s", err, out)
			}
			if got.StatusCode != want.StatusCode {
				t.Errorf("status: Invoke %d, Handle %d", got.StatusCode, want.StatusCode)
			}
			if !reflect.DeepEqual(got.Headers, want.Headers) {
				t.Errorf("headers:\nInvoke %v\nHandle %v", got.Headers, want.Headers)
			}
			if g, w := steadyBody(t, got.Body), steadyBody(t, want.Body); g != w {
				t.Errorf("body:\nInvoke %s\nHandle %s", g, w)
			}
			if !reflect.DeepEqual(gotLog, wantLog) {
				t.Errorf("log:\nInvoke %v\nHandle %v", gotLog, wantLog)
			}
		})
	}
}

// TestInvoke_Fixture sends aws-lambda-go's sample event as it is, white
// space and all, both ways.
func TestInvoke_Fixture(t *testing.T) {
	payload, err := os.ReadFile("testdata/apigw-request.json")
	if err != nil {
		t.Fatal(err)
	}
	h, _ := steadyFixture(t)
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal(payload, &ev); err != nil {
		t.Fatal(err)
	}
	want, _ := h.Handle(context.Background(), ev)
	out, err := h.Invoke(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	var got events.APIGatewayProxyResponse
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.StatusCode != want.StatusCode || got.Body != want.Body || !reflect.DeepEqual(got.Headers, want.Headers) {
		t.Errorf("Invoke %+v\nHandle %+v", got, want)
	}
}

// TestInvoke_ThroughRuntime: lambda.Start(h) runs h.Invoke; the bytes it
// returns are the handler's own.
func TestInvoke_ThroughRuntime(t *testing.T) {
	h, _ := steadyFixture(t)
	payload, err := json.Marshal(getEvent(t, map[string]string{"key": "tier-1/a.txt"}, claims(alice, "tier-1")))
	if err != nil {
		t.Fatal(err)
	}
	viaRuntime, err := lambda.NewHandler(h).Invoke(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := h.Invoke(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(viaRuntime, direct) {
		t.Errorf("runtime %s\ndirect  %s", viaRuntime, direct)
	}
	var resp events.APIGatewayProxyResponse
	if err := json.Unmarshal(direct, &resp); err != nil || resp.StatusCode != 200 {
		t.Fatalf("response %s: %v", direct, err)
	}
	checkS3URL(t, decodeJSON(t, resp.Body), "tier-1/a.txt", "GET", map[string]string{}, 300*time.Second)
}

// TestInvoke_RefusesMalformedEvents: a payload that is not a proxy event
// is an error for the runtime to report, as the runtime's own decoding
// makes it for Handle; nothing is signed or logged.
func TestInvoke_RefusesMalformedEvents(t *testing.T) {
	f := newFixture(t)
	for _, payload := range []string{``, `not json`, `[]`, `"GET"`, `{"httpMethod":5}`, `{"queryStringParameters":{"key":["a"]}}`, `{"requestContext":{"authorizer":[]}}`, `{"resource":"/presign"`} {
		out, err := f.h.Invoke(context.Background(), []byte(payload))
		if err == nil {
			t.Errorf("Invoke(%q) = %s, want an error", payload, out)
		}
		if _, err := lambda.NewHandler(f.h.Handle).Invoke(context.Background(), []byte(payload)); err == nil {
			t.Errorf("Handle through the runtime accepted %q", payload)
		}
	}
	if f.calls() != 0 || f.log.Len() != 0 {
		t.Errorf("signer calls %d, log %q", f.calls(), f.log)
	}
}

// TestInvoke_RefusesInvalidUTF8: encoding/json (and so the runtime's own
// decoding for Handle) would turn raw invalid bytes into U+FFFD and sign a
// key nobody asked for; Invoke refuses the payload, signs and logs nothing.
func TestInvoke_RefusesInvalidUTF8(t *testing.T) {
	f := newFixture(t)
	for _, payload := range []string{
		"{\"resource\":\"/presign\",\"httpMethod\":\"GET\",\"queryStringParameters\":{\"key\":\"users/u/\xff.txt\"}}",
		"{\"resource\":\"/presign\",\"httpMethod\":\"GET\",\"queryStringParameters\":{\"key\":\"users/u/\xc0\xaf..\"}}",
		"{\"resource\":\"/uploads\",\"httpMethod\":\"POST\",\"body\":\"{\\\"key\\\":\\\"\xed\xa0\x80\\\"}\"}",
	} {
		out, err := f.h.Invoke(context.Background(), []byte(payload))
		if err == nil || !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("Invoke(%q) = %s, %v; want a UTF-8 error", payload, out, err)
		}
	}
	if f.calls() != 0 || f.log.Len() != 0 {
		t.Errorf("signer calls %d, log %q", f.calls(), f.log)
	}
}

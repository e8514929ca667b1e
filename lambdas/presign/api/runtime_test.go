package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// TestHandle_ThroughRuntime sends the hostile and GET /presign tables as
// the Lambda runtime delivers them (JSON through
// lambda.NewHandler(h.Handle).Invoke, the path lambda.Start takes): each
// answers as Handle does with the Go event, and a refusal signs nothing.
// json.Marshal turns the raw invalid bytes of some hostile cases into
// U+FFFD, which is what the runtime would hand Handle: they are still
// refused (TestHandle_ReplacementCharacter).
func TestHandle_ThroughRuntime(t *testing.T) {
	type tc struct {
		name   string
		event  func(testing.TB) events.APIGatewayProxyRequest
		status int
	}
	var cases []tc
	for _, c := range hostileCases() {
		cases = append(cases, tc{"hostile/" + c.name, c.event, c.status})
	}
	for _, c := range presignCases() {
		cases = append(cases, tc{"presign/" + c.name, getAs(c.query, c.claims), c.status})
	}
	f := newFixture(t)
	invoke := lambda.NewHandler(f.h.Handle)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			payload, err := json.Marshal(c.event(t))
			if err != nil {
				t.Fatal(err)
			}
			before := f.calls()
			out, err := invoke.Invoke(context.Background(), payload)
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			var resp events.APIGatewayProxyResponse
			dec := json.NewDecoder(bytes.NewReader(out))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&resp); err != nil {
				t.Fatalf("the answer is not a proxy response (%v): %s", err, out)
			}
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, c.status, resp.Body)
			}
			checkCommonHeaders(t, resp)
			if resp.StatusCode != 200 && f.calls() != before {
				t.Errorf("%d, but something was signed", resp.StatusCode)
			}
		})
	}
}

// TestHandle_ReplacementCharacter: the runtime decodes the event with
// encoding/json, which turns each byte of invalid UTF-8 into U+FFFD. A key
// or prefix of such bytes must not be signed as the key it became: every
// key and prefix holding U+FFFD is refused with 400, whether the runtime
// made it or the caller sent it, and nothing is signed or listed.
func TestHandle_ReplacementCharacter(t *testing.T) {
	home := "users/" + alice + "/"
	f := newFixture(t)
	invoke := lambda.NewHandler(f.h.Handle)
	// The raw payloads API Gateway would never send but a caller of the
	// function could: invalid bytes inside the JSON strings.
	raw := func(ev events.APIGatewayProxyRequest, from, to string) []byte {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(from)) {
			t.Fatalf("%s not in %s", from, b)
		}
		return bytes.ReplaceAll(b, []byte(from), []byte(to))
	}
	cl := claims(alice, "tier-1")
	payloads := map[string][]byte{
		"GET key with an invalid byte":  raw(getEvent(t, map[string]string{"key": home + "MARK7f3a.txt"}, cl), "MARK7f3a", "\xff"),
		"GET key with an overlong /":    raw(getEvent(t, map[string]string{"key": home + "MARK7f3a.txt"}, cl), "MARK7f3a", "\xc0\xaf"),
		"GET key with a surrogate":      raw(getEvent(t, map[string]string{"key": home + "MARK7f3a.txt"}, cl), "MARK7f3a", "\xed\xa0\x80"),
		"GET key of a literal U+FFFD":   raw(getEvent(t, map[string]string{"key": home + "MARK7f3a.txt"}, cl), "MARK7f3a", "\uFFFD"),
		"POST key with an invalid byte": raw(postEvent(t, `{"key":"`+home+`MARK7f3a","contentType":"text/plain"}`, cl), "MARK7f3a", "\xff"),
		"list prefix":                   raw(listEvent(t, map[string]string{"prefix": home + "MARK7f3a/"}, cl), "MARK7f3a", "\xff"),
		"folder prefix":                 raw(routeEvent(t, "POST", "/cdn-access", nil, nil, `{"prefix":"`+home+`MARK7f3a/"}`, cl), "MARK7f3a", "\xff"),
		"multipart key":                 raw(routeEvent(t, "POST", "/multipart", nil, nil, `{"key":"`+home+`MARK7f3a","contentType":"text/plain","size":10}`, cl), "MARK7f3a", "\xff"),
	}
	for name, payload := range payloads {
		t.Run(name, func(t *testing.T) {
			out, err := invoke.Invoke(context.Background(), payload)
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			var resp events.APIGatewayProxyResponse
			if err := json.Unmarshal(out, &resp); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 400 || !strings.Contains(resp.Body, "U+FFFD") {
				t.Errorf("status %d: %s; want 400 naming U+FFFD", resp.StatusCode, resp.Body)
			}
		})
	}
	if n := f.calls(); n != 0 {
		t.Errorf("%d signer or S3 calls", n)
	}
}

// TestHandle_MalformedEvents: a payload that is not a proxy event is an
// error of the runtime's decoding, before Handle: nothing is signed or
// logged.
func TestHandle_MalformedEvents(t *testing.T) {
	f := newFixture(t)
	invoke := lambda.NewHandler(f.h.Handle)
	for _, payload := range []string{``, `not json`, `[]`, `"GET"`, `{"httpMethod":5}`, `{"queryStringParameters":{"key":["a"]}}`, `{"requestContext":{"authorizer":[]}}`, `{"resource":"/presign"`} {
		if out, err := invoke.Invoke(context.Background(), []byte(payload)); err == nil {
			t.Errorf("Invoke(%q) = %s, want an error", payload, out)
		}
	}
	if f.calls() != 0 || f.log.Len() != 0 {
		t.Errorf("signer calls %d, log %q", f.calls(), f.log)
	}
}

// TestFixture_IsAWSLambdaGos: the events the tests derive come from
// aws-lambda-go's own API Gateway REST proxy sample, byte for byte, and
// that sample has no field events.APIGatewayProxyRequest lacks.
func TestFixture_IsAWSLambdaGos(t *testing.T) {
	ours, err := os.ReadFile("testdata/apigw-request.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(ours))
	dec.DisallowUnknownFields()
	var ev events.APIGatewayProxyRequest
	if err := dec.Decode(&ev); err != nil {
		t.Fatalf("the fixture is not an APIGatewayProxyRequest: %v", err)
	}
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-lambda-go").Output()
	if err != nil {
		t.Fatalf("go list aws-lambda-go: %v", err)
	}
	theirs, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "events", "testdata", "apigw-request.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ours, theirs) {
		t.Error("testdata/apigw-request.json differs from aws-lambda-go's events/testdata/apigw-request.json")
	}
}

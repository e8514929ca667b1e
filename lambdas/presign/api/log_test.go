package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// TestHandle_Log captures the JSON log: one line per request with the
// request ids, sub, key, method, decision and status, and no URL,
// signature, credential, policy, query string or header.
func TestHandle_Log(t *testing.T) {
	home := "users/" + alice + "/"
	cases := []struct {
		name     string
		event    func(testing.TB) events.APIGatewayProxyRequest
		status   int
		method   string
		decision string
	}{
		{"GET", get(map[string]string{"key": "tier-1/a.txt"}), 200, "GET", "allow"},
		{"PUT with checksum", get(map[string]string{"key": home + "b.bin", "method": "PUT", "contentLength": "5", "contentType": "application/octet-stream", "checksumSha256": sha256OfEmpty}), 200, "PUT", "allow"},
		{"CDN GET", get(map[string]string{"key": "tier-1/c.mp4", "delivery": "cdn"}), 200, "GET", "allow"},
		{"POST upload", post(`{"key":"` + home + `d.jpg","contentType":"image/jpeg","maxBytes":1000}`), 200, "PUT", "allow"},
		{"denied", get(map[string]string{"key": "tier-2/e.txt"}), 403, "GET", "deny"},
		{"bad key", get(map[string]string{"key": home + "../x"}), 400, "GET", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ev := tc.event(t)
			ev.Headers["Authorization"] = "Bearer eyJhbGciOiJSUzI1NiJ9.secret-token"
			ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "lambda-req-1234"})
			resp, _ := f.h.Handle(ctx, ev)
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d: %s", resp.StatusCode, tc.status, resp.Body)
			}
			logged := f.log.String()
			sc := bufio.NewScanner(strings.NewReader(logged))
			var lines []map[string]any
			for sc.Scan() {
				var m map[string]any
				if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
					t.Fatalf("log line is not JSON: %v: %s", err, sc.Text())
				}
				lines = append(lines, m)
			}
			if len(lines) != 1 {
				t.Fatalf("%d log lines, want 1:\n%s", len(lines), logged)
			}
			line := lines[0]
			want := map[string]any{
				"requestId":       ev.RequestContext.RequestID,
				"lambdaRequestId": "lambda-req-1234",
				"sub":             alice,
				"method":          tc.method,
				"decision":        tc.decision,
				"status":          float64(tc.status),
			}
			for k, v := range want {
				if line[k] != v {
					t.Errorf("log %s = %v, want %v", k, line[k], v)
				}
			}
			if key, _ := line["key"].(string); key == "" {
				t.Errorf("log has no key: %v", line)
			}

			// Secrets that must never be logged: the response's URL and
			// every value in it, signatures, credentials, the policy.
			leaks := []string{"https://", "X-Amz-", "Signature", "Key-Pair-Id", "Policy", testAccessKey, testSecret, "secret-token", "Authorization", "CloudFront-", "contentType="}
			body := map[string]any{}
			_ = json.Unmarshal([]byte(resp.Body), &body)
			if u, ok := body["url"].(string); ok {
				leaks = append(leaks, u)
				if pu, err := url.Parse(u); err == nil {
					for _, vs := range pu.Query() {
						for _, v := range vs {
							if len(v) > 12 {
								leaks = append(leaks, v)
							}
						}
					}
				}
			}
			if fields, ok := body["fields"].(map[string]any); ok {
				for k, v := range fields {
					if s, _ := v.(string); len(s) > 12 && k != "key" && !strings.EqualFold(k, "content-type") {
						leaks = append(leaks, s)
					}
				}
			}
			for _, leak := range leaks {
				if strings.Contains(logged, leak) {
					t.Errorf("log contains %q:\n%s", leak, logged)
				}
			}
		})
	}
}

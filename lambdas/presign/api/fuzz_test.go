package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/identity"
	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

// FuzzHandle sends random query values or bodies through the handler and
// the real signer. It never panics and never answers 500; a 200 comes only
// for a key objectkey accepts and that the rules allow, and only a 200 has
// anything signed. Empty strings leave the parameter out (key excepted).
func FuzzHandle(f *testing.F) {
	home := "users/" + alice + "/"
	f.Add(home+"a.txt", "", "", "", "", "", "tier-1", "", false)
	f.Add("tier-2/x", "GET", "", "60", "cdn", "", "[tier-2]", "", false)
	f.Add(home+"x", "PUT", "text/plain", "", "", "checksumSha256="+sha256OfEmpty, "", "", false)
	f.Add(home+"%2e%2e/x", "DELETE", "", "0", "s3", "sub=x", "tier-1,tier-2", "", false)
	f.Add("", "", "", "", "", "", "tier-1", `{"key":"`+home+`a","contentType":"image/png","maxBytes":5}`, true)
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, key, method, contentType, expiresIn, delivery, extra, groups, body string, upload bool) {
		fx.s3.calls.Store(0)
		fx.cdn.calls.Store(0)
		fx.log.Reset()
		cl := claims(alice, groups)
		var ev events.APIGatewayProxyRequest
		var wantKey, wantMethod string
		if upload {
			ev = postEvent(t, body, cl)
			var b struct {
				Key string `json:"key"`
			}
			_ = json.Unmarshal([]byte(body), &b)
			wantKey, wantMethod = b.Key, "PUT"
		} else {
			q := map[string]string{"key": key}
			for name, v := range map[string]string{"method": method, "contentType": contentType, "expiresIn": expiresIn, "delivery": delivery} {
				if v != "" {
					q[name] = v
				}
			}
			if name, v, ok := strings.Cut(extra, "="); ok {
				q[name] = v
			}
			ev = getEvent(t, q, cl)
			wantKey, wantMethod = q["key"], "GET"
			if m, ok := q["method"]; ok {
				wantMethod = m
			}
		}
		resp, err := fx.h.Handle(context.Background(), ev)
		if err != nil {
			t.Fatalf("Handle returned an error: %v", err)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
			t.Fatalf("body is not JSON: %s", resp.Body)
		}
		switch resp.StatusCode {
		case 200:
			if err := objectkey.Validate(wantKey); err != nil {
				t.Fatalf("200 for a key objectkey refuses (%v): %q", err, wantKey)
			}
			caller, err := identity.FromClaims(cl)
			if err != nil {
				t.Fatalf("200 for claims identity refuses: %v", err)
			}
			if d := access.Decide(testRules, access.Caller{Sub: caller.Sub, Groups: caller.Groups}, wantKey, wantMethod); !d.Allowed {
				t.Fatalf("200 for %s %q that the rules refuse: %s", wantMethod, wantKey, d.Reason)
			}
			if u, _ := out["url"].(string); !strings.HasPrefix(u, "https://") {
				t.Fatalf("200 without a URL: %s", resp.Body)
			}
		case 400, 403:
			if msg, _ := out["message"].(string); msg == "" {
				t.Fatalf("%d without a message: %s", resp.StatusCode, resp.Body)
			}
			if n := fx.calls(); n != 0 {
				t.Fatalf("%d but the signer was called %d times", resp.StatusCode, n)
			}
			if strings.Contains(resp.Body, "https://") {
				t.Fatalf("refusal carries a URL: %s", resp.Body)
			}
		default:
			t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
		}
	})
}

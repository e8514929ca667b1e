package api_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/api"
	"github.com/securestore/securestore/lambdas/presign/identity"
	"github.com/securestore/securestore/lambdas/presign/objectkey"
	"github.com/securestore/securestore/lambdas/presign/routes"
	"github.com/securestore/securestore/lambdas/presign/settings"
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

// FuzzParse feeds raw query strings to GET /presign and raw bodies to
// POST /uploads and POST /multipart/{uploadId}/complete, through Handle.
// Nothing panics or answers 500 but an S3 call (the multipart client here
// is unreachable). What gets past parsing (any status but 400) named only
// the table's parameters, each once, and a known method, CDN delivery
// only for GET; an upload body past parsing was small and UTF-8, and its
// canonical re-encoding is answered alike; a complete body past parsing
// held 1 to MaxParts parts, ascending, each with a printable ETag.
func FuzzParse(f *testing.F) {
	f.Add("key=tier-1/a&method=GET", `{"key":"a","contentType":"text/plain"}`)
	f.Add("key=a&key=b", `{"key":"a","contentType":"text/plain","maxBytes":10}`)
	f.Add("key=a&method=PUT&contentType=text/plain&checksumSha256=47DEQpj8HBSa%2B%2FTImW%2B5JCeuQeRkm5NMpJWZG3hSuFU%3D&expiresIn=60", `{"key":"a","key":"b"}`)
	f.Add("key=a&delivery=cdn&expiresIn=-1", `{"key":"a","contentType":"text/plain","maxBytes":1.5}`)
	f.Add("sub=x&key=a", `{"key":"a","contentType":"text/plain"} {}`)
	f.Add("key=a", `{"parts":[{"partNumber":1,"etag":"\"abc\""},{"partNumber":2,"etag":"d"}]}`)
	f.Add("key=a", `{"parts":[{"partNumber":2,"etag":"x"},{"partNumber":1,"etag":"y"}]}`)
	fx := newFixture(f)
	home := "users/" + alice + "/"
	cl := claims(alice, "tier-1")
	f.Fuzz(func(t *testing.T, rawQuery, body string) {
		if q, err := url.ParseQuery(rawQuery); err == nil {
			ev := getEvent(t, nil, cl)
			ev.MultiValueQueryStringParameters = q
			ev.QueryStringParameters = map[string]string{}
			for name, vals := range q {
				ev.QueryStringParameters[name] = vals[len(vals)-1]
			}
			resp := handleOK(t, fx, ev)
			if resp.StatusCode != 400 {
				for name, vals := range q {
					if _, ok := presignRoute.Lookup(name); !ok || len(vals) != 1 {
						t.Fatalf("%d for parameter %q with %d values", resp.StatusCode, name, len(vals))
					}
				}
				method := q.Get("method")
				if _, ok := q["method"]; !ok {
					method = "GET"
				}
				if !slices.Contains([]string{"GET", "PUT", "DELETE"}, method) {
					t.Fatalf("%d for method %q", resp.StatusCode, method)
				}
				if q.Get("delivery") == "cdn" && method != "GET" {
					t.Fatalf("%d for CDN delivery of %s", resp.StatusCode, method)
				}
			}
		}

		resp := handleOK(t, fx, postEvent(t, body, cl))
		if resp.StatusCode != 400 {
			if len(body) > api.MaxBodyBytes || !utf8.ValidString(body) {
				t.Fatalf("%d for a body of %d bytes, UTF-8 %v", resp.StatusCode, len(body), utf8.ValidString(body))
			}
			var b map[string]any
			dec := json.NewDecoder(strings.NewReader(body))
			dec.UseNumber()
			if err := dec.Decode(&b); err != nil {
				t.Fatalf("%d for a body encoding/json refuses: %v", resp.StatusCode, err)
			}
			canon, err := json.Marshal(b)
			if err != nil {
				t.Fatal(err)
			}
			again := handleOK(t, fx, postEvent(t, string(canon), cl))
			if again.StatusCode != resp.StatusCode {
				t.Fatalf("canonical body %s: %d, the original %d", canon, again.StatusCode, resp.StatusCode)
			}
		}

		ev := routeEvent(t, "POST", "/multipart/{uploadId}/complete", map[string]string{"uploadId": uploadID}, map[string]string{"key": home + "big.bin"}, body, cl)
		if resp := handleOK(t, fx, ev); resp.StatusCode != 400 {
			var b struct {
				Parts []struct {
					PartNumber int64  `json:"partNumber"`
					ETag       string `json:"etag"`
				} `json:"parts"`
			}
			if err := json.Unmarshal([]byte(body), &b); err != nil || len(b.Parts) < 1 || len(b.Parts) > settings.MaxParts {
				t.Fatalf("%d for a complete body of %d parts (%v)", resp.StatusCode, len(b.Parts), err)
			}
			for i, p := range b.Parts {
				if p.PartNumber < 1 || p.PartNumber > settings.MaxParts || i > 0 && p.PartNumber <= b.Parts[i-1].PartNumber || p.ETag == "" {
					t.Fatalf("%d for part %d: %+v", resp.StatusCode, i, p)
				}
			}
		}
	})
}

// presignRoute is GET /presign's entry in the table.
var presignRoute, _ = routes.Find("GET", "/presign")

// handleOK is Handle's answer to ev, which is never a Go error and never a
// 500 but for an S3 call.
func handleOK(t *testing.T, fx *fixture, ev events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	t.Helper()
	before := fx.mp.calls.Load()
	resp, err := fx.h.Handle(context.Background(), ev)
	if err != nil {
		t.Fatalf("Handle returned an error: %v", err)
	}
	if resp.StatusCode == 500 && fx.mp.calls.Load() == before {
		t.Fatalf("500 without an S3 call: %s", resp.Body)
	}
	return resp
}

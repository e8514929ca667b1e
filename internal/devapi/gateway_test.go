package devapi_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/securestore/securestore/internal/devapi"
)

// gateway is the maximal template's API (two allowed origins) in front of
// the real handler, whose signer needs no S3 server to presign, with the
// authorizer trusting pool p.
func gateway(t *testing.T, p *pool) http.Handler {
	t.Helper()
	dep := read(t, maximalTemplate)
	env, err := devapi.FunctionEnv(dep, devapi.S3Access{Endpoint: "http://127.0.0.1:9", Region: "us-east-1", AccessKey: "AKIDEXAMPLE", SecretKey: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	h, _, err := devapi.NewHandler(t.Context(), env, logger)
	if err != nil {
		t.Fatal(err)
	}
	g, err := devapi.NewGateway(dep, h.Handle, authorizer(t, p), nil, logger)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func serve(g http.Handler, method, target, body string, header map[string]string) (*http.Response, string) {
	req := httptest.NewRequest(method, "http://127.0.0.1:4000"+target, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestGateway_AnswersAsTheDeployedAPI(t *testing.T) {
	p := newPool(t)
	g := gateway(t, p)
	token := p.idToken(t, nil)
	const (
		first  = "https://app.example.com" // the preflight's static origin
		second = "http://localhost:3000"   // echoed by its response template
	)
	cases := []struct {
		name, method, target, body string
		header                     map[string]string
		status                     int
		bodyHas                    string
		wantHeaders                map[string]string
	}{
		{name: "a preflight from the first origin", method: "OPTIONS", target: "/presign", header: map[string]string{"Origin": first},
			status: 204, wantHeaders: map[string]string{"Access-Control-Allow-Origin": first, "Access-Control-Allow-Headers": "Authorization,Content-Type", "Access-Control-Max-Age": "600"}},
		{name: "a preflight from another allowed origin", method: "OPTIONS", target: "/multipart/u1/parts/3", header: map[string]string{"Origin": second},
			status: 204, wantHeaders: map[string]string{"Access-Control-Allow-Origin": second}},
		{name: "a preflight from a stranger gets the first origin", method: "OPTIONS", target: "/uploads", header: map[string]string{"Origin": "https://evil.example"},
			status: 204, wantHeaders: map[string]string{"Access-Control-Allow-Origin": first}},
		{name: "no token", method: "GET", target: "/presign?key=tier-1/a.txt", header: map[string]string{"Origin": second},
			status: 401, bodyHas: `{"message":"Unauthorized"}`, wantHeaders: map[string]string{"Access-Control-Allow-Origin": second, "Vary": "Origin"}},
		{name: "a token the pool did not sign", method: "GET", target: "/presign?key=tier-1/a.txt", header: map[string]string{"Authorization": newPool(t).idToken(t, func(c jwt.MapClaims) { c["iss"] = p.issuer })},
			status: 401, bodyHas: "Unauthorized"},
		{name: "an expired token", method: "GET", target: "/presign?key=tier-1/a.txt", header: map[string]string{"Authorization": p.idToken(t, func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Minute).Unix() })},
			status: 401, bodyHas: `{"message":"The incoming token has expired"}`},
		{name: "an unknown resource", method: "GET", target: "/nope", header: map[string]string{"Origin": first},
			status: 403, bodyHas: "Missing Authentication Token", wantHeaders: map[string]string{"Access-Control-Allow-Origin": first}},
		{name: "a method the resource lacks", method: "PUT", target: "/presign", header: map[string]string{"Authorization": token},
			status: 403, bodyHas: "Missing Authentication Token"},
		{name: "a missing required parameter", method: "GET", target: "/objects", header: map[string]string{"Authorization": token},
			status: 400, bodyHas: "Missing required request parameters: [prefix]"},
		{name: "a body its model refuses", method: "POST", target: "/uploads", body: `{"key":"users/x/a","contentType":"text/plain","acl":"public-read"}`,
			header: map[string]string{"Authorization": token, "Content-Type": "application/json"}, status: 400, bodyHas: `{"message":"Invalid request body"}`},
		{name: "a body that is not JSON", method: "POST", target: "/multipart", body: `key=a`,
			header: map[string]string{"Authorization": token, "Content-Type": "application/json"}, status: 400, bodyHas: "Invalid request body"},
		{name: "a presign the rules allow, through the function", method: "GET", target: "/presign?key=tier-1/a.txt", header: map[string]string{"Authorization": token, "Origin": second},
			status: 200, bodyHas: `"url":"http://127.0.0.1:9/`, wantHeaders: map[string]string{"Access-Control-Allow-Origin": second}},
		{name: "a key the rules refuse, through the function", method: "GET", target: "/presign?key=users/someone-else/a.txt", header: map[string]string{"Authorization": "Bearer " + token},
			status: 403, bodyHas: `"message"`},
		{name: "a path parameter the function refuses", method: "GET", target: "/multipart/u1/parts/abc?key=users/x/a", header: map[string]string{"Authorization": token},
			status: 400, bodyHas: `"message"`},
		{name: "a batch of parts without its key, refused by the validator", method: "GET", target: "/multipart/u1/parts?count=5", header: map[string]string{"Authorization": token},
			status: 400, bodyHas: "Missing required request parameters: [key]"},
		{name: "a batch of parts the function refuses", method: "GET", target: "/multipart/u1/parts?key=users/x/a&count=0", header: map[string]string{"Authorization": token},
			status: 400, bodyHas: `"count must be from 1 to 100"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, body := serve(g, c.method, c.target, c.body, c.header)
			if res.StatusCode != c.status || !strings.Contains(body, c.bodyHas) {
				t.Errorf("%d %s, want %d with %q", res.StatusCode, body, c.status, c.bodyHas)
			}
			for k, v := range c.wantHeaders {
				if got := res.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
		})
	}
}

// TestNewHandler_BuildsEveryGoldenDeployment: the function starts locally
// from each committed template, CloudFront delivery included (regional).
func TestNewHandler_BuildsEveryGoldenDeployment(t *testing.T) {
	for _, path := range []string{defaultTemplate, maximalTemplate, regionalTemplate, "../../test/testdata/prod.template.json", "../../test/testdata/regional-edge.template.json"} {
		t.Run(path, func(t *testing.T) {
			dep, err := devapi.ReadDeployment(path, devapi.LocalPseudo)
			if strings.HasSuffix(path, "regional-edge.template.json") {
				if err == nil {
					t.Fatal("the edge stack has no API; want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			env, err := devapi.FunctionEnv(dep, devapi.S3Access{Endpoint: "http://127.0.0.1:9", Region: "us-east-1", AccessKey: "AKIDEXAMPLE", SecretKey: "secret"})
			if err != nil {
				t.Fatal(err)
			}
			_, cfg, err := devapi.NewHandler(t.Context(), env, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			if (cfg.CDN != nil) != (path == regionalTemplate) {
				t.Errorf("CDN delivery %v", cfg.CDN != nil)
			}
		})
	}
}

// TestGateway_CDNAccessWithALocalKey: with CloudFront delivery configured,
// POST /cdn-access answers as deployed, cookies included, signed with the
// key made at start.
func TestGateway_CDNAccessWithALocalKey(t *testing.T) {
	p := newPool(t)
	dep := read(t, regionalTemplate)
	env, err := devapi.FunctionEnv(dep, devapi.S3Access{Endpoint: "http://127.0.0.1:9", Region: "us-east-1", AccessKey: "AKIDEXAMPLE", SecretKey: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	h, _, err := devapi.NewHandler(t.Context(), env, logger)
	if err != nil {
		t.Fatal(err)
	}
	g, err := devapi.NewGateway(dep, h.Handle, authorizer(t, p), nil, logger)
	if err != nil {
		t.Fatal(err)
	}
	res, body := serve(g, "POST", "/cdn-access", `{"prefix":"tier-1/"}`, map[string]string{"Authorization": p.idToken(t, nil), "Content-Type": "application/json"})
	if res.StatusCode != 200 || !strings.Contains(body, `"cookies"`) {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	if cookies := res.Header.Values("Set-Cookie"); len(cookies) != 3 || !strings.Contains(strings.Join(cookies, ";"), "CloudFront-Key-Pair-Id="+devapi.LocalKeyPairID) {
		t.Errorf("Set-Cookie %q, want the three CloudFront cookies with the local key pair id", cookies)
	}
}

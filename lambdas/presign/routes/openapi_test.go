package routes_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/securestore/securestore/lambdas/presign/routes"
	"github.com/securestore/securestore/lambdas/presign/settings"
)

var limits = routes.Limits{MaxUploadBytes: 1 << 30, URLTTLSeconds: 300}

// load generates the document and loads it with kin-openapi, failing the
// test unless it validates.
func load(t *testing.T) *openapi3.T {
	t.Helper()
	raw, err := routes.OpenAPI(limits, "http://127.0.0.1:4000")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("loading the document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document does not validate: %v", err)
	}
	return doc
}

func TestOpenAPI_Validates(t *testing.T) {
	doc := load(t)
	if doc.OpenAPI != routes.OpenAPIVersion {
		t.Errorf("openapi = %q, want %q", doc.OpenAPI, routes.OpenAPIVersion)
	}
}

func TestOpenAPI_EveryRouteIsAnOperation(t *testing.T) {
	doc := load(t)
	ops := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops++
			r, ok := routes.Find(method, path)
			if !ok {
				t.Errorf("%s %s: not in the route table", method, path)
				continue
			}
			if op.OperationID != r.Name {
				t.Errorf("%s: operationId %q, want %q", r, op.OperationID, r.Name)
			}
			if op.Security == nil || len(*op.Security) != 1 {
				t.Errorf("%s: want the Cognito security requirement", r)
			}
			for _, status := range []int{r.Status, 400, 401, 403, 404} {
				if op.Responses.Status(status) == nil {
					t.Errorf("%s: no %d response", r, status)
				}
			}
			if (r.Body != nil) != (op.RequestBody != nil) {
				t.Errorf("%s: request body documented %v, route has one %v", r, op.RequestBody != nil, r.Body != nil)
			}
			if len(op.Parameters) != len(r.Params) {
				t.Errorf("%s: %d parameters, route has %d", r, len(op.Parameters), len(r.Params))
			}
		}
	}
	if ops != len(routes.All) {
		t.Errorf("%d operations, want %d (one per route)", ops, len(routes.All))
	}
}

func TestOpenAPI_BoundsComeFromTheLimits(t *testing.T) {
	doc := load(t)
	presign := doc.Paths.Find("/presign").Get
	got := presign.Parameters.GetByInAndName("query", "contentLength").Schema.Value.Max
	if want := float64(settings.PutLimit(limits.MaxUploadBytes)); got == nil || *got != want {
		t.Errorf("contentLength maximum = %v, want the single-PUT limit %v", got, want)
	}
	got = presign.Parameters.GetByInAndName("query", "expiresIn").Schema.Value.Max
	if got == nil || *got != float64(limits.URLTTLSeconds) {
		t.Errorf("expiresIn maximum = %v, want %d", got, limits.URLTTLSeconds)
	}
	size := doc.Components.Schemas["MultipartRequest"].Value.Properties["size"].Value.Max
	if size == nil || *size != float64(limits.MaxUploadBytes) {
		t.Errorf("MultipartRequest.size maximum = %v, want %d", size, limits.MaxUploadBytes)
	}
}

// TestOpenAPI_ValidatesRequestsAsTheAPIDoes puts the document in front of
// requests with kin-openapi's request validator: what the API takes passes,
// what its bounds refuse fails.
func TestOpenAPI_ValidatesRequestsAsTheAPIDoes(t *testing.T) {
	doc := load(t)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	cases := []struct {
		name, method, target, body string
		ok                         bool
	}{
		{"a PUT within the limit", "GET", "/presign?key=users/a/b.txt&method=PUT&contentType=text/plain&contentLength=10", "", true},
		{"a PUT over the limit", "GET", "/presign?key=a&method=PUT&contentType=text/plain&contentLength=9999999999999", "", false},
		{"no key", "GET", "/presign?method=GET", "", false},
		{"an unknown method", "GET", "/presign?key=a&method=POST", "", false},
		{"an upload form", "POST", "/uploads", `{"key":"a","contentType":"text/plain"}`, true},
		{"an upload form with an unknown field", "POST", "/uploads", `{"key":"a","contentType":"text/plain","acl":"public-read"}`, false},
		{"a part number over S3's", "GET", "/multipart/u1/parts/10001?key=a", "", false},
		{"a batch of part URLs", "GET", "/multipart/u1/parts?key=a&from=101&count=100", "", true},
		{"a batch of 101 part URLs", "GET", "/multipart/u1/parts?key=a&count=101", "", false},
		{"a batch from part 0", "GET", "/multipart/u1/parts?key=a&from=0", "", false},
		{"a completion", "POST", "/multipart/u1/complete?key=a", `{"parts":[{"partNumber":1,"etag":"\"x\""}]}`, true},
		{"an empty completion", "POST", "/multipart/u1/complete?key=a", `{"parts":[]}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, "http://127.0.0.1:4000"+c.target, strings.NewReader(c.body))
			if c.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			req.Header.Set("Authorization", "Bearer x")
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("no route: %v", err)
			}
			err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts})
			if (err == nil) != c.ok {
				t.Errorf("valid = %v, want %v (%v)", err == nil, c.ok, err)
			}
		})
	}
}

func TestOpenAPI_RefusesLimitsItCannotResolve(t *testing.T) {
	if _, err := routes.OpenAPI(routes.Limits{}, ""); err == nil {
		t.Fatal("want an error for zero limits")
	}
}

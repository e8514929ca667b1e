package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/securestore/securestore/lambdas/presign/routes"
)

// TestE2E_AnswersMatchRouteTable calls every route of routes.All on the
// real bootstrap (with CloudFront delivery, against MinIO) and checks the
// answer against the table: the route's success status, and a body of
// exactly the fields its Response lists (every required one, no other),
// each of the listed type, null only where Nullable. A refusal's body is
// routes.ErrorBody. A route without a case here fails the test, so the
// table cannot drift from what the function answers.
func TestE2E_AnswersMatchRouteTable(t *testing.T) {
	f, _ := startWithCDN(t)
	limits := routes.Limits{MaxUploadBytes: maxUploadBytes, URLTTLSeconds: 300}
	home := "users/" + alice + "/"
	data := bytes.Repeat([]byte("x"), 100)
	putURL, headers := f.presign(t, map[string]string{"key": home + "listed.txt", "method": "PUT", "contentType": "text/plain", "contentLength": fmt.Sprint(len(data))}, alice, "tier-1")
	if status, answer := f.do(t, http.MethodPut, putURL, headers, data); status != http.StatusOK {
		t.Fatalf("PUT listed.txt: %d %s", status, answer)
	}
	up := f.create(t, home+"big.bin", int64(len(data)), alice, "tier-1")
	status, etag := f.putPart(t, up, 1, data)
	if status != http.StatusOK {
		t.Fatalf("part 1: %d", status)
	}
	doomed := f.create(t, home+"doomed.bin", int64(len(data)), alice, "tier-1")
	on := func(u upload, method, resource, body string) events.APIGatewayProxyRequest {
		return routed(method, resource, map[string]string{"uploadId": u.id, "partNumber": "1"}, map[string]string{"key": u.key}, body, alice, "tier-1")
	}
	// Cases in an order that works: parts are listed before the upload is
	// completed, which ends it.
	cases := []routeCase{
		{"presign", event(http.MethodGet, "/presign", map[string]string{"key": home + "listed.txt"}, "", alice, "tier-1")},
		{"upload", event(http.MethodPost, "/uploads", nil, `{"key":"`+home+`form.txt","contentType":"text/plain"}`, alice, "tier-1")},
		{"list", event(http.MethodGet, "/objects", map[string]string{"prefix": home}, "", alice, "tier-1")},
		{"multipartCreate", event(http.MethodPost, "/multipart", nil, `{"key":"`+home+`new.bin","contentType":"application/octet-stream","size":10}`, alice, "tier-1")},
		{"multipartSign", on(up, http.MethodGet, "/multipart/{uploadId}/parts/{partNumber}", "")},
		{"multipartBatch", routed(http.MethodGet, "/multipart/{uploadId}/parts", map[string]string{"uploadId": up.id}, map[string]string{"key": up.key}, "", alice, "tier-1")},
		{"multipartParts", on(up, http.MethodGet, "/multipart/{uploadId}", "")},
		{"multipartComplete", on(up, http.MethodPost, "/multipart/{uploadId}/complete", completeBody([]int{1}, map[int]string{1: etag}))},
		{"multipartAbort", on(doomed, http.MethodDelete, "/multipart/{uploadId}", "")},
		{"cdnAccess", event(http.MethodPost, "/cdn-access", nil, `{"prefix":"`+home+`"}`, alice, "tier-1")},
	}
	for _, r := range routes.All {
		if !slices.ContainsFunc(cases, func(c routeCase) bool { return c.name == r.Name }) {
			t.Errorf("route %s (%s) has no case here", r.Name, r)
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := routes.Find(tc.event.HTTPMethod, tc.event.Resource)
			if !ok || r.Name != tc.name {
				t.Fatalf("the case is %s, the table's route %s", tc.name, r.Name)
			}
			resp := f.invoke(t, tc.event)
			if resp.StatusCode != r.Status {
				t.Fatalf("%s: %d, the table says %d: %s", r, resp.StatusCode, r.Status, resp.Body)
			}
			if r.Response == nil {
				if resp.Body != "" {
					t.Errorf("%s: body %q, the table says none", r, resp.Body)
				}
				return
			}
			for _, p := range conform(t, resp.Body, r.Response.Schema, limits) {
				t.Errorf("%s: %s\n%s", r, p, resp.Body)
			}
		})
	}
	t.Run("refusal", func(t *testing.T) {
		resp := f.invoke(t, event(http.MethodGet, "/presign", map[string]string{"key": "users/" + bob + "/x"}, "", alice, "tier-1"))
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
		}
		for _, p := range conform(t, resp.Body, routes.ErrorBody.Schema, limits) {
			t.Errorf("error body: %s\n%s", p, resp.Body)
		}
	})
}

// routeCase is a call of the route named name.
type routeCase struct {
	name  string
	event events.APIGatewayProxyRequest
}

// conform decodes body and lists how it departs from s.
func conform(t *testing.T, body string, s routes.Schema, l routes.Limits) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		t.Fatalf("body is not one JSON value (%v): %s", err, body)
	}
	return check("body", v, s, l)
}

// check lists how v (as encoding/json decodes it, numbers as json.Number)
// departs from s: its type, null only where Nullable, an object's fields
// exactly s's (every required one, no other) or, for a Map, string
// values, an array's items, enums and the bounds the table sets.
func check(at string, v any, s routes.Schema, l routes.Limits) []string {
	if v == nil {
		if s.Nullable {
			return nil
		}
		return []string{at + " is null"}
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, at+" "+fmt.Sprintf(format, args...)) }
	switch s.Type {
	case routes.String:
		str, ok := v.(string)
		if !ok {
			bad("is a %T, want a string", v)
			break
		}
		if len(str) < s.MinLength || s.MaxLength > 0 && len(str) > s.MaxLength {
			bad("is %d bytes, want %d to %d", len(str), s.MinLength, s.MaxLength)
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
			bad("is %q, want one of %v", str, s.Enum)
		}
	case routes.Integer:
		num, ok := v.(json.Number)
		n, err := num.Int64()
		if !ok || err != nil {
			bad("is %v, want an integer", v)
			break
		}
		if s.Minimum.IsSet() && n < s.Minimum.Value(l) || s.Maximum.IsSet() && n > s.Maximum.Value(l) {
			bad("is %d, out of the table's bounds", n)
		}
	case routes.Boolean:
		if _, ok := v.(bool); !ok {
			bad("is a %T, want a boolean", v)
		}
	case routes.Array:
		items, ok := v.([]any)
		if !ok {
			bad("is a %T, want an array", v)
			break
		}
		if len(items) < s.MinItems || s.MaxItems > 0 && len(items) > s.MaxItems {
			bad("has %d items, want %d to %d", len(items), s.MinItems, s.MaxItems)
		}
		for i, item := range items {
			problems = append(problems, check(fmt.Sprintf("%s[%d]", at, i), item, *s.Items, l)...)
		}
	case routes.Object:
		obj, ok := v.(map[string]any)
		if !ok {
			bad("is a %T, want an object", v)
			break
		}
		if s.Map {
			for k, fv := range obj {
				if _, ok := fv.(string); !ok {
					bad("member %q is a %T, want a string", k, fv)
				}
			}
			break
		}
		for k := range obj {
			if _, ok := s.Field(k); !ok {
				bad("has field %q, which the table does not list (%v)", k, s.FieldNames())
			}
		}
		for _, fl := range s.Fields {
			fv, ok := obj[fl.Name]
			if !ok {
				if fl.Required {
					bad("lacks required field %q", fl.Name)
				}
				continue
			}
			problems = append(problems, check(at+"."+fl.Name, fv, fl.Schema, l)...)
		}
	default:
		bad("has a schema of unknown type %q", s.Type)
	}
	return problems
}

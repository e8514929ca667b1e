package api

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/securestore/securestore/lambdas/presign/routes"
)

// TestEndpoints_MatchTable: every route of the table has an endpoint and
// every endpoint a route.
func TestEndpoints_MatchTable(t *testing.T) {
	var names []string
	for _, r := range routes.All {
		names = append(names, r.Name)
		if endpoints[r.Name] == nil {
			t.Errorf("route %s (%s) has no endpoint in router.go", r.Name, r)
		}
	}
	for name := range endpoints {
		if !slices.Contains(names, name) {
			t.Errorf("endpoint %s has no route in routes.All", name)
		}
	}
	if len(endpoints) != len(routes.All) {
		t.Errorf("%d endpoints for %d routes", len(endpoints), len(routes.All))
	}
}

// TestRoute_EveryTablePath: each route is found both by API Gateway's
// resource and path parameters, and behind {proxy+} by the request path
// alone, with the same path parameters.
func TestRoute_EveryTablePath(t *testing.T) {
	for _, r := range routes.All {
		params := map[string]string{}
		path := r.Path
		for _, name := range r.PathNames() {
			params[name] = "v-" + name
			path = strings.ReplaceAll(path, "{"+name+"}", "v-"+name)
		}
		for _, ev := range []events.APIGatewayProxyRequest{
			{Resource: r.Path, Path: path, HTTPMethod: r.Method, PathParameters: params},
			{Resource: "/{proxy+}", Path: path, HTTPMethod: r.Method, PathParameters: map[string]string{"proxy": path[1:]}},
			{Path: path, HTTPMethod: r.Method},
		} {
			got, gotParams, fail := route(&ev)
			if fail != nil || got.Name != r.Name || !maps.Equal(gotParams, params) {
				t.Errorf("%s via resource %q: route %s %v, fail %+v", r, ev.Resource, got.Name, gotParams, fail)
			}
		}
	}
}

// TestRoute_MethodNotAllowed: on every table path, a method the table does
// not list for it is 405 with the table's methods, sorted, in Allow.
func TestRoute_MethodNotAllowed(t *testing.T) {
	for _, path := range routes.Paths() {
		methods := routes.Methods(path)
		allow := strings.Join(slices.Sorted(slices.Values(methods)), ", ")
		for _, m := range []string{"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "get"} {
			if slices.Contains(methods, m) {
				continue
			}
			params := map[string]string{}
			for _, name := range (routes.Route{Path: path}).PathNames() {
				params[name] = "x"
			}
			_, _, fail := route(&events.APIGatewayProxyRequest{Resource: path, Path: path, HTTPMethod: m, PathParameters: params})
			if fail == nil || fail.status != 405 || fail.allow != allow {
				t.Errorf("%s %s: %+v, want 405 with Allow %q", m, path, fail, allow)
			}
		}
	}
}

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

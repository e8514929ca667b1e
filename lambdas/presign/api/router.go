package api

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/securestore/securestore/lambdas/presign/routes"
)

// endpoints maps each route of routes.All, by Name, to its parser and
// handler (TestEndpoints_MatchTable checks that both sides agree).
var endpoints = map[string]endpoint{
	"presign":           bind(parsePresign, (*Handler).presign),
	"upload":            bind(parseUpload, (*Handler).upload),
	"list":              bind(parseList, (*Handler).list),
	"multipartCreate":   bind(parseMultipartCreate, (*Handler).multipartCreate),
	"multipartParts":    bind(parseMultipartParts, (*Handler).multipartParts),
	"multipartAbort":    bind(parseMultipartAbort, (*Handler).multipartAbort),
	"multipartSign":     bind(parseMultipartSign, (*Handler).multipartSign),
	"multipartBatch":    bind(parseMultipartBatch, (*Handler).multipartBatch),
	"multipartComplete": bind(parseMultipartComplete, (*Handler).multipartComplete),
	"cdnAccess":         bind(parseCDNAccess, (*Handler).cdnAccess),
}

// pattern is one of the table's paths, split into segments.
type pattern struct {
	path string
	segs []string
}

// patterns are the table's distinct paths, those with fewer path
// parameters first: a request path matches a literal path before any
// template.
var patterns = func() []pattern {
	var ps []pattern
	for _, p := range routes.Paths() {
		ps = append(ps, pattern{path: p, segs: strings.Split(p, "/")})
	}
	slices.SortStableFunc(ps, func(a, b pattern) int {
		return cmp.Compare(strings.Count(a.path, "{"), strings.Count(b.path, "{"))
	})
	return ps
}()

// route finds the route of ev and its path parameters. API Gateway names
// the resource (a table path) and its path parameters, each of which must
// be non-empty. Behind a {proxy+} resource, or none, the request path is
// matched against the table's paths segment by segment: a literal segment
// exactly, a parameter by any non-empty segment. Any other resource, or
// no match, is 404; a known path with a method the table does not list
// for it is 405 with the table's methods in Allow.
func route(ev *events.APIGatewayProxyRequest) (routes.Route, map[string]string, *outcome) {
	var (
		path   string
		params map[string]string
	)
	switch {
	case slices.ContainsFunc(patterns, func(p pattern) bool { return p.path == ev.Resource }):
		path, params = ev.Resource, map[string]string{}
		for _, name := range (routes.Route{Path: path}).PathNames() {
			v := ev.PathParameters[name]
			if v == "" {
				return routes.Route{}, nil, ptr(notFound())
			}
			params[name] = v
		}
	case ev.Resource == "" || strings.Contains(ev.Resource, "{"):
		path, params = matchPath(ev.Path)
	}
	if path == "" {
		return routes.Route{}, nil, ptr(notFound())
	}
	r, ok := routes.Find(ev.HTTPMethod, path)
	if !ok {
		allow := strings.Join(slices.Sorted(slices.Values(routes.Methods(path))), ", ")
		return routes.Route{}, nil, &outcome{
			status: http.StatusMethodNotAllowed,
			body:   errorBody{Message: path + " takes " + allow + " only"},
			allow:  allow,
		}
	}
	return r, params, nil
}

// matchPath finds the table path that the request path matches, and its
// path parameters; "" when none does.
func matchPath(path string) (string, map[string]string) {
	segs := strings.Split(path, "/")
	for _, p := range patterns {
		if params, ok := p.match(segs); ok {
			return p.path, params
		}
	}
	return "", nil
}

// match matches segs against p.
func (p pattern) match(segs []string) (map[string]string, bool) {
	if len(segs) != len(p.segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, want := range p.segs {
		name, isParam := strings.CutPrefix(want, "{")
		switch {
		case isParam && segs[i] != "":
			params[strings.TrimSuffix(name, "}")] = segs[i]
		case isParam || segs[i] != want:
			return nil, false
		}
	}
	return params, true
}

func notFound() outcome {
	return outcome{status: http.StatusNotFound, body: errorBody{Message: "no such resource"}}
}

func ptr[T any](v T) *T { return &v }

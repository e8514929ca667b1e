package api

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/securestore/securestore/lambdas/presign/codec"
)

// op is a route of the API.
type op int

const (
	opPresign           op = iota + 1 // GET /presign
	opUpload                          // POST /uploads
	opList                            // GET /objects
	opMultipartCreate                 // POST /multipart
	opMultipartParts                  // GET /multipart/{uploadId}
	opMultipartAbort                  // DELETE /multipart/{uploadId}
	opMultipartSign                   // GET /multipart/{uploadId}/parts/{partNumber}
	opMultipartComplete               // POST /multipart/{uploadId}/complete
	opCDNAccess                       // POST /cdn-access
)

// Resources of the API, as API Gateway names them in an event's resource.
const (
	resPresign   = "/presign"
	resUploads   = "/uploads"
	resObjects   = "/objects"
	resMultipart = "/multipart"
	resUpload    = "/multipart/{uploadId}"
	resPart      = "/multipart/{uploadId}/parts/{partNumber}"
	resComplete  = "/multipart/{uploadId}/complete"
	resCDNAccess = "/cdn-access"
)

// Path parameters of the multipart resources.
const (
	pathUploadID   = "uploadId"
	pathPartNumber = "partNumber"
)

// routes are the API's resources and, for each, its methods.
var routes = map[string]map[string]op{
	resPresign:   {http.MethodGet: opPresign},
	resUploads:   {http.MethodPost: opUpload},
	resObjects:   {http.MethodGet: opList},
	resMultipart: {http.MethodPost: opMultipartCreate},
	resUpload:    {http.MethodGet: opMultipartParts, http.MethodDelete: opMultipartAbort},
	resPart:      {http.MethodGet: opMultipartSign},
	resComplete:  {http.MethodPost: opMultipartComplete},
	resCDNAccess: {http.MethodPost: opCDNAccess},
}

// allowHeader is the Allow header of a resource with methods: its method
// names, sorted.
func allowHeader(methods map[string]op) string {
	return strings.Join(slices.Sorted(maps.Keys(methods)), ", ")
}

func (o op) String() string {
	switch o {
	case opPresign:
		return "GET /presign"
	case opUpload:
		return "POST /uploads"
	case opList:
		return "GET /objects"
	case opMultipartCreate:
		return "POST /multipart"
	case opMultipartParts:
		return "GET /multipart/{uploadId}"
	case opMultipartAbort:
		return "DELETE /multipart/{uploadId}"
	case opMultipartSign:
		return "GET /multipart/{uploadId}/parts/{partNumber}"
	case opMultipartComplete:
		return "POST /multipart/{uploadId}/complete"
	case opCDNAccess:
		return "POST /cdn-access"
	}
	return ""
}

// target is a routed request: the operation and its path parameters.
type target struct {
	op       op
	uploadID string // the multipart routes'
	part     string // GET /multipart/{uploadId}/parts/{partNumber}
}

// route picks the operation from the resource and the HTTP method, and
// takes the path parameters from pathParameters. Behind a {proxy+}
// resource (or none), it matches the path itself, segment by segment. It
// fails with 404 or 405.
func route(ev *codec.Event) (target, *outcome) {
	res := ev.Resource
	var t target
	if _, known := routes[res]; known {
		t.uploadID, t.part = ev.PathParams[pathUploadID], ev.PathParams[pathPartNumber]
		if strings.Contains(res, "{") && (t.uploadID == "" || res == resPart && t.part == "") {
			return target{}, notFound()
		}
	} else if res == "" || strings.Contains(res, "{") {
		res, t = matchPath(ev.Path)
	}
	methods, ok := routes[res]
	if !ok {
		return target{}, notFound()
	}
	o, ok := methods[ev.HTTPMethod]
	if !ok {
		allow := allowHeader(methods)
		return target{}, &outcome{
			status: http.StatusMethodNotAllowed,
			body:   errorBody{Message: res + " takes " + allow + " only"},
			allow:  allow,
		}
	}
	t.op = o
	return t, nil
}

// matchPath finds the resource of a request path and its parameters.
func matchPath(path string) (string, target) {
	if _, ok := routes[path]; ok && !strings.Contains(path, "{") {
		return path, target{}
	}
	seg := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(seg) < 2 || seg[0] != "multipart" || seg[1] == "" {
		return "", target{}
	}
	t := target{uploadID: seg[1]}
	switch {
	case len(seg) == 2:
		return resUpload, t
	case len(seg) == 3 && seg[2] == "complete":
		return resComplete, t
	case len(seg) == 4 && seg[2] == "parts" && seg[3] != "":
		t.part = seg[3]
		return resPart, t
	}
	return "", target{}
}

func notFound() *outcome {
	return &outcome{status: http.StatusNotFound, body: errorBody{Message: "no such resource"}}
}

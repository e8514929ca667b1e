package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/securestore/securestore/lambdas/presign/codec"
)

// op is a route of the API.
type op int

const (
	opPresign op = iota + 1 // GET /presign
	opUpload                // POST /uploads
	opList                  // GET /objects
)

func (o op) String() string {
	switch o {
	case opPresign:
		return "GET /presign"
	case opUpload:
		return "POST /uploads"
	case opList:
		return "GET /objects"
	}
	return ""
}

// route picks the operation from the resource (or, behind a {proxy+}
// resource, the path) and the HTTP method. It fails with 404 or 405.
func route(ev *codec.Event) (op, *outcome) {
	path := ev.Resource
	if path == "" || strings.Contains(path, "{") {
		path = ev.Path
	}
	var want string
	var o op
	switch path {
	case "/presign":
		o, want = opPresign, http.MethodGet
	case "/uploads":
		o, want = opUpload, http.MethodPost
	case "/objects":
		o, want = opList, http.MethodGet
	default:
		return 0, &outcome{status: http.StatusNotFound, body: errorBody{Message: "no such resource"}}
	}
	if ev.HTTPMethod != want {
		return 0, &outcome{
			status: http.StatusMethodNotAllowed,
			body:   errorBody{Message: fmt.Sprintf("%s takes %s only", path, want)},
			allow:  want,
		}
	}
	return o, nil
}

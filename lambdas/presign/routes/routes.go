// Package routes is the presign API's one route table: every route's
// method, path, parameters with their bounds, body schema, the access-rule
// method it needs and its answer. The function routes and validates by it;
// the construct builds API Gateway's resources, methods, request
// validators and models from it; the README's route table is generated
// from it and checked by a test.
//
// Like settings, it depends on nothing but the standard library, so a team
// importing the construct compiles neither the AWS SDK nor aws-lambda-go.
//
// Adding a route means one entry in All, one handler file in package api
// (with its line in api's router.go, which maps each route's Name to its
// parser and handler) and its tests (api's case tables; the e2e check of
// every route's answer against its Response).
package routes

import (
	"net/http"
	"slices"
	"strings"

	"github.com/securestore/securestore/lambdas/presign/settings"
)

// Type is a JSON (or parameter) value's type.
type Type string

// The types of values. A query or path parameter is a string on the wire;
// Integer says it holds decimal digits.
const (
	String  Type = "string"
	Integer Type = "integer"
	Boolean Type = "boolean"
	Array   Type = "array"
	Object  Type = "object"
)

// Bound is an integer bound of a value: a fixed number, or one that comes
// from the deployment's limits (see Limits). The zero Bound is "no bound".
type Bound struct {
	// Fixed is the bound when From is empty.
	Fixed int64
	// From names the limit the bound is: FromMaxUploadBytes, FromPutLimit
	// or FromURLTTL.
	From string
}

// Where a Bound's value comes from.
const (
	// FromMaxUploadBytes is Limits.MaxUploadBytes: the largest object.
	FromMaxUploadBytes = "maxUploadBytes"
	// FromPutLimit is the largest single PUT or POST,
	// settings.PutLimit(Limits.MaxUploadBytes).
	FromPutLimit = "putLimit"
	// FromURLTTL is Limits.URLTTLSeconds: the longest URL lifetime.
	FromURLTTL = "urlTtlSeconds"
)

// N is a fixed bound.
func N(n int64) Bound { return Bound{Fixed: n} }

// Limits are the deployment's values that some bounds come from.
type Limits struct {
	// MaxUploadBytes is the largest upload (MAX_UPLOAD_BYTES).
	MaxUploadBytes int64
	// URLTTLSeconds is the longest URL lifetime (URL_TTL_SECONDS).
	URLTTLSeconds int64
}

// IsSet reports whether b bounds anything.
func (b Bound) IsSet() bool { return b.From != "" || b.Fixed != 0 }

// Value is b for the deployment's limits.
func (b Bound) Value(l Limits) int64 {
	switch b.From {
	case FromMaxUploadBytes:
		return l.MaxUploadBytes
	case FromPutLimit:
		return settings.PutLimit(l.MaxUploadBytes)
	case FromURLTTL:
		return l.URLTTLSeconds
	}
	return b.Fixed
}

// Schema describes a value: a parameter's, a body's or one of their
// fields, in the subset of JSON Schema that API Gateway models, OpenAPI
// and the function's parsers share.
type Schema struct {
	Type Type
	// Doc says what the value is, for people (README, OpenAPI).
	Doc string
	// MinLength and MaxLength bound a string's length in bytes.
	MinLength, MaxLength int
	// Pattern is a regular expression a string must match.
	Pattern string
	// Enum lists a string's allowed values.
	Enum []string
	// Minimum and Maximum bound an integer.
	Minimum, Maximum Bound
	// Fields are an object's properties, in order. An object takes no
	// other property.
	Fields []Field
	// Items is an array's element; MinItems and MaxItems bound its length.
	Items              *Schema
	MinItems, MaxItems int
	// Map is set on an object whose properties are free, each of Type
	// string (headers, form fields, cookies).
	Map bool
	// Nullable allows JSON null (an answer's nextContinuationToken).
	Nullable bool
}

// Field is a property of an object schema.
type Field struct {
	Name     string
	Required bool
	Schema
}

// Required returns the names of s's required fields, in order.
func (s Schema) Required() []string {
	var names []string
	for _, f := range s.Fields {
		if f.Required {
			names = append(names, f.Name)
		}
	}
	return names
}

// In is where a parameter is.
type In string

// Where parameters are.
const (
	InPath  In = "path"
	InQuery In = "query"
)

// Param is a query or path parameter. Path parameters are always required.
type Param struct {
	Name     string
	In       In
	Required bool
	Schema
}

// Body is a request or response body: JSON, named for the models that
// describe it (API Gateway's model, OpenAPI's component).
type Body struct {
	// Model names the schema ("UploadRequest").
	Model string
	// Doc is the model's description.
	Doc string
	Schema
}

// Access is what the access rules must allow on a request's key.
type Access string

// How a route is authorised.
const (
	// AccessFromMethod: the rules must allow the method the request names
	// (GET /presign's method parameter).
	AccessFromMethod Access = "method"
	// AccessGet: the rules must allow GET (a listing shows only readable
	// keys; folder access needs every key under the prefix readable).
	AccessGet Access = http.MethodGet
	// AccessPut: the rules must allow PUT on the key.
	AccessPut Access = http.MethodPut
)

// Feature gates a route on the deployment.
type Feature string

// Features a route may need.
const (
	// Always: every deployment serves the route.
	Always Feature = ""
	// CDN: served only with CloudFront delivery (CDN_DOMAIN and the rest).
	CDN Feature = "cdn"
)

// Route is one method on one path.
type Route struct {
	// Name identifies the route: OpenAPI's operationId, log lines.
	Name string
	// Method is the HTTP method.
	Method string
	// Path is the resource as API Gateway names it, path parameters in
	// braces: "/multipart/{uploadId}/parts/{partNumber}".
	Path string
	// Summary is one line for people: the README's and OpenAPI's.
	Summary string
	// Params are the path parameters (in Path's order), then the query
	// parameters. A query parameter not listed is refused.
	Params []Param
	// Body is the request body; nil means the route takes none.
	Body *Body
	// Access is what the access rules must allow.
	Access Access
	// Needs gates the route on a feature of the deployment.
	Needs Feature
	// Status is the success status: 200 with Response, or 204 with no
	// body.
	Status int
	// Response is the success answer's body (nil with 204).
	Response *Body
}

// String is "METHOD /path".
func (r Route) String() string { return r.Method + " " + r.Path }

// PathNames are the names of the parameters in r.Path's braces, in order.
func (r Route) PathNames() []string {
	var names []string
	for _, seg := range strings.Split(r.Path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			names = append(names, seg[1:len(seg)-1])
		}
	}
	return names
}

// In returns r's parameters that are in.
func (r Route) In(in In) []Param {
	var ps []Param
	for _, p := range r.Params {
		if p.In == in {
			ps = append(ps, p)
		}
	}
	return ps
}

// Lookup returns the schema of r's parameter or top-level body field
// named name (a parameter first), and whether there is one.
func (r Route) Lookup(name string) (Schema, bool) {
	for _, p := range r.Params {
		if p.Name == name {
			return p.Schema, true
		}
	}
	if r.Body != nil {
		if f, ok := r.Body.Field(name); ok {
			return f.Schema, true
		}
	}
	return Schema{}, false
}

// Field returns s's field named name, and whether there is one.
func (s Schema) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// FieldNames returns the names of s's fields, in order.
func (s Schema) FieldNames() []string {
	names := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		names[i] = f.Name
	}
	return names
}

// Find returns the route of method on the resource path (API Gateway's
// resource, braces included), and whether there is one.
func Find(method, path string) (Route, bool) {
	for _, r := range All {
		if r.Method == method && r.Path == path {
			return r, true
		}
	}
	return Route{}, false
}

// Paths are the distinct paths of All, in its order.
func Paths() []string {
	var paths []string
	for _, r := range All {
		if !slices.Contains(paths, r.Path) {
			paths = append(paths, r.Path)
		}
	}
	return paths
}

// Methods are the methods of path, in All's order.
func Methods(path string) []string {
	var methods []string
	for _, r := range All {
		if r.Path == path {
			methods = append(methods, r.Method)
		}
	}
	return methods
}

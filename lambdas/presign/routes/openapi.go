package routes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// OpenAPIVersion is the OpenAPI version of the document OpenAPI writes.
const OpenAPIVersion = "3.0.3"

// SecurityScheme names the Cognito ID-token scheme in the OpenAPI document.
const SecurityScheme = "cognito"

// OpenAPI is the OpenAPI 3 document of every route in All, as JSON: paths
// and operations (operationId is the route's Name), parameters and bodies
// with their bounds resolved from the deployment's limits l, the success
// answer and the error answers (400, 401, 403, 404, each the Error
// schema), and the Cognito ID token as a bearer security scheme on every
// operation. serverURL, when not empty, is the document's one server (the
// API's invoke URL, or the local API's). Keys are sorted, so the same
// table and limits always give the same bytes.
func OpenAPI(l Limits, serverURL string) ([]byte, error) {
	if l.MaxUploadBytes < 1 || l.URLTTLSeconds < 1 {
		return nil, fmt.Errorf("routes: OpenAPI needs positive limits, got MaxUploadBytes %d and URLTTLSeconds %d", l.MaxUploadBytes, l.URLTTLSeconds)
	}
	paths := map[string]any{}
	schemas := map[string]any{ErrorBody.Model: bodySchema(ErrorBody, l)}
	for _, r := range All {
		item, _ := paths[r.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[r.Path] = item
		}
		op := map[string]any{
			"operationId": r.Name,
			"summary":     r.Summary,
			"tags":        []string{"presign"},
			"security":    []any{map[string]any{SecurityScheme: []string{}}},
			"responses":   responses(r),
		}
		if r.Needs == CDN {
			op["description"] = "Served only by a deployment with CloudFront delivery (CDN_DOMAIN); elsewhere it answers 400."
		}
		if len(r.Params) > 0 {
			var params []any
			for _, p := range r.Params {
				params = append(params, map[string]any{
					"name":        p.Name,
					"in":          string(p.In),
					"required":    p.Required || p.In == InPath,
					"description": p.Doc,
					"schema":      schemaOf(p.Schema, l, false),
				})
			}
			op["parameters"] = params
		}
		if r.Body != nil {
			schemas[r.Body.Model] = bodySchema(*r.Body, l)
			op["requestBody"] = map[string]any{
				"required":    true,
				"description": r.Body.Doc,
				"content":     jsonContent(r.Body.Model),
			}
		}
		if r.Response != nil {
			schemas[r.Response.Model] = bodySchema(*r.Response, l)
		}
		item[strings.ToLower(r.Method)] = op
	}
	doc := map[string]any{
		"openapi": OpenAPIVersion,
		"info": map[string]any{
			"title":       "securestore presign API",
			"version":     "1",
			"description": "Presigned URLs for the objects of a private bucket, under access rules. Generated from the route table (lambdas/presign/routes); every bound is the deployment's.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				SecurityScheme: map[string]any{
					"type":         "http",
					"scheme":       "bearer",
					"bearerFormat": "JWT",
					"description":  "The Cognito user pool's ID token (not the access token) in Authorization, with or without the Bearer prefix.",
				},
			},
		},
		"tags": []any{map[string]any{"name": "presign", "description": "the presign API"}},
	}
	if serverURL != "" {
		doc["servers"] = []any{map[string]any{"url": serverURL}}
	}
	return json.MarshalIndent(doc, "", "  ")
}

// errorAnswers are the error statuses every operation documents, and why.
var errorAnswers = []struct {
	status int
	doc    string
}{
	{http.StatusBadRequest, "malformed input: a missing or out-of-bounds parameter, a body that does not match its schema"},
	{http.StatusUnauthorized, "no valid ID token"},
	{http.StatusForbidden, "the access rules do not allow the caller this key and method"},
	{http.StatusNotFound, "no such route, or no such upload"},
}

func responses(r Route) map[string]any {
	rs := map[string]any{}
	if r.Response != nil {
		rs[fmt.Sprint(r.Status)] = map[string]any{"description": r.Response.Doc, "content": jsonContent(r.Response.Model)}
	} else {
		rs[fmt.Sprint(r.Status)] = map[string]any{"description": http.StatusText(r.Status)}
	}
	for _, e := range errorAnswers {
		rs[fmt.Sprint(e.status)] = map[string]any{"description": e.doc, "content": jsonContent(ErrorBody.Model)}
	}
	return rs
}

func jsonContent(model string) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + model}}}
}

func bodySchema(b Body, l Limits) map[string]any {
	s := schemaOf(b.Schema, l, true)
	s["title"] = b.Model
	if b.Doc != "" {
		s["description"] = b.Doc
	}
	return s
}

// schemaOf is s as an OpenAPI 3.0 schema object. Parameters are strings
// on the wire; an Integer parameter is documented as an integer, as
// OpenAPI serializes it. closed marks bodies, whose objects take no
// property but their fields.
func schemaOf(s Schema, l Limits, closed bool) map[string]any {
	out := map[string]any{"type": string(s.Type)}
	if s.Doc != "" {
		out["description"] = s.Doc
	}
	if s.MinLength > 0 {
		out["minLength"] = s.MinLength
	}
	if s.MaxLength > 0 {
		out["maxLength"] = s.MaxLength
	}
	if s.Pattern != "" {
		out["pattern"] = s.Pattern
	}
	if len(s.Enum) > 0 {
		out["enum"] = s.Enum
	}
	if s.Minimum.IsSet() {
		out["minimum"] = s.Minimum.Value(l)
	}
	if s.Maximum.IsSet() {
		out["maximum"] = s.Maximum.Value(l)
	}
	if s.Nullable {
		out["nullable"] = true
	}
	switch s.Type {
	case Object:
		if s.Map {
			out["additionalProperties"] = map[string]any{"type": string(String)}
			break
		}
		props := map[string]any{}
		for _, f := range s.Fields {
			props[f.Name] = schemaOf(f.Schema, l, closed)
		}
		out["properties"] = props
		if req := s.Required(); len(req) > 0 {
			out["required"] = req
		}
		if closed {
			out["additionalProperties"] = false
		}
	case Array:
		if s.Items != nil {
			out["items"] = schemaOf(*s.Items, l, closed)
		}
		if s.MinItems > 0 {
			out["minItems"] = s.MinItems
		}
		if s.MaxItems > 0 {
			out["maxItems"] = s.MaxItems
		}
	}
	return out
}

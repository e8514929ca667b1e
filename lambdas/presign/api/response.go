package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// outcome is what a request comes to, before it is written out.
type outcome struct {
	status int
	// body is the answer's JSON value; nil writes no body (204).
	body any
	// allow is the Allow header of a 405.
	allow string
	// cookies are Set-Cookie headers (POST /cdn-access with a cookie
	// domain, where every answer to an allowed Origin also carries
	// Access-Control-Allow-Credentials).
	cookies []string
}

// errorBody is every error response's body (routes.ErrorBody).
type errorBody struct {
	Message string `json:"message"`
}

func ok(body any) outcome { return outcome{status: http.StatusOK, body: body} }

func badRequest(err error) outcome {
	return outcome{status: http.StatusBadRequest, body: errorBody{Message: err.Error()}}
}

func forbidden(err error) outcome {
	return outcome{status: http.StatusForbidden, body: errorBody{Message: err.Error()}}
}

// serverError says nothing about the cause; the log line has it.
func serverError() outcome {
	return outcome{status: http.StatusInternalServerError, body: errorBody{Message: "internal error"}}
}

// internalError is serverError's body, written as it is should encoding
// ever fail.
const internalError = `{"message":"internal error"}`

// respond finishes out as a response: JSON, no-store, nosniff, CORS for
// an allowed Origin.
func (h *Handler) respond(ev *events.APIGatewayProxyRequest, out outcome) events.APIGatewayProxyResponse {
	headers := map[string]string{
		"Content-Type":           "application/json",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
	}
	if out.allow != "" {
		headers["Allow"] = out.allow
	}
	if len(h.cfg.AllowedOrigins) > 0 {
		headers["Vary"] = "Origin"
		if origins := headerValues(ev, "Origin"); len(origins) == 1 && slices.Contains(h.cfg.AllowedOrigins, origins[0]) {
			headers["Access-Control-Allow-Origin"] = origins[0]
			// With a cookie domain, POST /cdn-access sets cookies, which a
			// browser keeps from a credentialed request only; its other
			// answers (errors included) must then be readable with
			// credentials too.
			if h.cfg.CDN != nil && h.cfg.CDN.CookieDomain != "" {
				headers["Access-Control-Allow-Credentials"] = "true"
			}
		}
	}
	resp := events.APIGatewayProxyResponse{StatusCode: out.status, Headers: headers}
	if len(out.cookies) > 0 {
		resp.MultiValueHeaders = map[string][]string{"Set-Cookie": out.cookies}
	}
	if out.body != nil {
		body, err := encode(out.body)
		if err != nil {
			// The bodies are plain structs of strings, numbers, slices
			// and string maps: encoding/json cannot fail on them.
			resp.StatusCode, body = http.StatusInternalServerError, internalError
		}
		resp.Body = body
	}
	return resp
}

// encode is v's JSON as encoding/json writes it, without escaping &, <
// and > (URLs and policies stay as they are; the body is never HTML).
func encode(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

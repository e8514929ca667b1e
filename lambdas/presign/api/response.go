package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/aws/aws-lambda-go/events"
)

// outcome is what a request comes to, before it is written out.
type outcome struct {
	status int
	body   any
	allow  string // the Allow header of a 405
}

// errorBody is every error response's body.
type errorBody struct {
	Message string `json:"message"`
}

// urlBody answers GET /presign.
type urlBody struct {
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt string            `json:"expiresAt"`
}

// postBody answers POST /uploads.
type postBody struct {
	URL       string            `json:"url"`
	Fields    map[string]string `json:"fields"`
	ExpiresAt string            `json:"expiresAt"`
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

// respond writes out as a proxy response: JSON, no-store, CORS for an
// allowed Origin.
func (h *Handler) respond(ev events.APIGatewayProxyRequest, out outcome) events.APIGatewayProxyResponse {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "&" in URLs readable
	if err := enc.Encode(out.body); err != nil {
		// Only strings and string maps are encoded; this cannot happen.
		out.status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"message":"internal error"}`)
	}
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
		}
	}
	return events.APIGatewayProxyResponse{
		StatusCode: out.status,
		Headers:    headers,
		Body:       string(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))),
	}
}

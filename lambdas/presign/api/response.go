package api

import (
	"net/http"
	"slices"

	"github.com/securestore/securestore/lambdas/presign/codec"
)

// outcome is what a request comes to, before it is written out.
type outcome struct {
	status int
	body   body
	allow  string // the Allow header of a 405
	// cookies are Set-Cookie headers (POST /cdn-access with a cookie
	// domain, where every answer to an allowed Origin also carries
	// Access-Control-Allow-Credentials).
	cookies []string
}

// body is a response body. appendJSON writes what encoding/json would
// with SetEscapeHTML(false), the tests compare the two, without its
// reflection.
type body interface {
	appendJSON(dst []byte) []byte
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

func ok(b body) outcome { return outcome{status: http.StatusOK, body: b} }

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

func (b errorBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"message":`...)
	dst = codec.AppendString(dst, b.Message)
	return append(dst, '}')
}

func (b urlBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"url":`...)
	dst = codec.AppendString(dst, b.URL)
	dst = append(dst, `,"method":`...)
	dst = codec.AppendString(dst, b.Method)
	dst = append(dst, `,"headers":`...)
	dst = codec.AppendStringMap(dst, b.Headers)
	dst = append(dst, `,"expiresAt":`...)
	dst = codec.AppendString(dst, b.ExpiresAt)
	return append(dst, '}')
}

func (b postBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"url":`...)
	dst = codec.AppendString(dst, b.URL)
	dst = append(dst, `,"fields":`...)
	dst = codec.AppendStringMap(dst, b.Fields)
	dst = append(dst, `,"expiresAt":`...)
	dst = codec.AppendString(dst, b.ExpiresAt)
	return append(dst, '}')
}

// respond finishes out as a response: JSON, no-store, CORS for an allowed
// Origin.
func (h *Handler) respond(ev *codec.Event, out outcome) codec.Response {
	// With a cookie domain, POST /cdn-access sets cookies, which a browser
	// keeps from a credentialed request only; its other answers (errors
	// included) must then be readable with credentials too.
	credentials := h.cfg.CDN != nil && h.cfg.CDN.CookieDomain != ""
	r := codec.Response{Status: out.status, Allow: out.allow, Cookies: out.cookies, AllowCredentials: credentials}
	r.Body = out.body.appendJSON(r.Scratch())
	if len(h.cfg.AllowedOrigins) > 0 {
		r.Vary = true
		if origins := ev.Origin.Values(); len(origins) == 1 && slices.Contains(h.cfg.AllowedOrigins, origins[0]) {
			r.AllowOrigin = origins[0]
		}
	}
	return r
}

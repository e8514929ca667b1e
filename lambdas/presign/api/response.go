package api

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// outcome is what a request comes to, before it is written out.
type outcome struct {
	status int
	body   body
	allow  string // the Allow header of a 405
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
	dst = appendString(dst, b.Message)
	return append(dst, '}')
}

func (b urlBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"url":`...)
	dst = appendString(dst, b.URL)
	dst = append(dst, `,"method":`...)
	dst = appendString(dst, b.Method)
	dst = append(dst, `,"headers":`...)
	dst = appendStringMap(dst, b.Headers)
	dst = append(dst, `,"expiresAt":`...)
	dst = appendString(dst, b.ExpiresAt)
	return append(dst, '}')
}

func (b postBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"url":`...)
	dst = appendString(dst, b.URL)
	dst = append(dst, `,"fields":`...)
	dst = appendStringMap(dst, b.Fields)
	dst = append(dst, `,"expiresAt":`...)
	dst = appendString(dst, b.ExpiresAt)
	return append(dst, '}')
}

// appendStringMap writes m as encoding/json does: keys sorted, nil as null.
func appendStringMap(dst []byte, m map[string]string) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	// The few headers or fields of a response sort in place, without
	// collecting the keys on the heap.
	var buf [8]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		dst = appendString(dst, m[k])
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string the way encoding/json does with
// SetEscapeHTML(false): the short escapes, \u00XX for other control
// characters, \ufffd for each byte of invalid UTF-8, and U+2028 and U+2029
// escaped for JavaScript.
func appendString[S ~string | ~[]byte](dst []byte, s S) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while none needs a look (see
		// decoder.str for the lanes).
		for i+8 <= len(s) {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			q := x ^ (lanes01 * '"')
			b := x ^ (lanes01 * '\\')
			if ((x-lanes01*0x20)&^x|(q-lanes01)&^q|(b-lanes01)&^b|x)&lanes80 != 0 {
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// response is an answer ready to be written out, as a proxy response
// struct (Handle) or as its JSON (Invoke).
type response struct {
	status      int
	body        []byte   // JSON
	buf         *bodyBuf // body's pooled buffer, for release
	allow       string   // Allow, for a 405
	vary        bool     // Vary: Origin, when CORS is configured
	allowOrigin string   // Access-Control-Allow-Origin, for an allowed Origin
}

// respond finishes out as a response: JSON, no-store, CORS for an allowed
// Origin.
func (h *Handler) respond(ev *event, out outcome) response {
	r := response{status: out.status, allow: out.allow}
	r.buf = bodyBufs.Get().(*bodyBuf)
	r.body = out.body.appendJSON(r.buf.b[:0])
	if len(h.cfg.AllowedOrigins) > 0 {
		r.vary = true
		if origins := ev.origin.values(); len(origins) == 1 && slices.Contains(h.cfg.AllowedOrigins, origins[0]) {
			r.allowOrigin = origins[0]
		}
	}
	return r
}

// bodyBuf is a scratch buffer for a response body.
type bodyBuf struct{ b []byte }

// bodyBufs recycles response bodies: each is copied out (proxy,
// appendJSON) before release returns it.
var bodyBufs = sync.Pool{New: func() any { return &bodyBuf{b: make([]byte, 0, 1024)} }}

// maxPooledBody bounds the buffers kept: an unusually large body is left
// to the collector.
const maxPooledBody = 16 << 10

// release returns r's body buffer to the pool; r.body must not be used
// after it.
func (r *response) release() {
	if r.buf != nil && cap(r.body) <= maxPooledBody {
		r.buf.b = r.body[:0]
		bodyBufs.Put(r.buf)
	}
	r.buf, r.body = nil, nil
}

// Response headers every answer carries.
const (
	contentTypeJSON = "application/json"
	noStore         = "no-store"
	noSniff         = "nosniff"
)

// proxy is r as the proxy response struct.
func (r *response) proxy() events.APIGatewayProxyResponse {
	headers := map[string]string{
		"Content-Type":           contentTypeJSON,
		"Cache-Control":          noStore,
		"X-Content-Type-Options": noSniff,
	}
	if r.allow != "" {
		headers["Allow"] = r.allow
	}
	if r.vary {
		headers["Vary"] = "Origin"
	}
	if r.allowOrigin != "" {
		headers["Access-Control-Allow-Origin"] = r.allowOrigin
	}
	return events.APIGatewayProxyResponse{StatusCode: r.status, Headers: headers, Body: string(r.body)}
}

// appendJSON writes r as the JSON of the proxy response, headers in
// sorted order.
func (r *response) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"statusCode":`...)
	dst = strconv.AppendInt(dst, int64(r.status), 10)
	dst = append(dst, `,"headers":{`...)
	if r.allowOrigin != "" {
		dst = append(dst, `"Access-Control-Allow-Origin":`...)
		dst = appendString(dst, r.allowOrigin)
		dst = append(dst, ',')
	}
	if r.allow != "" {
		dst = append(dst, `"Allow":`...)
		dst = appendString(dst, r.allow)
		dst = append(dst, ',')
	}
	dst = append(dst, `"Cache-Control":"`+noStore+`","Content-Type":"`+contentTypeJSON+`",`...)
	if r.vary {
		dst = append(dst, `"Vary":"Origin",`...)
	}
	dst = append(dst, `"X-Content-Type-Options":"`+noSniff+`"},"body":`...)
	dst = appendString(dst, r.body)
	return append(dst, '}')
}

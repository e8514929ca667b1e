package codec

import (
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// AppendStringMap writes m as encoding/json does: keys sorted, nil as null.
func AppendStringMap(dst []byte, m map[string]string) []byte {
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
		dst = AppendString(dst, k)
		dst = append(dst, ':')
		dst = AppendString(dst, m[k])
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// AppendString writes s as a JSON string the way encoding/json does with
// SetEscapeHTML(false): the short escapes, \u00XX for other control
// characters, \ufffd for each byte of invalid UTF-8, and U+2028 and U+2029
// escaped for JavaScript.
func AppendString[S ~string | ~[]byte](dst []byte, s S) []byte {
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

// Response is a JSON answer ready to be written out, as a proxy response
// struct (Proxy) or as its JSON (AppendJSON). Every one carries
// Content-Type: application/json, Cache-Control: no-store and
// X-Content-Type-Options: nosniff.
type Response struct {
	Status      int
	Body        []byte // JSON, written into Scratch's buffer or any other
	Allow       string // Allow, for a 405
	Vary        bool   // Vary: Origin, when CORS is configured
	AllowOrigin string // Access-Control-Allow-Origin, for an allowed Origin
	// AllowCredentials sends Access-Control-Allow-Credentials: true with
	// AllowOrigin, so that a browser keeps the response's cookies.
	AllowCredentials bool
	// Cookies are Set-Cookie headers, one each (multiValueHeaders).
	Cookies []string
	buf     *bodyBuf
}

// Scratch returns an empty pooled buffer to append the body to; Release
// gives it back.
func (r *Response) Scratch() []byte {
	if r.buf == nil {
		r.buf = bodyBufs.Get().(*bodyBuf)
	}
	return r.buf.b[:0]
}

// bodyBuf is a scratch buffer for a response body.
type bodyBuf struct{ b []byte }

// bodyBufs recycles response bodies: each is copied out (Proxy,
// AppendJSON) before Release returns it.
var bodyBufs = sync.Pool{New: func() any { return &bodyBuf{b: make([]byte, 0, 1024)} }}

// maxPooledBody bounds the buffers kept: an unusually large body is left
// to the collector.
const maxPooledBody = 16 << 10

// Release returns r's Scratch buffer to the pool; r.Body must not be used
// after it.
func (r *Response) Release() {
	if r.buf != nil && cap(r.Body) <= maxPooledBody {
		r.buf.b = r.Body[:0]
		bodyBufs.Put(r.buf)
	}
	r.buf, r.Body = nil, nil
}

// Response headers every answer carries.
const (
	contentTypeJSON = "application/json"
	noStore         = "no-store"
	noSniff         = "nosniff"
)

// Proxy is r as the proxy response struct.
func (r *Response) Proxy() events.APIGatewayProxyResponse {
	headers := map[string]string{
		"Content-Type":           contentTypeJSON,
		"Cache-Control":          noStore,
		"X-Content-Type-Options": noSniff,
	}
	if r.Allow != "" {
		headers["Allow"] = r.Allow
	}
	if r.Vary {
		headers["Vary"] = "Origin"
	}
	if r.AllowOrigin != "" {
		headers["Access-Control-Allow-Origin"] = r.AllowOrigin
		if r.AllowCredentials {
			headers["Access-Control-Allow-Credentials"] = "true"
		}
	}
	resp := events.APIGatewayProxyResponse{StatusCode: r.Status, Headers: headers, Body: string(r.Body)}
	if len(r.Cookies) > 0 {
		resp.MultiValueHeaders = map[string][]string{"Set-Cookie": r.Cookies}
	}
	return resp
}

// AppendJSON writes r as the JSON of the proxy response, headers in
// sorted order.
func (r *Response) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"statusCode":`...)
	dst = strconv.AppendInt(dst, int64(r.Status), 10)
	dst = append(dst, `,"headers":{`...)
	if r.AllowOrigin != "" {
		if r.AllowCredentials {
			dst = append(dst, `"Access-Control-Allow-Credentials":"true",`...)
		}
		dst = append(dst, `"Access-Control-Allow-Origin":`...)
		dst = AppendString(dst, r.AllowOrigin)
		dst = append(dst, ',')
	}
	if r.Allow != "" {
		dst = append(dst, `"Allow":`...)
		dst = AppendString(dst, r.Allow)
		dst = append(dst, ',')
	}
	dst = append(dst, `"Cache-Control":"`+noStore+`","Content-Type":"`+contentTypeJSON+`",`...)
	if r.Vary {
		dst = append(dst, `"Vary":"Origin",`...)
	}
	dst = append(dst, `"X-Content-Type-Options":"`+noSniff+`"},`...)
	if len(r.Cookies) > 0 {
		dst = append(dst, `"multiValueHeaders":{"Set-Cookie":[`...)
		for i, c := range r.Cookies {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, c)
		}
		dst = append(dst, "]},"...)
	}
	dst = append(dst, `"body":`...)
	dst = AppendString(dst, r.Body)
	return append(dst, '}')
}

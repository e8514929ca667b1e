package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/securestore/securestore/lambdas/presign/codec"
	"github.com/securestore/securestore/lambdas/presign/settings"
)

// Delivery values of GET /presign.
const (
	deliveryS3  = "s3"
	deliveryCDN = "cdn"
)

// Query parameters of GET /presign.
const (
	paramKey         = "key"
	paramMethod      = "method"
	paramContentType = "contentType"
	paramChecksum    = "checksumSha256"
	paramLength      = "contentLength"
	paramExpiresIn   = "expiresIn"
	paramDelivery    = "delivery"
)

var presignParams = []string{paramKey, paramMethod, paramContentType, paramLength, paramChecksum, paramExpiresIn, paramDelivery}

// Query parameters of GET /objects.
const (
	paramPrefix  = "prefix"
	paramToken   = "continuationToken"
	paramMaxKeys = "maxKeys"
)

var listParams = []string{paramPrefix, paramToken, paramMaxKeys}

// Listing bounds: maxKeys is 1 to MaxListKeys (S3's page), DefaultListKeys
// when absent.
const (
	DefaultListKeys = 100
	MaxListKeys     = 1000
	// maxToken bounds a continuation token (S3's are a few hundred bytes).
	maxToken = 2048
)

// Fields of the POST /uploads body.
const (
	fieldKey         = "key"
	fieldContentType = "contentType"
	fieldMaxBytes    = "maxBytes"
)

// maxContentType bounds a content type's length.
const maxContentType = 255

// Fields of the POST /multipart body, and of the complete body and its
// parts.
const (
	fieldSize       = "size"
	fieldParts      = "parts"
	fieldPartNumber = "partNumber"
	fieldETag       = "etag"
	fieldPrefix     = "prefix" // POST /cdn-access
)

// MaxCompleteBodyBytes is the largest POST /multipart/{uploadId}/complete
// body accepted: room for settings.MaxParts parts.
const MaxCompleteBodyBytes = 1 << 20

// maxETag bounds a part's ETag (S3's are a quoted MD5, 34 characters).
const maxETag = 128

// Query parameters of the multipart routes: the key, and for a part's URL
// its lifetime.
var (
	multipartParams = []string{paramKey}
	partParams      = []string{paramKey, paramExpiresIn}
)

// request is a parsed request: syntax checked, nothing decided yet.
type request struct {
	op             op
	key            string
	method         string // GET, PUT or DELETE; PUT for an upload
	contentType    string
	checksumSHA256 string
	contentLength  int64 // a PUT's exact body size, checked against the maximum by the handler
	expiresIn      int64
	hasExpiresIn   bool
	prefix         string // GET /objects
	token          string
	maxKeys        int32
	delivery       string
	maxBytes       int64
	hasMaxBytes    bool
	size           int64      // POST /multipart: the whole object's size
	uploadID       string     // the multipart routes: the API's upload id, unchecked
	partNumber     int        // GET /multipart/{uploadId}/parts/{partNumber}
	parts          []partETag // POST /multipart/{uploadId}/complete
}

// partETag is a part of a complete request: its number and the ETag S3
// answered its upload with.
type partETag struct {
	number int
	etag   string
}

// parse reads the request of t from the event, strictly.
func parse(t target, ev *codec.Event) (request, error) {
	params, err := queryParams(ev)
	if err != nil {
		return request{}, err
	}
	noBody := func() error {
		if ev.Body != "" {
			return fmt.Errorf("%s takes no body", t.op)
		}
		return nil
	}
	noQuery := func() error {
		if len(params) > 0 {
			return fmt.Errorf("%s takes no query parameters", t.op)
		}
		return nil
	}
	switch t.op {
	case opPresign:
		if err := noBody(); err != nil {
			return request{}, err
		}
		return parsePresign(params)
	case opUpload:
		if err := noQuery(); err != nil {
			return request{}, err
		}
		return parseUpload(ev)
	case opList:
		if err := noBody(); err != nil {
			return request{}, err
		}
		return parseList(params)
	case opMultipartCreate:
		if err := noQuery(); err != nil {
			return request{}, err
		}
		return parseMultipartCreate(ev)
	case opMultipartParts, opMultipartAbort, opMultipartSign:
		if err := noBody(); err != nil {
			return request{}, err
		}
		known := multipartParams
		if t.op == opMultipartSign {
			known = partParams
		}
		return parseMultipartQuery(t, params, known)
	case opMultipartComplete:
		r, err := parseMultipartQuery(t, params, multipartParams)
		if err != nil {
			return r, err
		}
		r.parts, err = parseComplete(ev)
		return r, err
	case opCDNAccess:
		if err := noQuery(); err != nil {
			return request{}, err
		}
		return parseCDNAccess(ev)
	}
	return request{}, errors.New("unknown operation")
}

// queryParams merges the single- and multi-value query maps, refusing a
// parameter given more than once.
func queryParams(ev *codec.Event) (map[string]string, error) {
	if sameQuery(ev) {
		// API Gateway's usual event: every parameter once, in both maps.
		return ev.Query, nil
	}
	params := make(map[string]string, len(ev.Query))
	for name, vals := range ev.MultiQuery {
		if len(vals) != 1 {
			return nil, fmt.Errorf("parameter %s must be given exactly once", quote(name))
		}
		params[name] = vals[0]
	}
	for name, val := range ev.Query {
		if prev, ok := params[name]; ok && prev != val {
			return nil, fmt.Errorf("parameter %s must be given exactly once", quote(name))
		}
		params[name] = val
	}
	return params, nil
}

// sameQuery reports whether the multi-value query map holds exactly one
// value for each parameter and each of them also in the single-value map,
// which then is the merged parameters as they are. The callers only read
// them.
func sameQuery(ev *codec.Event) bool {
	for name, vals := range ev.MultiQuery {
		if len(vals) != 1 {
			return false
		}
		if v, ok := ev.Query[name]; !ok || v != vals[0] {
			return false
		}
	}
	return ev.Query != nil
}

func parsePresign(params map[string]string) (request, error) {
	if err := unknownParam(params, presignParams); err != nil {
		return request{}, err
	}

	r := request{op: opPresign, method: http.MethodGet, delivery: deliveryS3}
	key, ok := params[paramKey]
	if !ok {
		return r, errors.New("missing parameter key")
	}
	r.key = key

	if m, ok := params[paramMethod]; ok {
		switch m {
		case http.MethodGet, http.MethodPut, http.MethodDelete:
			r.method = m
		default:
			return r, fmt.Errorf("unknown method %s (want GET, PUT or DELETE)", quote(m))
		}
	}

	ct, hasCT := params[paramContentType]
	sum, hasSum := params[paramChecksum]
	length, hasLength := params[paramLength]
	if r.method == http.MethodPut {
		if !hasCT {
			return r, errors.New("PUT needs parameter contentType")
		}
		if err := checkContentType(ct); err != nil {
			return r, fmt.Errorf("contentType: %w", err)
		}
		r.contentType = ct
		if !hasLength {
			return r, errors.New("PUT needs parameter contentLength, the body's exact size in bytes")
		}
		n, err := parseLength(length)
		if err != nil {
			return r, err
		}
		r.contentLength = n
		if hasSum {
			if err := checkChecksum(sum); err != nil {
				return r, fmt.Errorf("checksumSha256: %w", err)
			}
			r.checksumSHA256 = sum
		}
	} else if hasCT || hasSum || hasLength {
		return r, fmt.Errorf("contentType, contentLength and checksumSha256 are for PUT only, not %s", r.method)
	}

	if raw, ok := params[paramExpiresIn]; ok {
		n, err := parseSeconds(raw)
		if err != nil {
			return r, err
		}
		r.expiresIn, r.hasExpiresIn = n, true
	}

	if d, ok := params[paramDelivery]; ok {
		switch d {
		case deliveryS3:
		case deliveryCDN:
			if r.method != http.MethodGet {
				return r, fmt.Errorf("delivery=cdn is for GET only: a CloudFront signature does not bind the method, so %s goes to S3", r.method)
			}
		default:
			return r, fmt.Errorf("unknown delivery %s (want s3 or cdn)", quote(d))
		}
		r.delivery = d
	}
	return r, nil
}

// unknownParam names the first parameter not in known, in sorted order, so
// that the same bad request always gets the same message.
func unknownParam(params map[string]string, known []string) error {
	for _, name := range slices.Sorted(maps.Keys(params)) {
		if !slices.Contains(known, name) {
			return fmt.Errorf("unknown parameter %s (want %s)", quote(name), strings.Join(known, ", "))
		}
	}
	return nil
}

// parseList reads GET /objects: prefix (required, checked as the start of
// a key by the handler), continuationToken (printable ASCII) and maxKeys
// (1 to MaxListKeys, decimal digits).
func parseList(params map[string]string) (request, error) {
	if err := unknownParam(params, listParams); err != nil {
		return request{}, err
	}
	r := request{op: opList, method: http.MethodGet, maxKeys: DefaultListKeys}
	prefix, ok := params[paramPrefix]
	if !ok {
		return r, errors.New("missing parameter prefix")
	}
	r.prefix = prefix
	if t, ok := params[paramToken]; ok {
		if t == "" || len(t) > maxToken || strings.ContainsFunc(t, func(c rune) bool { return c < 0x21 || c > 0x7E }) {
			return r, fmt.Errorf("continuationToken must be 1 to %d printable ASCII characters, as the last answer gave it", maxToken)
		}
		r.token = t
	}
	if raw, ok := params[paramMaxKeys]; ok {
		n, err := strconv.ParseInt(raw, 10, 64)
		if !decimal(raw) || raw[0] == '0' || err != nil || n > MaxListKeys {
			return r, fmt.Errorf("maxKeys %s must be a whole number from 1 to %d", quote(raw), MaxListKeys)
		}
		r.maxKeys = int32(n)
	}
	return r, nil
}

// parseSeconds reads a whole number of seconds written in decimal digits,
// with an optional leading "-" so that negative values get the bounds
// message rather than a syntax one.
func parseSeconds(raw string) (int64, error) {
	if !decimal(strings.TrimPrefix(raw, "-")) {
		return 0, fmt.Errorf("expiresIn %s is not a whole number of seconds", quote(raw))
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("expiresIn %s is not a whole number of seconds", quote(raw))
	}
	return n, nil
}

// IsActiveContent reports whether a browser runs script or markup of the
// media type ct (parameters ignored, case folded) when it is served from a
// web origin: text/html, application/xhtml+xml, image/svg+xml, every XML
// type (text/xml, application/xml, any "+xml" suffix, XSLT), every
// JavaScript and ECMAScript type, multipart/x-mixed-replace, and the types
// that make a browser sniff the content (*/*, unknown/unknown,
// application/unknown). Uploads declaring one are refused unless
// Config.AllowActiveContent.
func IsActiveContent(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case "text/html", "application/xhtml+xml", "image/svg+xml",
		"text/xml", "application/xml", "text/xsl", "application/xslt+xml",
		"text/javascript", "application/javascript", "application/x-javascript",
		"text/ecmascript", "application/ecmascript", "text/jscript", "text/livescript",
		"application/x-ecmascript", "text/x-javascript", "text/x-ecmascript",
		"multipart/x-mixed-replace",
		// Types that tell a browser to sniff, which may then render HTML.
		"*/*", "unknown/unknown", "application/unknown":
		return true
	}
	return strings.HasSuffix(mt, "+xml") || strings.HasPrefix(mt, "text/javascript")
}

// decimal reports whether s is 1 to 18 decimal digits (no sign, space or
// exponent), which fits an int64.
func decimal(s string) bool {
	return s != "" && len(s) <= 18 && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// parseLength reads a PUT's contentLength: decimal digits only (no sign,
// space, exponent or leading zero), at least 1; the handler bounds it.
func parseLength(raw string) (int64, error) {
	if !decimal(raw) || raw[0] == '0' {
		return 0, fmt.Errorf("contentLength %s is not a whole number of bytes, at least 1, in decimal digits", quote(raw))
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("contentLength %s is not a whole number of bytes", quote(raw))
	}
	return n, nil
}

// checkContentType accepts a media type "type/subtype" with optional
// parameters, printable ASCII only.
func checkContentType(ct string) error {
	if ct == "" || len(ct) > maxContentType {
		return fmt.Errorf("want 1 to %d bytes", maxContentType)
	}
	if strings.ContainsFunc(ct, func(r rune) bool { return r < 0x20 || r > 0x7E }) {
		return errors.New("want printable ASCII")
	}
	if isTypeSlashSubtype(ct) {
		// What mime.ParseMediaType accepts without parameters, spared its
		// map.
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !strings.Contains(mt, "/") {
		return fmt.Errorf("%s is not a media type", quote(ct))
	}
	return nil
}

// isTypeSlashSubtype reports whether s is two RFC 2045 tokens joined by a
// slash, "type/subtype" and nothing else.
func isTypeSlashSubtype(s string) bool {
	typ, sub, ok := strings.Cut(s, "/")
	return ok && isToken(typ) && isToken(sub)
}

// isToken reports whether s is a non-empty RFC 2045 token, as mime reads
// them: printable ASCII but space and the tspecials.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7F || strings.IndexByte(`()<>@,;:\"/[]?=`, c) >= 0 {
			return false
		}
	}
	return true
}

// strictBase64 is the decoding checkChecksum accepts.
var strictBase64 = base64.StdEncoding.Strict()

// checkChecksum accepts the standard base64 of 32 bytes.
func checkChecksum(s string) error {
	if decodedLen(s) != 32 {
		return errors.New("want the base64 of a SHA-256 digest (44 characters)")
	}
	return nil
}

// decodedLen is the length of the strict standard base64 s decodes to, -1
// when it is not such base64. A short s is decoded on the stack.
func decodedLen(s string) int {
	if len(s) > 64 {
		b, err := strictBase64.DecodeString(s)
		if err != nil {
			return -1
		}
		return len(b)
	}
	var src [64]byte
	var dst [48]byte
	n, err := strictBase64.Decode(dst[:], src[:copy(src[:], s)])
	if err != nil {
		return -1
	}
	return n
}

// parseUpload reads the POST /uploads body: a JSON object with exactly the
// fields key, contentType and maxBytes (maxBytes optional), each at most
// once, spelled exactly, and nothing after the object.
func parseUpload(ev *codec.Event) (request, error) {
	r := request{op: opUpload, method: http.MethodPut, delivery: deliveryS3}
	err := parseKeyTypeBody(ev, &r, fieldMaxBytes, false, func(raw json.RawMessage) (err error) {
		r.maxBytes, err = jsonInt(raw)
		r.hasMaxBytes = err == nil
		return err
	})
	return r, err
}

// parseMultipartCreate reads the POST /multipart body: exactly key,
// contentType and size (all required), strictly as parseUpload reads its
// body.
func parseMultipartCreate(ev *codec.Event) (request, error) {
	r := request{op: opMultipartCreate, method: http.MethodPut, delivery: deliveryS3}
	err := parseKeyTypeBody(ev, &r, fieldSize, true, func(raw json.RawMessage) (err error) {
		r.size, err = jsonInt(raw)
		return err
	})
	return r, err
}

// parseKeyTypeBody reads into r a JSON body of the fields key and
// contentType (both required) and extra (required when extraRequired),
// which setExtra reads, and nothing else; then checks the content type.
func parseKeyTypeBody(ev *codec.Event, r *request, extra string, extraRequired bool, setExtra func(json.RawMessage) error) error {
	body, err := jsonBody(ev, MaxBodyBytes)
	if err != nil {
		return err
	}
	seen, err := strictObject(body, "body", func(name string, raw json.RawMessage) error {
		var err error
		switch name {
		case fieldKey:
			if r.key, err = jsonString(raw); err != nil {
				return fmt.Errorf("field key: %w", err)
			}
		case fieldContentType:
			if r.contentType, err = jsonString(raw); err != nil {
				return fmt.Errorf("field contentType: %w", err)
			}
		case extra:
			if err := setExtra(raw); err != nil {
				return fmt.Errorf("field %s: %w", extra, err)
			}
		default:
			return fmt.Errorf("unknown field %s (want key, contentType, %s)", quote(name), extra)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fields := []string{fieldKey, fieldContentType}
	if extraRequired {
		fields = append(fields, extra)
	}
	if err := required(seen, fields...); err != nil {
		return err
	}
	if err := checkContentType(r.contentType); err != nil {
		return fmt.Errorf("field contentType: %w", err)
	}
	return nil
}

// parseMultipartQuery reads the query of the routes under
// /multipart/{uploadId}: key (required) and, where known allows it,
// expiresIn; and the part number of a part's route, 1 to settings.MaxParts
// in decimal digits (the plan bounds it further).
func parseMultipartQuery(t target, params map[string]string, known []string) (request, error) {
	r := request{op: t.op, method: http.MethodPut, delivery: deliveryS3, uploadID: t.uploadID}
	if err := unknownParam(params, known); err != nil {
		return r, err
	}
	key, ok := params[paramKey]
	if !ok {
		return r, errors.New("missing parameter key, the key the upload was created for")
	}
	r.key = key
	if raw, ok := params[paramExpiresIn]; ok {
		n, err := parseSeconds(raw)
		if err != nil {
			return r, err
		}
		r.expiresIn, r.hasExpiresIn = n, true
	}
	if t.op == opMultipartSign {
		n, err := strconv.Atoi(t.part)
		if !decimal(t.part) || t.part[0] == '0' || err != nil || n > settings.MaxParts {
			return r, fmt.Errorf("partNumber %s must be a whole number from 1 to %d", quote(t.part), settings.MaxParts)
		}
		r.partNumber = n
	}
	return r, nil
}

// parseComplete reads the complete body: {"parts": [{"partNumber": N,
// "etag": E}, ...]}, 1 to settings.MaxParts parts, each with exactly those
// two fields, numbers ascending without repeats (the order S3 completes
// in).
func parseComplete(ev *codec.Event) ([]partETag, error) {
	body, err := jsonBody(ev, MaxCompleteBodyBytes)
	if err != nil {
		return nil, err
	}
	var parts []partETag
	seen, err := strictObject(body, "body", func(name string, raw json.RawMessage) error {
		if name != fieldParts {
			return fmt.Errorf("unknown field %s (want parts)", quote(name))
		}
		var list []json.RawMessage
		if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &list) != nil {
			return errors.New("field parts: want an array")
		}
		if len(list) < 1 || len(list) > settings.MaxParts {
			return fmt.Errorf("field parts: want 1 to %d parts, received %d", settings.MaxParts, len(list))
		}
		parts = make([]partETag, 0, len(list))
		for i, item := range list {
			var p partETag
			at := fmt.Sprintf("parts[%d]", i)
			seen, err := strictObject(item, at, func(name string, raw json.RawMessage) error {
				switch name {
				case fieldPartNumber:
					n, err := jsonInt(raw)
					if err != nil || n < 1 || n > settings.MaxParts {
						return fmt.Errorf("%s.partNumber: want a whole number from 1 to %d", at, settings.MaxParts)
					}
					p.number = int(n)
				case fieldETag:
					e, err := jsonString(raw)
					if err != nil || e == "" || len(e) > maxETag || strings.ContainsFunc(e, func(r rune) bool { return r < 0x20 || r > 0x7E }) {
						return fmt.Errorf("%s.etag: want the ETag S3 answered the part's upload with, 1 to %d printable ASCII characters", at, maxETag)
					}
					p.etag = e
				default:
					return fmt.Errorf("%s: unknown field %s (want partNumber, etag)", at, quote(name))
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := required(seen, fieldPartNumber, fieldETag); err != nil {
				return fmt.Errorf("%s: %w", at, err)
			}
			if i > 0 && p.number <= parts[i-1].number {
				return fmt.Errorf("%s.partNumber %d: part numbers must ascend without repeats", at, p.number)
			}
			parts = append(parts, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := required(seen, fieldParts); err != nil {
		return nil, err
	}
	return parts, nil
}

// parseCDNAccess reads the POST /cdn-access body: exactly prefix
// (required) and expiresIn (optional, whole seconds).
func parseCDNAccess(ev *codec.Event) (request, error) {
	r := request{op: opCDNAccess, method: http.MethodGet, delivery: deliveryCDN}
	body, err := jsonBody(ev, MaxBodyBytes)
	if err != nil {
		return r, err
	}
	seen, err := strictObject(body, "body", func(name string, raw json.RawMessage) error {
		var err error
		switch name {
		case fieldPrefix:
			if r.prefix, err = jsonString(raw); err != nil {
				return fmt.Errorf("field prefix: %w", err)
			}
		case paramExpiresIn:
			if r.expiresIn, err = jsonInt(raw); err != nil {
				return fmt.Errorf("field expiresIn: want a whole number of seconds")
			}
			r.hasExpiresIn = true
		default:
			return fmt.Errorf("unknown field %s (want prefix, expiresIn)", quote(name))
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	if err := required(seen, fieldPrefix); err != nil {
		return r, err
	}
	return r, nil
}

// jsonBody checks the Content-Type and returns the body, at most limit
// bytes.
func jsonBody(ev *codec.Event, limit int) ([]byte, error) {
	if err := checkJSONContentType(ev); err != nil {
		return nil, err
	}
	return readBody(ev, limit)
}

// strictObject reads data as one JSON object, handing each member to field
// by name: a member given twice, invalid JSON or anything after the object
// is an error naming what (the body, or parts[i]). It returns the names
// seen.
func strictObject(data []byte, what string, field func(name string, raw json.RawMessage) error) (map[string]bool, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%s must be a JSON object", what)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s is not valid JSON", what)
		}
		name, _ := tok.(string)
		if seen[name] {
			return nil, fmt.Errorf("field %s appears twice", quote(name))
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s is not valid JSON", what)
		}
		if err := field(name, raw); err != nil {
			return nil, err
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, fmt.Errorf("%s is not valid JSON", what)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON object of %s", what)
	}
	return seen, nil
}

// required names the first of fields not seen.
func required(seen map[string]bool, fields ...string) error {
	for _, f := range fields {
		if !seen[f] {
			return fmt.Errorf("missing field %s", f)
		}
	}
	return nil
}

// checkJSONContentType wants Content-Type application/json, with at most a
// charset parameter of utf-8.
func checkJSONContentType(ev *codec.Event) error {
	vals := ev.ContentType.Values()
	if len(vals) != 1 {
		return errors.New("want exactly one Content-Type: application/json")
	}
	mt, params, err := mime.ParseMediaType(vals[0])
	if err != nil || mt != "application/json" {
		return errors.New("want Content-Type: application/json")
	}
	for name, val := range params {
		if name != "charset" || !strings.EqualFold(val, "utf-8") {
			return errors.New("want Content-Type: application/json (charset utf-8 at most)")
		}
	}
	return nil
}

// readBody returns the body, decoding base64 when API Gateway encoded it,
// and refuses one over limit bytes or not in UTF-8.
func readBody(ev *codec.Event, limit int) ([]byte, error) {
	tooBig := fmt.Errorf("body is larger than %d bytes", limit)
	var body []byte
	if ev.Base64 {
		if len(ev.Body) > base64.StdEncoding.EncodedLen(limit) {
			return nil, tooBig
		}
		b, err := base64.StdEncoding.DecodeString(ev.Body)
		if err != nil {
			return nil, errors.New("body is not valid base64")
		}
		body = b
	} else {
		body = []byte(ev.Body)
	}
	if len(body) > limit {
		return nil, tooBig
	}
	if !utf8.Valid(body) {
		// encoding/json would quietly turn bad bytes into U+FFFD.
		return nil, errors.New("body is not valid UTF-8")
	}
	return body, nil
}

// jsonString decodes a JSON string (not null, not a number).
func jsonString(raw json.RawMessage) (string, error) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", errors.New("want a string")
	}
	return s, nil
}

// jsonInt decodes a JSON integer (no fraction, exponent, string or null).
func jsonInt(raw json.RawMessage) (int64, error) {
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, errors.New("want a whole number")
	}
	return n, nil
}

// quote quotes a caller's value for a message, cut to a readable length.
func quote(s string) string {
	const limit = 64
	if len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "..."
	}
	return strconv.Quote(s)
}

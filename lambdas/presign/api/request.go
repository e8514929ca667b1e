package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"mime"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/securestore/securestore/lambdas/presign/routes"
)

// The strict reading every route's parser shares: the query merged and
// checked against the route's Params, the JSON body read as an object of
// exactly the route's Body fields, and integer bounds taken from the
// table's schemas for the deployment's routes.Limits.

// MaxBodyBytes is the largest JSON body accepted (POST /uploads, POST
// /multipart, POST /cdn-access), after base64 decoding when API Gateway
// encoded it.
const MaxBodyBytes = 4 << 10

// MaxCompleteBodyBytes is the largest POST /multipart/{uploadId}/complete
// body accepted: room for settings.MaxParts parts.
const MaxCompleteBodyBytes = 1 << 20

// input is a routed request on its way to its route's parser: the route,
// the event, the path parameters the router took, and the query
// parameters, merged from API Gateway's two maps and checked against the
// route's Params.
type input struct {
	route  routes.Route
	ev     *events.APIGatewayProxyRequest
	path   map[string]string
	query  map[string]string
	limits routes.Limits
}

// newInput merges the query and checks it, and the body's presence,
// against the route: a parameter given twice, one the route does not
// list, a required one missing, or a body on a route that takes none, is
// an error.
func newInput(r routes.Route, ev *events.APIGatewayProxyRequest, path map[string]string, l routes.Limits) (*input, error) {
	query, err := mergeQuery(ev)
	if err != nil {
		return nil, err
	}
	if r.Body == nil && ev.Body != "" {
		return nil, fmt.Errorf("%s takes no body", r)
	}
	var known []string
	for i := range r.Params {
		if p := &r.Params[i]; p.In == routes.InQuery {
			known = append(known, p.Name)
		}
	}
	if len(known) == 0 && len(query) > 0 {
		return nil, fmt.Errorf("%s takes no query parameters", r)
	}
	for _, name := range slices.Sorted(maps.Keys(query)) {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("unknown parameter %s (want %s)", quote(name), strings.Join(known, ", "))
		}
	}
	for i := range r.Params {
		p := &r.Params[i]
		if _, ok := query[p.Name]; p.In == routes.InQuery && p.Required && !ok {
			return nil, fmt.Errorf("missing parameter %s, %s", p.Name, p.Doc)
		}
	}
	return &input{route: r, ev: ev, path: path, query: query, limits: l}, nil
}

// mergeQuery merges the single- and multi-value query maps, refusing a
// parameter given more than once (or differently in the two maps).
func mergeQuery(ev *events.APIGatewayProxyRequest) (map[string]string, error) {
	params := make(map[string]string, len(ev.QueryStringParameters))
	for name, vals := range ev.MultiValueQueryStringParameters {
		if len(vals) != 1 {
			return nil, fmt.Errorf("parameter %s must be given exactly once", quote(name))
		}
		params[name] = vals[0]
	}
	for name, val := range ev.QueryStringParameters {
		if prev, ok := params[name]; ok && prev != val {
			return nil, fmt.Errorf("parameter %s must be given exactly once", quote(name))
		}
		params[name] = val
	}
	return params, nil
}

// param is the query parameter name, and whether it was given.
func (in *input) param(name string) (string, bool) {
	v, ok := in.query[name]
	return v, ok
}

// intParam reads the integer query parameter name (wholeNumber), and
// whether it was given.
func (in *input) intParam(name string) (int64, bool, error) {
	raw, ok := in.query[name]
	if !ok {
		return 0, false, nil
	}
	n, ok := wholeNumber(raw)
	if !ok {
		return 0, true, fmt.Errorf("%s %s is not a whole number in decimal digits", name, quote(raw))
	}
	return n, true, nil
}

// enumParam reads the query parameter name, one of its schema's Enum, or
// def when it is absent.
func (in *input) enumParam(name, def string) (string, error) {
	v, ok := in.query[name]
	if !ok {
		return def, nil
	}
	s, _ := in.route.Lookup(name)
	if !slices.Contains(s.Enum, v) {
		return "", fmt.Errorf("unknown %s %s (want %s)", name, quote(v), strings.Join(s.Enum, ", "))
	}
	return v, nil
}

// wholeNumber reads a whole number in canonical decimal: digits without a
// "+", space, exponent or leading zero, at most 18 of them (it fits an
// int64), with an optional leading "-" so that a negative value gets the
// bounds' message rather than a syntax one.
func wholeNumber(raw string) (int64, bool) {
	digits := strings.TrimPrefix(raw, "-")
	if !decimal(digits) || len(digits) > 1 && digits[0] == '0' {
		return 0, false
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	return n, err == nil
}

// decimal reports whether s is 1 to 18 decimal digits (no sign, space or
// exponent), which fits an int64.
func decimal(s string) bool {
	return s != "" && len(s) <= 18 && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// bounds are the least and greatest values the table allows the integer
// value name of r (a parameter or body field) for the deployment's
// limits; an unset bound is the int64 range's end.
func bounds(r routes.Route, name string, l routes.Limits) (lo, hi int64) {
	s, _ := r.Lookup(name)
	return boundsOf(s, l)
}

// boundsOf is bounds for a schema.
func boundsOf(s routes.Schema, l routes.Limits) (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	if s.Minimum.IsSet() {
		lo = s.Minimum.Value(l)
	}
	if s.Maximum.IsSet() {
		hi = s.Maximum.Value(l)
	}
	return lo, hi
}

// within checks n against the table's bounds of name on r: "name must be
// from lo to hi unit".
func within(r routes.Route, name string, n int64, l routes.Limits, unit string) error {
	lo, hi := bounds(r, name, l)
	if n < lo || n > hi {
		return fmt.Errorf("%s must be from %d to %d%s", name, lo, hi, unit)
	}
	return nil
}

// lengthWithin checks a string's length in bytes against the schema's
// MinLength and MaxLength.
func lengthWithin(s routes.Schema, v string) bool {
	return len(v) >= s.MinLength && (s.MaxLength == 0 || len(v) <= s.MaxLength)
}

// matches reports whether v matches the schema's Pattern, if it has one.
func matches(s routes.Schema, v string) bool {
	if s.Pattern == "" {
		return true
	}
	re, err := regexp.Compile(s.Pattern)
	return err == nil && re.MatchString(v)
}

// printable reports whether s is printable ASCII, space excluded.
func printable(s string) bool {
	return !strings.ContainsFunc(s, func(c rune) bool { return c < 0x21 || c > 0x7E })
}

// object reads the body as one JSON object of the route's Body fields
// (strictObject), at most limit bytes, after checking its Content-Type.
func (in *input) object(limit int) (map[string]json.RawMessage, error) {
	if err := checkJSONContentType(in.ev); err != nil {
		return nil, err
	}
	body, err := readBody(in.ev, limit)
	if err != nil {
		return nil, err
	}
	return strictObject(body, "body", in.route.Body.Schema)
}

// strictObject reads data as one JSON object of s's fields, each at most
// once and spelled exactly, every required one present, and nothing after
// the object; errors name what was read (the body, or parts[i]). It
// returns the members by name, undecoded.
func strictObject(data []byte, what string, s routes.Schema) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%s must be a JSON object", what)
	}
	members := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s is not valid JSON", what)
		}
		name, _ := tok.(string)
		if _, ok := s.Field(name); !ok {
			return nil, fmt.Errorf("%s: unknown field %s (want %s)", what, quote(name), strings.Join(s.FieldNames(), ", "))
		}
		if _, ok := members[name]; ok {
			return nil, fmt.Errorf("%s: field %s appears twice", what, quote(name))
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s is not valid JSON", what)
		}
		members[name] = raw
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, fmt.Errorf("%s is not valid JSON", what)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON object of %s", what)
	}
	for _, name := range s.Required() {
		if _, ok := members[name]; !ok {
			return nil, fmt.Errorf("%s: missing field %s", what, name)
		}
	}
	return members, nil
}

// checkJSONContentType wants Content-Type application/json, with at most a
// charset parameter of utf-8.
func checkJSONContentType(ev *events.APIGatewayProxyRequest) error {
	vals := headerValues(ev, "Content-Type")
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
// and refuses one over limit bytes or not in UTF-8 (encoding/json would
// quietly turn bad bytes into U+FFFD).
func readBody(ev *events.APIGatewayProxyRequest, limit int) ([]byte, error) {
	tooBig := fmt.Errorf("body is larger than %d bytes", limit)
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		if len(ev.Body) > base64.StdEncoding.EncodedLen(limit) {
			return nil, tooBig
		}
		b, err := base64.StdEncoding.DecodeString(ev.Body)
		if err != nil {
			return nil, errors.New("body is not valid base64")
		}
		body = b
	}
	if len(body) > limit {
		return nil, tooBig
	}
	if !utf8.Valid(body) {
		return nil, errors.New("body is not valid UTF-8")
	}
	return body, nil
}

// stringField decodes the member name of fields, a JSON string (not null,
// not a number), into dst when it is present.
func stringField(fields map[string]json.RawMessage, name string, dst *string) error {
	raw, ok := fields[name]
	if !ok {
		return nil
	}
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, dst) != nil {
		return fmt.Errorf("field %s: want a string", name)
	}
	return nil
}

// intField decodes the member name of fields, a JSON integer (no
// fraction, exponent, string or null), and reports whether it is present.
func intField(fields map[string]json.RawMessage, name string) (int64, bool, error) {
	raw, ok := fields[name]
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, true, fmt.Errorf("field %s: want a whole number", name)
	}
	return n, true, nil
}

// headerValues returns every value of the header name, matched without
// regard to case: from multiValueHeaders when it has any, else from
// headers.
func headerValues(ev *events.APIGatewayProxyRequest, name string) []string {
	var vals []string
	for k, vs := range ev.MultiValueHeaders {
		if strings.EqualFold(k, name) {
			vals = append(vals, vs...)
		}
	}
	if vals != nil {
		return vals
	}
	for k, v := range ev.Headers {
		if strings.EqualFold(k, name) {
			vals = append(vals, v)
		}
	}
	return vals
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

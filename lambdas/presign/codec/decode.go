package codec

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"strings"
)

// Decoder decodes API Gateway REST proxy events. Build it with
// NewDecoder; it is safe for concurrent use.
type Decoder struct {
	common map[string]string
}

// NewDecoder returns a Decoder that returns each of common (strings every
// event repeats: routes, methods, parameter and claim names) without
// allocating it again.
func NewDecoder(common ...string) *Decoder {
	m := make(map[string]string, len(common))
	for _, s := range common {
		m[s] = s
	}
	return &Decoder{common: m}
}

// Decode reads an API Gateway REST proxy event from the payload the
// Lambda runtime delivers, in one pass and without encoding/json's
// reflection: the event is some 3.5 KB of which the handler reads a few
// fields, and decoding it into events.APIGatewayProxyRequest cost four
// times the signature.
//
// It keeps encoding/json's rules, so that an event decoded here is the one FromProxy takes from the struct the runtime's own decoding fills:
//   - the whole payload must be one valid JSON value (RFC 8259, nesting up
//     to 10000 deep), an object or null, with nothing but white space after
//     it;
//   - member names match the struct tags of events.APIGatewayProxyRequest
//     without regard to case (bytes.EqualFold); a repeated member replaces
//     the earlier value, a repeated object member merges into it, and null
//     leaves a string unchanged and sets a map to nil;
//   - strings with escapes or non-ASCII bytes are unescaped by
//     encoding/json itself (invalid UTF-8 becomes U+FFFD), and values of the
//     claims other than strings are decoded by it into an any.
//
// A field the handler reads with the wrong JSON type is an error, as in
// encoding/json; fields it does not read are checked for syntax only.
func (c *Decoder) Decode(payload []byte) (Event, error) {
	d := decoder{data: payload, common: c.common}
	var ev Event
	d.ws()
	if d.literal("null") {
		return ev, d.end()
	}
	if err := d.eventObject(&ev); err != nil {
		return Event{}, err
	}
	return ev, d.end()
}

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

var errSyntax = errors.New("codec: event: invalid JSON")

// typeError is a value of the wrong JSON type in field, or in one of its
// members or elements.
func typeError(field, want string) error {
	return fmt.Errorf("codec: event: %s: want %s", field, want)
}

// decoder reads JSON from data; i is the next byte.
type decoder struct {
	data   []byte
	i      int
	depth  int
	common map[string]string
}

// intern returns b as a string, without an allocation for the strings
// the decoder's caller named as common (routes, methods, parameter and
// claim names every request repeats).
func (d *decoder) intern(b []byte) string {
	if s, ok := d.common[string(b)]; ok {
		return s
	}
	return string(b)
}

// end accepts only white space after the top-level value.
func (d *decoder) end() error {
	d.ws()
	if d.i != len(d.data) {
		return errSyntax
	}
	return nil
}

func (d *decoder) ws() {
	if d.i < len(d.data) && d.data[d.i] > ' ' {
		return
	}
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end.
func (d *decoder) peek() byte {
	d.ws()
	if d.i < len(d.data) {
		return d.data[d.i]
	}
	return 0
}

// literal consumes lit (true, false or null) if it comes next.
func (d *decoder) literal(lit string) bool {
	if len(d.data)-d.i >= len(lit) && string(d.data[d.i:d.i+len(lit)]) == lit {
		d.i += len(lit)
		return true
	}
	return false
}

// SWAR constants: one bit or byte per lane of a uint64.
const (
	lanes01 = 0x0101010101010101
	lanes80 = 0x8080808080808080
)

// str scans the string starting at d.i (a quote). It returns its raw
// contents, and plain when they hold no escape and no byte over 0x7F, so
// that they are the string itself.
func (d *decoder) str() (raw []byte, plain bool, err error) {
	data := d.data
	start := d.i + 1
	i := start
	plain = true
	for {
		for i+8 <= len(data) {
			x := binary.LittleEndian.Uint64(data[i:])
			q := x ^ (lanes01 * '"')
			b := x ^ (lanes01 * '\\')
			// Set in the lanes of bytes under 0x20, quotes, backslashes
			// and bytes over 0x7F; a borrow can also set lanes above a
			// set one, so the lowest set lane is always a real one.
			if m := ((x-lanes01*0x20)&^x | (q-lanes01)&^q | (b-lanes01)&^b | x) & lanes80; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(data) {
			return nil, false, errSyntax
		}
		switch c := data[i]; {
		case c == '"':
			d.i = i + 1
			return data[start:i], plain, nil
		case c == '\\':
			plain = false
			if i+1 >= len(data) {
				return nil, false, errSyntax
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
					return nil, false, errSyntax
				}
				i += 6
			default:
				return nil, false, errSyntax
			}
		case c < 0x20:
			return nil, false, errSyntax
		case c >= 0x80:
			plain = false
			i++
		default:
			i++
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// stringValue reads a JSON string as encoding/json decodes it.
func (d *decoder) stringValue() (string, error) {
	start := d.i
	raw, plain, err := d.str()
	if err != nil {
		return "", err
	}
	if plain {
		return d.intern(raw), nil
	}
	var s string
	if err := json.Unmarshal(d.data[start:d.i], &s); err != nil {
		return "", errSyntax
	}
	return s, nil
}

// name reads a member name. Plain names (the usual case) are returned
// without a copy. Others are unescaped by encoding/json; with fold (struct
// field names, never map keys) the two non-ASCII runes that
// bytes.EqualFold (and so encoding/json) folds onto ASCII letters, U+017F
// (long s) and U+212A (Kelvin sign), are then replaced by those letters,
// so that is can compare lengths first.
func (d *decoder) name(fold bool) ([]byte, error) {
	if d.peek() != '"' {
		return nil, errSyntax
	}
	start := d.i
	raw, plain, err := d.str()
	if err != nil {
		return nil, err
	}
	if plain {
		return raw, nil
	}
	var s string
	if err := json.Unmarshal(d.data[start:d.i], &s); err != nil {
		return nil, errSyntax
	}
	if fold {
		s = asciiFolds.Replace(s)
	}
	return []byte(s), nil
}

var asciiFolds = strings.NewReplacer("\u017f", "s", "\u212a", "k")

// member reads the next member name of an object whose '{' has been
// consumed; ok is false at its closing '}'. first is true for the first
// call on an object; fold is for struct field names (see name).
func (d *decoder) member(first, fold bool) (name []byte, ok bool, err error) {
	c := d.peek()
	if c == '}' {
		d.i++
		d.depth--
		return nil, false, nil
	}
	if !first {
		if c != ',' {
			return nil, false, errSyntax
		}
		d.i++
	}
	name, err = d.name(fold)
	if err != nil {
		return nil, false, err
	}
	if d.peek() != ':' {
		return nil, false, errSyntax
	}
	d.i++
	return name, true, nil
}

// element moves to the next element of an array whose '[' has been
// consumed; ok is false at its closing ']'.
func (d *decoder) element(first bool) (ok bool, err error) {
	c := d.peek()
	if c == ']' {
		d.i++
		d.depth--
		return false, nil
	}
	if !first {
		if c != ',' {
			return false, errSyntax
		}
		d.i++
	}
	return true, nil
}

// open consumes '{' or '[' and counts the depth.
func (d *decoder) open() error {
	d.i++
	d.depth++
	if d.depth > maxDepth {
		return errors.New("api: event: JSON nested too deep")
	}
	return nil
}

// skip checks the syntax of the next value and steps over it.
func (d *decoder) skip() error {
	switch c := d.peek(); {
	case c == '"':
		_, _, err := d.str()
		return err
	case c == '{':
		if err := d.open(); err != nil {
			return err
		}
		for first := true; ; first = false {
			_, ok, err := d.member(first, false)
			if err != nil || !ok {
				return err
			}
			if err := d.skip(); err != nil {
				return err
			}
		}
	case c == '[':
		if err := d.open(); err != nil {
			return err
		}
		for first := true; ; first = false {
			ok, err := d.element(first)
			if err != nil || !ok {
				return err
			}
			if err := d.skip(); err != nil {
				return err
			}
		}
	case c == '-' || '0' <= c && c <= '9':
		return d.number()
	case d.literal("true"), d.literal("false"), d.literal("null"):
		return nil
	}
	return errSyntax
}

// number steps over a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number() error {
	data, i := d.data, d.i
	digits := func() bool {
		n := i
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
		return i > n
	}
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		digits()
	default:
		return errSyntax
	}
	if i < len(data) && data[i] == '.' {
		i++
		if !digits() {
			return errSyntax
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if !digits() {
			return errSyntax
		}
	}
	d.i = i
	return nil
}

// any reads the next value into an any as encoding/json does; strings
// without escapes take a shortcut.
func (d *decoder) any() (any, error) {
	if d.peek() == '"' {
		return d.stringValue()
	}
	start := d.i
	if err := d.skip(); err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(d.data[start:d.i], &v); err != nil {
		return nil, errSyntax
	}
	return v, nil
}

// is reports whether the member name (as name returns it) matches a
// field's ASCII JSON name the way encoding/json matches them: exactly, else
// by bytes.EqualFold.
func is(name []byte, field string) bool {
	return len(name) == len(field) && (string(name) == field || bytes.EqualFold(name, []byte(field)))
}

// isNull consumes null if it comes next.
func (d *decoder) isNull() bool {
	d.ws()
	return d.literal("null")
}

// optString reads a string field: null leaves *dst as it is.
func (d *decoder) optString(field string, dst *string) error {
	if d.isNull() {
		return nil
	}
	if d.peek() != '"' {
		return typeError(field, "a string")
	}
	s, err := d.stringValue()
	if err != nil {
		return err
	}
	*dst = s
	return nil
}

// eventObject reads the top-level object.
func (d *decoder) eventObject(ev *Event) error {
	if d.peek() != '{' {
		return typeError("event", "an object")
	}
	if err := d.open(); err != nil {
		return err
	}
	for first := true; ; first = false {
		name, ok, err := d.member(first, true)
		if err != nil || !ok {
			return err
		}
		switch {
		case is(name, "resource"):
			err = d.optString("resource", &ev.Resource)
		case is(name, "path"):
			err = d.optString("path", &ev.Path)
		case is(name, "httpMethod"):
			err = d.optString("httpMethod", &ev.HTTPMethod)
		case is(name, "body"):
			err = d.optString("body", &ev.Body)
		case is(name, "isBase64Encoded"):
			switch {
			case d.isNull():
			case d.literal("true"):
				ev.Base64 = true
			case d.literal("false"):
				ev.Base64 = false
			default:
				err = typeError("isBase64Encoded", "a boolean")
			}
		case is(name, "queryStringParameters"):
			err = d.stringMap("queryStringParameters", &ev.Query)
		case is(name, "pathParameters"):
			err = d.stringMap("pathParameters", &ev.PathParams)
		case is(name, "multiValueQueryStringParameters"):
			err = d.listMap("multiValueQueryStringParameters", &ev.MultiQuery, ev.Query)
		case is(name, "headers"):
			err = d.headers(ev, false)
		case is(name, "multiValueHeaders"):
			err = d.headers(ev, true)
		case is(name, "requestContext"):
			err = d.requestContext(ev)
		default:
			err = d.skip()
		}
		if err != nil {
			return err
		}
	}
}

// stringMap reads a map[string]string the way encoding/json fills one:
// null sets it to nil, an object adds to it.
func (d *decoder) stringMap(field string, m *map[string]string) error {
	return objectMap(d, field, "an object of strings", m, func(string) (string, error) {
		var v string
		err := d.optString(field, &v)
		return v, err
	})
}

// listMap reads a map[string][]string the way encoding/json fills one.
// Values equal to the same name's in like share its string.
func (d *decoder) listMap(field string, m *map[string][]string, like map[string]string) error {
	return objectMap(d, field, "an object of string lists", m, func(key string) ([]string, error) {
		return d.stringList(field, like[key])
	})
}

// objectMap reads an object into *m the way encoding/json fills a map: null
// sets it to nil, an object adds its members, each value read by value
// (given the member's interned name). want names the expected shape in a
// type error.
func objectMap[V any](d *decoder, field, want string, m *map[string]V, value func(key string) (V, error)) error {
	if d.isNull() {
		*m = nil
		return nil
	}
	if d.peek() != '{' {
		return typeError(field, want)
	}
	if err := d.open(); err != nil {
		return err
	}
	if *m == nil {
		*m = make(map[string]V, 4)
	}
	for first := true; ; first = false {
		name, ok, err := d.member(first, false)
		if err != nil || !ok {
			return err
		}
		key := d.intern(name)
		v, err := value(key)
		if err != nil {
			return err
		}
		(*m)[key] = v
	}
}

// stringList reads a []string: null is nil, [] is empty, a null element
// is "". An element equal to like is like itself, not a copy.
func (d *decoder) stringList(field, like string) ([]string, error) {
	if d.isNull() {
		return nil, nil
	}
	if d.peek() != '[' {
		return nil, typeError(field, "a list of strings")
	}
	if err := d.open(); err != nil {
		return nil, err
	}
	vs := []string{}
	for first := true; ; first = false {
		ok, err := d.element(first)
		if err != nil || !ok {
			return vs, err
		}
		if like != "" && d.peek() == '"' {
			start := d.i
			raw, plain, err := d.str()
			if err != nil {
				return nil, err
			}
			if plain && string(raw) == like {
				vs = append(vs, like)
				continue
			}
			d.i = start
		}
		var v string
		if err := d.optString(field, &v); err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
}

// headers reads the headers or multiValueHeaders object, keeping only the
// headers the handler reads; the others are checked for type and dropped.
func (d *decoder) headers(ev *Event, multi bool) error {
	field := "headers"
	if multi {
		field = "multiValueHeaders"
	}
	if d.isNull() {
		for _, h := range []*Header{&ev.Origin, &ev.ContentType, &ev.Authorization} {
			if multi {
				h.multi = nil
			} else {
				h.single = nil
			}
		}
		return nil
	}
	if d.peek() != '{' {
		return typeError(field, "an object")
	}
	if err := d.open(); err != nil {
		return err
	}
	for first := true; ; first = false {
		name, ok, err := d.member(first, false)
		if err != nil || !ok {
			return err
		}
		h := ev.headerOf(name)
		if h == nil {
			// Checked as encoding/json would check it, then dropped.
			if err := d.checkStrings(field, multi); err != nil {
				return err
			}
			continue
		}
		var vals []string
		if multi {
			vals, err = d.stringList(field, "")
		} else {
			var v string
			err = d.optString(field, &v)
			vals = []string{v}
		}
		if err != nil {
			return err
		}
		if multi {
			h.multi = setEntry(h.multi, d.intern(name), vals)
		} else {
			h.single = setEntry(h.single, d.intern(name), vals)
		}
	}
}

// checkStrings steps over a string or null (a list of them when list is
// true), refusing any other type, without decoding anything.
func (d *decoder) checkStrings(field string, list bool) error {
	if d.isNull() {
		return nil
	}
	if !list {
		if d.peek() != '"' {
			return typeError(field, "a string")
		}
		_, _, err := d.str()
		return err
	}
	if d.peek() != '[' {
		return typeError(field, "a list of strings")
	}
	if err := d.open(); err != nil {
		return err
	}
	for first := true; ; first = false {
		ok, err := d.element(first)
		if err != nil || !ok {
			return err
		}
		if err := d.checkStrings(field, false); err != nil {
			return err
		}
	}
}

// requestContext reads requestId and authorizer.claims.
func (d *decoder) requestContext(ev *Event) error {
	if d.isNull() {
		return nil
	}
	if d.peek() != '{' {
		return typeError("requestContext", "an object")
	}
	if err := d.open(); err != nil {
		return err
	}
	for first := true; ; first = false {
		name, ok, err := d.member(first, true)
		if err != nil || !ok {
			return err
		}
		switch {
		case is(name, "requestId"):
			err = d.optString("requestContext.requestId", &ev.RequestID)
		case is(name, "authorizer"):
			err = d.authorizer(ev)
		default:
			err = d.skip()
		}
		if err != nil {
			return err
		}
	}
}

// authorizer reads requestContext.authorizer, a map[string]any of which
// only "claims" (matched exactly: it is a map key) is kept.
func (d *decoder) authorizer(ev *Event) error {
	if d.isNull() {
		ev.Claims = nil
		return nil
	}
	if d.peek() != '{' {
		return typeError("requestContext.authorizer", "an object")
	}
	if err := d.open(); err != nil {
		return err
	}
	for first := true; ; first = false {
		name, ok, err := d.member(first, false)
		if err != nil || !ok {
			return err
		}
		if string(name) != "claims" {
			if err := d.skip(); err != nil {
				return err
			}
			continue
		}
		if ev.Claims, err = d.claims(); err != nil {
			return err
		}
	}
}

// claims reads the claims value: an object becomes a map[string]any, as
// encoding/json makes it; anything else is decoded by encoding/json.
func (d *decoder) claims() (any, error) {
	if d.peek() != '{' {
		return d.any()
	}
	if err := d.open(); err != nil {
		return nil, err
	}
	m := make(map[string]any, 8)
	for first := true; ; first = false {
		name, ok, err := d.member(first, false)
		if err != nil {
			return nil, err
		}
		if !ok {
			return m, nil
		}
		key := d.intern(name)
		v, err := d.any()
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
}

// Package codec is the presign function's JSON codec: a one-pass decoder
// of API Gateway REST proxy events (Decode, reading only the fields the API
// reads, with encoding/json's rules), the same Event from the runtime's
// decoded struct (FromProxy), and an encoder of proxy responses with
// pooled buffers (Response, AppendString). It knows nothing of the
// presign API's routes or rules.
package codec

import (
	"bytes"

	"github.com/aws/aws-lambda-go/events"
)

// Event is the part of an API Gateway REST proxy event the presign API
// reads: FromProxy takes it from an events.APIGatewayProxyRequest, Decode
// straight from the payload.
type Event struct {
	Resource   string
	Path       string
	HTTPMethod string
	Query      map[string]string   // queryStringParameters
	MultiQuery map[string][]string // multiValueQueryStringParameters
	PathParams map[string]string   // pathParameters
	Body       string
	Base64     bool   // isBase64Encoded
	RequestID  string // requestContext.requestId
	// Claims is requestContext.authorizer["claims"] as encoding/json
	// decodes it into an any: nil when absent or null.
	Claims any
	// Origin, ContentType and Authorization are the Origin, Content-Type
	// and Authorization headers.
	Origin        Header
	ContentType   Header
	Authorization Header
}

// Header holds the entries of one header, its name matched without regard
// to case, from the headers and multiValueHeaders maps. Entries keep their
// exact names so that a repeated JSON member replaces its earlier value, as
// it does in a Go map.
type Header struct {
	single []headerEntry
	multi  []headerEntry
}

type headerEntry struct {
	name string
	vals []string
}

func setEntry(entries []headerEntry, name string, vals []string) []headerEntry {
	for i := range entries {
		if entries[i].name == name {
			entries[i].vals = vals
			return entries
		}
	}
	return append(entries, headerEntry{name: name, vals: vals})
}

// Values returns every value of the header: from multiValueHeaders when it
// has any, else from headers.
func (h *Header) Values() []string {
	var vals []string
	for _, e := range h.multi {
		vals = append(vals, e.vals...)
	}
	if vals != nil {
		return vals
	}
	for _, e := range h.single {
		vals = append(vals, e.vals...)
	}
	return vals
}

// headerOf returns the header of ev named name ("Origin", "Content-Type"
// or "Authorization", without regard to case) or nil for any other name.
func (ev *Event) headerOf(name []byte) *Header {
	switch {
	case bytes.EqualFold(name, []byte("Authorization")):
		return &ev.Authorization
	case bytes.EqualFold(name, []byte("Origin")):
		return &ev.Origin
	case bytes.EqualFold(name, []byte("Content-Type")):
		return &ev.ContentType
	}
	return nil
}

// FromProxy takes an Event from a decoded proxy event.
func FromProxy(pr *events.APIGatewayProxyRequest) Event {
	ev := Event{
		Resource:   pr.Resource,
		Path:       pr.Path,
		HTTPMethod: pr.HTTPMethod,
		Query:      pr.QueryStringParameters,
		MultiQuery: pr.MultiValueQueryStringParameters,
		PathParams: pr.PathParameters,
		Body:       pr.Body,
		Base64:     pr.IsBase64Encoded,
		RequestID:  pr.RequestContext.RequestID,
		Claims:     pr.RequestContext.Authorizer["claims"],
	}
	for name, v := range pr.Headers {
		if h := ev.headerOf([]byte(name)); h != nil {
			h.single = setEntry(h.single, name, []string{v})
		}
	}
	for name, vs := range pr.MultiValueHeaders {
		if h := ev.headerOf([]byte(name)); h != nil {
			h.multi = setEntry(h.multi, name, vs)
		}
	}
	return ev
}

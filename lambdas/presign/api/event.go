package api

import (
	"bytes"

	"github.com/aws/aws-lambda-go/events"
)

// event is the part of an API Gateway REST proxy event the handler reads.
// Handle fills it from events.APIGatewayProxyRequest, Invoke straight from
// the payload (decodeEvent); the steps after that see only this.
type event struct {
	resource   string
	path       string
	httpMethod string
	query      map[string]string   // queryStringParameters
	multiQuery map[string][]string // multiValueQueryStringParameters
	body       string
	base64     bool   // isBase64Encoded
	requestID  string // requestContext.requestId
	// claims is requestContext.authorizer["claims"] as encoding/json
	// decodes it into an any: nil when absent or null.
	claims any
	// origin, contentType and authorization are the Origin, Content-Type
	// and Authorization headers.
	origin        header
	contentType   header
	authorization header
}

// header holds the entries of one header, its name matched without regard
// to case, from the headers and multiValueHeaders maps. Entries keep their
// exact names so that a repeated JSON member replaces its earlier value, as
// it does in a Go map.
type header struct {
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

// values returns every value of the header: from multiValueHeaders when it
// has any, else from headers.
func (h *header) values() []string {
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
func (ev *event) headerOf(name []byte) *header {
	switch {
	case bytes.EqualFold(name, []byte("Authorization")):
		return &ev.authorization
	case bytes.EqualFold(name, []byte("Origin")):
		return &ev.origin
	case bytes.EqualFold(name, []byte("Content-Type")):
		return &ev.contentType
	}
	return nil
}

// fromProxy takes what the handler reads from a decoded proxy event.
func fromProxy(pr *events.APIGatewayProxyRequest) event {
	ev := event{
		resource:   pr.Resource,
		path:       pr.Path,
		httpMethod: pr.HTTPMethod,
		query:      pr.QueryStringParameters,
		multiQuery: pr.MultiValueQueryStringParameters,
		body:       pr.Body,
		base64:     pr.IsBase64Encoded,
		requestID:  pr.RequestContext.RequestID,
		claims:     pr.RequestContext.Authorizer["claims"],
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

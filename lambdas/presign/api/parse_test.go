package api

import (
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/securestore/securestore/lambdas/presign/codec"
	"github.com/securestore/securestore/lambdas/presign/settings"
)

// FuzzParse feeds raw query strings to GET /presign parsing and raw bodies
// to POST /uploads parsing. Neither panics; what is accepted names only
// known parameters, each once, and a known method; an accepted body was
// small and UTF-8, and its canonical re-encoding parses to the same request.
func FuzzParse(f *testing.F) {
	f.Add("key=tier-1/a&method=GET", `{"key":"a","contentType":"text/plain"}`)
	f.Add("key=a&key=b", `{"key":"a","contentType":"text/plain","maxBytes":10}`)
	f.Add("key=a&method=PUT&contentType=text/plain&checksumSha256=47DEQpj8HBSa%2B%2FTImW%2B5JCeuQeRkm5NMpJWZG3hSuFU%3D&expiresIn=60", `{"key":"a","key":"b"}`)
	f.Add("key=a&delivery=cdn&expiresIn=-1", `{"key":"a","contentType":"text/plain","maxBytes":1.5}`)
	f.Add("sub=x&key=a", `{"key":"a","contentType":"text/plain"} {}`)
	f.Add("key=a", `{"parts":[{"partNumber":1,"etag":"\"abc\""},{"partNumber":2,"etag":"d"}]}`)
	f.Add("key=a", `{"parts":[{"partNumber":2,"etag":"x"},{"partNumber":1,"etag":"y"}]}`)
	f.Fuzz(func(t *testing.T, rawQuery, body string) {
		if q, err := url.ParseQuery(rawQuery); err == nil {
			ev := codec.FromProxy(&events.APIGatewayProxyRequest{MultiValueQueryStringParameters: q})
			r, err := parse(target{op: opPresign}, &ev)
			if err == nil {
				for name, vals := range q {
					if !slices.Contains(presignParams, name) || len(vals) != 1 {
						t.Fatalf("accepted parameter %q with %d values", name, len(vals))
					}
				}
				if !slices.Contains([]string{"GET", "PUT", "DELETE"}, r.method) || r.key != q.Get("key") {
					t.Fatalf("accepted %+v from %q", r, rawQuery)
				}
				if r.delivery == deliveryCDN && r.method != "GET" {
					t.Fatalf("accepted CDN delivery for %s", r.method)
				}
			}
		}

		ev := codec.FromProxy(&events.APIGatewayProxyRequest{Body: body, Headers: map[string]string{"content-type": "application/json"}})
		checkComplete(t, body)
		r, err := parse(target{op: opUpload}, &ev)
		if err != nil {
			return
		}
		if len(body) > MaxBodyBytes || !utf8.ValidString(body) {
			t.Fatalf("accepted a body of %d bytes, UTF-8 %v", len(body), utf8.ValidString(body))
		}
		if r.method != "PUT" || checkContentType(r.contentType) != nil {
			t.Fatalf("accepted %+v", r)
		}
		canon := map[string]any{"key": r.key, "contentType": r.contentType}
		if r.hasMaxBytes {
			canon["maxBytes"] = json.Number(strconv.FormatInt(r.maxBytes, 10))
		}
		b, err := json.Marshal(canon)
		if err != nil {
			t.Fatal(err)
		}
		ev.Body = string(b)
		r2, err := parse(target{op: opUpload}, &ev)
		if err != nil && len(b) <= MaxBodyBytes {
			t.Fatalf("canonical body %s refused: %v", b, err)
		}
		if err == nil && !reflect.DeepEqual(r2, r) {
			t.Fatalf("round trip: %+v != %+v", r2, r)
		}
	})
}

// checkComplete: a complete body parse accepts holds 1 to MaxParts parts,
// numbered 1 to MaxParts in ascending order, each with a printable ETag.
func checkComplete(t *testing.T, body string) {
	t.Helper()
	ev := codec.FromProxy(&events.APIGatewayProxyRequest{Body: body, Headers: map[string]string{"content-type": "application/json"},
		QueryStringParameters: map[string]string{"key": "k"}})
	r, err := parse(target{op: opMultipartComplete, uploadID: "u"}, &ev)
	if err != nil {
		return
	}
	if len(r.parts) < 1 || len(r.parts) > settings.MaxParts {
		t.Fatalf("accepted %d parts", len(r.parts))
	}
	for i, p := range r.parts {
		if p.number < 1 || p.number > settings.MaxParts || i > 0 && p.number <= r.parts[i-1].number || p.etag == "" {
			t.Fatalf("accepted part %d: %+v", i, p)
		}
	}
}

func TestQuote(t *testing.T) {
	cases := []struct{ in, want string }{
		{"abc", `"abc"`},
		{"a\nb", `"a\nb"`},
		{string(make([]byte, 100)), strconv.Quote(string(make([]byte, 64))) + "..."},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\u00e9x", `"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"...`},
	}
	for _, tc := range cases {
		if got := quote(tc.in); got != tc.want {
			t.Errorf("quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

package api

import (
	"bytes"
	"encoding/json"
	"testing"
)

// encodingJSON is what encoding/json writes for v with SetEscapeHTML(false),
// the encoder the handler used before writing its bodies itself.
func encodingJSON(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// TestBodies_AsEncodingJSON: each body type writes what encoding/json
// writes for it.
func TestBodies_AsEncodingJSON(t *testing.T) {
	bodies := []body{
		errorBody{},
		errorBody{Message: `unknown parameter "a\nb" (want key, method)`},
		urlBody{URL: "https://x/k?a=1&b=2", Method: "PUT", Headers: map[string]string{"X-Amz-Checksum-Sha256": "47DEQ+/=", "Content-Type": "text/plain; charset=\"utf-8\""}, ExpiresAt: "2026-01-02T03:04:05Z"},
		urlBody{URL: "u", Method: "GET", Headers: map[string]string{}},
		urlBody{},
		postBody{URL: "https://b.s3.amazonaws.com", Fields: map[string]string{"key": "users/é/\u2028", "policy": "eyJ9", "X-Amz-Date": "1", "Content-Type": "image/png"}, ExpiresAt: "t"},
		postBody{},
		listBody{Objects: []listEntry{}},
		listBody{Objects: []listEntry{{Key: "users/u/a \u2028.txt", Size: 5, LastModified: "2026-12-01T00:00:00Z", ETag: `"d41d8cd98f00b204e9800998ecf8427e"`}, {Key: "k"}}, NextContinuationToken: new(string)},
	}
	for _, s := range []string{"", "\x00\x1f", "\u2028", "\xff", "é 日本"} {
		bodies = append(bodies, errorBody{Message: s}, urlBody{URL: s, Method: s, Headers: map[string]string{s: s, s + "x": ""}, ExpiresAt: s})
	}
	for _, b := range bodies {
		if got, want := string(b.appendJSON(nil)), encodingJSON(t, b); got != want {
			t.Errorf("%#v:\n got %s\nwant %s", b, got, want)
		}
	}
}

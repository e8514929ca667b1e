package codec

import (
	"bytes"
	"encoding/json"
	"testing"
)

// encodingJSON is what encoding/json writes for v with SetEscapeHTML(false),
// the encoder the function used before writing its bodies itself.
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

var stringCases = []string{
	"", "plain", `"quoted" \back\slash/`, "\x00\x01\x1f\x7f", "\b\f\n\r\t", "<&>", "é ü 日本 😀",
	"\u2028\u2029", "\xff", "a\xc0\xafb", "\xed\xa0\x80", "trunc\xe6\x97", "https://b.s3.amazonaws.com/k?X-Amz-Date=1&a=b",
}

// FuzzAppendString: AppendString writes what encoding/json writes.
func FuzzAppendString(f *testing.F) {
	for _, s := range stringCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendString(nil, s)), encodingJSON(t, s); got != want {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
		if got, want := string(AppendString(nil, []byte(s))), encodingJSON(t, s); got != want {
			t.Fatalf("AppendString([]byte(%q)) = %s, want %s", s, got, want)
		}
	})
}

func TestAppendStringMap_AsEncodingJSON(t *testing.T) {
	for _, m := range []map[string]string{nil, {}, {"b": "2", "a": "1"}, {"\u2028": "\xff", "k": stringCases[2]}} {
		if got, want := string(AppendStringMap(nil, m)), encodingJSON(t, m); got != want {
			t.Errorf("AppendStringMap(%q) = %s, want %s", m, got, want)
		}
	}
}

// The proxy response's JSON is the struct's, as encoding/json writes it.
func TestResponse_JSONIsTheProxyStruct(t *testing.T) {
	for _, r := range []Response{
		{Status: 200, Body: []byte(`{"url":"https://x/\u2028"}`)},
		{Status: 405, Body: []byte(`{"message":"m"}`), Allow: "GET"},
		{Status: 403, Body: []byte(`{}`), Vary: true, AllowOrigin: "https://app.example.com"},
		{Status: 200, Body: []byte(`{}`), Vary: true, AllowOrigin: "https://app.example.com", AllowCredentials: true,
			Cookies: []string{"CloudFront-Policy=a; Path=/p/; Secure", "CloudFront-Signature=b~_-; HttpOnly"}},
		{Status: 200, Body: []byte(`{}`), AllowCredentials: true},
		{Status: 204},
	} {
		var got, want map[string]any
		if err := json.Unmarshal(r.AppendJSON(nil), &got); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(r.Proxy())
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if want["multiValueHeaders"] == nil {
			delete(want, "multiValueHeaders") // null: the same to API Gateway as absent
		}
		if g, w := encodingJSON(t, got), encodingJSON(t, want); g != w {
			t.Errorf("AppendJSON = %s, want %s", g, w)
		}
	}
}

func BenchmarkAppendString(b *testing.B) {
	s := "https://securestore-data.s3.eu-west-1.amazonaws.com/users/7c9e6679/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261201%2Feu-west-1%2Fs3%2Faws4_request"
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendString(buf[:0], s)
	}
}

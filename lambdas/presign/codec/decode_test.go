package codec

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// testDecoder interns a few strings, as the API's does.
var testDecoder = NewDecoder("GET", "/presign", "sub")

// viaEncodingJSON is what Handle sees of payload: encoding/json into the
// proxy request, then fromProxy.
func viaEncodingJSON(payload []byte) (Event, error) {
	var pr events.APIGatewayProxyRequest
	if err := json.Unmarshal(payload, &pr); err != nil {
		return Event{}, err
	}
	return FromProxy(&pr), nil
}

// comparable puts an event in a form where header entries (gathered from
// map iteration by fromProxy) are in a fixed order.
func normalized(ev Event) Event {
	for _, h := range []*Header{&ev.Origin, &ev.ContentType, &ev.Authorization} {
		for _, es := range []*[]headerEntry{&h.single, &h.multi} {
			*es = slices.Clone(*es)
			slices.SortFunc(*es, func(a, b headerEntry) int { return strings.Compare(a.name, b.name) })
			if len(*es) == 0 {
				*es = nil
			}
		}
	}
	return ev
}

// checkSameAsEncodingJSON is the decoder's contract: invalid JSON is
// refused; what encoding/json decodes, Decode decodes to the same
// event.
func checkSameAsEncodingJSON(t *testing.T, payload []byte) {
	t.Helper()
	got, err := testDecoder.Decode(payload)
	if !json.Valid(payload) {
		if err == nil {
			t.Fatalf("Decode accepted invalid JSON %q", payload)
		}
		return
	}
	want, wantErr := viaEncodingJSON(payload)
	if wantErr != nil {
		return // a type error in a field; Decode may skip the field
	}
	if err != nil {
		t.Fatalf("testDecoder.Decode(%q): %v; encoding/json accepts it", payload, err)
	}
	if g, w := normalized(got), normalized(want); !reflect.DeepEqual(g, w) {
		t.Fatalf("testDecoder.Decode(%q)\n got %#v\nwant %#v", payload, g, w)
	}
}

// decodeCases are payloads on the edges of encoding/json's rules.
var decodeCases = []string{
	`null`,
	` {} `,
	`{"resource":"/presign","path":"/presign","httpMethod":"GET"}`,
	`{"Resource":"/a","PATH":"/b","httpmethod":"GET"}`,
	`{"re\u0073ource":"/escaped-name"}`,
	`{"resource":"/first","resource":"/second"}`,
	`{"resource":"/kept","resource":null}`,
	`{"body":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00","isBase64Encoded":true}`,
	`{"body":"lone surrogate \ud800 and \udc00"}`,
	"{\"body\":\"invalid UTF-8 \xff\xfe and \xc0\xaf\"}",
	"{\"ke\xffy\":\"x\"}",
	`{"isBase64Encoded":true,"isBase64Encoded":false}`,
	`{"isBase64Encoded":null}`,
	"{\"i\u017fBase64Encoded\":true}",
	"{\"queryStringParameters\":{\"\u212aey\":\"long-k\",\"key\":\"k\"}}",
	`{"queryStringParameters":{"key":"a","key":"b"}}`,
	`{"queryStringParameters":{"key":"a"},"queryStringParameters":{"method":"PUT"}}`,
	`{"queryStringParameters":{"key":"a"},"queryStringParameters":null}`,
	`{"queryStringParameters":{"key":null}}`,
	`{"pathParameters":{"uploadId":"5.dXBsb2Fk","partNumber":"3"}}`,
	`{"pathParameters":{"uploadId":"a","uploadId":"b"},"pathParameters":{"partNumber":null}}`,
	`{"pathParameters":{"uploadId":"a"},"pathParameters":null}`,
	`{"pathParameters":{"uploadId":1}}`,
	`{"multiValueQueryStringParameters":{"key":["a","b"],"method":[],"x":null,"y":[null]}}`,
	`{"multiValueQueryStringParameters":{"key":["a"]},"multiValueQueryStringParameters":{"key":["b"],"z":["c"]}}`,
	`{"headers":{"Origin":"https://a","origin":"https://b","ORIGIN":null,"Content-Type":"application/json","X":"y"}}`,
	`{"headers":{"Origin":"https://a","Origin":"https://b"}}`,
	`{"headers":{"Origin":"https://a"},"headers":{"content-type":"text/plain"}}`,
	`{"headers":{"Origin":"https://a"},"headers":null}`,
	`{"multiValueHeaders":{"Origin":["https://a","https://b"],"content-type":[],"Accept":["*/*"]}}`,
	`{"multiValueHeaders":{"Origin":null},"headers":{"Origin":"x"}}`,
	`{"requestContext":{"requestId":"r1","REQUESTID":"r2","authorizer":{"principalId":"p","claims":{"sub":"s","email":"e@x","cognito:groups":"a,b"}}}}`,
	`{"requestContext":{"authorizer":{"claims":{"sub":"s"}}},"requestContext":{"requestId":"r"}}`,
	`{"requestContext":{"authorizer":{"claims":{"sub":"s"}}},"requestContext":{"authorizer":{"other":1}}}`,
	`{"requestContext":{"authorizer":{"claims":{"sub":"s"}}},"requestContext":{"authorizer":null}}`,
	`{"requestContext":{"authorizer":{"Claims":{"sub":"s"}}}}`,
	`{"requestContext":{"authorizer":{"claims":{"sub":"a","sub":"b","n":1.5e3,"l":["x",2,null],"o":{"k":true},"f":false,"z":null}}}}`,
	`{"requestContext":{"authorizer":{"claims":"{\"sub\":\"s\"}"}}}`,
	`{"requestContext":{"authorizer":{"claims":[1,2]}}}`,
	`{"requestContext":{"authorizer":{"claims":null}}}`,
	`{"requestContext":null,"stageVariables":{"a":"b"},"pathParameters":null}`,
	`{"unknown":{"deep":[1,-0,0.5,-1e-7,2E+3,true,false,null,"s",{}]},"resource":"/r"}`,
	// Syntax errors.
	``, ` `, `{`, `}`, `{"resource":"/a",}`, `{"resource":"/a" "path":"/b"}`, `{"resource"}`,
	`{"resource":"/a"}x`, `{"resource":"/a"}{}`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":-}`,
	`{"a":+1}`, `{"a":tru}`, `{"a":nul}`, `{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\u12G4"}`, "{\"a\":\"tab\tinside\"}",
	`{"a":"unterminated}`, `{"a":[1,]}`, `{"a":[,1]}`, `{"a":{"b":1,}}`, `{'a':1}`, `[]`, `"string"`, `42`, `true`,
	// Type errors in read fields.
	`{"resource":5}`, `{"isBase64Encoded":"true"}`, `{"queryStringParameters":{"key":1}}`, `{"queryStringParameters":[]}`,
	`{"multiValueQueryStringParameters":{"key":"a"}}`, `{"multiValueQueryStringParameters":{"key":[1]}}`,
	`{"headers":{"X":1}}`, `{"headers":[]}`, `{"multiValueHeaders":{"X":"y"}}`, `{"requestContext":[]}`,
	`{"requestContext":{"requestId":1}}`, `{"requestContext":{"authorizer":"x"}}`,
}

func TestDecodeEvent_SameAsEncodingJSON(t *testing.T) {
	for _, payload := range decodeCases {
		t.Run(payload, func(t *testing.T) { checkSameAsEncodingJSON(t, []byte(payload)) })
	}
	t.Run("fixture", func(t *testing.T) {
		b, err := os.ReadFile("../api/testdata/apigw-request.json")
		if err != nil {
			t.Fatal(err)
		}
		checkSameAsEncodingJSON(t, b)
	})
}

func TestDecodeEvent_Refuses(t *testing.T) {
	cases := []string{
		`[]`, `"s"`, `1`, `true`, `{"resource":5}`, `{"isBase64Encoded":"true"}`, `{"queryStringParameters":{"key":1}}`,
		`{"multiValueQueryStringParameters":{"key":"a"}}`, `{"headers":{"Origin":["a"]}}`, `{"requestContext":{"authorizer":"x"}}`,
		`{"resource":"/a"}x`, `{"a":1.}`, `{"a":"\x"}`,
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		`{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
	}
	for _, payload := range cases {
		if _, err := testDecoder.Decode([]byte(payload)); err == nil {
			t.Errorf("testDecoder.Decode(%.40q) = nil error", payload)
		}
	}
	deep := `{"a":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`
	if _, err := testDecoder.Decode([]byte(deep)); err != nil {
		t.Errorf("nesting of 10000 refused: %v", err)
	}
}

// FuzzDecodeEvent compares Decode with encoding/json on any bytes.
func FuzzDecodeEvent(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	if b, err := os.ReadFile("../api/testdata/apigw-request.json"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		checkSameAsEncodingJSON(t, payload)
	})
}

// BenchmarkDecode decodes aws-lambda-go's API Gateway sample event, as
// Invoke does for every request.
func BenchmarkDecode(b *testing.B) {
	payload, err := os.ReadFile("../api/testdata/apigw-request.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := testDecoder.Decode(payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode_EncodingJSON is the baseline: encoding/json into the
// proxy request struct, then FromProxy.
func BenchmarkDecode_EncodingJSON(b *testing.B) {
	payload, err := os.ReadFile("../api/testdata/apigw-request.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := viaEncodingJSON(payload); err != nil {
			b.Fatal(err)
		}
	}
}

package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/securestore/securestore/lambdas/presign/multipart"
)

// hostileCase is a request that must be refused before anything is signed.
type hostileCase struct {
	name   string
	event  func(t testing.TB) events.APIGatewayProxyRequest
	status int // 400 or 403; 404 for an upload id not issued here, 405 for a method a route does not take
}

// get is GET /presign by alice (groups tier-1) with query q.
func get(q map[string]string) func(testing.TB) events.APIGatewayProxyRequest {
	return getAs(q, claims(alice, "tier-1"))
}

func getAs(q map[string]string, cl map[string]any) func(testing.TB) events.APIGatewayProxyRequest {
	return func(t testing.TB) events.APIGatewayProxyRequest { return getEvent(t, q, cl) }
}

// post is POST /uploads by alice (groups tier-1) with body.
func post(body string) func(testing.TB) events.APIGatewayProxyRequest {
	return func(t testing.TB) events.APIGatewayProxyRequest { return postEvent(t, body, claims(alice, "tier-1")) }
}

// with adapts an event after it is built.
func with(base func(testing.TB) events.APIGatewayProxyRequest, edit func(*events.APIGatewayProxyRequest)) func(testing.TB) events.APIGatewayProxyRequest {
	return func(t testing.TB) events.APIGatewayProxyRequest {
		ev := base(t)
		edit(&ev)
		return ev
	}
}

// hostileCases is the hostile table (issue 5). Query values are given as
// API Gateway delivers them: already percent-decoded once, so a literal
// "%2e" here arrived double-encoded ("%252e") on the wire.
func hostileCases() []hostileCase {
	home := "users/" + alice + "/"
	bobHome := "users/" + bob + "/"
	k := func(key string) func(testing.TB) events.APIGatewayProxyRequest {
		return get(map[string]string{"key": key})
	}
	up := func(key string) string {
		return `{"key":"` + key + `","contentType":"text/plain","maxBytes":100}`
	}
	return []hostileCase{
		// Path traversal, plain and encoded.
		{"dot-dot into another home", k(home + "../" + bob + "/x"), 400},
		{"leading dot-dot", k("../etc/passwd"), 400},
		{"dot-dot at the end", k(home + ".."), 400},
		{"percent-encoded dot-dot", k(home + "%2e%2e/" + bob + "/x"), 400},
		{"percent-encoded dot-dot, upper case", k(home + "%2E%2E/x"), 400},
		{"encoded slash", k(home + "..%2F" + bob), 400},
		{"encoded slash in a segment", k("users/" + alice + "%2Fx"), 400},
		{"double-encoded dot", k(home + "%252e%252e/x"), 400},
		{"encoded backslash", k(home + "..%5cx"), 400},
		{"backslash traversal", k(home + "..\\x"), 400},
		{"empty segment //", k(home + "/x"), 400},
		{"dot segment /./", k(home + "./x"), 400},
		{"leading slash", k("/" + home + "x"), 400},
		{"trailing slash", k(home + "dir/"), 400},
		{"empty key", k(""), 400},
		// Control characters.
		{"NUL", k(home + "a\x00b"), 400},
		{"newline (log forging)", k(home + "a\nstatus=200"), 400},
		{"carriage return", k(home + "a\rb"), 400},
		{"DEL", k(home + "a\x7fb"), 400},
		{"C1 NEL", k(home + "a\u0085b"), 400},
		{"line separator", k(home + "a\u2028b"), 400},
		{"encoded NUL", k(home + "a%00b"), 400},
		{"invalid UTF-8", k(home + "a\xffb"), 400},
		{"overlong UTF-8 slash", k(home + "a\xc0\xafb"), 400},
		// Length.
		{"key of 1025 bytes", k(home + strings.Repeat("a", 1025-len(home))), 400},
		{"key of 64 KiB", k(home + strings.Repeat("a", 64<<10)), 400},
		// Unicode tricks.
		{"right-to-left override", k(home + "gpj.\u202Eexe"), 400},
		{"full-width solidus", k("users\uFF0F" + bob + "\uFF0Fx"), 400},
		{"division slash", k(home + "..\u2215" + bob), 400},
		{"fraction slash", k(home + "a\u2044b"), 400},
		{"full-width full stop segment", k(home + "\uFF0E\uFF0E/x"), 400},
		{"one dot leader pair", k(home + "\u2024\u2024/x"), 400},
		{"zero-width space", k(home + "a\u200Bb"), 400},
		{"byte order mark", k("\uFEFF" + home + "x"), 400},
		{"combining marks on dots in another home", k(bobHome + ".\u0301./x"), 403},
		// Another user's home and prefix confusion.
		{"GET in another home", k(bobHome + "diary.txt"), 403},
		{"PUT in another home", get(map[string]string{"key": bobHome + "x", "method": "PUT", "contentLength": "5", "contentType": "text/plain"}), 403},
		{"DELETE in another home", get(map[string]string{"key": bobHome + "x", "method": "DELETE"}), 403},
		{"sub as a prefix of another user id", k("users/" + alice + "x/y"), 403},
		{"home without its slash", k("users/" + alice), 403},
		{"tier-10 is not tier-1", k("tier-10/x"), 403},
		{"tier-1 without a slash", k("tier-1"), 403},
		{"tier-1 look-alike with a suffix", k("tier-1-private/x"), 403},
		{"write to a read-only tier", get(map[string]string{"key": "tier-1/x", "method": "PUT", "contentLength": "5", "contentType": "text/plain"}), 403},
		{"delete in a read-only tier", get(map[string]string{"key": "tier-1/x", "method": "DELETE"}), 403},
		{"no rule covers the key", k("public/x"), 403},
		// Identity supplied by the caller.
		{"sub in the query", get(map[string]string{"key": bobHome + "x", "sub": bob}), 400},
		{"groups claim in the query", get(map[string]string{"key": "tier-2/x", "cognito:groups": "tier-2"}), 400},
		{"groups in the query", get(map[string]string{"key": "tier-2/x", "groups": "tier-2"}), 400},
		{"user id in the query", get(map[string]string{"key": bobHome + "x", "userId": bob}), 400},
		{"groups field in the body", post(`{"key":"tier-2/x","contentType":"text/plain","groups":["tier-2"]}`), 400},
		{"sub field in the body", post(`{"key":"` + bobHome + `x","contentType":"text/plain","sub":"` + bob + `"}`), 400},
		{"claims object in the body", post(`{"key":"` + bobHome + `x","contentType":"text/plain","claims":{"sub":"` + bob + `"}}`), 400},
		{"groups header only", with(k("tier-2/x"), func(ev *events.APIGatewayProxyRequest) {
			ev.Headers["X-Cognito-Groups"] = "tier-2"
		}), 403},
		// Claims missing or odd.
		{"no claims", getAs(map[string]string{"key": home + "x"}, nil), 403},
		{"no authorizer", with(k(home+"x"), func(ev *events.APIGatewayProxyRequest) { ev.RequestContext.Authorizer = nil }), 403},
		{"empty claims", getAs(map[string]string{"key": home + "x"}, map[string]any{}), 403},
		{"claims not an object", with(k(home+"x"), func(ev *events.APIGatewayProxyRequest) {
			ev.RequestContext.Authorizer["claims"] = `{"sub":"` + alice + `"}`
		}), 403},
		{"empty sub", getAs(map[string]string{"key": "users//x"}, claims("", "tier-1")), 403},
		{"sub with a slash", getAs(map[string]string{"key": "users/" + bob + "/x"}, claims(alice+"/../"+bob, "tier-1")), 403},
		{"sub dot-dot", getAs(map[string]string{"key": "users/x"}, claims("..", "")), 403},
		{"sub not a string", getAs(map[string]string{"key": home + "x"}, map[string]any{"sub": 42}), 403},
		{"groups unbalanced bracket", getAs(map[string]string{"key": "tier-1/x"}, claims(alice, "[tier-1")), 403},
		{"groups a number", getAs(map[string]string{"key": "tier-1/x"}, map[string]any{"sub": alice, "cognito:groups": 7}), 403},
		{"groups list with a number", getAs(map[string]string{"key": "tier-1/x"}, map[string]any{"sub": alice, "cognito:groups": []any{"tier-1", 2}}), 403},
		{"groups with a wildcard name", getAs(map[string]string{"key": "tier-2/x"}, claims(alice, "*")), 403},
		{"groups differ in case", getAs(map[string]string{"key": "tier-2/x"}, claims(alice, "TIER-2")), 403},
		// Methods.
		{"method POST", get(map[string]string{"key": home + "x", "method": "POST"}), 400},
		{"method lower case", get(map[string]string{"key": home + "x", "method": "get"}), 400},
		{"method PATCH", get(map[string]string{"key": home + "x", "method": "PATCH"}), 400},
		{"method HEAD", get(map[string]string{"key": home + "x", "method": "HEAD"}), 400},
		{"method empty", get(map[string]string{"key": home + "x", "method": ""}), 400},
		{"method with a space", get(map[string]string{"key": home + "x", "method": "GET "}), 400},
		// Parameters.
		{"unknown parameter", get(map[string]string{"key": home + "x", "foo": "bar"}), 400},
		{"parameter in another case", get(map[string]string{"Key": home + "x"}), 400},
		{"bucket parameter", get(map[string]string{"key": home + "x", "bucket": "other"}), 400},
		{"missing key", get(map[string]string{"method": "GET"}), 400},
		{"repeated key", with(k(home+"x"), func(ev *events.APIGatewayProxyRequest) {
			ev.MultiValueQueryStringParameters["key"] = []string{home + "x", bobHome + "x"}
			ev.QueryStringParameters["key"] = bobHome + "x"
		}), 400},
		{"repeated method", with(k(home+"x"), func(ev *events.APIGatewayProxyRequest) {
			ev.MultiValueQueryStringParameters["method"] = []string{"GET", "DELETE"}
			ev.QueryStringParameters["method"] = "DELETE"
		}), 400},
		{"single and multi maps disagree", with(k(home+"x"), func(ev *events.APIGatewayProxyRequest) {
			ev.QueryStringParameters["key"] = bobHome + "x"
		}), 400},
		{"contentType on GET", get(map[string]string{"key": home + "x", "contentType": "text/plain"}), 400},
		{"checksum on DELETE", get(map[string]string{"key": home + "x", "method": "DELETE", "checksumSha256": sha256OfEmpty}), 400},
		{"PUT without contentType", get(map[string]string{"key": home + "x", "method": "PUT"}), 400},
		{"contentType not a media type", get(map[string]string{"key": home + "x", "method": "PUT", "contentLength": "5", "contentType": "text"}), 400},
		{"contentType header injection", get(map[string]string{"key": home + "x", "method": "PUT", "contentLength": "5", "contentType": "text/plain\r\nx-amz-acl: public-read"}), 400},
		{"checksum not base64", get(map[string]string{"key": home + "x", "method": "PUT", "contentLength": "5", "contentType": "text/plain", "checksumSha256": "not base64!"}), 400},
		{"checksum of the wrong length", get(map[string]string{"key": home + "x", "method": "PUT", "contentLength": "5", "contentType": "text/plain", "checksumSha256": "AAAA"}), 400},
		{"delivery cdn for PUT", get(map[string]string{"key": home + "x", "method": "PUT", "contentLength": "5", "contentType": "text/plain", "delivery": "cdn"}), 400},
		{"delivery cdn for DELETE", get(map[string]string{"key": home + "x", "method": "DELETE", "delivery": "cdn"}), 400},
		{"unknown delivery", get(map[string]string{"key": home + "x", "delivery": "ftp"}), 400},
		{"body on GET", with(k(home+"x"), func(ev *events.APIGatewayProxyRequest) { ev.Body = `{"key":"x"}` }), 400},
		// Expiry.
		{"expiry 0", get(map[string]string{"key": home + "x", "expiresIn": "0"}), 400},
		{"expiry negative", get(map[string]string{"key": home + "x", "expiresIn": "-60"}), 400},
		{"expiry over the maximum", get(map[string]string{"key": home + "x", "expiresIn": "604800"}), 400},
		{"expiry overflowing int64", get(map[string]string{"key": home + "x", "expiresIn": "99999999999999999999"}), 400},
		{"expiry not numeric", get(map[string]string{"key": home + "x", "expiresIn": "soon"}), 400},
		{"expiry with a fraction", get(map[string]string{"key": home + "x", "expiresIn": "60.5"}), 400},
		{"expiry in exponent form", get(map[string]string{"key": home + "x", "expiresIn": "1e2"}), 400},
		{"expiry with a plus sign", get(map[string]string{"key": home + "x", "expiresIn": "+60"}), 400},
		{"expiry with a space", get(map[string]string{"key": home + "x", "expiresIn": " 60"}), 400},
		{"expiry empty", get(map[string]string{"key": home + "x", "expiresIn": ""}), 400},
		{"expiry in full-width digits", get(map[string]string{"key": home + "x", "expiresIn": "\uFF16\uFF10"}), 400},
		// POST /uploads bodies.
		{"upload to another home", post(up(bobHome + "x")), 403},
		{"upload to a read-only tier", post(up("tier-1/x")), 403},
		{"upload with a traversal key", post(up(home + "../" + bob + "/x")), 400},
		{"upload with an escaped NUL in JSON", post(`{"key":"` + home + `a\u0000b","contentType":"text/plain"}`), 400},
		{"upload with an escaped RLO in JSON", post(`{"key":"` + home + `a\u202eb","contentType":"text/plain"}`), 400},
		{"malformed JSON", post(`{"key":`), 400},
		{"empty body", post(``), 400},
		{"JSON null", post(`null`), 400},
		{"JSON array", post(`[` + up(home+"x") + `]`), 400},
		{"JSON string", post(`"` + home + `x"`), 400},
		{"trailing data", post(up(home+"x") + `{}`), 400},
		{"trailing garbage", post(up(home+"x") + `x`), 400},
		{"duplicate key field", post(`{"key":"` + home + `x","contentType":"text/plain","key":"` + bobHome + `x"}`), 400},
		{"field in another case", post(`{"Key":"` + home + `x","contentType":"text/plain"}`), 400},
		{"missing key field", post(`{"contentType":"text/plain"}`), 400},
		{"missing contentType field", post(`{"key":"` + home + `x"}`), 400},
		{"key null", post(`{"key":null,"contentType":"text/plain"}`), 400},
		{"key a number", post(`{"key":1,"contentType":"text/plain"}`), 400},
		{"maxBytes a string", post(`{"key":"` + home + `x","contentType":"text/plain","maxBytes":"100"}`), 400},
		{"maxBytes a fraction", post(`{"key":"` + home + `x","contentType":"text/plain","maxBytes":1.5}`), 400},
		{"maxBytes in exponent form", post(`{"key":"` + home + `x","contentType":"text/plain","maxBytes":1e3}`), 400},
		{"maxBytes over the maximum", post(`{"key":"` + home + `x","contentType":"text/plain","maxBytes":10485761}`), 400},
		{"maxBytes 5 TiB", post(`{"key":"` + home + `x","contentType":"text/plain","maxBytes":5497558138880}`), 400},
		{"maxBytes zero", post(`{"key":"` + home + `x","contentType":"text/plain","maxBytes":0}`), 400},
		{"maxBytes negative", post(`{"key":"` + home + `x","contentType":"text/plain","maxBytes":-1}`), 400},
		{"maxBytes overflowing int64", post(`{"key":"` + home + `x","contentType":"text/plain","maxBytes":9223372036854775808}`), 400},
		{"contentType field not a media type", post(`{"key":"` + home + `x","contentType":"nope"}`), 400},
		{"contentType field of 256 bytes", post(`{"key":"` + home + `x","contentType":"text/` + strings.Repeat("a", 251) + `"}`), 400},
		{"contentType parameter of 256 bytes", putAs(home+"x", "text/"+strings.Repeat("a", 251)), 400},
		{"multipart contentType of 256 bytes", mpCreate(`{"key":"` + home + `a","contentType":"text/` + strings.Repeat("a", 251) + `","size":1}`), 400},
		{"body over the limit", post(`{"key":"` + home + `x","contentType":"text/plain","maxBytes":100` + strings.Repeat(" ", 4096) + `}`), 400},
		{"base64 body over the limit", with(post(base64.StdEncoding.EncodeToString([]byte(up(home+"x")+strings.Repeat(" ", 4096)))), func(ev *events.APIGatewayProxyRequest) {
			ev.IsBase64Encoded = true
		}), 400},
		{"body not base64 when flagged", with(post(up(home+"x")), func(ev *events.APIGatewayProxyRequest) { ev.IsBase64Encoded = true }), 400},
		{"body not UTF-8", post(`{"key":"` + home + "a\xffb" + `","contentType":"text/plain"}`), 400},
		{"deeply nested value", post(`{"key":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `,"contentType":"text/plain"}`), 400},
		{"upload Content-Type text/plain", with(post(up(home+"x")), func(ev *events.APIGatewayProxyRequest) {
			setHeader(ev, "Content-Type", "text/plain")
		}), 400},
		{"upload Content-Type form", with(post(up(home+"x")), func(ev *events.APIGatewayProxyRequest) {
			setHeader(ev, "content-type", "application/x-www-form-urlencoded")
		}), 400},
		{"upload Content-Type with another charset", with(post(up(home+"x")), func(ev *events.APIGatewayProxyRequest) {
			setHeader(ev, "Content-Type", "application/json; charset=utf-16")
		}), 400},
		{"upload without Content-Type", with(post(up(home+"x")), func(ev *events.APIGatewayProxyRequest) {
			delete(ev.Headers, "Content-Type")
			delete(ev.MultiValueHeaders, "Content-Type")
		}), 400},
		{"upload with a query parameter", with(post(up(home+"x")), func(ev *events.APIGatewayProxyRequest) {
			ev.QueryStringParameters = map[string]string{"sub": bob}
			ev.MultiValueQueryStringParameters = map[string][]string{"sub": {bob}}
		}), 400},
		{"upload without claims", with(post(up(home+"x")), func(ev *events.APIGatewayProxyRequest) {
			ev.RequestContext.Authorizer = nil
		}), 403},

		// Issue 13: groups come from the ID token, never the flattened claim.
		{"a group named with a comma forges a tier", token(k("tier-2/x"), "guests,tier-2", map[string]any{"cognito:groups": []string{"guests,tier-2"}}), 403},
		{"a group named in brackets forges a tier", token(k("tier-2/x"), "[tier-2]", map[string]any{"cognito:groups": []string{"[tier-2]"}}), 403},
		{"a group named with a space and a bracket", token(k("tier-2/x"), "[guests tier-2]", map[string]any{"cognito:groups": []string{"guests tier-2"}}), 403},
		{"the token's sub is another user's", token(k(bobHome+"x"), "tier-1", map[string]any{"sub": bob}), 403},
		{"an access token instead of the ID token", token(k("tier-1/x"), "tier-1", map[string]any{"token_use": "access"}), 403},
		{"a token without token_use", token(k("tier-1/x"), "tier-1", map[string]any{"token_use": nil}), 403},
		{"the token's groups a string", token(k("tier-1/x"), "tier-1", map[string]any{"cognito:groups": "tier-1"}), 403},
		{"the token's groups with a number", token(k("tier-1/x"), "tier-1", map[string]any{"cognito:groups": []any{"tier-1", 2}}), 403},
		{"no Authorization header", with(k("tier-1/x"), func(ev *events.APIGatewayProxyRequest) {
			delete(ev.Headers, "Authorization")
			delete(ev.MultiValueHeaders, "Authorization")
		}), 403},
		{"two Authorization headers", with(k("tier-1/x"), func(ev *events.APIGatewayProxyRequest) {
			ev.MultiValueHeaders["Authorization"] = append(ev.MultiValueHeaders["Authorization"], ev.Headers["Authorization"])
		}), 403},
		{"Authorization not a JWT", with(k("tier-1/x"), func(ev *events.APIGatewayProxyRequest) { setHeader(ev, "Authorization", "Bearer abc") }), 403},
		{"token payload not base64url", with(k("tier-1/x"), func(ev *events.APIGatewayProxyRequest) { setHeader(ev, "Authorization", "e30.%%%.c2ln") }), 403},
		{"token payload not an object", with(k("tier-1/x"), func(ev *events.APIGatewayProxyRequest) {
			setHeader(ev, "Authorization", "e30."+base64.RawURLEncoding.EncodeToString([]byte(`["tier-2"]`))+".c2ln")
		}), 403},
		{"upload with a forged group", with(post(up("tier-2/x")), func(ev *events.APIGatewayProxyRequest) {
			setToken(ev, claims(alice, ""), map[string]any{"cognito:groups": []string{"tier-2,x"}})
		}), 403},

		// Issue 13: a PUT's size is signed.
		{"PUT without contentLength", get(map[string]string{"key": home + "x", "method": "PUT", "contentType": "text/plain"}), 400},
		{"contentLength zero", put(home+"x", "0"), 400},
		{"contentLength negative", put(home+"x", "-1"), 400},
		{"contentLength with a plus", put(home+"x", "+5"), 400},
		{"contentLength with a leading zero", put(home+"x", "05"), 400},
		{"contentLength in exponent form", put(home+"x", "1e3"), 400},
		{"contentLength with a space", put(home+"x", " 5"), 400},
		{"contentLength hexadecimal", put(home+"x", "0x10"), 400},
		{"contentLength empty", put(home+"x", ""), 400},
		{"contentLength over maxUploadBytes", put(home+"x", "10485761"), 400},
		{"contentLength 5 GiB and a byte", put(home+"x", "5368709121"), 400},
		{"contentLength overflowing int64", put(home+"x", "9223372036854775808"), 400},
		{"contentLength on a GET", get(map[string]string{"key": home + "x", "contentLength": "5"}), 400},
		{"contentLength on a DELETE", get(map[string]string{"key": home + "x", "method": "DELETE", "contentLength": "5"}), 400},

		// Issue 13: no active content stored for the distribution's origin.
		{"PUT of text/html", putAs(home+"x", "text/html"), 400},
		{"PUT of HTML with a charset, in capitals", putAs(home+"x", "TEXT/HTML; charset=utf-8"), 400},
		{"PUT of SVG", putAs(home+"x", "image/svg+xml"), 400},
		{"PUT of XHTML", putAs(home+"x", "application/xhtml+xml"), 400},
		{"PUT of JavaScript", putAs(home+"x", "text/javascript"), 400},
		{"PUT of application/javascript", putAs(home+"x", "application/javascript"), 400},
		{"PUT of XML", putAs(home+"x", "application/xml"), 400},
		{"PUT of an +xml type", putAs(home+"x", "application/atom+xml"), 400},
		{"PUT of XSLT", putAs(home+"x", "text/xsl"), 400},
		{"PUT of a type that makes browsers sniff", putAs(home+"x", "unknown/unknown"), 400},
		{"PUT of */*", putAs(home+"x", "*/*"), 400},
		{"POST of text/html", post(`{"key":"` + home + `x","contentType":"text/html"}`), 400},
		{"POST of SVG", post(`{"key":"` + home + `x","contentType":"image/svg+xml; charset=utf-8"}`), 400},

		// Issue 13: no POST policy variable reachable from a key.
		{"key with ${filename}", k(home + "${filename}"), 400},
		{"upload key with ${filename}", post(up(home + "${filename}")), 400},
		{"PUT key with ${", putAs(home+"a${b}", "text/plain"), 400},

		// Issue 15: listing only under what the caller may read.
		{"list without a prefix", lst(map[string]string{}), 400},
		{"list the whole bucket", lst(map[string]string{"prefix": ""}), 400},
		{"list every home", lst(map[string]string{"prefix": "users/"}), 403},
		{"list another home", lst(map[string]string{"prefix": bobHome}), 403},
		{"list another home by a prefix of its name", lst(map[string]string{"prefix": "users/" + bob[:8]}), 403},
		{"list a tier above the caller's", lst(map[string]string{"prefix": "tier-2/"}), 403},
		{"list tier-1 without its slash, which would take in tier-10/", lst(map[string]string{"prefix": "tier-1"}), 403},
		{"list with dot-dot", lst(map[string]string{"prefix": home + "../" + bob + "/"}), 400},
		{"list with a control character", lst(map[string]string{"prefix": home + "\x00"}), 400},
		{"list with an unknown parameter", lst(map[string]string{"prefix": home, "delimiter": "/"}), 400},
		{"maxKeys zero", lst(map[string]string{"prefix": home, "maxKeys": "0"}), 400},
		{"maxKeys over 1000", lst(map[string]string{"prefix": home, "maxKeys": "1001"}), 400},
		{"maxKeys not a number", lst(map[string]string{"prefix": home, "maxKeys": "ten"}), 400},
		{"maxKeys with a leading zero", lst(map[string]string{"prefix": home, "maxKeys": "010"}), 400},
		{"maxKeys with a plus", lst(map[string]string{"prefix": home, "maxKeys": "+10"}), 400},
		{"continuation token empty", lst(map[string]string{"prefix": home, "continuationToken": ""}), 400},
		{"continuation token with a space", lst(map[string]string{"prefix": home, "continuationToken": "a b"}), 400},
		{"continuation token over the limit", lst(map[string]string{"prefix": home, "continuationToken": strings.Repeat("A", 2049)}), 400},
		{"list with a body", with(lst(map[string]string{"prefix": home}), func(ev *events.APIGatewayProxyRequest) { ev.Body = "{}" }), 400},
		{"list with a forged group", token(lst(map[string]string{"prefix": "tier-2/"}), "guests,tier-2", map[string]any{"cognito:groups": []string{"guests,tier-2"}}), 403},
		{"list without claims", with(lst(map[string]string{"prefix": home}), func(ev *events.APIGatewayProxyRequest) { ev.RequestContext.Authorizer = nil }), 403},

		// Issue 15: multipart uploads, each call decided again.
		{"multipart into another home", mpCreate(`{"key":"` + bobHome + `big.bin","contentType":"application/octet-stream","size":20971520}`), 403},
		{"multipart into a tier the caller only reads", mpCreate(`{"key":"tier-1/big.bin","contentType":"application/octet-stream","size":20971520}`), 403},
		{"multipart over maxUploadBytes", mpCreate(`{"key":"` + home + `big.bin","contentType":"application/octet-stream","size":10485761}`), 400},
		{"multipart of size zero", mpCreate(`{"key":"` + home + `big.bin","contentType":"application/octet-stream","size":0}`), 400},
		{"multipart of negative size", mpCreate(`{"key":"` + home + `big.bin","contentType":"application/octet-stream","size":-1}`), 400},
		{"multipart size as a string", mpCreate(`{"key":"` + home + `big.bin","contentType":"application/octet-stream","size":"100"}`), 400},
		{"multipart size fractional", mpCreate(`{"key":"` + home + `big.bin","contentType":"application/octet-stream","size":1.5}`), 400},
		{"multipart without size", mpCreate(`{"key":"` + home + `big.bin","contentType":"application/octet-stream"}`), 400},
		{"multipart with an unknown field", mpCreate(`{"key":"` + home + `big.bin","contentType":"application/octet-stream","size":1,"partSize":1}`), 400},
		{"multipart with a repeated field", mpCreate(`{"key":"` + home + `a","key":"` + bobHome + `a","contentType":"text/plain","size":1}`), 400},
		{"multipart of active content", mpCreate(`{"key":"` + home + `a.html","contentType":"text/html","size":1}`), 400},
		{"multipart with dot-dot", mpCreate(`{"key":"` + home + `../` + bob + `/a","contentType":"text/plain","size":1}`), 400},
		{"multipart with a query", with(mpCreate(`{"key":"`+home+`a","contentType":"text/plain","size":1}`), func(ev *events.APIGatewayProxyRequest) {
			ev.QueryStringParameters = map[string]string{"key": "x"}
			ev.MultiValueQueryStringParameters = map[string][]string{"key": {"x"}}
		}), 400},
		{"multipart without claims", with(mpCreate(`{"key":"`+home+`a","contentType":"text/plain","size":1}`), func(ev *events.APIGatewayProxyRequest) { ev.RequestContext.Authorizer = nil }), 403},
		{"sign a part of another's upload key", mpSign(uploadID, "1", map[string]string{"key": bobHome + "big.bin"}), 403},
		{"sign a part in a tier", mpSign(uploadID, "1", map[string]string{"key": "tier-1/big.bin"}), 403},
		{"sign part 0", mpSign(uploadID, "0", map[string]string{"key": home + "big.bin"}), 400},
		{"sign part 10001", mpSign(uploadID, "10001", map[string]string{"key": home + "big.bin"}), 400},
		{"sign a part beyond the plan", mpSign(uploadID, "2", map[string]string{"key": home + "big.bin"}), 400},
		{"sign part -1", mpSign(uploadID, "-1", map[string]string{"key": home + "big.bin"}), 400},
		{"sign part 01", mpSign(uploadID, "01", map[string]string{"key": home + "big.bin"}), 400},
		{"sign part 1.0", mpSign(uploadID, "1.0", map[string]string{"key": home + "big.bin"}), 400},
		{"sign a part without the key", mpSign(uploadID, "1", map[string]string{}), 400},
		{"sign a part with a contentLength of its own", mpSign(uploadID, "1", map[string]string{"key": home + "big.bin", "contentLength": "99999999"}), 400},
		{"sign a part of an id not issued here", mpSign("not-an-id", "1", map[string]string{"key": home + "big.bin"}), 404},
		{"sign a part of an id with an edited size over the limit", mpSign("10485761.YWJj", "1", map[string]string{"key": home + "big.bin"}), 400},
		{"sign a part of an id with a zero size", mpSign("0.YWJj", "1", map[string]string{"key": home + "big.bin"}), 404},
		{"sign a part for too long", mpSign(uploadID, "1", map[string]string{"key": home + "big.bin", "expiresIn": "301"}), 400},
		// GET /multipart/{uploadId}/parts: a batch of part URLs.
		{"sign a batch of another's upload key", mpBatch(uploadID, map[string]string{"key": bobHome + "big.bin"}), 403},
		{"sign a batch in a read-only tier", mpBatch(uploadID, map[string]string{"key": "tier-1/big.bin"}), 403},
		{"sign a batch with a forged group", token(mpBatch(uploadID, map[string]string{"key": "tier-2/big.bin"}), "guests,tier-2", map[string]any{"cognito:groups": []string{"guests,tier-2"}}), 403},
		{"sign a batch of count 0", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "count": "0"}), 400},
		{"sign a batch of count 101", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "count": "101"}), 400},
		{"sign a batch of count -1", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "count": "-1"}), 400},
		{"sign a batch of count 1e2", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "count": "1e2"}), 400},
		{"sign a batch of count 0x10", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "count": "0x10"}), 400},
		{"sign a batch of count +5", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "count": "+5"}), 400},
		{"sign a batch of count 2^63", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "count": "9223372036854775808"}), 400},
		{"sign a batch of an empty count", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "count": ""}), 400},
		{"sign a batch from 0", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "from": "0"}), 400},
		{"sign a batch from -1", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "from": "-1"}), 400},
		{"sign a batch from 01", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "from": "01"}), 400},
		{"sign a batch from 1.0", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "from": "1.0"}), 400},
		{"sign a batch from one", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "from": "one"}), 400},
		{"sign a batch from beyond the plan", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "from": "2"}), 400},
		{"sign a batch from 10001", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "from": "10001"}), 400},
		{"sign a batch with a repeated from", with(mpBatch(uploadID, map[string]string{"key": home + "big.bin", "from": "1"}), func(ev *events.APIGatewayProxyRequest) {
			ev.MultiValueQueryStringParameters["from"] = []string{"1", "2"}
		}), 400},
		{"sign a batch with a count differing between the query maps", with(mpBatch(uploadID, map[string]string{"key": home + "big.bin", "count": "1"}), func(ev *events.APIGatewayProxyRequest) {
			ev.QueryStringParameters["count"] = "100"
		}), 400},
		{"sign a batch with a repeated key", with(mpBatch(uploadID, map[string]string{"key": home + "big.bin"}), func(ev *events.APIGatewayProxyRequest) {
			ev.MultiValueQueryStringParameters["key"] = []string{home + "big.bin", bobHome + "big.bin"}
			ev.QueryStringParameters["key"] = bobHome + "big.bin"
		}), 400},
		{"sign a batch without the key", mpBatch(uploadID, map[string]string{"count": "1"}), 400},
		{"sign a batch with a partNumber", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "partNumber": "1"}), 400},
		{"sign a batch with a contentLength of its own", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "contentLength": "99999999"}), 400},
		{"sign a batch for too long", mpBatch(uploadID, map[string]string{"key": home + "big.bin", "expiresIn": "301"}), 400},
		{"sign a batch with dot-dot in the key", mpBatch(uploadID, map[string]string{"key": home + "../" + bob + "/big.bin"}), 400},
		{"sign a batch of an id not issued here", mpBatch("not-an-id", map[string]string{"key": home + "big.bin"}), 404},
		{"sign a batch of an id with an edited size over the limit", mpBatch("10485761.YWJj", map[string]string{"key": home + "big.bin"}), 400},
		{"sign a batch with a body", with(mpBatch(uploadID, map[string]string{"key": home + "big.bin"}), func(ev *events.APIGatewayProxyRequest) { ev.Body = "{}" }), 400},
		{"sign a batch with POST", with(mpBatch(uploadID, map[string]string{"key": home + "big.bin"}), func(ev *events.APIGatewayProxyRequest) { ev.HTTPMethod = "POST" }), 405},
		{"sign a batch without claims", with(mpBatch(uploadID, map[string]string{"key": home + "big.bin"}), func(ev *events.APIGatewayProxyRequest) { ev.RequestContext.Authorizer = nil }), 403},
		{"list parts of another's key", mpUpload("GET", uploadID, map[string]string{"key": bobHome + "big.bin"}, ""), 403},
		{"list parts with a body", mpUpload("GET", uploadID, map[string]string{"key": home + "big.bin"}, "{}"), 400},
		{"abort another's upload", mpUpload("DELETE", uploadID, map[string]string{"key": bobHome + "big.bin"}, ""), 403},
		{"abort with a forged group", token(mpUpload("DELETE", uploadID, map[string]string{"key": "tier-2/big.bin"}, ""), "guests,tier-2", map[string]any{"cognito:groups": []string{"guests,tier-2"}}), 403},
		{"complete another's upload", mpComplete(uploadID, map[string]string{"key": bobHome + "big.bin"}, `{"parts":[{"partNumber":1,"etag":"e"}]}`), 403},
		{"complete without parts", mpComplete(uploadID, map[string]string{"key": home + "big.bin"}, `{"parts":[]}`), 400},
		{"complete with parts out of order", mpComplete(uploadID, map[string]string{"key": home + "big.bin"}, `{"parts":[{"partNumber":2,"etag":"a"},{"partNumber":1,"etag":"b"}]}`), 400},
		{"complete with a repeated part", mpComplete(uploadID, map[string]string{"key": home + "big.bin"}, `{"parts":[{"partNumber":1,"etag":"a"},{"partNumber":1,"etag":"b"}]}`), 400},
		{"complete with part 0", mpComplete(uploadID, map[string]string{"key": home + "big.bin"}, `{"parts":[{"partNumber":0,"etag":"a"}]}`), 400},
		{"complete with an empty etag", mpComplete(uploadID, map[string]string{"key": home + "big.bin"}, `{"parts":[{"partNumber":1,"etag":""}]}`), 400},
		{"complete with an etag holding a newline", mpComplete(uploadID, map[string]string{"key": home + "big.bin"}, `{"parts":[{"partNumber":1,"etag":"a\nb"}]}`), 400},
		{"complete with an unknown part field", mpComplete(uploadID, map[string]string{"key": home + "big.bin"}, `{"parts":[{"partNumber":1,"etag":"a","size":5}]}`), 400},
		{"complete with parts not an array", mpComplete(uploadID, map[string]string{"key": home + "big.bin"}, `{"parts":{"1":"a"}}`), 400},
		{"complete with more than 10000 parts", mpComplete(uploadID, map[string]string{"key": home + "big.bin"}, manyParts(10001)), 400},
		{"complete with a body over 1 MiB", mpComplete(uploadID, map[string]string{"key": home + "big.bin"}, `{"parts":[{"partNumber":1,"etag":"`+strings.Repeat("a", 1<<20)+`"}]}`), 400},
		{"complete with trailing data", mpComplete(uploadID, map[string]string{"key": home + "big.bin"}, `{"parts":[{"partNumber":1,"etag":"a"}]} x`), 400},
		{"multipart with a method it does not take", with(mpUpload("GET", uploadID, map[string]string{"key": home + "big.bin"}, ""), func(ev *events.APIGatewayProxyRequest) { ev.HTTPMethod = "PUT" }), 405},

		// Issue 15: folder access through CloudFront.
		{"folder of another home", cdnFolder(`{"prefix":"` + bobHome + `"}`), 403},
		{"folder of every home", cdnFolder(`{"prefix":"users/"}`), 403},
		{"folder of a tier above", cdnFolder(`{"prefix":"tier-2/"}`), 403},
		{"folder without its slash", cdnFolder(`{"prefix":"` + home[:len(home)-1] + `"}`), 400},
		{"folder of the whole bucket", cdnFolder(`{"prefix":""}`), 400},
		{"folder with a wildcard to widen", cdnFolder(`{"prefix":"` + home + `*"}`), 400},
		{"folder with dot-dot", cdnFolder(`{"prefix":"` + home + `../` + bob + `/"}`), 400},
		{"folder with an empty segment", cdnFolder(`{"prefix":"` + home + `/"}`), 400},
		{"folder for too long", cdnFolder(`{"prefix":"` + home + `","expiresIn":301}`), 400},
		{"folder with an unknown field", cdnFolder(`{"prefix":"` + home + `","resource":"*"}`), 400},
		{"folder with a forged group", token(cdnFolder(`{"prefix":"tier-2/"}`), "guests,tier-2", map[string]any{"cognito:groups": []string{"guests,tier-2"}}), 403},
	}
}

// uploadID is an upload id this API could have issued, of a 100-byte
// object (one part).
var uploadID = multipart.ID{Upload: "abc", Size: 100}.String()

// mpCreate is POST /multipart by alice with body.
func mpCreate(body string) func(testing.TB) events.APIGatewayProxyRequest {
	return func(t testing.TB) events.APIGatewayProxyRequest {
		return routeEvent(t, "POST", "/multipart", nil, nil, body, claims(alice, "tier-1"))
	}
}

// mpSign is GET /multipart/{uploadId}/parts/{partNumber} by alice.
func mpSign(id, part string, q map[string]string) func(testing.TB) events.APIGatewayProxyRequest {
	return func(t testing.TB) events.APIGatewayProxyRequest {
		return routeEvent(t, "GET", "/multipart/{uploadId}/parts/{partNumber}", map[string]string{"uploadId": id, "partNumber": part}, q, "", claims(alice, "tier-1"))
	}
}

// mpBatch is GET /multipart/{uploadId}/parts by alice.
func mpBatch(id string, q map[string]string) func(testing.TB) events.APIGatewayProxyRequest {
	return func(t testing.TB) events.APIGatewayProxyRequest {
		return routeEvent(t, "GET", "/multipart/{uploadId}/parts", map[string]string{"uploadId": id}, q, "", claims(alice, "tier-1"))
	}
}

// mpUpload is GET or DELETE /multipart/{uploadId} by alice.
func mpUpload(method, id string, q map[string]string, body string) func(testing.TB) events.APIGatewayProxyRequest {
	return func(t testing.TB) events.APIGatewayProxyRequest {
		return routeEvent(t, method, "/multipart/{uploadId}", map[string]string{"uploadId": id}, q, body, claims(alice, "tier-1"))
	}
}

// mpComplete is POST /multipart/{uploadId}/complete by alice.
func mpComplete(id string, q map[string]string, body string) func(testing.TB) events.APIGatewayProxyRequest {
	return func(t testing.TB) events.APIGatewayProxyRequest {
		return routeEvent(t, "POST", "/multipart/{uploadId}/complete", map[string]string{"uploadId": id}, q, body, claims(alice, "tier-1"))
	}
}

// cdnFolder is POST /cdn-access by alice.
func cdnFolder(body string) func(testing.TB) events.APIGatewayProxyRequest {
	return func(t testing.TB) events.APIGatewayProxyRequest {
		return routeEvent(t, "POST", "/cdn-access", nil, nil, body, claims(alice, "tier-1"))
	}
}

// manyParts is a complete body of n parts.
func manyParts(n int) string {
	var b strings.Builder
	b.WriteString(`{"parts":[`)
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"partNumber":%d,"etag":"e"}`, i)
	}
	b.WriteString("]}")
	return b.String()
}

// lst is GET /objects by alice (groups tier-1) with query q.
func lst(q map[string]string) func(testing.TB) events.APIGatewayProxyRequest {
	return func(t testing.TB) events.APIGatewayProxyRequest { return listEvent(t, q, claims(alice, "tier-1")) }
}

// token is base as callerGroups (the claim as API Gateway flattened it),
// with the ID token's payload changed by over (nil removes a claim).
func token(base func(testing.TB) events.APIGatewayProxyRequest, callerGroups string, over map[string]any) func(testing.TB) events.APIGatewayProxyRequest {
	return with(base, func(ev *events.APIGatewayProxyRequest) {
		cl := claims(alice, callerGroups)
		ev.RequestContext.Authorizer["claims"] = cl
		setToken(ev, claims(alice, ""), over)
	})
}

// put is a PUT of key by alice with contentLength n.
func put(key, n string) func(testing.TB) events.APIGatewayProxyRequest {
	return get(map[string]string{"key": key, "method": "PUT", "contentType": "text/plain", "contentLength": n})
}

// putAs is a PUT of key by alice declaring contentType.
func putAs(key, contentType string) func(testing.TB) events.APIGatewayProxyRequest {
	return get(map[string]string{"key": key, "method": "PUT", "contentType": contentType, "contentLength": "5"})
}

// TestHandle_Hostile sends every hostile request through the real handler
// and signer: each is refused with 400 or 403 and a JSON message, nothing
// is signed, and no URL comes back.
func TestHandle_Hostile(t *testing.T) {
	cases := hostileCases()
	if len(cases) < 45 {
		t.Fatalf("the hostile table has %d cases, want at least 45", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.status != 400 && tc.status != 403 && tc.status != 404 && tc.status != 405 {
				t.Fatalf("bad case: status %d", tc.status)
			}
			f := newFixture(t)
			resp, err := f.h.Handle(context.Background(), tc.event(t))
			if err != nil {
				t.Fatalf("Handle returned an error: %v", err)
			}
			if resp.StatusCode != tc.status {
				t.Errorf("status = %d, want %d; body %s", resp.StatusCode, tc.status, resp.Body)
			}
			checkCommonHeaders(t, resp)
			body := decodeJSON(t, resp.Body)
			if msg, _ := body["message"].(string); msg == "" || len(body) != 1 {
				t.Errorf("body = %s, want exactly a non-empty message", resp.Body)
			}
			if n := f.calls(); n != 0 {
				t.Errorf("the signer was called %d times", n)
			}
			for _, leak := range []string{"https://", "X-Amz-", "Signature", testAccessKey, testCDNDomain} {
				if strings.Contains(resp.Body, leak) {
					t.Errorf("body contains %q: %s", leak, resp.Body)
				}
			}
		})
	}
}

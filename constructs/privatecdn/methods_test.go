package privatecdn

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The method filter is JavaScript that CloudFront runs on every viewer
// request. These tests run its source with the machine's node (which jsii
// needs anyway): each case builds CloudFront's event object, calls
// handler(event) and reads back what the function returned.

// filterResult is what one handler call returned: the request unchanged
// (pass) or a generated response.
type filterResult struct {
	Pass              bool                         `json:"pass"`
	Modified          bool                         `json:"modified"`
	StatusCode        int                          `json:"statusCode"`
	StatusDescription string                       `json:"statusDescription"`
	Headers           map[string]map[string]string `json:"headers"`
	Body              struct {
		Encoding string `json:"encoding"`
		Data     string `json:"data"`
	} `json:"body"`
	Error string `json:"error"`
}

// filterCall is one handler call: the function source (by index) and the request.
type filterCall struct {
	Source int    `json:"source"`
	Method string `json:"method"`
	URI    string `json:"uri"`
}

// harness wraps each source in its own function scope (each defines the
// global handler of a CloudFront Function), then runs every call with an
// event shaped as CloudFront passes it (event structure version 1.0) and
// prints the results as one JSON array.
const harness = `'use strict';
var sources = [%s];
var calls = %s;
var out = calls.map(function (c) {
  var request = {
    method: c.method,
    uri: c.uri,
    querystring: { 'Expires': { value: '2000000000' }, 'Key-Pair-Id': { value: 'K2JCJMDEHXQW5F' } },
    headers: { host: { value: 'd111111abcdef8.cloudfront.net' }, 'user-agent': { value: 'curl/8.5.0' } },
    cookies: {}
  };
  var event = {
    version: '1.0',
    context: { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE',
      eventType: 'viewer-request', requestId: 'EXAMPLEntjQpEXAMPLE_SG5Z-EXAMPLEPmPfEXAMPLEu3EqEXAMPLE==' },
    viewer: { ip: '198.51.100.11' },
    request: request
  };
  var before = JSON.stringify(request);
  try {
    var r = sources[c.source](event);
    if (r === request) {
      return { pass: true, modified: JSON.stringify(r) !== before };
    }
    r.pass = false;
    return r;
  } catch (e) {
    return { error: String(e) };
  }
});
process.stdout.write(JSON.stringify(out));
`

// runFilters runs calls against sources with node and returns one result per call.
func runFilters(t *testing.T, sources []string, calls []filterCall) []filterResult {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed to run the CloudFront Function (jsii needs it too): %v", err)
	}
	wrapped := make([]string, len(sources))
	for i, src := range sources {
		wrapped[i] = "(function () {\n" + src + "\nreturn handler;\n})()"
	}
	callsJSON, err := json.Marshal(calls)
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "filter.js")
	if err := os.WriteFile(script, fmt.Appendf(nil, harness, strings.Join(wrapped, ",\n"), callsJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, script)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr.String())
	}
	var results []filterResult
	if err := json.Unmarshal(stdout, &results); err != nil {
		t.Fatalf("harness output %q: %v", stdout, err)
	}
	if len(results) != len(calls) {
		t.Fatalf("%d results for %d calls", len(results), len(calls))
	}
	return results
}

// methodLevel says which access level enables each method; "" for never.
var methodLevel = map[string]Access{
	"GET": Read, "HEAD": Read, "PUT": Write, "DELETE": Delete, "POST": "", "PATCH": "", "OPTIONS": "",
}

var allMethods = []string{"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}

// enabled is the independent statement of which methods pass for levels.
func enabled(levels []Access, cors bool, method string) bool {
	if method == "OPTIONS" {
		return cors
	}
	l := methodLevel[method]
	return l != "" && slices.Contains(levels, l)
}

func TestMethodFilter_PassesEnabledMethodsAndAnswers405ForTheRest(t *testing.T) {
	combos := [][]Access{{Read}, {Write}, {Delete}, {Read, Write}, {Read, Delete}, {Write, Delete}, {Read, Write, Delete}}
	type config struct {
		levels []Access
		cors   bool
	}
	var configs []config
	var sources []string
	for _, l := range combos {
		for _, cors := range []bool{false, true} {
			configs = append(configs, config{l, cors})
			sources = append(sources, MethodFilterCode(l, cors))
		}
	}
	var calls []filterCall
	for i := range configs {
		for _, m := range allMethods {
			calls = append(calls, filterCall{Source: i, Method: m, URI: "/users/42/report%20final.pdf"})
		}
	}
	results := runFilters(t, sources, calls)
	for i, call := range calls {
		cfg, got := configs[call.Source], results[i]
		name := fmt.Sprintf("%s with %v cors=%v", call.Method, cfg.levels, cfg.cors)
		if got.Error != "" {
			t.Errorf("%s: the function threw %s", name, got.Error)
			continue
		}
		if want := enabled(cfg.levels, cfg.cors, call.Method); want {
			if !got.Pass || got.Modified {
				t.Errorf("%s: got %d %s, want the request passed on unchanged", name, got.StatusCode, got.Body.Data)
			}
			continue
		}
		if got.Pass || got.StatusCode != 405 {
			t.Errorf("%s: pass=%v status %d, want 405", name, got.Pass, got.StatusCode)
			continue
		}
		var allow []string
		for _, m := range allMethods {
			if enabled(cfg.levels, cfg.cors, m) {
				allow = append(allow, m)
			}
		}
		gotAllow := strings.Split(got.Headers["allow"]["value"], ", ")
		if !sameSet(gotAllow, allow) {
			t.Errorf("%s: Allow %q, want the enabled methods %v", name, got.Headers["allow"]["value"], allow)
		}
		checkGenerated(t, name, got)
	}
}

// checkGenerated fails unless r is a JSON {"message"} answer that is not cached.
func checkGenerated(t *testing.T, name string, r filterResult) {
	t.Helper()
	if r.Headers["content-type"]["value"] != "application/json" || r.Headers["cache-control"]["value"] != "no-store" {
		t.Errorf("%s: headers %v, want application/json and no-store", name, r.Headers)
	}
	var body map[string]string
	if r.Body.Encoding != "text" || json.Unmarshal([]byte(r.Body.Data), &body) != nil || body["message"] == "" {
		t.Errorf("%s: body %+v, want text {\"message\": ...}", name, r.Body)
	}
	if r.StatusDescription == "" {
		t.Errorf("%s: no status description", name)
	}
}

func TestMethodFilter_RefusesWritesWithoutAnObjectNameOrUnderTheErrorPages(t *testing.T) {
	_, max, _ := fixtures(t)
	// The code deployed in the maximal configuration, read from the template.
	_, fn := max.only(t, "AWS::CloudFront::Function")
	deployed := fn["Properties"].(map[string]any)["FunctionCode"].(string)
	sources := []string{deployed, MethodFilterCode([]Access{Write}, false), MethodFilterCode([]Access{Delete}, false)}

	cases := []struct {
		method, uri string
		want        int // 0: passed on
	}{
		{"PUT", "/", 412},
		{"DELETE", "/", 412},
		{"PUT", "/users/42/", 412},
		{"DELETE", "/users/42/", 412},
		{"PUT", "/users/42%2F", 412}, // an encoded slash is still a "folder"
		{"PUT", "/_errors/403.json", 403},
		{"DELETE", "/_errors/404.json", 403},
		{"PUT", "/_errors%2F403.json", 403},
		{"PUT", "/%5Ferrors/403.json", 403},
		{"PUT", "/a%ZZ", 400},
		{"PUT", "/users/42/a.txt", 0},
		{"DELETE", "/users/42/a.txt", 0},
		{"PUT", "/_errors", 0},          // a key named "_errors", not under the prefix
		{"PUT", "/docs/_errors/x", 0},   // the prefix only counts at the start
		{"GET", "/_errors/403.json", 0}, // the pages themselves stay readable
		{"GET", "/users/42/", 0},        // listing-like reads reach S3, which refuses them
		{"HEAD", "/", 0},
	}
	var calls []filterCall
	var names []string
	for s := range sources {
		for _, c := range cases {
			level := methodLevel[c.method]
			if s > 0 && level != []Access{Write, Delete}[s-1] {
				continue // the write-only and delete-only filters: only their own method
			}
			calls = append(calls, filterCall{Source: s, Method: c.method, URI: c.uri})
			names = append(names, fmt.Sprintf("source %d %s %s", s, c.method, c.uri))
		}
	}
	results := runFilters(t, sources, calls)
	for i, call := range calls {
		var want int
		for _, c := range cases {
			if c.method == call.Method && c.uri == call.URI {
				want = c.want
			}
		}
		got := results[i]
		switch {
		case got.Error != "":
			t.Errorf("%s: the function threw %s", names[i], got.Error)
		case want == 0 && (!got.Pass || got.Modified):
			t.Errorf("%s: got %d %s, want the request passed on unchanged", names[i], got.StatusCode, got.Body.Data)
		case want != 0 && (got.Pass || got.StatusCode != want):
			t.Errorf("%s: pass=%v status %d, want %d", names[i], got.Pass, got.StatusCode, want)
		case want != 0:
			checkGenerated(t, names[i], got)
		}
	}
}

func TestMethodFilterCode_UsesNoSyntaxBeyondCloudFrontJS(t *testing.T) {
	// cloudfront-js-2.0 is ES 5.1 plus a subset of later features; it has no
	// module system, no timers and no Node globals.
	src := MethodFilterCode([]Access{Read, Write, Delete}, true)
	for _, forbidden := range []string{"require(", "import ", "export ", "process.", "setTimeout", "async ", "await ", "console."} {
		if strings.Contains(src, forbidden) {
			t.Errorf("the function source uses %q", forbidden)
		}
	}
	if !strings.Contains(src, "function handler(event)") {
		t.Error("the function source defines no handler(event)")
	}
}

package devapi_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/securestore/securestore/internal/devapi"
	"github.com/securestore/securestore/lambdas/presign/routes"
	"github.com/securestore/securestore/lambdas/presign/settings"
)

// The committed golden templates (make test-update writes them from the
// real synth): default has no CORS, maximal allows two origins.
const (
	defaultTemplate = "../../test/testdata/default.template.json"
	maximalTemplate = "../../test/testdata/maximal.template.json"
	// regional has CloudFront delivery, so POST /cdn-access.
	regionalTemplate = "../../test/testdata/regional.template.json"
)

func read(t *testing.T, path string) *devapi.Deployment {
	t.Helper()
	d, err := devapi.ReadDeployment(path, devapi.LocalPseudo)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func limitsOf(t *testing.T, d *devapi.Deployment) routes.Limits {
	t.Helper()
	maxUpload, err1 := strconv.ParseInt(d.Env[settings.EnvMaxUploadBytes], 10, 64)
	ttl, err2 := strconv.ParseInt(d.Env[settings.EnvURLTTL], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("the template's limits: %v %v", err1, err2)
	}
	return routes.Limits{MaxUploadBytes: maxUpload, URLTTLSeconds: ttl}
}

// TestDeployment_MatchesTheRouteTable is the drift check: the local API
// routes, authorizes and validates by what the template deploys, and that
// is, route for route, the function's route table.
func TestDeployment_MatchesTheRouteTable(t *testing.T) {
	for _, path := range []string{defaultTemplate, maximalTemplate, regionalTemplate} {
		t.Run(path, func(t *testing.T) {
			d := read(t, path)
			l := limitsOf(t, d)
			var served []string
			for _, m := range d.Methods {
				if m.HTTPMethod == "OPTIONS" {
					continue
				}
				served = append(served, m.HTTPMethod+" "+m.Path)
				r, ok := routes.Find(m.HTTPMethod, m.Path)
				if !ok {
					t.Errorf("%s %s: deployed, not in the route table", m.HTTPMethod, m.Path)
					continue
				}
				if m.Authorization != "COGNITO_USER_POOLS" {
					t.Errorf("%s: authorization %q, want the Cognito authorizer", r, m.Authorization)
				}
				if !m.ValidateParams || !m.ValidateBody {
					t.Errorf("%s: validator params=%v body=%v, want both", r, m.ValidateParams, m.ValidateBody)
				}
				want := map[string]bool{}
				for _, p := range r.Params {
					switch {
					case p.In == routes.InPath:
						want["path."+p.Name] = true
					case p.Required:
						want["querystring."+p.Name] = true
					}
				}
				if fmt.Sprint(m.Params) != fmt.Sprint(want) {
					t.Errorf("%s: required parameters %v, route table %v", r, m.Params, want)
				}
				switch {
				case r.Body == nil && m.Model != nil:
					t.Errorf("%s: deployed with model %s, the route takes no body", r, m.Model.Name)
				case r.Body != nil && m.Model == nil:
					t.Errorf("%s: deployed without a model, the route takes %s", r, r.Body.Model)
				case r.Body != nil:
					var got map[string]any
					if err := json.Unmarshal(m.Model.Schema, &got); err != nil {
						t.Fatal(err)
					}
					if m.Model.Name != r.Body.Model {
						t.Errorf("%s: model %q, want %q", r, m.Model.Name, r.Body.Model)
					}
					for _, diff := range compareSchema(r.Body.Model, r.Body.Schema, got, l) {
						t.Errorf("%s: %s", r, diff)
					}
				}
			}
			var table []string
			for _, r := range routes.All {
				if r.Needs == routes.CDN && d.Env[settings.EnvCDNDomain] == "" {
					continue // deployed only with CloudFront delivery
				}
				table = append(table, r.String())
			}
			sort.Strings(served)
			sort.Strings(table)
			if !slices.Equal(served, table) {
				t.Errorf("deployed methods %v\nroute table      %v", served, table)
			}
		})
	}
}

// compareSchema lists the differences between a route table schema and
// the draft-4 JSON Schema of the deployed model.
func compareSchema(at string, s routes.Schema, got map[string]any, l routes.Limits) []string {
	var diffs []string
	differ := func(what string, want, have any) {
		if fmt.Sprint(want) != fmt.Sprint(have) {
			diffs = append(diffs, fmt.Sprintf("%s: %s %v deployed, %v in the route table", at, what, have, want))
		}
	}
	differ("type", string(s.Type), got["type"])
	num := func(key string, want int64, set bool) {
		v, ok := got[key].(float64)
		if !set {
			if ok {
				differ(key, "none", v)
			}
			return
		}
		differ(key, want, int64(v))
	}
	num("minLength", int64(s.MinLength), s.MinLength > 0)
	num("maxLength", int64(s.MaxLength), s.MaxLength > 0)
	num("minimum", s.Minimum.Value(l), s.Minimum.IsSet())
	num("maximum", s.Maximum.Value(l), s.Maximum.IsSet())
	num("minItems", int64(s.MinItems), s.MinItems > 0)
	num("maxItems", int64(s.MaxItems), s.MaxItems > 0)
	if s.Pattern != "" || got["pattern"] != nil {
		differ("pattern", s.Pattern, got["pattern"])
	}
	if len(s.Enum) > 0 || got["enum"] != nil {
		differ("enum", s.Enum, got["enum"])
	}
	switch s.Type {
	case routes.Object:
		if s.Map {
			break
		}
		differ("additionalProperties", false, got["additionalProperties"])
		var req []string
		if r, ok := got["required"].([]any); ok {
			for _, x := range r {
				req = append(req, fmt.Sprint(x))
			}
		}
		differ("required", strings.Join(s.Required(), ","), strings.Join(req, ","))
		props, _ := got["properties"].(map[string]any)
		differ("property count", len(s.Fields), len(props))
		for _, f := range s.Fields {
			p, ok := props[f.Name].(map[string]any)
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: not deployed", at, f.Name))
				continue
			}
			diffs = append(diffs, compareSchema(at+"."+f.Name, f.Schema, p, l)...)
		}
	case routes.Array:
		items, _ := got["items"].(map[string]any)
		if s.Items != nil {
			diffs = append(diffs, compareSchema(at+"[]", *s.Items, items, l)...)
		}
	}
	return diffs
}

// TestDeployment_CORSIsTheConfiguredOrigins checks the CORS the local API
// answers with (read from the template) against the origins the function
// is configured with: every path has a preflight allowing exactly them,
// and the gateway's own 4XX/5XX answers echo the Origin.
func TestDeployment_CORSIsTheConfiguredOrigins(t *testing.T) {
	d := read(t, maximalTemplate)
	origins := strings.Split(d.Env[settings.EnvAllowedOrigins], ",")
	if len(origins) < 2 {
		t.Fatalf("the maximal template should allow several origins, has %q", d.Env[settings.EnvAllowedOrigins])
	}
	preflights := map[string]bool{}
	for _, m := range d.Methods {
		if m.HTTPMethod != "OPTIONS" {
			continue
		}
		preflights[m.Path] = true
		pf := m.Preflight
		if pf == nil || m.Authorization != "NONE" {
			t.Fatalf("OPTIONS %s: want an unauthorized MOCK preflight", m.Path)
		}
		if got := pf.Headers["Access-Control-Allow-Origin"]; got != origins[0] {
			t.Errorf("OPTIONS %s: static origin %q, want %q", m.Path, got, origins[0])
		}
		if !slices.Equal(pf.EchoOrigins, origins[1:]) {
			t.Errorf("OPTIONS %s: echoed origins %v, want %v", m.Path, pf.EchoOrigins, origins[1:])
		}
		for _, method := range routes.Methods(m.Path) {
			if !strings.Contains(pf.Headers["Access-Control-Allow-Methods"], method) {
				t.Errorf("OPTIONS %s: Allow-Methods %q lacks %s", m.Path, pf.Headers["Access-Control-Allow-Methods"], method)
			}
		}
		if !strings.Contains(pf.Headers["Access-Control-Allow-Headers"], "Authorization") {
			t.Errorf("OPTIONS %s: Allow-Headers %q lacks Authorization", m.Path, pf.Headers["Access-Control-Allow-Headers"])
		}
	}
	for _, p := range routes.Paths() {
		if r, _ := routes.Find(routes.Methods(p)[0], p); r.Needs == routes.CDN && d.Env[settings.EnvCDNDomain] == "" {
			continue
		}
		if !preflights[p] {
			t.Errorf("%s: no preflight", p)
		}
	}
	for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
		if got := d.GatewayResponses[typ]["Access-Control-Allow-Origin"]; got != "method.request.header.Origin" {
			t.Errorf("%s: Access-Control-Allow-Origin from %q, want the request's Origin", typ, got)
		}
	}

	plain := read(t, defaultTemplate)
	for _, m := range plain.Methods {
		if m.HTTPMethod == "OPTIONS" {
			t.Errorf("default template: OPTIONS %s without any allowed origin", m.Path)
		}
	}
	if len(plain.GatewayResponses) != 0 {
		t.Errorf("default template: gateway responses %v without any allowed origin", plain.GatewayResponses)
	}
}

func TestDeployment_ResolvesTheFunctionsEnvironment(t *testing.T) {
	d := read(t, defaultTemplate)
	if got, want := d.Env[settings.EnvBucket], "securestore-dev-data-000000000000-us-east-1"; got != want {
		t.Errorf("BUCKET_NAME = %q, want %q", got, want)
	}
	if d.Env[settings.EnvAccessRules] == "" || len(d.Unresolved) != 0 {
		t.Errorf("ACCESS_RULES %q, unresolved %v", d.Env[settings.EnvAccessRules], d.Unresolved)
	}
	if !slices.Equal(d.Groups, []string{"tier-1", "tier-2"}) {
		t.Errorf("groups %v, want tier-1 and tier-2", d.Groups)
	}
	if d.Stage == "" {
		t.Error("no stage name")
	}
}

func TestFindTemplate_RefusesADirectoryWithoutTheAPI(t *testing.T) {
	if _, err := devapi.FindTemplate(t.TempDir()); err == nil || !strings.Contains(err.Error(), "found 0") {
		t.Fatalf("err = %v, want one naming the count", err)
	}
}

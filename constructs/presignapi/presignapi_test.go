package presignapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/api"
	"github.com/securestore/securestore/lambdas/presign/routes"
	"github.com/securestore/securestore/lambdas/presign/settings"
)

func TestUserPool_AdminCreatedEmailSignInOnly(t *testing.T) {
	for name, fx := range all(t) {
		_, pool := fx.only(t, "AWS::Cognito::UserPool")
		p := props(pool)
		if got := p["AdminCreateUserConfig"]; fmt.Sprint(got) != "map[AllowAdminCreateUserOnly:true]" {
			t.Errorf("%s: AdminCreateUserConfig = %v, want self sign-up off", name, got)
		}
		if got := fmt.Sprint(p["UsernameAttributes"]); got != "[email]" {
			t.Errorf("%s: UsernameAttributes = %s, want [email]", name, got)
		}
	}
}

func TestUserPool_PasswordPolicyTwelveCharactersAllClasses(t *testing.T) {
	for _, fx := range all(t) {
		fx.template.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), &map[string]any{
			"Policies": map[string]any{"PasswordPolicy": map[string]any{
				"MinimumLength": 12, "RequireLowercase": true, "RequireUppercase": true,
				"RequireNumbers": true, "RequireSymbols": true,
			}},
		})
	}
}

func TestUserPool_MFAIsTOTPOptionalByDefaultRequiredOnRequest(t *testing.T) {
	def, max, _ := fixtures(t)
	for _, c := range []struct {
		fx   *fixture
		want string
	}{{def, "OPTIONAL"}, {max, "ON"}} {
		c.fx.template.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), &map[string]any{
			"MfaConfiguration": c.want,
			"EnabledMfas":      []any{"SOFTWARE_TOKEN_MFA"},
		})
	}
}

func TestUserPool_EmailRecoveryDeletionProtectionRetained(t *testing.T) {
	for name, fx := range all(t) {
		_, pool := fx.only(t, "AWS::Cognito::UserPool")
		if pool["DeletionPolicy"] != "RetainExceptOnCreate" || pool["UpdateReplacePolicy"] != "Retain" {
			t.Errorf("%s: user pool policies %v/%v, want Retain", name, pool["DeletionPolicy"], pool["UpdateReplacePolicy"])
		}
		fx.template.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), &map[string]any{
			"DeletionProtection": "ACTIVE",
			"AccountRecoverySetting": map[string]any{"RecoveryMechanisms": []any{
				map[string]any{"Name": "verified_email", "Priority": 1},
			}},
		})
	}
}

func TestUserPool_ThreatProtectionEnforcedUnlessDisabled(t *testing.T) {
	def, max, min := fixtures(t)
	for _, fx := range []*fixture{def, max} {
		fx.template.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), &map[string]any{
			"UserPoolTier":   "PLUS",
			"UserPoolAddOns": map[string]any{"AdvancedSecurityMode": "ENFORCED"},
		})
	}
	min.template.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), &map[string]any{
		"UserPoolTier":   "ESSENTIALS",
		"UserPoolAddOns": assertions.Match_Absent(),
	})
	assertions.Annotations_FromStack(min.stack).HasWarning(jsii.String("/Minimal/Presign"), assertions.Match_StringLikeRegexp(jsii.String("UnsafeDisableThreatProtection")))
}

func TestGroups_OnePerTier(t *testing.T) {
	def, max, _ := fixtures(t)
	for _, c := range []struct {
		fx   *fixture
		want []string
	}{{def, DefaultTiers}, {max, []string{"bronze", "silver", "gold"}}} {
		var got []string
		poolID, _ := c.fx.only(t, "AWS::Cognito::UserPool")
		for _, g := range c.fx.resources("AWS::Cognito::UserPoolGroup") {
			got = append(got, props(g)["GroupName"].(string))
			if ref := fmt.Sprint(props(g)["UserPoolId"]); ref != "map[Ref:"+poolID+"]" {
				t.Errorf("group in pool %s, want %s", ref, poolID)
			}
		}
		sort.Strings(got)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(got, want) {
			t.Errorf("groups %v, want %v", got, want)
		}
	}
}

func TestClient_SRPAndRefreshOnlyNoSecretShortTokens(t *testing.T) {
	for name, fx := range all(t) {
		_, client := fx.only(t, "AWS::Cognito::UserPoolClient")
		p := props(client)
		flows := fmt.Sprint(p["ExplicitAuthFlows"])
		if flows != "[ALLOW_USER_SRP_AUTH ALLOW_REFRESH_TOKEN_AUTH]" {
			t.Errorf("%s: ExplicitAuthFlows %s, want SRP and refresh only", name, flows)
		}
		tokens := IDTokenMinutes
		if name == "Maximal" {
			tokens = 15 // Props.TokenValidity
		}
		fx.template.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolClient"), &map[string]any{
			"GenerateSecret":             false,
			"PreventUserExistenceErrors": "ENABLED",
			"IdTokenValidity":            tokens,
			"AccessTokenValidity":        tokens,
			"RefreshTokenValidity":       RefreshTokenMinutes,
			"TokenValidityUnits":         map[string]any{"IdToken": "minutes", "AccessToken": "minutes", "RefreshToken": "minutes"},
			"EnableTokenRevocation":      true,
		})
	}
}

func TestMethods_CognitoAuthorizerOnEveryMethod(t *testing.T) {
	for name, fx := range all(t) {
		authID, auth := fx.only(t, "AWS::ApiGateway::Authorizer")
		if props(auth)["Type"] != "COGNITO_USER_POOLS" {
			t.Errorf("%s: authorizer type %v", name, props(auth)["Type"])
		}
		seen := map[string]bool{}
		for id, m := range fx.resources("AWS::ApiGateway::Method") {
			p := props(m)
			verb := p["HttpMethod"].(string)
			seen[verb] = true
			if verb == "OPTIONS" {
				// CORS preflight: browsers send it without credentials, and
				// it is a mock integration that never reaches the function.
				if _, ok := p["Integration"].(map[string]any)["Uri"]; ok || p["Integration"].(map[string]any)["Type"] != "MOCK" {
					t.Errorf("%s: %s OPTIONS is not a mock integration", name, id)
				}
				continue
			}
			if p["AuthorizationType"] != "COGNITO_USER_POOLS" || fmt.Sprint(p["AuthorizerId"]) != "map[Ref:"+authID+"]" {
				t.Errorf("%s: %s %s has authorization %v %v, want the Cognito authorizer", name, id, verb, p["AuthorizationType"], p["AuthorizerId"])
			}
		}
		if !seen["GET"] || !seen["POST"] {
			t.Errorf("%s: methods %v, want GET and POST", name, seen)
		}
	}
}

// fixtureLimits are the limits each fixture's bounds resolve with.
var fixtureLimits = map[string]routes.Limits{
	"Default": {MaxUploadBytes: settings.DefaultMaxUploadBytes, URLTTLSeconds: 300},
	"Maximal": {MaxUploadBytes: 1 << 30, URLTTLSeconds: 120},
	"Minimal": {MaxUploadBytes: settings.DefaultMaxUploadBytes, URLTTLSeconds: 300},
}

// hasCDN reports whether the fixture name has CDN delivery: the maximal
// one only.
func hasCDN(name string) bool { return name == "Maximal" }

// TestMethods_RequestValidation: every route of routes.All (POST
// /cdn-access only with CDN delivery) is a method, and no other is; each
// has the validator, its required query and path parameters and no
// other, and, with a body, the body's model (by its schema title) and
// otherwise none.
func TestMethods_RequestValidation(t *testing.T) {
	for name, fx := range all(t) {
		validatorID, _ := fx.only(t, "AWS::ApiGateway::RequestValidator")
		fx.template.HasResourceProperties(jsii.String("AWS::ApiGateway::RequestValidator"), &map[string]any{
			"ValidateRequestBody": true, "ValidateRequestParameters": true,
		})
		models := map[string]string{} // title -> logical id
		for id, m := range fx.resources("AWS::ApiGateway::Model") {
			models[props(m)["Schema"].(map[string]any)["title"].(string)] = id
		}
		methods := map[string]map[string]any{} // "VERB path" -> properties
		for _, m := range fx.resources("AWS::ApiGateway::Method") {
			p := props(m)
			if p["HttpMethod"] != "OPTIONS" {
				methods[p["HttpMethod"].(string)+" "+fx.resourcePath(p["ResourceId"])] = p
			}
		}
		want, wantModels := 0, 0
		for _, r := range routes.All {
			p, ok := methods[r.String()]
			if r.Needs == routes.CDN && !hasCDN(name) {
				if ok {
					t.Errorf("%s: %s without CDN delivery", name, r)
				}
				continue
			}
			want++
			if !ok {
				t.Errorf("%s: no method %s (have %v)", name, r, slices.Sorted(maps.Keys(methods)))
				continue
			}
			if got := fmt.Sprint(p["RequestValidatorId"]); got != "map[Ref:"+validatorID+"]" {
				t.Errorf("%s: %s validator %s, want %s", name, r, got, validatorID)
			}
			params := map[string]any{}
			for _, prm := range r.Params {
				if prm.Required {
					where := map[routes.In]string{routes.InQuery: "querystring", routes.InPath: "path"}[prm.In]
					params["method.request."+where+"."+prm.Name] = true
				}
			}
			got, _ := p["RequestParameters"].(map[string]any)
			if len(params) == 0 && got != nil || len(params) > 0 && fmt.Sprint(got) != fmt.Sprint(params) {
				t.Errorf("%s: %s requires parameters %v, want %v", name, r, got, params)
			}
			if r.Body == nil {
				if p["RequestModels"] != nil {
					t.Errorf("%s: %s has body models %v, want none", name, r, p["RequestModels"])
				}
				continue
			}
			wantModels++
			if got := fmt.Sprint(p["RequestModels"]); got != "map[application/json:map[Ref:"+models[r.Body.Model]+"]]" || models[r.Body.Model] == "" {
				t.Errorf("%s: %s body model %s, want %s", name, r, got, r.Body.Model)
			}
		}
		if len(methods) != want {
			t.Errorf("%s: %d methods %v, want exactly the %d routes", name, len(methods), slices.Sorted(maps.Keys(methods)), want)
		}
		if len(models) != wantModels {
			t.Errorf("%s: %d models %v, want one per body", name, len(models), slices.Sorted(maps.Keys(models)))
		}
	}
}

// TestModels_MatchTheRouteTable: each served route's body model is the
// table's body: its title, its description, and a draft-4 schema with
// every field, its type and its bounds (resolved with the fixture's
// limits), the required fields and no other property.
func TestModels_MatchTheRouteTable(t *testing.T) {
	for name, fx := range all(t) {
		byTitle := map[string]map[string]any{}
		for _, m := range fx.resources("AWS::ApiGateway::Model") {
			byTitle[props(m)["Schema"].(map[string]any)["title"].(string)] = props(m)
		}
		for _, r := range routes.All {
			if r.Body == nil || r.Needs == routes.CDN && !hasCDN(name) {
				continue
			}
			m, ok := byTitle[r.Body.Model]
			if !ok {
				t.Errorf("%s: %s: no model %s", name, r, r.Body.Model)
				continue
			}
			if m["Description"] != r.Body.Doc || m["ContentType"] != "application/json" {
				t.Errorf("%s: %s: model %s is %v described %q, want application/json described %q", name, r, r.Body.Model, m["ContentType"], m["Description"], r.Body.Doc)
			}
			schema := m["Schema"].(map[string]any)
			if schema["$schema"] != "http://json-schema.org/draft-04/schema#" {
				t.Errorf("%s: %s: $schema %v, want draft 4", name, r, schema["$schema"])
			}
			checkSchema(t, name+": "+r.Body.Model, schema, r.Body.Schema, fixtureLimits[name])
		}
	}
}

// checkSchema compares a synthesized JSON schema with the table's.
func checkSchema(t *testing.T, where string, got map[string]any, want routes.Schema, l routes.Limits) {
	t.Helper()
	number := func(n int64) any {
		if n == 0 {
			return nil
		}
		return float64(n)
	}
	wantType := any(string(want.Type))
	if want.Nullable {
		wantType = []any{string(want.Type), "null"}
	}
	for _, c := range []struct {
		key  string
		want any
	}{
		{"type", wantType},
		{"minLength", number(int64(want.MinLength))},
		{"maxLength", number(int64(want.MaxLength))},
		{"minimum", number(want.Minimum.Value(l))},
		{"maximum", number(want.Maximum.Value(l))},
		{"minItems", number(int64(want.MinItems))},
		{"maxItems", number(int64(want.MaxItems))},
	} {
		if fmt.Sprint(got[c.key]) != fmt.Sprint(c.want) {
			t.Errorf("%s: %s %v, want %v", where, c.key, got[c.key], c.want)
		}
	}
	if want.Pattern != "" && got["pattern"] != want.Pattern || want.Pattern == "" && got["pattern"] != nil {
		t.Errorf("%s: pattern %v, want %q", where, got["pattern"], want.Pattern)
	}
	if fmt.Sprint(got["enum"]) != fmt.Sprint(want.Enum) && (got["enum"] != nil || len(want.Enum) > 0) {
		t.Errorf("%s: enum %v, want %v", where, got["enum"], want.Enum)
	}
	if want.Items != nil {
		items, _ := got["items"].(map[string]any)
		checkSchema(t, where+"[]", items, *want.Items, l)
	} else if got["items"] != nil {
		t.Errorf("%s: items %v, want none", where, got["items"])
	}
	if want.Type != routes.Object || want.Map {
		if want.Map && fmt.Sprint(got["additionalProperties"]) != "map[type:string]" {
			t.Errorf("%s: additionalProperties %v, want strings", where, got["additionalProperties"])
		}
		return
	}
	if got["additionalProperties"] != false {
		t.Errorf("%s: additionalProperties %v, want false", where, got["additionalProperties"])
	}
	var required []string
	for _, r := range asList(got["required"]) {
		if r != nil {
			required = append(required, r.(string))
		}
	}
	if !slices.Equal(required, want.Required()) {
		t.Errorf("%s: required %v, want %v", where, required, want.Required())
	}
	properties, _ := got["properties"].(map[string]any)
	if len(properties) != len(want.Fields) {
		t.Errorf("%s: properties %v, want the %d fields", where, slices.Sorted(maps.Keys(properties)), len(want.Fields))
	}
	for _, f := range want.Fields {
		p, ok := properties[f.Name].(map[string]any)
		if !ok {
			t.Errorf("%s: no property %s", where, f.Name)
			continue
		}
		checkSchema(t, where+"."+f.Name, p, f.Schema, l)
	}
}

// resourcePath is the path of the API Gateway resource ref (a Ref to an
// AWS::ApiGateway::Resource, or the root's GetAtt).
func (fx *fixture) resourcePath(ref any) string {
	m, _ := ref.(map[string]any)
	id, ok := m["Ref"].(string)
	if !ok {
		return ""
	}
	r := fx.resources("AWS::ApiGateway::Resource")[id]
	p := props(r)
	return fx.resourcePath(p["ParentId"]) + "/" + p["PathPart"].(string)
}

// TestModel_MultipartAndFolderSchemas: the create, complete and folder
// bodies' schemas carry the limits the function checks.
func TestModel_MultipartAndFolderSchemas(t *testing.T) {
	def, max, _ := fixtures(t)
	for _, c := range []struct {
		fx      *fixture
		maxSize int
	}{{def, int(settings.DefaultMaxUploadBytes)}, {max, 1 << 30}} {
		c.fx.template.HasResourceProperties(jsii.String("AWS::ApiGateway::Model"), &map[string]any{
			"Schema": map[string]any{
				"title": "MultipartRequest", "type": "object", "required": []any{"key", "contentType", "size"}, "additionalProperties": false,
				"properties": assertions.Match_ObjectLike(&map[string]any{
					"size": map[string]any{"type": "integer", "minimum": 1, "maximum": c.maxSize},
				}),
			},
		})
		c.fx.template.HasResourceProperties(jsii.String("AWS::ApiGateway::Model"), &map[string]any{
			"Schema": assertions.Match_ObjectLike(&map[string]any{
				"title": "CompleteRequest", "required": []any{"parts"}, "additionalProperties": false,
				"properties": map[string]any{"parts": assertions.Match_ObjectLike(&map[string]any{
					"type": "array", "minItems": 1, "maxItems": settings.MaxParts,
				})},
			}),
		})
	}
	max.template.HasResourceProperties(jsii.String("AWS::ApiGateway::Model"), &map[string]any{
		"Schema": assertions.Match_ObjectLike(&map[string]any{
			"title": "FolderRequest", "required": []any{"prefix"}, "additionalProperties": false,
			"properties": map[string]any{
				"prefix":    map[string]any{"type": "string", "minLength": 1, "maxLength": 1024, "pattern": "/$"},
				"expiresIn": map[string]any{"type": "integer", "minimum": 1, "maximum": 120},
			},
		}),
	})
}

func TestModel_UploadBodySchema(t *testing.T) {
	def, max, _ := fixtures(t)
	for _, c := range []struct {
		fx       *fixture
		maxBytes int
	}{{def, int(settings.DefaultMaxUploadBytes)}, {max, 1 << 30}} {
		c.fx.template.HasResourceProperties(jsii.String("AWS::ApiGateway::Model"), &map[string]any{
			"ContentType": "application/json",
			"Schema": map[string]any{
				"type":                 "object",
				"required":             []any{"key", "contentType"},
				"additionalProperties": false,
				"properties": map[string]any{
					"key":         map[string]any{"type": "string", "minLength": 1, "maxLength": 1024},
					"contentType": map[string]any{"type": "string", "minLength": 1, "maxLength": 255},
					"maxBytes":    map[string]any{"type": "integer", "minimum": 1, "maximum": c.maxBytes},
				},
			},
		})
	}
}

func TestStage_AccessLogsTracingThrottlingErrorLogsWithoutData(t *testing.T) {
	def, max, _ := fixtures(t)
	for _, c := range []struct {
		fx          *fixture
		rate, burst float64
	}{{def, DefaultThrottleRateLimit, DefaultThrottleBurstLimit}, {max, 10, 20}} {
		_, stage := c.fx.only(t, "AWS::ApiGateway::Stage")
		p := props(stage)
		logs := c.fx.logicalID(c.fx.api.LogGroups.Access)
		setting := p["AccessLogSetting"].(map[string]any)
		if fmt.Sprint(setting["DestinationArn"]) != "map[Fn::GetAtt:["+logs+" Arn]]" {
			t.Errorf("access logs go to %v, want %s", setting["DestinationArn"], logs)
		}
		var format map[string]string
		if err := json.Unmarshal([]byte(setting["Format"].(string)), &format); err != nil {
			t.Errorf("access log format is not JSON: %v", err)
		}
		for _, field := range []string{"requestId", "ip", "caller", "user", "requestTime", "httpMethod", "resourcePath", "status", "protocol", "responseLength"} {
			if _, ok := format[field]; !ok {
				t.Errorf("access log format lacks %s", field)
			}
		}
		if p["TracingEnabled"] != true || p["StageName"] != StageName {
			t.Errorf("stage tracing %v name %v", p["TracingEnabled"], p["StageName"])
		}
		c.fx.template.HasResourceProperties(jsii.String("AWS::ApiGateway::Stage"), &map[string]any{
			"MethodSettings": []any{map[string]any{
				"HttpMethod": "*", "ResourcePath": "/*",
				"LoggingLevel": "ERROR", "DataTraceEnabled": false,
				"ThrottlingRateLimit": c.rate, "ThrottlingBurstLimit": c.burst,
			}},
		})
		c.fx.template.HasResourceProperties(jsii.String("AWS::ApiGateway::RestApi"), &map[string]any{
			"EndpointConfiguration": map[string]any{"Types": []any{"REGIONAL"}},
		})
	}
}

func TestLogGroups_RetentionSetAndRetained(t *testing.T) {
	def, max, _ := fixtures(t)
	for _, c := range []struct {
		fx   *fixture
		days float64
	}{{def, 365}, {max, 731}} {
		groups := c.fx.resources("AWS::Logs::LogGroup")
		if len(groups) != 3 {
			t.Errorf("%d log groups, want the function's and the stage's access and execution logs", len(groups))
		}
		for id, g := range groups {
			if props(g)["RetentionInDays"] != c.days || g["DeletionPolicy"] != "RetainExceptOnCreate" {
				t.Errorf("%s: retention %v policy %v, want %v days and Retain", id, props(g)["RetentionInDays"], g["DeletionPolicy"], c.days)
			}
		}
	}
}

func TestFunction_RuntimeAndLimits(t *testing.T) {
	def, max, _ := fixtures(t)
	for _, c := range []struct {
		fx          *fixture
		concurrency any
	}{{def, assertions.Match_Absent()}, {max, 3}} {
		fx := c.fx
		fx.template.HasResourceProperties(jsii.String("AWS::Lambda::Function"), &map[string]any{
			"Runtime":                      "provided.al2023",
			"Architectures":                []any{"arm64"},
			"Handler":                      "bootstrap",
			"MemorySize":                   FunctionMemoryMB,
			"Timeout":                      FunctionTimeoutSeconds,
			"TracingConfig":                map[string]any{"Mode": "Active"},
			"ReservedConcurrentExecutions": c.concurrency,
			"LoggingConfig":                map[string]any{"LogGroup": map[string]any{"Ref": fx.logicalID(fx.api.LogGroups.Function)}},
			"Role":                         map[string]any{"Fn::GetAtt": []any{fx.logicalID(fx.api.Role), "Arn"}},
		})
	}
}

// env returns the function's environment with every value a string; a token
// (the generated bucket name) is replaced by bucket.
func env(t *testing.T, fx *fixture, bucket string) map[string]string {
	t.Helper()
	_, fn := fx.only(t, "AWS::Lambda::Function")
	vars := props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
	out := map[string]string{}
	for k, v := range vars {
		s, ok := v.(string)
		if !ok {
			if k != settings.EnvBucket {
				t.Fatalf("%s is not a literal: %v", k, v)
			}
			s = bucket
		}
		out[k] = s
	}
	return out
}

func TestEnvironment_TheFunctionAcceptsIt(t *testing.T) {
	def, max, min := fixtures(t)
	for _, c := range []struct {
		name    string
		fx      *fixture
		rules   []access.Rule
		ttl     time.Duration
		upload  int64
		origins []string
		cdn     *api.CDNConfig
	}{
		{"Default", def, access.Tiered(DefaultTiers), 300 * time.Second, settings.DefaultMaxUploadBytes, nil, nil},
		{"Maximal", max, maximalRules, 120 * time.Second, 1 << 30, []string{"https://app.example.com", "http://localhost:3000"},
			&api.CDNConfig{Domain: testCDNAlias, KeyPairID: testKeyPair, PrivateKeySecretARN: testSecret, CookieDomain: testCookieDomain}},
		{"Minimal", min, access.Tiered(DefaultTiers), 300 * time.Second, settings.DefaultMaxUploadBytes, []string{"https://app.example.com"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			vars := env(t, c.fx, "securestore-data-123456789012-eu-west-1")
			cfg, err := api.ConfigFromEnv(func(k string) string { return vars[k] })
			if err != nil {
				t.Fatalf("the function refuses the environment: %v", err)
			}
			if fmt.Sprint(cfg.Rules) != fmt.Sprint(c.rules) || cfg.MaxTTL != c.ttl || cfg.MaxUploadBytes != c.upload ||
				!slices.Equal(cfg.AllowedOrigins, c.origins) || fmt.Sprint(cfg.CDN) != fmt.Sprint(c.cdn) {
				t.Errorf("function config %+v (CDN %+v), want rules %v ttl %v upload %d origins %v cdn %+v", cfg, cfg.CDN, c.rules, c.ttl, c.upload, c.origins, c.cdn)
			}
			if c.name == "Maximal" && cfg.Bucket != "securestore-maximal-data" {
				t.Errorf("BUCKET_NAME %q", cfg.Bucket)
			}
		})
	}
	_, fn := def.only(t, "AWS::Lambda::Function")
	bucket := props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)[settings.EnvBucket]
	if got, want := fmt.Sprint(bucket), fmt.Sprint(def.stack.Resolve(def.bucket.BucketName)); got != want {
		t.Errorf("BUCKET_NAME %s, want the bucket's deterministic name %s", got, want)
	}
}

// statements returns every statement of the identity policies attached to
// the function's role, and the role itself.
func statements(t *testing.T, fx *fixture) ([]map[string]any, map[string]any) {
	t.Helper()
	roleID := fx.logicalID(fx.api.Role)
	role := fx.resources("AWS::IAM::Role")[roleID]
	var out []map[string]any
	for _, pol := range fx.resources("AWS::IAM::Policy") {
		if fmt.Sprint(props(pol)["Roles"]) != "[map[Ref:"+roleID+"]]" {
			continue
		}
		for _, s := range props(pol)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			out = append(out, s.(map[string]any))
		}
	}
	return out, role
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

func TestRole_OnlyTheRulePrefixesNoWildcardAction(t *testing.T) {
	def, max, _ := fixtures(t)
	for _, c := range []struct {
		name   string
		fx     *fixture
		want   map[string][]string // action -> object prefixes
		secret string
	}{
		{"Default", def, map[string][]string{
			"s3:GetObject": {"tier-1/", "tier-2/", "users/*/"}, "s3:PutObject": {"users/*/"}, "s3:DeleteObject": {"users/*/"},
			"s3:AbortMultipartUpload": {"users/*/"}, "s3:ListMultipartUploadParts": {"users/*/"},
		}, ""},
		{"Maximal", max, map[string][]string{
			"s3:GetObject": {"public/", "team/*/inbox/", "users/*/"}, "s3:PutObject": {"public/drafts/", "team/*/inbox/", "users/*/"}, "s3:DeleteObject": {"team/*/inbox/", "users/*/"},
			"s3:AbortMultipartUpload": {"public/drafts/", "team/*/inbox/", "users/*/"}, "s3:ListMultipartUploadParts": {"public/drafts/", "team/*/inbox/", "users/*/"},
		}, testSecret},
	} {
		t.Run(c.name, func(t *testing.T) {
			stmts, role := statements(t, c.fx)
			if mp := props(role)["ManagedPolicyArns"]; mp != nil {
				t.Errorf("role has managed policies %v", mp)
			}
			got := map[string][]string{}
			var secrets []string
			for _, s := range stmts {
				if s["Effect"] != "Allow" {
					t.Errorf("statement %v is not an Allow", s)
				}
				for _, a := range asList(s["Action"]) {
					action := a.(string)
					if strings.ContainsAny(action, "*?") {
						t.Errorf("wildcard action %q", action)
					}
					for _, r := range asList(s["Resource"]) {
						res, _ := json.Marshal(c.fx.stack.Resolve(r))
						switch {
						case action == "s3:ListBucket":
							// GET /objects: the bucket, conditioned on the readable prefixes.
							want, _ := json.Marshal(c.fx.stack.Resolve(c.fx.bucket.BucketArn))
							cond, _ := json.Marshal(c.fx.stack.Resolve(s["Condition"]))
							if string(res) != string(want) || !strings.Contains(string(cond), `"s3:prefix"`) {
								t.Errorf("s3:ListBucket on %s with %s, want the bucket with an s3:prefix condition", res, cond)
							}
						case strings.HasPrefix(action, "s3:"):
							got[action] = append(got[action], string(res))
						case action == "secretsmanager:GetSecretValue":
							secrets = append(secrets, strings.Trim(string(res), `"`))
						case action == "logs:CreateLogStream" || action == "logs:PutLogEvents":
							if want := `{"Fn::GetAtt":["` + c.fx.logicalID(c.fx.api.LogGroups.Function) + `","Arn"]}`; string(res) != want {
								t.Errorf("%s on %s, want the function's log group only", action, res)
							}
						case action == "xray:PutTraceSegments" || action == "xray:PutTelemetryRecords":
							// X-Ray has no resource-level permissions.
						default:
							t.Errorf("unexpected action %s on %s", action, res)
						}
					}
				}
			}
			// Each prefix's resource is the bucket's ARN (built from its
			// deterministic name) + "/" + prefix + "*".
			want := map[string][]string{}
			for action, prefixes := range c.want {
				for _, prefix := range prefixes {
					arn := awscdk.Fn_Join(jsii.String(""), &[]*string{c.fx.bucket.BucketArn, jsii.String("/" + prefix + "*")})
					b, _ := json.Marshal(c.fx.stack.Resolve(arn))
					want[action] = append(want[action], string(b))
				}
			}
			for _, m := range []map[string][]string{got, want} {
				for a := range m {
					sort.Strings(m[a])
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("S3 grants\n%v\nwant\n%v", got, want)
			}
			wantSecrets := []string(nil)
			if c.secret != "" {
				wantSecrets = []string{c.secret}
			}
			if !slices.Equal(secrets, wantSecrets) {
				t.Errorf("secretsmanager:GetSecretValue on %v, want %v", secrets, wantSecrets)
			}
		})
	}
}

func TestKeyPolicy_RoleUsesTheKeyOnlyThroughS3(t *testing.T) {
	def, _, _ := fixtures(t)
	roleArn := map[string]any{"Fn::GetAtt": []any{def.logicalID(def.api.Role), "Arn"}}
	// Reads decrypt; multipart uploads (every write) make data keys and
	// decrypt them for each part.
	for _, action := range []any{"kms:Decrypt", []any{"kms:Decrypt", "kms:GenerateDataKey"}} {
		def.template.HasResourceProperties(jsii.String("AWS::KMS::Key"), &map[string]any{
			"KeyPolicy": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Principal": map[string]any{"AWS": roleArn},
				"Action":    action,
				"Condition": assertions.Match_ObjectLike(&map[string]any{
					"StringEquals": assertions.Match_ObjectLike(&map[string]any{"kms:ViaService": assertions.Match_AnyValue()}),
				}),
			})})},
		})
	}
}

func TestCORS_PreflightAndGatewayResponses(t *testing.T) {
	def, max, min := fixtures(t)
	if n := len(def.resources("AWS::ApiGateway::GatewayResponse")); n != 0 {
		t.Errorf("default: %d gateway responses, want none without origins", n)
	}
	for _, m := range def.resources("AWS::ApiGateway::Method") {
		if props(m)["HttpMethod"] == "OPTIONS" {
			t.Error("default: an OPTIONS method without origins")
		}
	}
	for _, c := range []struct {
		fx    *fixture
		allow string
	}{{max, "method.request.header.Origin"}, {min, "'https://app.example.com'"}} {
		for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
			params := map[string]any{
				"gatewayresponse.header.Access-Control-Allow-Origin": c.allow,
				"gatewayresponse.header.Vary":                        "'Origin'",
			}
			if c.fx == max {
				// The maximal fixture's cookie domain: credentialed calls
				// read the gateway's errors too.
				params["gatewayresponse.header.Access-Control-Allow-Credentials"] = "'true'"
			}
			c.fx.template.HasResourceProperties(jsii.String("AWS::ApiGateway::GatewayResponse"), &map[string]any{
				"ResponseType": typ, "ResponseParameters": params,
			})
		}
	}
	// The preflight answers the configured origins only, for the routes'
	// methods; one per resource: the root and each path and its parents.
	var verbs []string
	resources := map[string]bool{"/": true}
	for _, r := range routes.All {
		if !slices.Contains(verbs, r.Method) {
			verbs = append(verbs, r.Method)
		}
		for i := range r.Path {
			if i > 0 && r.Path[i] == '/' {
				resources[r.Path[:i]] = true
			}
		}
		resources[r.Path] = true
	}
	allowMethods := strings.Join(append(verbs, "OPTIONS"), ",")
	preflight := 0
	for _, m := range max.resources("AWS::ApiGateway::Method") {
		if props(m)["HttpMethod"] != "OPTIONS" {
			continue
		}
		preflight++
		b, _ := json.Marshal(props(m)["Integration"])
		// DELETE aborts an upload; credentials, because POST /cdn-access
		// sets cookies with the maximal fixture's cookie domain.
		for _, o := range []string{"https://app.example.com", "http://localhost:3000", allowMethods, `"method.response.header.Access-Control-Allow-Credentials":"'true'"`} {
			if !strings.Contains(string(b), o) {
				t.Errorf("preflight integration lacks %s: %s", o, b)
			}
		}
	}
	if preflight != len(resources) {
		t.Errorf("%d preflight methods, want one per resource %v", preflight, slices.Sorted(maps.Keys(resources)))
	}
	for _, m := range min.resources("AWS::ApiGateway::Method") {
		if b, _ := json.Marshal(props(m)["Integration"]); strings.Contains(string(b), "Allow-Credentials") {
			t.Errorf("minimal (no cookie domain): the preflight allows credentials: %s", b)
		}
	}
}

func TestWAF_AssociatedWithTheStageWhenGiven(t *testing.T) {
	def, max, _ := fixtures(t)
	if n := len(def.resources("AWS::WAFv2::WebACLAssociation")); n != 0 {
		t.Errorf("default: %d web ACL associations", n)
	}
	_, assoc := max.only(t, "AWS::WAFv2::WebACLAssociation")
	stageID, _ := max.only(t, "AWS::ApiGateway::Stage")
	b, _ := json.Marshal(props(assoc)["ResourceArn"])
	if props(assoc)["WebACLArn"] != testWebACL || !strings.Contains(string(b), `{"Ref":"`+stageID+`"}`) {
		t.Errorf("association %v on %s, want %s on stage %s", props(assoc)["WebACLArn"], b, testWebACL, stageID)
	}
}

func TestCloudWatchRole_OnByDefaultRetainedOffOnRequest(t *testing.T) {
	def, _, min := fixtures(t)
	_, account := def.only(t, "AWS::ApiGateway::Account")
	if account["DeletionPolicy"] != "RetainExceptOnCreate" {
		t.Errorf("API Gateway account setting policy %v, want Retain", account["DeletionPolicy"])
	}
	if n := len(min.resources("AWS::ApiGateway::Account")); n != 0 {
		t.Errorf("CloudWatchRole false: %d account settings", n)
	}
}

func TestOutputs_URLPoolAndClient(t *testing.T) {
	for name, fx := range all(t) {
		outputs := fx.raw["Outputs"].(map[string]any)
		poolID, _ := fx.only(t, "AWS::Cognito::UserPool")
		clientID, _ := fx.only(t, "AWS::Cognito::UserPoolClient")
		var values []string
		for _, o := range outputs {
			b, _ := json.Marshal(o.(map[string]any)["Value"])
			values = append(values, string(b))
		}
		sort.Strings(values)
		joined := strings.Join(values, "\n")
		for _, want := range []string{`{"Ref":"` + poolID + `"}`, `{"Ref":"` + clientID + `"}`, `.execute-api.`} {
			if !strings.Contains(joined, want) {
				t.Errorf("%s: outputs %s lack %s", name, joined, want)
			}
		}
		if len(outputs) != 3 {
			t.Errorf("%s: %d outputs, want 3 (API URL, pool id, client id)", name, len(outputs))
		}
	}
}

// A team's own user pool: no pool and no client of ours, the tier groups
// in theirs, the authorizer on theirs.
func TestUserPool_ExistingPool(t *testing.T) {
	fixtures(t)
	fx := teamPoolFx
	for _, typ := range []string{"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient"} {
		if n := len(fx.resources(typ)); n != 0 {
			t.Errorf("%d %s, want none with Props.UserPool", n, typ)
		}
	}
	fx.template.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolGroup"), &map[string]any{
		"UserPoolId": testPoolID, "GroupName": "readers",
	})
	_, auth := fx.only(t, "AWS::ApiGateway::Authorizer")
	raw, _ := json.Marshal(auth["Properties"].(map[string]any)["ProviderARNs"])
	arns := string(raw)
	if !strings.Contains(arns, ":userpool/"+testPoolID) {
		t.Errorf("authorizer ProviderARNs = %s, want the existing pool %s", arns, testPoolID)
	}
	if fx.api.UserPoolClient != nil {
		t.Error("API.UserPoolClient is set, want nil with Props.UserPool")
	}
	if _, ok := fx.raw["Outputs"].(map[string]any)["PresignUserPoolClientId"]; ok {
		t.Error("a client id output without a client")
	}
}

// TestLogsKey_EncryptsBothGroupsForThemOnly: with LogsKey the two log
// groups are named, encrypted with it, and its policy lets CloudWatch Logs
// in this region use it for exactly those two groups.
func TestLogsKey_EncryptsBothGroupsForThemOnly(t *testing.T) {
	def, max, _ := fixtures(t)
	var keyID string
	for id, k := range max.resources("AWS::KMS::Key") {
		if strings.Contains(fmt.Sprint(props(k)["Description"]), "logs") || strings.HasPrefix(id, "LogsKey") {
			keyID = id
		}
	}
	if keyID == "" {
		t.Fatal("maximal: no logs key")
	}
	apiID := max.logicalID(max.api.RestAPI)
	exec := map[string]any{"Fn::Join": []any{"", []any{"API-Gateway-Execution-Logs_", map[string]any{"Ref": apiID}, "/v1"}}}
	want := map[string]bool{
		"/securestore/Maximal/Presign/function": true,
		"/securestore/Maximal/Presign/access":   true,
		fmt.Sprint(exec):                        true,
	}
	for id, g := range max.resources("AWS::Logs::LogGroup") {
		p := props(g)
		name := fmt.Sprint(p["LogGroupName"])
		if !want[name] || fmt.Sprint(p["KmsKeyId"]) != "map[Fn::GetAtt:["+keyID+" Arn]]" {
			t.Errorf("maximal: log group %s named %v, key %v; want one of %v with %s", id, p["LogGroupName"], p["KmsKeyId"], want, keyID)
		}
	}
	arn := func(name *string) any { return max.stack.Resolve(encryptionkey.LogGroupArn(name)) }
	max.template.HasResourceProperties(jsii.String("AWS::KMS::Key"), &map[string]any{
		"KeyPolicy": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": "logs." + testRegion + ".amazonaws.com"},
			"Action":    []any{"kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
			"Condition": map[string]any{"ArnEquals": map[string]any{"kms:EncryptionContext:aws:logs:arn": []any{
				arn(jsii.String("/securestore/Maximal/Presign/function")), arn(jsii.String("/securestore/Maximal/Presign/access")),
				arn(awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("API-Gateway-Execution-Logs_"), max.api.RestAPI.RestApiId(), jsii.String("/v1")})),
			}}},
		})})},
	})
	// Without LogsKey: CloudWatch Logs' own encryption, generated names
	// but for the execution logs, whose name is API Gateway's.
	for id, g := range def.resources("AWS::Logs::LogGroup") {
		if p := props(g); p["KmsKeyId"] != nil || p["LogGroupName"] != nil && !strings.HasPrefix(id, "PresignExecutionLogs") {
			t.Errorf("default: log group %s has %v", id, p)
		}
	}
	// The stage waits for its execution log group.
	for _, st := range max.resources("AWS::ApiGateway::Stage") {
		if !strings.Contains(fmt.Sprint(st["DependsOn"]), "PresignExecutionLogs") {
			t.Errorf("the stage does not depend on its execution log group: %v", st["DependsOn"])
		}
	}
}

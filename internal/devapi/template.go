package devapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Deployment is what the local API takes from a synthesized template: the
// REST API's methods, validators, models, gateway responses and CORS
// preflights, and the presign function's environment.
type Deployment struct {
	// Stage is the API's stage name ("prod").
	Stage string
	// Methods are the API's methods, sorted by path then method.
	Methods []Method
	// GatewayResponses maps a response type ("DEFAULT_4XX") to the headers
	// it adds: header name -> source ("'Origin'" a literal,
	// "method.request.header.Origin" a request header).
	GatewayResponses map[string]map[string]string
	// Env is the presign function's environment as the template sets it,
	// pseudo parameters resolved with Pseudo.
	Env map[string]string
	// Unresolved names the environment variables whose value the template
	// takes from another stack or resource (CDN_KEY_PAIR_ID from the edge
	// stack): they have no value without a deployment.
	Unresolved []string
	// Groups are the user pool's groups.
	Groups []string
}

// Method is one method of one resource.
type Method struct {
	// HTTPMethod is "GET", "POST", "OPTIONS", ...
	HTTPMethod string
	// Path is the resource path, parameters in braces.
	Path string
	// Authorization is the method's authorization type
	// ("COGNITO_USER_POOLS" or "NONE").
	Authorization string
	// Params are the request parameters the method declares,
	// "querystring.key" or "path.uploadId", mapped to whether they are
	// required.
	Params map[string]bool
	// ValidateParams and ValidateBody are the method's request
	// validator's settings.
	ValidateParams, ValidateBody bool
	// Model is the application/json request model, if any.
	Model *Model
	// Preflight is set on a MOCK method (the CORS preflight).
	Preflight *Preflight
}

// Model is an API Gateway model: a named JSON Schema (draft 4).
type Model struct {
	Name   string
	Schema json.RawMessage
}

// Preflight is a MOCK integration's answer, as the CORS OPTIONS methods
// declare it.
type Preflight struct {
	// Status is the integration response's status code.
	Status int
	// Headers are the static response headers (quotes removed).
	Headers map[string]string
	// EchoOrigins are the origins the response template answers with
	// themselves in Access-Control-Allow-Origin (every allowed origin but
	// the first, which is the static header).
	EchoOrigins []string
}

// Pseudo are the values given to CloudFormation's pseudo parameters.
type Pseudo struct {
	AccountID, Region, Partition, URLSuffix string
}

// LocalPseudo is the local deployment's pseudo parameters.
var LocalPseudo = Pseudo{AccountID: "000000000000", Region: "us-east-1", Partition: "aws", URLSuffix: "amazonaws.com"}

type template struct {
	Resources map[string]struct {
		Type       string         `json:"Type"`
		Properties map[string]any `json:"Properties"`
	} `json:"Resources"`
}

// FindTemplate returns the template in the cloud assembly dir (cdk.out, or
// a directory of templates) that holds the presign API: the one template
// with an AWS::ApiGateway::RestApi.
func FindTemplate(dir string) (string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".template.json") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(raw), `"AWS::ApiGateway::RestApi"`) {
			found = append(found, path)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("devapi: looking for the API's template in %s: %w", dir, err)
	}
	if len(found) != 1 {
		return "", fmt.Errorf("devapi: want one template with a REST API in %s, found %d %v (synthesize one environment)", dir, len(found), found)
	}
	return found[0], nil
}

// ReadDeployment reads the deployment from the template at path.
func ReadDeployment(path string, p Pseudo) (*Deployment, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("devapi: %w", err)
	}
	d, err := ParseDeployment(raw, p)
	if err != nil {
		return nil, fmt.Errorf("devapi: %s: %w", path, err)
	}
	return d, nil
}

var echoOrigin = regexp.MustCompile(`\$origin == "([^"]+)"`)

// ParseDeployment reads the deployment from a synthesized template.
func ParseDeployment(raw []byte, p Pseudo) (*Deployment, error) {
	var t template
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("parsing the template: %w", err)
	}
	ofType := func(typ string) []string {
		var ids []string
		for id, r := range t.Resources {
			if r.Type == typ {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		return ids
	}
	apis := ofType("AWS::ApiGateway::RestApi")
	if len(apis) != 1 {
		return nil, fmt.Errorf("want one AWS::ApiGateway::RestApi, found %d", len(apis))
	}
	d := &Deployment{GatewayResponses: map[string]map[string]string{}, Env: map[string]string{}}
	for _, id := range ofType("AWS::ApiGateway::Stage") {
		d.Stage, _ = t.Resources[id].Properties["StageName"].(string)
	}
	for _, id := range ofType("AWS::Cognito::UserPoolGroup") {
		if name, ok := t.Resources[id].Properties["GroupName"].(string); ok {
			d.Groups = append(d.Groups, name)
		}
	}
	sort.Strings(d.Groups)

	// Resource paths: each resource's parent is the API's root or another
	// resource.
	paths := map[string]string{}
	var pathOf func(id string, depth int) (string, error)
	pathOf = func(id string, depth int) (string, error) {
		if p, ok := paths[id]; ok {
			return p, nil
		}
		r, ok := t.Resources[id]
		if !ok || r.Type != "AWS::ApiGateway::Resource" || depth > 32 {
			return "", fmt.Errorf("resource %s: not an API resource", id)
		}
		part, _ := r.Properties["PathPart"].(string)
		parent := "/"
		if ref := refOf(r.Properties["ParentId"]); ref != "" {
			pp, err := pathOf(ref, depth+1)
			if err != nil {
				return "", err
			}
			parent = pp
		}
		paths[id] = strings.TrimSuffix(parent, "/") + "/" + part
		return paths[id], nil
	}

	validators := map[string][2]bool{}
	for _, id := range ofType("AWS::ApiGateway::RequestValidator") {
		props := t.Resources[id].Properties
		params, _ := props["ValidateRequestParameters"].(bool)
		body, _ := props["ValidateRequestBody"].(bool)
		validators[id] = [2]bool{params, body}
	}

	var function string
	for _, id := range ofType("AWS::ApiGateway::Method") {
		props := t.Resources[id].Properties
		m := Method{Params: map[string]bool{}}
		m.HTTPMethod, _ = props["HttpMethod"].(string)
		m.Authorization, _ = props["AuthorizationType"].(string)
		m.Path = "/"
		if ref := refOf(props["ResourceId"]); ref != "" {
			path, err := pathOf(ref, 0)
			if err != nil {
				return nil, fmt.Errorf("method %s: %w", id, err)
			}
			m.Path = path
		}
		if params, ok := props["RequestParameters"].(map[string]any); ok {
			for name, req := range params {
				required, _ := req.(bool)
				m.Params[strings.TrimPrefix(name, "method.request.")] = required
			}
		}
		if v, ok := validators[refOf(props["RequestValidatorId"])]; ok {
			m.ValidateParams, m.ValidateBody = v[0], v[1]
		}
		if models, ok := props["RequestModels"].(map[string]any); ok {
			if ref := refOf(models["application/json"]); ref != "" {
				mp := t.Resources[ref].Properties
				schema, err := json.Marshal(mp["Schema"])
				if err != nil {
					return nil, fmt.Errorf("model %s: %w", ref, err)
				}
				name, _ := mp["Name"].(string)
				if title, ok := mp["Schema"].(map[string]any)["title"].(string); ok && name == "" {
					name = title
				}
				m.Model = &Model{Name: name, Schema: schema}
			}
		}
		integ, _ := props["Integration"].(map[string]any)
		switch integ["Type"] {
		case "MOCK":
			pf, err := preflightOf(integ)
			if err != nil {
				return nil, fmt.Errorf("method %s: %w", id, err)
			}
			m.Preflight = pf
		case "AWS_PROXY":
			fn := getAttTarget(integ["Uri"])
			if fn == "" || function != "" && fn != function {
				return nil, fmt.Errorf("method %s: want every proxy method to invoke one function", id)
			}
			function = fn
		default:
			return nil, fmt.Errorf("method %s: integration type %v is not emulated", id, integ["Type"])
		}
		d.Methods = append(d.Methods, m)
	}
	sort.Slice(d.Methods, func(i, j int) bool {
		a, b := d.Methods[i], d.Methods[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.HTTPMethod < b.HTTPMethod
	})

	for _, id := range ofType("AWS::ApiGateway::GatewayResponse") {
		props := t.Resources[id].Properties
		typ, _ := props["ResponseType"].(string)
		headers := map[string]string{}
		if params, ok := props["ResponseParameters"].(map[string]any); ok {
			for k, v := range params {
				if s, ok := v.(string); ok {
					headers[strings.TrimPrefix(k, "gatewayresponse.header.")] = s
				}
			}
		}
		d.GatewayResponses[typ] = headers
	}

	if function == "" {
		return nil, errors.New("no method invokes a function")
	}
	env, _ := t.Resources[function].Properties["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	for k, v := range vars {
		s, err := resolve(v, p)
		if err != nil {
			d.Unresolved = append(d.Unresolved, k)
			continue
		}
		d.Env[k] = s
	}
	sort.Strings(d.Unresolved)
	return d, nil
}

// preflightOf reads a MOCK integration's first integration response.
func preflightOf(integ map[string]any) (*Preflight, error) {
	responses, _ := integ["IntegrationResponses"].([]any)
	if len(responses) == 0 {
		return nil, errors.New("a MOCK integration without integration responses")
	}
	r, _ := responses[0].(map[string]any)
	status, err := strconv.Atoi(fmt.Sprint(r["StatusCode"]))
	if err != nil {
		return nil, fmt.Errorf("integration response status %v: %w", r["StatusCode"], err)
	}
	pf := &Preflight{Status: status, Headers: map[string]string{}}
	if params, ok := r["ResponseParameters"].(map[string]any); ok {
		for k, v := range params {
			s, _ := v.(string)
			if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
				return nil, fmt.Errorf("%s: %q is not a literal", k, s)
			}
			pf.Headers[strings.TrimPrefix(k, "method.response.header.")] = s[1 : len(s)-1]
		}
	}
	if templates, ok := r["ResponseTemplates"].(map[string]any); ok {
		vtl, _ := templates["application/json"].(string)
		for _, m := range echoOrigin.FindAllStringSubmatch(vtl, -1) {
			if !slices.Contains(pf.EchoOrigins, m[1]) {
				pf.EchoOrigins = append(pf.EchoOrigins, m[1])
			}
		}
	}
	return pf, nil
}

// refOf is the logical id a {"Ref": id} or {"Fn::GetAtt": [id, attr]}
// points to, or "" for a GetAtt of the API's root resource.
func refOf(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	if ref, ok := m["Ref"].(string); ok {
		return ref
	}
	return ""
}

// getAttTarget finds the first {"Fn::GetAtt": [id, "Arn"]} inside v.
func getAttTarget(v any) string {
	switch x := v.(type) {
	case map[string]any:
		if ga, ok := x["Fn::GetAtt"].([]any); ok && len(ga) == 2 && ga[1] == "Arn" {
			id, _ := ga[0].(string)
			return id
		}
		for _, e := range x {
			if id := getAttTarget(e); id != "" {
				return id
			}
		}
	case []any:
		for _, e := range x {
			if id := getAttTarget(e); id != "" {
				return id
			}
		}
	}
	return ""
}

var errUnresolved = errors.New("not resolvable without a deployment")

// resolve evaluates a template value made of strings, pseudo parameter
// Refs and Fn::Join.
func resolve(v any, p Pseudo) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64, bool:
		return fmt.Sprint(x), nil
	case map[string]any:
		if ref, ok := x["Ref"].(string); ok {
			switch ref {
			case "AWS::AccountId":
				return p.AccountID, nil
			case "AWS::Region":
				return p.Region, nil
			case "AWS::Partition":
				return p.Partition, nil
			case "AWS::URLSuffix":
				return p.URLSuffix, nil
			}
			return "", errUnresolved
		}
		if join, ok := x["Fn::Join"].([]any); ok && len(join) == 2 {
			sep, _ := join[0].(string)
			parts, _ := join[1].([]any)
			var out []string
			for _, part := range parts {
				s, err := resolve(part, p)
				if err != nil {
					return "", err
				}
				out = append(out, s)
			}
			return strings.Join(out, sep), nil
		}
	}
	return "", errUnresolved
}

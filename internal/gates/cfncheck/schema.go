package cfncheck

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// schemaFiles are the CloudFormation registry schemas, one file per type:
// schemas/aws-s3-bucket.json is AWS::S3::Bucket. Provenance: schemas/README.md.
//
//go:embed schemas/*.json
var schemaFiles embed.FS

// intrinsicURL names the schema every intrinsic function call satisfies.
const intrinsicURL = "urn:cfncheck:intrinsic"

// intrinsicSchema matches an object with exactly one key that names an
// intrinsic function or a condition reference: {"Ref": ...}, {"Fn::Sub": ...},
// {"Condition": ...}. Such a value stands for a value of any type.
var intrinsicSchema = map[string]any{
	"type":          "object",
	"minProperties": json.Number("1"),
	"maxProperties": json.Number("1"),
	"propertyNames": map[string]any{"pattern": `^(Ref|Condition|Fn::[A-Za-z0-9]+)$`},
}

// resourceAttributes are the keys CloudFormation allows on a resource.
var resourceAttributes = []string{
	"Condition", "CreationPolicy", "DeletionPolicy", "DependsOn", "Metadata",
	"Properties", "Type", "UpdatePolicy", "UpdateReplacePolicy",
}

// Schema validates every resource of the template against the CloudFormation
// registry schema of its type and returns one error per problem, each naming
// the resource and the property path:
//
//   - a property name, type, enum value, pattern, length, range or required
//     property the registry schema does not allow;
//   - a read-only property (Arn, Id, ...) set in the template;
//   - a resource attribute CloudFormation does not know (a typo like "Propertes");
//   - a resource type with no schema in the embedded set.
//
// An intrinsic function ({"Ref": ...}, {"Fn::GetAtt": ...}, {"Fn::If": ...},
// ...) stands for a value of any type: the schema accepts it wherever a value
// is expected, and keeps checking its siblings. A nil result means the
// template conforms.
func Schema(template []byte) []error {
	tmpl, err := parseTemplate(template)
	if err != nil {
		return []error{err}
	}
	ids := make([]string, 0, len(tmpl.Resources))
	for id := range tmpl.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var errs []error
	for _, id := range ids {
		errs = append(errs, validateResource(id, tmpl.Resources[id])...)
	}
	return errs
}

func validateResource(id string, r resource) []error {
	where := fmt.Sprintf("Resources/%s (%s)", id, r.Type)
	var errs []error
	for k := range r.Raw {
		if !slices.Contains(resourceAttributes, k) {
			errs = append(errs, fmt.Errorf("%s: unknown resource attribute %q", where, k))
		}
	}
	rs, err := schemaFor(r.Type)
	if err != nil {
		return append(errs, fmt.Errorf("%s: %w", where, err))
	}
	props, ok := r.Raw["Properties"]
	if !ok {
		props = map[string]any{}
	}
	if m, ok := props.(map[string]any); ok {
		for _, name := range rs.readOnly {
			if _, set := m[name]; set {
				errs = append(errs, fmt.Errorf("%s: Properties/%s is read-only in the registry schema", where, name))
			}
		}
	}
	if err := rs.schema.Validate(props); err != nil {
		ve, ok := err.(*jsonschema.ValidationError)
		if !ok {
			return append(errs, fmt.Errorf("%s: %w", where, err))
		}
		for _, msg := range leafMessages(ve) {
			errs = append(errs, fmt.Errorf("%s: %s", where, msg))
		}
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errs
}

var printer = message.NewPrinter(language.English)

// leafMessages flattens a validation error to its leaves, dropping the ones
// that only say "this is not an intrinsic function" (the other branch of
// every wrapped property schema), and formats each with its instance path.
func leafMessages(ve *jsonschema.ValidationError) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if strings.HasPrefix(e.SchemaURL, intrinsicURL) {
			return
		}
		if len(e.Causes) == 0 {
			msg := fmt.Sprintf("Properties/%s: %s", strings.Join(e.InstanceLocation, "/"), e.ErrorKind.LocalizedString(printer))
			if len(e.InstanceLocation) == 0 {
				msg = "Properties: " + e.ErrorKind.LocalizedString(printer)
			}
			if !seen[msg] {
				seen[msg] = true
				out = append(out, msg)
			}
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return out
}

// resourceSchema is a compiled registry schema of one type.
type resourceSchema struct {
	schema   *jsonschema.Schema
	readOnly []string // top-level read-only property names
}

var (
	schemaMu    sync.Mutex
	schemaCache = map[string]*resourceSchema{}
	schemaErrs  = map[string]error{}
)

// schemaFile returns the embedded file name of a type's schema.
func schemaFile(typeName string) string {
	return "schemas/" + strings.ToLower(strings.ReplaceAll(typeName, "::", "-")) + ".json"
}

// schemaFor compiles the schema of typeName once per process.
func schemaFor(typeName string) (*resourceSchema, error) {
	schemaMu.Lock()
	defer schemaMu.Unlock()
	if s, ok := schemaCache[typeName]; ok {
		return s, nil
	}
	if err, ok := schemaErrs[typeName]; ok {
		return nil, err
	}
	s, err := compileSchema(typeName)
	if err != nil {
		schemaErrs[typeName] = err
		return nil, err
	}
	schemaCache[typeName] = s
	return s, nil
}

func compileSchema(typeName string) (*resourceSchema, error) {
	file := schemaFile(typeName)
	raw, err := schemaFiles.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("no CloudFormation registry schema for type %s (add %s from the registry, see schemas/README.md)", typeName, file)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: not a JSON object", file)
	}
	if got, _ := obj["typeName"].(string); got != typeName {
		return nil, fmt.Errorf("%s: typeName is %q, want %q", file, got, typeName)
	}
	// The provider definition meta-schema is not a JSON Schema draft the
	// validator knows (and would be fetched over the network): read the
	// schema as draft-07, which the registry schemas are written in.
	delete(obj, "$schema")
	wrapChildren(obj)

	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseRegexpEngine(registryRegexp)
	c.UseLoader(noLoader{})
	url := "urn:cfncheck:schema:" + typeName
	if err := c.AddResource(url, obj); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := c.AddResource(intrinsicURL, intrinsicSchema); err != nil {
		return nil, fmt.Errorf("intrinsic schema: %w", err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", file, err)
	}
	rs := &resourceSchema{schema: sch}
	if ro, ok := obj["readOnlyProperties"].([]any); ok {
		for _, p := range ro {
			s, _ := p.(string)
			if name, ok := strings.CutPrefix(s, "/properties/"); ok && !strings.Contains(name, "/") {
				rs.readOnly = append(rs.readOnly, name)
			}
		}
	}
	return rs, nil
}

// noLoader refuses every external reference: registry schemas only refer to
// their own definitions.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("external schema reference %s is not loaded", url)
}

// childKeywords are the draft-07 keywords whose subschemas apply to a child
// of the instance (a property value or an array item). Only these are
// wrapped: keywords that apply to the same instance (allOf, anyOf, oneOf,
// not, if/then/else, dependencies) are covered by the wrap of the child
// position they sit in, and wrapping them too would, for example, let an
// intrinsic match two branches of a oneOf.
var (
	childMapKeywords    = []string{"properties", "patternProperties", "definitions"}
	childSchemaKeywords = []string{"additionalProperties", "items", "additionalItems", "contains"}
	sameSchemaKeywords  = []string{"not", "if", "then", "else", "propertyNames"}
	sameListKeywords    = []string{"allOf", "anyOf", "oneOf"}
)

// wrapChildren rewrites schema s in place so that every schema applied to a
// child value becomes {"anyOf": [original, intrinsic]}. It recurses into
// every subschema, so nested objects keep all their own checks.
func wrapChildren(s map[string]any) {
	for _, kw := range childMapKeywords {
		m, ok := s[kw].(map[string]any)
		if !ok {
			continue
		}
		for name, sub := range m {
			if subm, ok := sub.(map[string]any); ok {
				wrapChildren(subm)
				if kw != "definitions" {
					m[name] = wrapIntrinsic(subm)
				}
			}
		}
	}
	for _, kw := range childSchemaKeywords {
		switch sub := s[kw].(type) {
		case map[string]any:
			wrapChildren(sub)
			s[kw] = wrapIntrinsic(sub)
		case []any: // tuple form of items
			for i, item := range sub {
				if m, ok := item.(map[string]any); ok {
					wrapChildren(m)
					sub[i] = wrapIntrinsic(m)
				}
			}
		}
	}
	for _, kw := range sameSchemaKeywords {
		if sub, ok := s[kw].(map[string]any); ok {
			wrapChildren(sub)
		}
	}
	for _, kw := range sameListKeywords {
		if list, ok := s[kw].([]any); ok {
			for _, item := range list {
				if m, ok := item.(map[string]any); ok {
					wrapChildren(m)
				}
			}
		}
	}
	if deps, ok := s["dependencies"].(map[string]any); ok {
		for _, d := range deps {
			if m, ok := d.(map[string]any); ok {
				wrapChildren(m)
			}
		}
	}
}

func wrapIntrinsic(s map[string]any) map[string]any {
	return map[string]any{"anyOf": []any{s, map[string]any{"$ref": intrinsicURL}}}
}

// Patterns in registry schemas are written for ECMAScript or Java, not RE2:
// some use look-around, \u escapes or \Z. registryRegexp compiles with Go's
// regexp when it can, else with regexp2 in ECMAScript mode, else in .NET mode
// (\Z, look-behind).
// A pattern neither engine accepts is itself broken in the registry
// (for example "^[a-zA-Z0-9-]+{1,255}$", a nested quantifier): it is listed
// in brokenPatterns and does not constrain the value; any other pattern that
// fails to compile fails the schema.
func registryRegexp(pattern string) (jsonschema.Regexp, error) {
	if re, err := regexp.Compile(pattern); err == nil {
		return re, nil
	}
	var err error
	for _, opt := range []regexp2.RegexOptions{regexp2.ECMAScript, regexp2.None} {
		var re *regexp2.Regexp
		if re, err = regexp2.Compile(pattern, opt); err == nil {
			re.MatchTimeout = time.Second
			return regexp2Matcher{re}, nil
		}
	}
	if slices.Contains(brokenPatterns, pattern) {
		brokenSeen[pattern] = true // compilation runs under schemaMu
		return unchecked(pattern), nil
	}
	return nil, fmt.Errorf("pattern %q: %w", pattern, err)
}

// brokenPatterns are registry patterns that are not valid in any regular
// expression dialect; TestSchemas_AllCompile keeps this list exact.
var brokenPatterns = []string{
	`^[\/]+([^~]*(~[01])*)*{1,512}$`,
	`^[a-zA-Z0-9-]+{1,255}$`,
}

// brokenSeen records which brokenPatterns the compiled schemas contained.
var brokenSeen = map[string]bool{}

type regexp2Matcher struct{ re *regexp2.Regexp }

func (m regexp2Matcher) MatchString(s string) bool {
	ok, err := m.re.MatchString(s)
	return ok && err == nil
}

func (m regexp2Matcher) String() string { return m.re.String() }

type unchecked string

func (unchecked) MatchString(string) bool { return true }
func (u unchecked) String() string        { return string(u) }

package cfncheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// template is the part of a CloudFormation template the checks read.
type template struct {
	Parameters map[string]bool
	Resources  map[string]resource
}

// resource is one entry of a template's Resources section. Raw keeps every
// attribute (Type, Properties, DependsOn, Metadata, ...) as decoded JSON with
// numbers kept as json.Number.
type resource struct {
	Type string
	Raw  map[string]any
}

// parseTemplate decodes template JSON. It fails on anything that is not an
// object with a Resources object whose entries are objects with a string Type.
func parseTemplate(data []byte) (*template, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse template: %w", err)
	}
	t := &template{Parameters: map[string]bool{}, Resources: map[string]resource{}}
	if ps, ok := doc["Parameters"].(map[string]any); ok {
		for name := range ps {
			t.Parameters[name] = true
		}
	}
	rs, ok := doc["Resources"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("parse template: no Resources object")
	}
	for id, v := range rs {
		raw, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("parse template: Resources/%s is not an object", id)
		}
		typ, ok := raw["Type"].(string)
		if !ok || typ == "" {
			return nil, fmt.Errorf("parse template: Resources/%s has no string Type", id)
		}
		t.Resources[id] = resource{Type: typ, Raw: raw}
	}
	return t, nil
}

// readTemplate reads and parses the template file at path.
func readTemplate(path string) (*template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	t, err := parseTemplate(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// cdkPath returns the resource's aws:cdk:path metadata, or "".
func (r resource) cdkPath() string {
	md, _ := r.Raw["Metadata"].(map[string]any)
	p, _ := md["aws:cdk:path"].(string)
	return p
}

// properties returns the resource's Properties, or nil.
func (r resource) properties() map[string]any {
	p, _ := r.Raw["Properties"].(map[string]any)
	return p
}

// Resource is one entry of a template's Resources section, as other tools
// (the architecture diagram) read it.
type Resource struct {
	// Type is the CloudFormation type, such as "AWS::S3::Bucket".
	Type string
	// Path is the aws:cdk:path metadata, "" when the template has none.
	Path string
	// Properties are the resource's Properties, nil when it has none.
	Properties map[string]any
}

// Resources decodes template JSON into its resources by logical id, with
// the same checks as every gate here: an object with a Resources object
// whose entries are objects with a string Type.
func Resources(template []byte) (map[string]Resource, error) {
	t, err := parseTemplate(template)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Resource, len(t.Resources))
	for id, r := range t.Resources {
		out[id] = Resource{Type: r.Type, Path: r.cdkPath(), Properties: r.properties()}
	}
	return out, nil
}

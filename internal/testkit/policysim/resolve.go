// Package policysim evaluates the IAM policies of synthesized CloudFormation
// templates with a real IAM policy evaluator, @cloud-copilot/iam-simulate
// from npm (AGPL-3.0: a test tool, pinned in package.json's
// devDependencies; nothing deployed imports it or this package).
//
// A Stack resolves a template's intrinsic functions to the concrete values
// an example deployment would have (account, region, physical names and
// ARNs of the resources, Fn::GetStackOutput from a sibling stack), so the
// policies can be evaluated as IAM would see them; Run evaluates requests
// against them in one Node process.
package policysim

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"sort"
	"strings"
)

// Stack is one template deployed as an example: its name, account and
// region, and its siblings for Fn::GetStackOutput.
type Stack struct {
	// Name is the stack name (the CDK stack's StackName).
	Name string
	// Account and Region are where it is deployed.
	Account, Region string
	// Template is the decoded template.
	Template map[string]any
	// Siblings are the other stacks of the deployment, by name.
	Siblings map[string]*Stack
}

// Partition is the partition every resolved ARN is in.
const Partition = "aws"

// Resolve returns v with every intrinsic function replaced by its value in
// this deployment. It fails on a function or resource it does not know,
// naming it, rather than guess.
func (s *Stack) Resolve(v any) (any, error) {
	switch v := v.(type) {
	case []any:
		out := make([]any, 0, len(v))
		for i, e := range v {
			r, err := s.Resolve(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			if r != noValue {
				out = append(out, r)
			}
		}
		return out, nil
	case map[string]any:
		if len(v) == 1 {
			for fn, arg := range v {
				if fn == "Ref" || strings.HasPrefix(fn, "Fn::") {
					return s.intrinsic(fn, arg)
				}
			}
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			r, err := s.Resolve(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			if r != noValue {
				out[k] = r
			}
		}
		return out, nil
	}
	return v, nil
}

// noValue is what AWS::NoValue resolves to: the property is removed.
var noValue = &struct{}{}

func (s *Stack) intrinsic(fn string, arg any) (any, error) {
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		return s.ref(name)
	case "Fn::GetAtt":
		parts, _ := arg.([]any)
		if len(parts) != 2 {
			return nil, fmt.Errorf("Fn::GetAtt %v: want [logicalId, attribute]", arg)
		}
		id, _ := parts[0].(string)
		attr, _ := parts[1].(string)
		return s.attribute(id, attr)
	case "Fn::Join":
		parts, _ := arg.([]any)
		if len(parts) != 2 {
			return nil, fmt.Errorf("Fn::Join %v: want [separator, list]", arg)
		}
		sep, _ := parts[0].(string)
		list, err := s.Resolve(parts[1])
		if err != nil {
			return nil, fmt.Errorf("Fn::Join: %w", err)
		}
		items, ok := list.([]any)
		if !ok {
			return nil, fmt.Errorf("Fn::Join: %v is not a list", list)
		}
		strs := make([]string, len(items))
		for i, it := range items {
			str, ok := it.(string)
			if !ok {
				return nil, fmt.Errorf("Fn::Join: element %d is %v, not a string", i, it)
			}
			strs[i] = str
		}
		return strings.Join(strs, sep), nil
	case "Fn::Sub":
		text, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("Fn::Sub with a variable map is not supported: %v", arg)
		}
		var err error
		out := subVar.ReplaceAllStringFunc(text, func(m string) string {
			name := m[2 : len(m)-1]
			var r any
			var e error
			if id, attr, ok := strings.Cut(name, "."); ok {
				r, e = s.attribute(id, attr)
			} else {
				r, e = s.ref(name)
			}
			if e != nil && err == nil {
				err = e
			}
			str, _ := r.(string)
			return str
		})
		return out, err
	case "Fn::GetStackOutput":
		m, _ := arg.(map[string]any)
		name, _ := m["StackName"].(string)
		output, _ := m["OutputName"].(string)
		sib := s.Siblings[name]
		if sib == nil {
			return nil, fmt.Errorf("Fn::GetStackOutput: no stack %q in this deployment", name)
		}
		if region, _ := m["Region"].(string); region != "" && region != sib.Region {
			return nil, fmt.Errorf("Fn::GetStackOutput: stack %q is in %s, not %s", name, sib.Region, region)
		}
		outputs, _ := sib.Template["Outputs"].(map[string]any)
		o, _ := outputs[output].(map[string]any)
		if o == nil {
			return nil, fmt.Errorf("Fn::GetStackOutput: stack %q has no output %q", name, output)
		}
		return sib.Resolve(o["Value"])
	}
	return nil, fmt.Errorf("intrinsic %s is not supported", fn)
}

var subVar = regexp.MustCompile(`\$\{[^}!]+\}`)

func (s *Stack) ref(name string) (any, error) {
	switch name {
	case "AWS::AccountId":
		return s.Account, nil
	case "AWS::Region":
		return s.Region, nil
	case "AWS::Partition":
		return Partition, nil
	case "AWS::URLSuffix":
		return "amazonaws.com", nil
	case "AWS::StackName":
		return s.Name, nil
	case "AWS::NoValue":
		return noValue, nil
	}
	r, err := s.resource(name)
	if err != nil {
		return nil, err
	}
	typ, _ := r["Type"].(string)
	props, _ := r["Properties"].(map[string]any)
	named := func(prop string, fallback string) (any, error) {
		if v, ok := props[prop]; ok {
			return s.Resolve(v)
		}
		return fallback, nil
	}
	switch typ {
	case "AWS::S3::Bucket":
		return named("BucketName", strings.ToLower(s.Name+"-"+name+"-"+s.suffix(name, 12)))
	case "AWS::IAM::Role":
		return named("RoleName", s.Name+"-"+name+"-"+strings.ToUpper(s.suffix(name, 12)))
	case "AWS::Lambda::Function":
		return named("FunctionName", s.Name+"-"+name+"-"+strings.ToUpper(s.suffix(name, 12)))
	case "AWS::Logs::LogGroup":
		return named("LogGroupName", s.Name+"-"+name+"-"+strings.ToUpper(s.suffix(name, 12)))
	case "AWS::KMS::Key":
		h := s.suffix(name, 32)
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
	case "AWS::CloudFront::Distribution", "AWS::CloudFront::PublicKey", "AWS::CloudFront::KeyGroup":
		return "E" + strings.ToUpper(s.suffix(name, 13)), nil
	case "AWS::ApiGateway::RestApi":
		// A REST API's id: ten lower-case letters and digits.
		return s.suffix(name, 10), nil
	case "AWS::SNS::Topic":
		// A topic's Ref is its ARN.
		topic, err := named("TopicName", s.Name+"-"+name+"-"+strings.ToUpper(s.suffix(name, 12)))
		if err != nil {
			return nil, err
		}
		return fmt.Sprintf("arn:%s:sns:%s:%s:%v", Partition, s.Region, s.Account, topic), nil
	}
	return nil, fmt.Errorf("a Ref to %s: resource type %s is not supported", name, typ)
}

func (s *Stack) attribute(id, attr string) (any, error) {
	r, err := s.resource(id)
	if err != nil {
		return nil, err
	}
	typ, _ := r["Type"].(string)
	ref, err := s.ref(id)
	if err != nil {
		return nil, err
	}
	name, _ := ref.(string)
	switch typ + "." + attr {
	case "AWS::S3::Bucket.Arn":
		return "arn:" + Partition + ":s3:::" + name, nil
	case "AWS::S3::Bucket.RegionalDomainName":
		return name + ".s3." + s.Region + ".amazonaws.com", nil
	case "AWS::KMS::Key.Arn":
		return "arn:" + Partition + ":kms:" + s.Region + ":" + s.Account + ":key/" + name, nil
	case "AWS::IAM::Role.Arn":
		return "arn:" + Partition + ":iam::" + s.Account + ":role/" + name, nil
	case "AWS::Lambda::Function.Arn":
		return "arn:" + Partition + ":lambda:" + s.Region + ":" + s.Account + ":function:" + name, nil
	case "AWS::Logs::LogGroup.Arn":
		return "arn:" + Partition + ":logs:" + s.Region + ":" + s.Account + ":log-group:" + name + ":*", nil
	case "AWS::CloudFront::Distribution.DomainName":
		return strings.ToLower(name) + ".cloudfront.net", nil
	case "AWS::CloudFront::Distribution.Id":
		return name, nil
	}
	return nil, fmt.Errorf("Fn::GetAtt %s.%s: attribute of %s is not supported", id, attr, typ)
}

func (s *Stack) resource(id string) (map[string]any, error) {
	resources, _ := s.Template["Resources"].(map[string]any)
	r, _ := resources[id].(map[string]any)
	if r == nil {
		return nil, fmt.Errorf("stack %s has no resource %q", s.Name, id)
	}
	return r, nil
}

// suffix is a stable hex string of n characters derived from the stack and
// logical id, standing in for the random part of a physical name.
func (s *Stack) suffix(id string, n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		h := fnv.New64a()
		fmt.Fprintf(h, "%s/%s/%d", s.Name, id, i)
		fmt.Fprintf(&b, "%016x", h.Sum64())
	}
	return b.String()[:n]
}

// Resources returns the logical ids of the resources of type typ, sorted.
func (s *Stack) Resources(typ string) []string {
	resources, _ := s.Template["Resources"].(map[string]any)
	var ids []string
	for id, r := range resources {
		if body, _ := r.(map[string]any); body["Type"] == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// Properties returns the properties of resource id, unresolved.
func (s *Stack) Properties(id string) map[string]any {
	r, _ := s.resource(id)
	props, _ := r["Properties"].(map[string]any)
	return props
}

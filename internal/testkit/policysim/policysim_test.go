package policysim

import (
	"encoding/json"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	edge := &Stack{Name: "prod-Edge", Account: "123456789012", Region: "us-east-1", Template: map[string]any{
		"Resources": map[string]any{"CDN": map[string]any{"Type": "AWS::CloudFront::Distribution"}},
		"Outputs":   map[string]any{"DistId": map[string]any{"Value": map[string]any{"Ref": "CDN"}}},
	}}
	data := &Stack{Name: "prod-Data", Account: "123456789012", Region: "eu-central-1", Template: map[string]any{
		"Resources": map[string]any{
			"Bucket": map[string]any{"Type": "AWS::S3::Bucket", "Properties": map[string]any{
				"BucketName": map[string]any{"Fn::Join": []any{"-", []any{"data", map[string]any{"Ref": "AWS::AccountId"}, map[string]any{"Ref": "AWS::Region"}}}},
			}},
			"Key":  map[string]any{"Type": "AWS::KMS::Key"},
			"Role": map[string]any{"Type": "AWS::IAM::Role"},
		},
	}}
	siblings := map[string]*Stack{edge.Name: edge, data.Name: data}
	edge.Siblings, data.Siblings = siblings, siblings

	got, err := data.Resolve(map[string]any{
		"bucket": map[string]any{"Fn::GetAtt": []any{"Bucket", "Arn"}},
		"dist": map[string]any{"Fn::Join": []any{"", []any{"arn:", map[string]any{"Ref": "AWS::Partition"}, ":cloudfront::123456789012:distribution/",
			map[string]any{"Fn::GetStackOutput": map[string]any{"StackName": "prod-Edge", "OutputName": "DistId", "Region": "us-east-1"}}}}},
		"sub":   map[string]any{"Fn::Sub": "${AWS::Region}/${Role.Arn}"},
		"gone":  map[string]any{"Ref": "AWS::NoValue"},
		"plain": []any{"a", map[string]any{"Ref": "AWS::NoValue"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := got.(map[string]any)
	distID, _ := edge.Resolve(map[string]any{"Ref": "CDN"})
	role, _ := data.Resolve(map[string]any{"Fn::GetAtt": []any{"Role", "Arn"}})
	want := map[string]any{
		"bucket": "arn:aws:s3:::data-123456789012-eu-central-1",
		"dist":   "arn:aws:cloudfront::123456789012:distribution/" + distID.(string),
		"sub":    "eu-central-1/" + role.(string),
		"plain":  []any{"a"},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("Resolve = %v, want %v", m, want)
	}
	if !strings.HasPrefix(role.(string), "arn:aws:iam::123456789012:role/prod-Data-Role-") {
		t.Errorf("role ARN %q", role)
	}
	for _, bad := range []any{
		map[string]any{"Fn::ImportValue": "x"},
		map[string]any{"Ref": "Missing"},
		map[string]any{"Fn::GetAtt": []any{"Key", "Rotation"}},
		map[string]any{"Fn::GetStackOutput": map[string]any{"StackName": "nope", "OutputName": "x"}},
	} {
		if _, err := data.Resolve(bad); err == nil {
			t.Errorf("Resolve(%v) succeeded, want an error naming what it cannot resolve", bad)
		}
	}
}

// The evaluator is the real one: the IAM semantics this project once got
// wrong (a Deny with ...IfExists applies when the key is absent) are its
// own, not a copy of ours.
func TestRun_ConditionSemantics(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not on PATH")
	}
	deny := func(cond map[string]any) map[string]any {
		return map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Sid": "Deny", "Effect": "Deny", "Principal": map[string]any{"AWS": "*"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": cond},
		}}
	}
	identity := []Policy{{Name: "p", Document: map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"},
	}}}}
	req := func(ctx map[string]any) Request {
		return Request{Principal: "arn:aws:iam::123456789012:role/r", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k", ResourceAccount: "123456789012", Context: ctx}
	}
	ifExists := deny(map[string]any{"StringNotEqualsIfExists": map[string]any{"s3:x-amz-server-side-encryption": "aws:kms"}})
	present := deny(map[string]any{"Null": map[string]any{"s3:x-amz-server-side-encryption": "false"}, "StringNotEquals": map[string]any{"s3:x-amz-server-side-encryption": "aws:kms"}})
	noHeader := map[string]any{}
	sse := map[string]any{"s3:x-amz-server-side-encryption": "AES256"}
	sims := []Simulation{
		{Request: req(noHeader), Identity: identity, Resource: ifExists},
		{Request: req(noHeader), Identity: identity, Resource: present},
		{Request: req(sse), Identity: identity, Resource: present},
	}
	out, err := Run(sims)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ExplicitlyDenied, Allowed, ExplicitlyDenied}
	for i, o := range out {
		if o.Result != want[i] {
			t.Errorf("simulation %d: %s, want %s", i, o, want[i])
		}
	}
	if len(out[0].Deciding) != 1 || out[0].Deciding[0] != "resource:Deny" {
		t.Errorf("deciding %v, want [resource:Deny]", out[0].Deciding)
	}
}

func TestRun_RefusesWhatTheEvaluatorCannotRead(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not on PATH")
	}
	_, err := Run([]Simulation{{Request: Request{Principal: "arn:aws:iam::123456789012:role/r", Action: "s3:NoSuchAction", Resource: "arn:aws:s3:::b/k", ResourceAccount: "123456789012"}}})
	if err == nil || !strings.Contains(err.Error(), "s3:NoSuchAction") {
		t.Errorf("Run error = %v, want one naming the request", err)
	}
	// A misspelt condition key would be ignored as absent: refused instead.
	_, err = Run([]Simulation{{Request: Request{
		Principal: "arn:aws:iam::123456789012:role/r", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k", ResourceAccount: "123456789012",
		Context: map[string]any{"s3:x-amz-server-side-encryptoin": "AES256"},
	}}})
	if err == nil || !strings.Contains(err.Error(), "s3:x-amz-server-side-encryptoin") {
		t.Errorf("Run error = %v, want one naming the ignored key", err)
	}
}

// The evaluator is AGPL-3.0: only tests may reach it.
func TestNothingButTestsImportsThisPackage(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Deps", "github.com/securestore/securestore/...").Output()
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	const self = "github.com/securestore/securestore/internal/testkit/policysim"
	for dec.More() {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		for _, d := range p.Deps {
			if d == self {
				t.Errorf("%s imports %s, which runs an AGPL-3.0 evaluator: only tests may", p.ImportPath, self)
			}
		}
	}
}

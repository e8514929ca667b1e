package cfncheck

import (
	"reflect"
	"strings"
	"testing"
)

// chain is a template where C needs B and B needs A; aRef is A's TopicName,
// so a reference to C there closes the cycle A -> C -> B -> A.
func chain(aRef string) string {
	return `{"Parameters": {"Name": {"Type": "String"}}, "Resources": {
	  "A": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": ` + aRef + `}},
	  "B": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "A"}}},
	  "C": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::GetAtt": ["B", "TopicName"]}}}}}`
}

func TestCycle_FindsACycleThroughEachReferenceForm(t *testing.T) {
	cases := map[string]string{
		"Ref":                    `{"Ref": "C"}`,
		"GetAtt list":            `{"Fn::GetAtt": ["C", "TopicName"]}`,
		"GetAtt string":          `{"Fn::GetAtt": "C.TopicName"}`,
		"Sub string":             `{"Fn::Sub": "x-${C}"}`,
		"Sub string attribute":   `{"Fn::Sub": "x-${C.TopicName}"}`,
		"Sub list":               `{"Fn::Sub": ["x-${C}", {}]}`,
		"Sub list variable":      `{"Fn::Sub": ["x-${v}", {"v": {"Ref": "C"}}]}`,
		"nested in Join":         `{"Fn::Join": ["-", [{"Fn::Select": [0, [{"Ref": "C"}]]}]]}`,
		"GetAtt nested argument": `{"Fn::GetAtt": ["Name", {"Ref": "C"}]}`,
	}
	for name, ref := range cases {
		t.Run(name, func(t *testing.T) {
			err := Cycle([]byte(chain(ref)))
			if err == nil {
				t.Fatal("cycle not found")
			}
			if !strings.Contains(err.Error(), "A -> C -> B -> A") {
				t.Errorf("error %q does not name the cycle A -> C -> B -> A", err)
			}
		})
	}
}

func TestCycle_FindsACycleThroughDependsOn(t *testing.T) {
	for _, dep := range []string{`"C"`, `["Other", "C"]`} {
		doc := `{"Resources": {
		  "A": {"Type": "AWS::SNS::Topic", "DependsOn": ` + dep + `},
		  "B": {"Type": "AWS::SNS::Topic", "DependsOn": "A"},
		  "C": {"Type": "AWS::SNS::Topic", "DependsOn": ["B"]},
		  "Other": {"Type": "AWS::SNS::Topic"}}}`
		if err := Cycle([]byte(doc)); err == nil || !strings.Contains(err.Error(), "A -> C -> B -> A") {
			t.Errorf("DependsOn %s: got %v", dep, err)
		}
	}
}

func TestCycle_FindsASelfReference(t *testing.T) {
	doc := `{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${A.TopicName}"}}}}}`
	if err := Cycle([]byte(doc)); err == nil || !strings.Contains(err.Error(), "A -> A") {
		t.Fatalf("got %v", err)
	}
}

func TestCycle_AcceptsAnAcyclicGraph(t *testing.T) {
	// References to parameters, pseudo-parameters, Sub variables and escaped
	// ${!Literal} names are not resources.
	cases := []string{
		`{"Ref": "Name"}`,
		`{"Ref": "AWS::Region"}`,
		`{"Fn::Sub": "${AWS::AccountId}-${Name}-${!C}"}`,
		`{"Fn::Sub": ["${C}", {"C": "literal"}]}`,
		`{"Fn::Sub": ["${C.Attr}", {"C": "literal"}]}`,
	}
	for _, ref := range cases {
		if err := Cycle([]byte(chain(ref))); err != nil {
			t.Errorf("%s: %v", ref, err)
		}
	}
}

func TestCycle_ReadsMetadataAndPolicies(t *testing.T) {
	doc := `{"Resources": {
	  "A": {"Type": "AWS::SNS::Topic", "Metadata": {"x": {"Ref": "B"}}},
	  "B": {"Type": "AWS::SNS::Topic", "UpdatePolicy": {"x": {"Ref": "A"}}}}}`
	if err := Cycle([]byte(doc)); err == nil {
		t.Fatal("cycle not found")
	}
}

func TestCycle_FailsOnMalformedTemplate(t *testing.T) {
	if err := Cycle([]byte(`{"Resources": []}`)); err == nil {
		t.Fatal("want an error")
	}
}

func TestDependencies_ListsEdges(t *testing.T) {
	deps, err := Dependencies([]byte(chain(`{"Ref": "Name"}`)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"A": {}, "B": {"A"}, "C": {"B"}}
	if !reflect.DeepEqual(deps, want) {
		t.Fatalf("got %v, want %v", deps, want)
	}
}

func TestCycle_BreaksTheCycleOfAnS3OriginWithTheKeyScopedToTheDistribution(t *testing.T) {
	// The ARCHITECTURE.md design: the distribution's origin is written from
	// the bucket's deterministic name, so key -> distribution, bucket -> key,
	// bucket policy -> bucket + distribution is acyclic; the same template
	// with the origin domain taken from the bucket (GetAtt) is the cycle.
	const tmpl = `{"Resources": {
	  "Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": [{"Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Dist}"}}}}]}}},
	  "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "data-${AWS::AccountId}"}, "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]}, "SSEAlgorithm": "aws:kms"}}]}}},
	  "Policy": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": {"Statement": [{"Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Dist}"}}}}]}}},
	  "Dist": {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {"Origins": [{"DomainName": ORIGIN}]}}}}}`
	acyclic := strings.Replace(tmpl, "ORIGIN", `{"Fn::Sub": "data-${AWS::AccountId}.s3.${AWS::Region}.${AWS::URLSuffix}"}`, 1)
	if err := Cycle([]byte(acyclic)); err != nil {
		t.Errorf("name-based origin: %v", err)
	}
	cyclic := strings.Replace(tmpl, "ORIGIN", `{"Fn::GetAtt": ["Bucket", "RegionalDomainName"]}`, 1)
	if err := Cycle([]byte(cyclic)); err == nil || !strings.Contains(err.Error(), "Bucket -> Key -> Dist -> Bucket") {
		t.Errorf("GetAtt origin: got %v", err)
	}
}

package cfncheck

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// compliantBucket returns the properties of a bucket that meets every
// Control Tower S3 control; tests delete one to break one control.
func compliantBucket() map[string]any {
	var props map[string]any
	err := json.Unmarshal([]byte(`{
	  "BucketName": "securestore-data",
	  "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:us-east-1:111122223333:key/k"}}]},
	  "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
	  "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
	  "VersioningConfiguration": {"Status": "Enabled"},
	  "LoggingConfiguration": {"DestinationBucketName": "securestore-logs", "LogFilePrefix": "data/"},
	  "LifecycleConfiguration": {"Rules": [{"Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]},
	  "NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": true}},
	  "ObjectLockEnabled": true
	}`), &props)
	if err != nil {
		panic(err)
	}
	return props
}

// bucketTemplate writes a template with bucket "Data" (props) and a TLS-only
// bucket policy, and returns its path.
func bucketTemplate(t testing.TB, props map[string]any) string {
	t.Helper()
	tmpl := map[string]any{"Resources": map[string]any{
		"Data": map[string]any{
			"Type":       "AWS::S3::Bucket",
			"Properties": props,
			"Metadata":   map[string]any{"aws:cdk:path": "dev-SecureStore/Storage/Data/Resource"},
		},
		"DataPolicy": map[string]any{
			"Type": "AWS::S3::BucketPolicy",
			"Properties": map[string]any{
				"Bucket": map[string]any{"Ref": "Data"},
				"PolicyDocument": map[string]any{
					"Version": "2012-10-17",
					"Statement": []any{map[string]any{
						"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
						"Resource": []any{
							map[string]any{"Fn::GetAtt": []any{"Data", "Arn"}},
							// The object ARN as CDK writes it; CT.S3.PR.8 reads this form.
							map[string]any{"Fn::Join": []any{"", []any{map[string]any{"Fn::GetAtt": []any{"Data", "Arn"}}, "/*"}}},
						},
						"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
					}},
				},
			},
		},
	}}
	data, err := json.MarshalIndent(tmpl, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if errs := Schema(data); len(errs) > 0 {
		t.Fatalf("test template does not conform to the registry schema: %v", errs)
	}
	path := filepath.Join(t.TempDir(), "template.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGuard_PassesABucketThatMeetsEveryControl(t *testing.T) {
	findings, err := Guard(bucketTemplate(t, compliantBucket()))
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) > 0 {
		t.Fatalf("want no findings, got:\n%s", joinFindings(findings))
	}
}

func TestGuard_FlagsABucketWithoutVersioning(t *testing.T) {
	props := compliantBucket()
	delete(props, "VersioningConfiguration")
	findings, err := Guard(bucketTemplate(t, props))
	if err != nil {
		t.Fatal(err)
	}
	f := requireFinding(t, findings, "CT.S3.PR.11", "Data")
	if f.Type != "AWS::S3::Bucket" || f.Path != "dev-SecureStore/Storage/Data/Resource" || f.Level != LevelError {
		t.Errorf("finding %+v: want type, cdk path and error level filled in", f)
	}
	if !strings.Contains(f.Message, "versioning") || !strings.Contains(f.Message, "Fix:") {
		t.Errorf("message %q: want the control's name and its fix", f.Message)
	}
	if len(Failures(findings)) == 0 {
		t.Error("an unexempted control finding must be a failure")
	}
}

func TestGuard_FlagsSuspendedVersioning(t *testing.T) {
	props := compliantBucket()
	props["VersioningConfiguration"] = map[string]any{"Status": "Suspended"}
	findings, err := Guard(bucketTemplate(t, props))
	if err != nil {
		t.Fatal(err)
	}
	requireFinding(t, findings, "CT.S3.PR.11", "Data")
}

func TestGuard_FlagsABucketWithoutTheKMSKey(t *testing.T) {
	props := compliantBucket()
	props["BucketEncryption"] = map[string]any{"ServerSideEncryptionConfiguration": []any{
		map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}},
	}}
	findings, err := Guard(bucketTemplate(t, props))
	if err != nil {
		t.Fatal(err)
	}
	requireFinding(t, findings, "CT.S3.PR.10", "Data")
}

func TestGuard_FailsOnAMissingTemplate(t *testing.T) {
	if _, err := Guard(filepath.Join(t.TempDir(), "absent.json")); err == nil {
		t.Fatal("want an error")
	}
}

func TestGuard_KnowsEveryShippedControl(t *testing.T) {
	ts, err := guardTools()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range ts.controls {
		ids[c.ID] = true
	}
	// The package ships 237 rules; a change means the rules moved under us.
	if len(ts.controls) < 200 || !ids["CT.S3.PR.11"] || !ids["CT.CLOUDFRONT.PR.1"] || !ids["CT.KMS.PR.3"] {
		t.Fatalf("%d controls loaded", len(ts.controls))
	}
}

func TestExemption_CoversItsResourceOnly(t *testing.T) {
	props := compliantBucket()
	delete(props, "VersioningConfiguration")
	findings, err := guard(bucketTemplate(t, props))
	if err != nil {
		t.Fatal(err)
	}
	list := []Exemption{{ID: "CT.S3.PR.11", Resources: []string{"Data"}, Reason: "test"}}
	exempt(findings, list)
	f := requireFinding(t, findings, "CT.S3.PR.11", "Data")
	if f.Exemption != &list[0] {
		t.Fatalf("exemption not applied: %+v", f)
	}
	for _, fail := range Failures(findings) {
		if fail.ID == "CT.S3.PR.11" {
			t.Errorf("exempt finding still fails: %v", fail)
		}
	}
	if s := stale(findings, list); len(s) != 0 {
		t.Errorf("used exemption reported stale: %v", s)
	}
}

func TestExemption_MatchesConstructPathAndType(t *testing.T) {
	f := Finding{ID: "CT.S3.PR.9", Resource: "DataBucketE75EA64C", Type: "AWS::S3::Bucket", Path: "dev-SecureStore/Storage/Data/Resource"}
	cases := []struct {
		e    Exemption
		want bool
	}{
		{Exemption{ID: "CT.S3.PR.9", Resources: []string{"Storage/Data/Resource"}}, true},
		{Exemption{ID: "CT.S3.PR.9", Resources: []string{"dev-SecureStore/Storage/Data/Resource"}}, true},
		{Exemption{ID: "CT.S3.PR.9", Resources: []string{"Data/Resource"}}, true},
		{Exemption{ID: "CT.S3.PR.9", Resources: []string{"ta/Resource"}}, false}, // whole path segments only
		{Exemption{ID: "CT.S3.PR.9", Resources: []string{"DataBucketE75EA64C"}}, true},
		{Exemption{ID: "CT.S3.PR.9", ResourceTypes: []string{"AWS::S3::Bucket"}}, true},
		{Exemption{ID: "CT.S3.PR.9", ResourceTypes: []string{"AWS::KMS::Key"}}, false},
		{Exemption{ID: "CT.S3.PR.1", Resources: []string{"DataBucketE75EA64C"}}, false},
	}
	for _, c := range cases {
		if got := c.e.covers(f); got != c.want {
			t.Errorf("%+v covers = %v, want %v", c.e, got, c.want)
		}
	}
}

func TestExemption_StaleOnesAreReported(t *testing.T) {
	findings, err := guard(bucketTemplate(t, compliantBucket()))
	if err != nil {
		t.Fatal(err)
	}
	list := []Exemption{{ID: "CT.S3.PR.11", Resources: []string{"Data"}, Reason: "versioning was off once"}}
	exempt(findings, list)
	s := stale(findings, list)
	if len(s) != 1 || s[0].ID != "CT.S3.PR.11" {
		t.Fatalf("want the unused exemption reported stale, got %v", s)
	}
}

func TestExemptions_WellFormed(t *testing.T) {
	for _, err := range checkExemptions(exemptions) {
		t.Error(err)
	}
	ts, err := guardTools()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range ts.controls {
		known[c.ID] = true
	}
	for _, e := range exemptions {
		if strings.HasPrefix(e.ID, "CT.") && !known[e.ID] {
			t.Errorf("exemption for %s: no such control in the shipped rules", e.ID)
		}
	}
}

func TestCheckExemptions_RejectsMalformedEntries(t *testing.T) {
	bad := []Exemption{
		{ID: "S3.PR.1", Resources: []string{"A"}, Reason: "r"},
		{ID: "CT.S3.PR.1", Resources: []string{"A"}},
		{ID: "CT.S3.PR.1", Reason: "r"},
		{ID: "W3005", Resources: []string{"A", "A"}, Reason: "r"},
	}
	if errs := checkExemptions(bad); len(errs) != 4 {
		t.Fatalf("want 4 errors, got %v", errs)
	}
	good := []Exemption{{ID: "CT.S3.PR.1", Resources: []string{"A"}, Reason: "r"}, {ID: "W3005", ResourceTypes: []string{"AWS::S3::Bucket"}, Reason: "r"}}
	if errs := checkExemptions(good); len(errs) != 0 {
		t.Fatalf("want no errors, got %v", errs)
	}
}

func requireFinding(t *testing.T, findings []Finding, id, resource string) Finding {
	t.Helper()
	for _, f := range findings {
		if f.ID == id && f.Resource == resource {
			return f
		}
	}
	t.Fatalf("no %s finding on %s in:\n%s", id, resource, joinFindings(findings))
	return Finding{}
}

func joinFindings(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

package cfncheck

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
)

// schemaErrors runs Schema over a one-resource template and returns the messages.
func schemaErrors(t *testing.T, typ, props string) []string {
	t.Helper()
	doc := `{"Parameters": {"P": {"Type": "String"}}, "Conditions": {"C": {"Fn::Equals": ["a", "b"]}},
	  "Resources": {"R": {"Type": "` + typ + `", "Properties": ` + props + `}}}`
	var out []string
	for _, err := range Schema([]byte(doc)) {
		out = append(out, err.Error())
	}
	return out
}

// requireError fails unless one message contains every fragment.
func requireError(t *testing.T, errs []string, fragments ...string) {
	t.Helper()
	for _, e := range errs {
		all := true
		for _, f := range fragments {
			all = all && strings.Contains(e, f)
		}
		if all {
			return
		}
	}
	t.Fatalf("no error containing %q in:\n%s", fragments, strings.Join(errs, "\n"))
}

func requireNoErrors(t *testing.T, errs []string) {
	t.Helper()
	if len(errs) > 0 {
		t.Fatalf("want no schema errors, got:\n%s", strings.Join(errs, "\n"))
	}
}

func TestSchemas_MatchTheRegistryDigests(t *testing.T) {
	f, err := os.Open("schemas/schemas.sha256")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("bad line %q", sc.Text())
		}
		want[name] = sum
	}
	entries, err := fs.Glob(schemaFiles, "schemas/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) || len(entries) == 0 {
		t.Fatalf("%d embedded schemas, %d digests", len(entries), len(want))
	}
	for _, e := range entries {
		data, _ := schemaFiles.ReadFile(e)
		sum := sha256.Sum256(data)
		name := strings.TrimPrefix(e, "schemas/")
		if got := hex.EncodeToString(sum[:]); got != want[name] {
			t.Errorf("%s: sha256 %s, registry object %s", name, got, want[name])
		}
	}
}

func TestSchemas_AllCompile(t *testing.T) {
	entries, _ := fs.Glob(schemaFiles, "schemas/*.json")
	for _, e := range entries {
		data, _ := schemaFiles.ReadFile(e)
		typeName := typeNameOf(t, data)
		if schemaFile(typeName) != e {
			t.Errorf("%s holds %s", e, typeName)
			continue
		}
		if _, err := schemaFor(typeName); err != nil {
			t.Errorf("%s: %v", typeName, err)
		}
	}
	schemaMu.Lock()
	defer schemaMu.Unlock()
	for _, p := range brokenPatterns {
		if !brokenSeen[p] {
			t.Errorf("brokenPatterns lists %q, which no schema uses any more: delete it", p)
		}
	}
}

func typeNameOf(t *testing.T, data []byte) string {
	t.Helper()
	const key = `"typeName" : "`
	i := strings.Index(string(data), key)
	if i < 0 {
		t.Fatalf("no typeName in %.80s", data)
	}
	rest := string(data[i+len(key):])
	return rest[:strings.Index(rest, `"`)]
}

func TestSchema_AcceptsAValidBucket(t *testing.T) {
	requireNoErrors(t, schemaErrors(t, "AWS::S3::Bucket", `{
	  "BucketName": "securestore-data",
	  "VersioningConfiguration": {"Status": "Enabled"},
	  "ObjectLockEnabled": false,
	  "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
	  "Tags": [{"Key": "k", "Value": "v"}]
	}`))
}

func TestSchema_FailsOnUnknownProperty(t *testing.T) {
	errs := schemaErrors(t, "AWS::S3::Bucket", `{"VersioningConfig": {"Status": "Enabled"}}`)
	requireError(t, errs, "Resources/R (AWS::S3::Bucket)", "VersioningConfig")
}

func TestSchema_FailsOnUnknownNestedProperty(t *testing.T) {
	errs := schemaErrors(t, "AWS::S3::Bucket", `{"VersioningConfiguration": {"Status": "Enabled", "MfaDelete": "Enabled"}}`)
	requireError(t, errs, "Properties/VersioningConfiguration", "MfaDelete")
}

func TestSchema_FailsOnWrongType(t *testing.T) {
	errs := schemaErrors(t, "AWS::S3::Bucket", `{"ObjectLockEnabled": "yes"}`)
	requireError(t, errs, "Properties/ObjectLockEnabled", "boolean")
}

func TestSchema_FailsOnValueOutsideEnum(t *testing.T) {
	errs := schemaErrors(t, "AWS::S3::Bucket", `{"VersioningConfiguration": {"Status": "On"}}`)
	requireError(t, errs, "Properties/VersioningConfiguration/Status")
}

func TestSchema_FailsOnMissingRequiredProperty(t *testing.T) {
	errs := schemaErrors(t, "AWS::S3::BucketPolicy", `{"Bucket": "b"}`)
	requireError(t, errs, "PolicyDocument")
}

func TestSchema_FailsOnReadOnlyProperty(t *testing.T) {
	errs := schemaErrors(t, "AWS::S3::Bucket", `{"Arn": "arn:aws:s3:::b"}`)
	requireError(t, errs, "Properties/Arn is read-only")
}

func TestSchema_FailsOnTypeWithoutSchema(t *testing.T) {
	for _, typ := range []string{"AWS::Nothing::Here", "Custom::Thing"} {
		errs := schemaErrors(t, typ, `{}`)
		requireError(t, errs, "no CloudFormation registry schema for type "+typ)
	}
}

func TestSchema_FailsOnUnknownResourceAttribute(t *testing.T) {
	doc := `{"Resources": {"R": {"Type": "AWS::S3::Bucket", "Propertes": {"Bogus": 1}}}}`
	errs := Schema([]byte(doc))
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `unknown resource attribute "Propertes"`) {
		t.Fatalf("got %v", errs)
	}
}

func TestSchema_FailsOnMalformedTemplate(t *testing.T) {
	for _, doc := range []string{`{`, `[]`, `{"Resources": {"R": {"Properties": {}}}}`} {
		if errs := Schema([]byte(doc)); len(errs) == 0 {
			t.Errorf("%s: no error", doc)
		}
	}
}

func TestSchema_AcceptsIntrinsicsWhereverAValueGoes(t *testing.T) {
	requireNoErrors(t, schemaErrors(t, "AWS::S3::Bucket", `{
	  "BucketName": {"Fn::Join": ["-", ["data", {"Ref": "AWS::AccountId"}]]},
	  "ObjectLockEnabled": {"Fn::If": ["C", true, {"Ref": "AWS::NoValue"}]},
	  "VersioningConfiguration": {"Ref": "P"},
	  "LoggingConfiguration": {"DestinationBucketName": {"Fn::GetAtt": ["Logs", "Arn"]}, "LogFilePrefix": {"Fn::Sub": "${AWS::Region}/"}},
	  "Tags": {"Fn::If": ["C", [{"Key": "k", "Value": "v"}], []]},
	  "LifecycleConfiguration": {"Rules": [{"Fn::If": ["C", {"Status": "Enabled", "ExpirationInDays": 1}, {"Ref": "AWS::NoValue"}]}]}
	}`))
}

func TestSchema_ChecksSiblingsOfIntrinsics(t *testing.T) {
	errs := schemaErrors(t, "AWS::S3::Bucket", `{
	  "BucketName": {"Ref": "P"},
	  "VersioningConfiguration": {"Status": {"Ref": "P"}, "Bogus": 1},
	  "ObjectLockEnabled": "yes"
	}`)
	requireError(t, errs, "Properties/VersioningConfiguration", "Bogus")
	requireError(t, errs, "Properties/ObjectLockEnabled")
}

func TestSchema_IntrinsicMustBeOneFunction(t *testing.T) {
	// Two keys, or a key that is no intrinsic function, is an ordinary object.
	for _, v := range []string{`{"Ref": "P", "Fn::Sub": "x"}`, `{"Fn:Sub": "x"}`, `{"Reff": "P"}`} {
		errs := schemaErrors(t, "AWS::S3::Bucket", `{"BucketName": `+v+`}`)
		requireError(t, errs, "Properties/BucketName")
	}
}

func TestSchema_EnforcesPatternsGoRegexpCannotCompile(t *testing.T) {
	// LogGroupName's registry pattern ends in \Z; Lambda's Code.S3Bucket uses a look-behind.
	requireNoErrors(t, schemaErrors(t, "AWS::Logs::LogGroup", `{"LogGroupName": "/aws/lambda/presign"}`))
	requireError(t, schemaErrors(t, "AWS::Logs::LogGroup", `{"LogGroupName": "bad name!"}`), "Properties/LogGroupName")
	fn := `{"Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"S3Bucket": "%s", "S3Key": "k.zip"}}`
	requireNoErrors(t, schemaErrors(t, "AWS::Lambda::Function", strings.Replace(fn, "%s", "assets-bucket", 1)))
	requireError(t, schemaErrors(t, "AWS::Lambda::Function", strings.Replace(fn, "%s", "assets-bucket.", 1)), "Properties/Code/S3Bucket")
}

func TestSchema_ReportsEveryResource(t *testing.T) {
	doc := `{"Resources": {
	  "A": {"Type": "AWS::S3::Bucket", "Properties": {"Bogus": 1}},
	  "B": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": "often"}}}}`
	var got []string
	for _, e := range Schema([]byte(doc)) {
		got = append(got, e.Error())
	}
	requireError(t, got, "Resources/A (AWS::S3::Bucket)", "Bogus")
	requireError(t, got, "Resources/B (AWS::KMS::Key)", "EnableKeyRotation")
	if !slices.IsSorted(got) {
		t.Errorf("errors not in a stable order: %v", got)
	}
}

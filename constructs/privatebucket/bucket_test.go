package privatebucket

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/internal/testkit/cdktest"
)

// The construct's guarantees, each pinned on the synthesized template of a
// PrivateBucket with default props and of one with every prop set, so that
// a change that weakens one fails here with a name that says what was
// lost. The app's configurations are asserted in test/.

// fixture is one synthesized PrivateBucket.
type fixture struct {
	stack    awscdk.Stack
	bucket   *PrivateBucket
	raw      map[string]any
	template assertions.Template
}

// The maximal fixture's props.
const (
	testAccount  = "123456789012"
	testRegion   = "us-east-1"
	testPrefix   = "acme-securestore-full"
	testAlias    = "alias/acme/data"
	testKeyAdmin = "arn:aws:iam::123456789012:role/KeyAdmins"
)

var testOrigins = []string{"https://app.example.com", "http://localhost:3000"}

var (
	synth                cdktest.Once
	defaultFx, maximalFx *fixture
)

// fixtures synthesizes, once per test process, one app (with cdk.json's
// context, as `make synth` runs) holding two stacks:
//
//   - Default: nil props, environment-agnostic;
//   - Maximal: every prop set, pinned to an account and region.
func fixtures(t testing.TB) (def, max *fixture) {
	t.Helper()
	synth.Do(t, synthAll)
	return defaultFx, maximalFx
}

func synthAll() error {
	ctx, err := cdktest.Context("../../cdk.json")
	if err != nil {
		return err
	}
	outdir, err := os.MkdirTemp("", "privatebucket-synth-")
	if err != nil {
		return err
	}
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(outdir)})

	s1 := awscdk.NewStack(app, jsii.String("Default"), nil)
	b1 := New(s1, jsii.String("Bucket"), nil)

	s2 := awscdk.NewStack(app, jsii.String("Maximal"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String(testAccount), Region: jsii.String(testRegion)},
	})
	b2 := New(s2, jsii.String("Bucket"), &Props{
		KeyProps:                    &encryptionkey.Props{Alias: jsii.String(testAlias), AdminRoleArns: jsii.Strings(testKeyAdmin)},
		BucketNamePrefix:            jsii.String(testPrefix),
		AccessLogRetention:          awscdk.Duration_Days(jsii.Number(400)),
		AbortIncompleteUploadAfter:  awscdk.Duration_Days(jsii.Number(3)),
		NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(30)),
		CorsAllowedOrigins:          jsii.Strings(testOrigins...),
		ObjectLock:                  &ObjectLock{Mode: jsii.String(ObjectLockGovernance), Retention: awscdk.Duration_Days(jsii.Number(30))},
		RequestMetrics:              jsii.Bool(true),
		EventBridge:                 jsii.Bool(true),
	})

	assembly := app.Synth(nil)
	load := func(s awscdk.Stack, b *PrivateBucket) (*fixture, error) {
		data, err := os.ReadFile(*assembly.GetStackArtifact(s.ArtifactId()).TemplateFullPath())
		if err != nil {
			return nil, err
		}
		var raw map[string]any
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("%s's template: %w", *s.StackName(), err)
		}
		return &fixture{stack: s, bucket: b, raw: raw, template: assertions.Template_FromJSON(&raw, nil)}, nil
	}
	if defaultFx, err = load(s1, b1); err != nil {
		return err
	}
	maximalFx, err = load(s2, b2)
	return err
}

// logicalID returns the logical id of the CloudFormation resource behind c.
func (fx *fixture) logicalID(c constructs.IConstruct) string {
	el, ok := c.(awscdk.CfnElement)
	if !ok {
		el = c.Node().DefaultChild().(awscdk.CfnElement)
	}
	return *fx.stack.GetLogicalId(el)
}

// resource returns the template's body of the resource behind c.
func (fx *fixture) resource(t *testing.T, c constructs.IConstruct) map[string]any {
	t.Helper()
	id := fx.logicalID(c)
	r, ok := fx.raw["Resources"].(map[string]any)[id].(map[string]any)
	if !ok {
		t.Fatalf("%s: no resource %s", *fx.stack.StackName(), id)
	}
	return r
}

// dataBucket asserts that fx's data bucket has the properties p (matched
// as HasResourceProperties matches them).
func (fx *fixture) dataBucket(t *testing.T, p map[string]any) {
	t.Helper()
	fx.matches(t, fx.bucket.Bucket, p)
}

// matches asserts that the resource behind c has the properties p.
func (fx *fixture) matches(t *testing.T, c constructs.IConstruct, p map[string]any) {
	t.Helper()
	r := fx.resource(t, c)
	one := map[string]any{"Resources": map[string]any{"R": r}}
	assertions.Template_FromJSON(&one, nil).HasResourceProperties(jsii.String(fmt.Sprint(r["Type"])), &p)
}

func TestBucket_BlocksAllPublicAccess(t *testing.T) {
	def, max := fixtures(t)
	for _, fx := range []*fixture{def, max} {
		// Both buckets: the count pins that no third bucket escapes the check.
		fx.template.ResourcePropertiesCountIs(jsii.String("AWS::S3::Bucket"), &map[string]any{
			"PublicAccessBlockConfiguration": map[string]any{
				"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
			},
		}, jsii.Number(2))
		fx.template.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(2))
	}
}

func TestBucket_EncryptedWithItsKeyAndBucketKey(t *testing.T) {
	def, max := fixtures(t)
	for _, fx := range []*fixture{def, max} {
		fx.dataBucket(t, map[string]any{
			"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
				assertions.Match_ObjectLike(&map[string]any{
					"BucketKeyEnabled": true,
					"ServerSideEncryptionByDefault": map[string]any{
						"SSEAlgorithm":   "aws:kms",
						"KMSMasterKeyID": map[string]any{"Fn::GetAtt": []any{fx.logicalID(fx.bucket.Key), "Arn"}},
					},
				}),
			}},
		})
	}
}

func TestBucket_BlocksSSEC(t *testing.T) {
	def, _ := fixtures(t)
	def.dataBucket(t, map[string]any{
		"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
			assertions.Match_ObjectLike(&map[string]any{"BlockedEncryptionTypes": map[string]any{"EncryptionType": []any{"SSE-C"}}}),
		}},
	})
}

func TestBucket_ACLsDisabledOnBothBuckets(t *testing.T) {
	def, _ := fixtures(t)
	def.template.ResourcePropertiesCountIs(jsii.String("AWS::S3::Bucket"), &map[string]any{
		"OwnershipControls": map[string]any{"Rules": []any{map[string]any{"ObjectOwnership": "BucketOwnerEnforced"}}},
	}, jsii.Number(2))
}

func TestBucket_VersionedAndRetained(t *testing.T) {
	def, _ := fixtures(t)
	def.template.ResourcePropertiesCountIs(jsii.String("AWS::S3::Bucket"), &map[string]any{
		"VersioningConfiguration": map[string]any{"Status": "Enabled"},
	}, jsii.Number(2))
	def.template.AllResources(jsii.String("AWS::S3::Bucket"), map[string]any{"DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Retain"})
	def.template.AllResources(jsii.String("AWS::KMS::Key"), map[string]any{"DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Retain"})
}

func TestBucket_DeterministicNameFromAccountAndRegion(t *testing.T) {
	def, max := fixtures(t)
	def.dataBucket(t, map[string]any{
		"BucketName": map[string]any{"Fn::Join": []any{"-", []any{
			DefaultBucketNamePrefix, map[string]any{"Ref": "AWS::AccountId"}, map[string]any{"Ref": "AWS::Region"},
		}}},
	})
	max.dataBucket(t, map[string]any{"BucketName": testPrefix + "-" + testAccount + "-" + testRegion})
}

func TestBucket_AccessLogsToLogBucket(t *testing.T) {
	def, _ := fixtures(t)
	def.dataBucket(t, map[string]any{
		"LoggingConfiguration": map[string]any{
			"DestinationBucketName": map[string]any{"Ref": def.logicalID(def.bucket.LogBucket)},
			"LogFilePrefix":         "s3-access/",
		},
	})
}

func TestBucket_LogBucketIsSSES3AndExpiresLogs(t *testing.T) {
	def, max := fixtures(t)
	for _, c := range []struct {
		fx   *fixture
		days int
	}{{def, DefaultAccessLogRetentionDays}, {max, 400}} {
		c.fx.matches(t, c.fx.bucket.LogBucket, map[string]any{
			"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
				map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}},
			}},
			"LifecycleConfiguration": map[string]any{"Rules": assertions.Match_ArrayWith(&[]any{
				assertions.Match_ObjectLike(&map[string]any{"ExpirationInDays": c.days, "Status": "Enabled"}),
			})},
		})
	}
}

func TestBucket_LifecycleAbortsUploadsAndExpiresNoncurrent(t *testing.T) {
	def, max := fixtures(t)
	for _, c := range []struct {
		fx                *fixture
		abort, noncurrent int
	}{{def, DefaultAbortIncompleteUploadDays, DefaultNoncurrentVersionExpirationDays}, {max, 3, 30}} {
		c.fx.dataBucket(t, map[string]any{
			"LifecycleConfiguration": map[string]any{"Rules": []any{assertions.Match_ObjectLike(&map[string]any{
				"AbortIncompleteMultipartUpload": map[string]any{"DaysAfterInitiation": c.abort},
				"NoncurrentVersionExpiration":    map[string]any{"NoncurrentDays": c.noncurrent},
				"Status":                         "Enabled",
			})}},
		})
	}
}

// bucketPolicyHas asserts that fx's data bucket's policy has a statement
// like stmt.
func (fx *fixture) bucketPolicyHas(t *testing.T, stmt map[string]any) {
	t.Helper()
	fx.template.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), &map[string]any{
		"Bucket":         map[string]any{"Ref": fx.logicalID(fx.bucket.Bucket)},
		"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&stmt)})},
	})
}

func TestBucketPolicy_DeniesRequestsWithoutTLS(t *testing.T) {
	def, _ := fixtures(t)
	def.bucketPolicyHas(t, map[string]any{
		"Effect": "Deny", "Action": "s3:*", "Principal": map[string]any{"AWS": "*"},
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	})
}

func TestBucketPolicy_DeniesTLSOlderThan12(t *testing.T) {
	def, _ := fixtures(t)
	def.bucketPolicyHas(t, map[string]any{
		"Effect": "Deny", "Action": "s3:*",
		"Condition": map[string]any{"NumericLessThan": map[string]any{"s3:TlsVersion": 1.2}},
	})
}

// The shape of the encryption denies; what they decide is proven by the
// policy-evaluation suite (test/policy_test.go).
func TestBucketPolicy_DeniesUploadsAskingForAnythingButTheKey(t *testing.T) {
	def, _ := fixtures(t)
	keyArn := map[string]any{"Fn::GetAtt": []any{def.logicalID(def.bucket.Key), "Arn"}}
	def.bucketPolicyHas(t, map[string]any{
		"Sid": "DenyOtherEncryption", "Effect": "Deny", "Action": "s3:PutObject",
		"Condition": map[string]any{
			"Null":            map[string]any{"s3:x-amz-server-side-encryption": "false"},
			"StringNotEquals": map[string]any{"s3:x-amz-server-side-encryption": "aws:kms"},
		},
	})
	def.bucketPolicyHas(t, map[string]any{
		"Sid": "DenyKmsWithoutKeyId", "Effect": "Deny", "Action": "s3:PutObject",
		"Condition": map[string]any{
			"Null":         map[string]any{"s3:x-amz-server-side-encryption-aws-kms-key-id": "true"},
			"StringEquals": map[string]any{"s3:x-amz-server-side-encryption": "aws:kms"},
		},
	})
	def.bucketPolicyHas(t, map[string]any{
		"Sid": "DenyOtherKmsKeys", "Effect": "Deny", "Action": "s3:PutObject",
		"Condition": map[string]any{
			"Null":            map[string]any{"s3:x-amz-server-side-encryption-aws-kms-key-id": "false"},
			"StringNotEquals": map[string]any{"s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn},
		},
	})
}

func TestBucket_NoCORSByDefault(t *testing.T) {
	def, _ := fixtures(t)
	def.template.ResourcePropertiesCountIs(jsii.String("AWS::S3::Bucket"), &map[string]any{
		"CorsConfiguration": assertions.Match_AnyValue(),
	}, jsii.Number(0))
}

func TestBucket_CORSFromProps(t *testing.T) {
	_, max := fixtures(t)
	max.dataBucket(t, map[string]any{
		"CorsConfiguration": map[string]any{"CorsRules": []any{assertions.Match_ObjectLike(&map[string]any{
			"AllowedOrigins": []any{testOrigins[0], testOrigins[1]},
			"AllowedMethods": assertions.Match_ArrayWith(&[]any{"PUT", "POST"}),
		})}},
	})
}

func TestBucket_ObjectLockEventBridgeAndMetricsWhenSet(t *testing.T) {
	def, max := fixtures(t)
	max.dataBucket(t, map[string]any{
		"ObjectLockEnabled": true,
		"ObjectLockConfiguration": map[string]any{
			"ObjectLockEnabled": "Enabled",
			"Rule":              map[string]any{"DefaultRetention": map[string]any{"Mode": "GOVERNANCE", "Days": 30}},
		},
		"NotificationConfiguration": map[string]any{"EventBridgeConfiguration": map[string]any{"EventBridgeEnabled": true}},
		"MetricsConfigurations":     []any{map[string]any{"Id": RequestMetricsID}},
	})
	// No notifications custom resource (and so no Lambda) for EventBridge.
	max.template.ResourceCountIs(jsii.String("Custom::S3BucketNotifications"), jsii.Number(0))
	def.dataBucket(t, map[string]any{
		"ObjectLockEnabled":         false,
		"ObjectLockConfiguration":   assertions.Match_Absent(),
		"NotificationConfiguration": assertions.Match_Absent(),
		"MetricsConfigurations":     assertions.Match_Absent(),
	})
}

func TestKey_RotationAliasPendingWindow(t *testing.T) {
	def, max := fixtures(t)
	for _, c := range []struct {
		fx    *fixture
		alias string
	}{{def, encryptionkey.DefaultAlias}, {max, testAlias}} {
		c.fx.matches(t, c.fx.bucket.Key, map[string]any{
			"EnableKeyRotation": true, "PendingWindowInDays": encryptionkey.PendingWindowDays,
		})
		c.fx.template.HasResourceProperties(jsii.String("AWS::KMS::Alias"), &map[string]any{
			"AliasName":   c.alias,
			"TargetKeyId": map[string]any{"Fn::GetAtt": []any{c.fx.logicalID(c.fx.bucket.Key), "Arn"}},
		})
	}
}

// keyStatements returns the statements of fx's key policy.
func (fx *fixture) keyStatements(t *testing.T) []map[string]any {
	t.Helper()
	policy, _ := fx.resource(t, fx.bucket.Key)["Properties"].(map[string]any)["KeyPolicy"].(map[string]any)
	var out []map[string]any
	for _, s := range asList(policy["Statement"]) {
		out = append(out, s.(map[string]any))
	}
	if len(out) == 0 {
		t.Fatalf("%s: no key policy statements", *fx.stack.StackName())
	}
	return out
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func TestKeyPolicy_AdministratorsHaveAdminActionsOnly(t *testing.T) {
	def, max := fixtures(t)
	dataPlane := map[string]bool{"kms:*": true, "kms:Decrypt": true, "kms:Encrypt": true, "kms:ReEncrypt*": true,
		"kms:ReEncryptFrom": true, "kms:ReEncryptTo": true, "kms:GenerateDataKey*": true, "kms:GenerateDataKey": true,
		"kms:GenerateDataKeyWithoutPlaintext": true, "kms:CreateGrant": true, "kms:Create*": true}
	for _, c := range []struct {
		fx     *fixture
		admins []string
	}{{def, nil}, {max, []string{testKeyAdmin}}} {
		found := false
		for _, st := range c.fx.keyStatements(t) {
			if st["Sid"] != "KeyAdministration" {
				continue
			}
			found = true
			for _, a := range asList(st["Action"]) {
				if dataPlane[a.(string)] || a == "*" {
					t.Errorf("%s: administrators are granted %s", *c.fx.stack.StackName(), a)
				}
			}
			principals := fmt.Sprint(st["Principal"])
			for _, admin := range c.admins {
				if !strings.Contains(principals, admin) {
					t.Errorf("%s: %s is not a key administrator: %s", *c.fx.stack.StackName(), admin, principals)
				}
			}
		}
		if !found {
			t.Errorf("%s: no KeyAdministration statement", *c.fx.stack.StackName())
		}
	}
}

package audittrail

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/internal/testkit/cdktest"
)

// synth synthesizes the package's one stack once: a data bucket, its
// access-log bucket and a trail of it.
var (
	synth  cdktest.Once
	shared *fx
)

type fx struct {
	stack    awscdk.Stack
	data     awss3.Bucket
	trail    *AuditTrail
	template assertions.Template
}

func load(t *testing.T) *fx {
	t.Helper()
	synth.Do(t, func() error {
		stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Audit"), &awscdk.StackProps{
			Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")},
		})
		logs := awss3.NewBucket(stack, jsii.String("Logs"), nil)
		data := awss3.NewBucket(stack, jsii.String("Data"), nil)
		tr := New(stack, jsii.String("AuditTrail"), &Props{
			Bucket:     data,
			Readers:    []awsiam.IPrincipal{awsiam.NewArnPrincipal(jsii.String("arn:aws:iam::123456789012:role/SecurityAudit"))},
			Retention:  awscdk.Duration_Days(jsii.Number(30)),
			AccessLogs: logs,
		})
		shared = &fx{stack: stack, data: data, trail: tr, template: assertions.Template_FromStack(stack, nil)}
		return nil
	})
	return shared
}

// TestTrail_DataEventsOfTheBucketOnly: one advanced selector, data events
// of this bucket's objects; no management events, global events or other
// regions; log file validation on, logging on, the trail's own key.
func TestTrail_DataEventsOfTheBucketOnly(t *testing.T) {
	f := load(t)
	dataArn := f.stack.Resolve(f.data.BucketArn())
	f.template.HasResourceProperties(jsii.String("AWS::CloudTrail::Trail"), &map[string]any{
		"IsLogging":                  true,
		"IsMultiRegionTrail":         false,
		"IncludeGlobalServiceEvents": false,
		"EnableLogFileValidation":    true,
		"KMSKeyId":                   assertions.Match_ObjectLike(&map[string]any{"Fn::GetAtt": assertions.Match_AnyValue()}),
		"AdvancedEventSelectors": []any{map[string]any{
			"Name": assertions.Match_AnyValue(),
			"FieldSelectors": []any{
				map[string]any{"Field": "eventCategory", "Equals": []any{"Data"}},
				map[string]any{"Field": "resources.type", "Equals": []any{"AWS::S3::Object"}},
				map[string]any{"Field": "resources.ARN", "StartsWith": []any{map[string]any{"Fn::Join": []any{"", []any{dataArn, "/"}}}}},
			},
		}},
		"EventSelectors": assertions.Match_Absent(),
	})
	f.template.ResourceCountIs(jsii.String("AWS::CloudTrail::Trail"), jsii.Number(1))
}

// TestTrail_PoliciesNameThisTrailOnly: the bucket's and the key's
// CloudTrail statements are conditioned on this trail's ARN, the reader
// decrypts through S3 only, and the bucket logs its own access.
func TestTrail_PoliciesNameThisTrailOnly(t *testing.T) {
	f := load(t)
	arn := f.stack.Resolve(f.trail.TrailArn)
	if !strings.Contains(strings.Join(flatten(arn), ""), ":trail/Audit-AuditTrail-") {
		t.Errorf("trail ARN %v does not end with the trail's name", arn)
	}
	thisTrail := map[string]any{"StringEquals": map[string]any{"aws:SourceArn": arn}}
	for _, sid := range []string{"CloudTrailAclCheck", "CloudTrailWrite"} {
		f.template.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), &map[string]any{
			"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Sid": sid, "Principal": map[string]any{"Service": "cloudtrail.amazonaws.com"}, "Condition": thisTrail,
			})})}),
		})
	}
	f.template.HasResourceProperties(jsii.String("AWS::KMS::Key"), &map[string]any{
		"KeyPolicy": assertions.Match_ObjectLike(&map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
			assertions.Match_ObjectLike(&map[string]any{
				"Sid": "CloudTrailEncryptsThisTrail", "Principal": map[string]any{"Service": "cloudtrail.amazonaws.com"},
				"Action": []any{"kms:GenerateDataKey*", "kms:DescribeKey"}, "Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": arn}},
			}),
			assertions.Match_ObjectLike(&map[string]any{
				"Sid": "ReadTrail1", "Action": "kms:Decrypt",
				"Condition": map[string]any{"StringEquals": assertions.Match_ObjectLike(&map[string]any{"kms:ViaService": assertions.Match_AnyValue()})},
			}),
		})}),
	})
	f.template.HasResourceProperties(jsii.String("AWS::S3::Bucket"), &map[string]any{
		"LoggingConfiguration":    map[string]any{"DestinationBucketName": assertions.Match_AnyValue(), "LogFilePrefix": AccessLogPrefix},
		"VersioningConfiguration": map[string]any{"Status": "Enabled"},
	})
}

func TestNew_RefusesInvalidProps(t *testing.T) {
	for _, c := range []struct {
		name, prop string
		props      func(stack awscdk.Stack) *Props
	}{
		{"no bucket", "Bucket", func(awscdk.Stack) *Props { return &Props{} }},
		{"retention in hours", "Retention", func(s awscdk.Stack) *Props {
			return &Props{Bucket: awss3.NewBucket(s, jsii.String("B"), nil), Retention: awscdk.Duration_Hours(jsii.Number(36))}
		}},
	} {
		stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("S"), nil)
		err := cdktest.Invalid(t, func() { New(stack, jsii.String("T"), c.props(stack)) })
		if err == nil || !strings.Contains(err.Error(), c.prop) {
			t.Errorf("%s: %v, want an error naming %s", c.name, err, c.prop)
		}
	}
}

func flatten(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, flatten(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, e := range v {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return nil
}

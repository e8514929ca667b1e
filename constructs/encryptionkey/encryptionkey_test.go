package encryptionkey

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"
	"github.com/securestore/securestore/internal/testkit/cdktest"
)

func TestNew_RejectsBadProps(t *testing.T) {
	cases := []struct {
		name  string
		props *Props
		want  []string
	}{
		{"alias without prefix", &Props{Alias: jsii.String("data")}, []string{"Alias", `"data"`, "alias/"}},
		{"reserved alias", &Props{Alias: jsii.String("alias/aws/s3")}, []string{"Alias", "reserved"}},
		{"alias characters", &Props{Alias: jsii.String("alias/my key")}, []string{"Alias", "letters"}},
		{"admin not a role", &Props{AdminRoleArns: jsii.Strings("arn:aws:iam::123456789012:user/bob")}, []string{"AdminRoleArns", "element 0", "user/bob"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			verr := cdktest.Invalid(t, func() {
				New(awscdk.NewStack(awscdk.NewApp(nil), jsii.String("S"), nil), jsii.String("Key"), tc.props)
			})
			if verr == nil {
				t.Fatal("New accepted the props")
			}
			for _, w := range append(tc.want, "S/Key") {
				if !strings.Contains(verr.Error(), w) {
					t.Errorf("message %q lacks %q", verr.Error(), w)
				}
			}
		})
	}
}

func TestAllowHelpers_AddConditionedStatements(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("S"), nil)
	k := New(stack, jsii.String("Key"), nil)
	AllowViaS3(k.Key, "ReaderUse", awsiam.NewArnPrincipal(jsii.String("arn:aws:iam::123456789012:role/reader")), DecryptActions)
	AllowService(k.Key, "CdnUse", "cloudfront.amazonaws.com", jsii.String("arn:aws:cloudfront::123456789012:distribution/E123"), DecryptActions)
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.HasResourceProperties(jsii.String("AWS::KMS::Key"), &map[string]any{
		"KeyPolicy": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{
			assertions.Match_ObjectLike(&map[string]any{
				"Sid": "ReaderUse", "Action": "kms:Decrypt",
				"Principal": map[string]any{"AWS": "arn:aws:iam::123456789012:role/reader"},
				"Condition": map[string]any{"StringEquals": map[string]any{
					"kms:ViaService":    assertions.Match_AnyValue(),
					"kms:CallerAccount": map[string]any{"Ref": "AWS::AccountId"},
				}},
			}),
			assertions.Match_ObjectLike(&map[string]any{
				"Sid": "CdnUse", "Principal": map[string]any{"Service": "cloudfront.amazonaws.com"},
				"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E123"}},
			}),
		})},
	})
}

func TestAllowHelpers_WarnOnImportedKey(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("S"), nil)
	imported := awskms.Key_FromKeyArn(stack, jsii.String("Imported"), jsii.String("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"))
	AllowService(imported, "CdnUse", "cloudfront.amazonaws.com", jsii.String("arn:aws:cloudfront::123456789012:distribution/E123"), DecryptActions)
	assertions.Annotations_FromStack(stack).HasWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(".*CdnUse.*imported.*")))
}

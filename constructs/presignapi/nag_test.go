package presignapi

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The cdk-nag AwsSolutions findings this construct leaves, by configuration.
// Each is inherent to what the construct must do, and each is proposed for
// compliance/suppressions.go (which this package does not edit) with the
// reason given here. Any other finding, or one of these disappearing, fails
// the test, so the list stays true.
var expectedFindings = map[string][]string{
	"Default": {
		// The API Gateway account setting's CloudWatch role (Props.CloudWatchRole).
		"Presign/Resource/CloudWatchRole/Resource AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
		// X-Ray's PutTraceSegments and PutTelemetryRecords take no resource.
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]",
		// Object prefixes of the access rules.
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::securestore-data-<AWS::AccountId>-<AWS::Region>/tier-1/*]",
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::securestore-data-<AWS::AccountId>-<AWS::Region>/tier-2/*]",
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::securestore-data-<AWS::AccountId>-<AWS::Region>/users/*/*]",
		// No WebACLArn.
		"Presign/Resource/DeploymentStage.v1/Resource AwsSolutions-APIG3",
		// MFA optional (MFARequired false).
		"Presign/UserPool/Resource AwsSolutions-COG2",
	},
	"Maximal": {
		"Presign/Resource/CloudWatchRole/Resource AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]",
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:aws:s3:::securestore-maximal-data/public/*]",
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:aws:s3:::securestore-maximal-data/public/drafts/*]",
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:aws:s3:::securestore-maximal-data/team/*/inbox/*]",
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:aws:s3:::securestore-maximal-data/users/*/*]",
	},
	"Minimal": {
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]",
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::securestore-data-<AWS::AccountId>-<AWS::Region>/tier-1/*]",
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::securestore-data-<AWS::AccountId>-<AWS::Region>/tier-2/*]",
		"Presign/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::securestore-data-<AWS::AccountId>-<AWS::Region>/users/*/*]",
		"Presign/Resource/DeploymentStage.v1/Resource AwsSolutions-APIG3",
		"Presign/UserPool/Resource AwsSolutions-COG2",
		// UnsafeDisableThreatProtection.
		"Presign/UserPool/Resource AwsSolutions-COG3",
	},
}

func TestNag_AwsSolutionsFindingsAreExactlyTheKnownOnes(t *testing.T) {
	for name, fx := range all(t) {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, f := range fx.findings {
				path := strings.TrimPrefix(f.Path, name+"/")
				rule, _, _ := strings.Cut(f.Message, ":")
				if rule == "AwsSolutions-IAM4[Policy" || rule == "AwsSolutions-IAM5[Resource" {
					rule, _, _ = strings.Cut(f.Message, "]")
					rule += "]"
				}
				got = append(got, fmt.Sprintf("%s %s", path, rule))
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(expectedFindings[name]))
			for _, g := range got {
				if !slices.Contains(want, g) {
					t.Errorf("new finding: %s", g)
				}
			}
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("expected finding is gone (update the list and the proposed suppression): %s", w)
				}
			}
		})
	}
}

package privatecdn

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/validation"
)

// LogSuffixPath partitions the access logs under the prefix by distribution and hour.
const LogSuffixPath = "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}"

// newAccessLogs sets up CloudFront standard logging (v2) of dist into bucket
// under prefix: a delivery source (the distribution), a delivery destination
// (the bucket) and the delivery joining them, plus the bucket policy
// statement that lets the log delivery service write there for this source
// only. Nothing needs an ACL.
//
// The delivery source must be created in us-east-1. check refuses a stack
// pinned elsewhere; for an environment-agnostic stack a CloudFormation rule
// stops a deployment to another region before anything is created.
func newAccessLogs(c constructs.Construct, dist awscloudfront.IDistribution, bucket awss3.IBucket, prefix string) {
	scope := constructs.NewConstruct(c, jsii.String("AccessLogs"))
	stack := awscdk.Stack_Of(c)
	// Delivery sources and destinations are named per account and region.
	name := awscdk.Names_UniqueResourceName(scope, &awscdk.UniqueResourceNameOptions{
		MaxLength: jsii.Number(60),
		Separator: jsii.String("-"),
	})

	validation.RequireRegion(scope, LogRegion, "securestore: CloudFront access logs (standard logging v2) can only be set up from us-east-1. "+
		"Deploy this stack to us-east-1 (the bucket may live in any region), or set privatecdn.Props.UnsafeDisableAccessLogs.")

	sourceArn := awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("arn:"), stack.Partition(), jsii.String(":logs:" + LogRegion + ":"), stack.Account(),
		jsii.String(":delivery-source:"), name,
	})
	res := bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudFrontLogs" + sidSuffix(c)),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("delivery.logs.amazonaws.com"), nil)},
		Actions:    jsii.Strings("s3:PutObject"),
		Resources:  &[]*string{bucket.ArnForObjects(jsii.String(prefix + "*"))},
		Conditions: &map[string]any{
			"StringEquals": map[string]any{
				"s3:x-amz-acl":      "bucket-owner-full-control",
				"aws:SourceAccount": stack.Account(),
			},
			"ArnEquals": map[string]any{"aws:SourceArn": sourceArn},
		},
	}))
	if res == nil || !*res.StatementAdded {
		awscdk.Annotations_Of(c).AddWarningV2(jsii.String("securestore:privatecdn:logBucketPolicyNotAdded"),
			jsii.String("the log bucket is imported: allow delivery.logs.amazonaws.com s3:PutObject on "+prefix+"* for this distribution's delivery source yourself"))
	}

	source := awslogs.NewCfnDeliverySource(scope, jsii.String("Source"), &awslogs.CfnDeliverySourceProps{
		Name:        name,
		LogType:     jsii.String("ACCESS_LOGS"),
		ResourceArn: dist.DistributionArn(),
	})
	destination := awslogs.NewCfnDeliveryDestination(scope, jsii.String("Destination"), &awslogs.CfnDeliveryDestinationProps{
		Name: name,
		DestinationResourceArn: awscdk.Fn_Join(jsii.String(""), &[]*string{
			bucket.BucketArn(), jsii.String("/" + strings.TrimSuffix(prefix, "/")),
		}),
		OutputFormat: jsii.String("json"),
	})
	delivery := awslogs.NewCfnDelivery(scope, jsii.String("Delivery"), &awslogs.CfnDeliveryProps{
		DeliverySourceName:     name,
		DeliveryDestinationArn: destination.AttrArn(),
		S3SuffixPath:           jsii.String(LogSuffixPath),
		RecordFields:           jsii.Strings(LogFields...),
	})
	delivery.AddResourceDependency(source, jsii.String("the delivery names its source, which must exist first"))
	// Creating the delivery checks that the bucket policy lets it write.
	if policy := bucket.Policy(); policy != nil {
		delivery.Node().AddDependency(policy)
	}
}

// LogFields are the fields of the standard logs (v2) delivered: every
// field of the legacy standard log but the query string (cs-uri-query) and
// the cookies (cs(Cookie)), which carry CloudFront signatures (Policy,
// Signature, Key-Pair-Id and the CloudFront-* cookies) that anyone who can
// read the log bucket could replay until they expire. Field-level
// encryption, which this distribution does not use, is left out too.
var LogFields = []string{
	"date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem",
	"sc-status", "cs(Referer)", "cs(User-Agent)", "x-edge-result-type", "x-edge-request-id",
	"x-host-header", "cs-protocol", "cs-bytes", "time-taken", "x-forwarded-for", "ssl-protocol",
	"ssl-cipher", "x-edge-response-result-type", "cs-protocol-version", "c-port", "time-to-first-byte",
	"x-edge-detailed-result-type", "sc-content-type", "sc-content-len", "sc-range-start", "sc-range-end",
}

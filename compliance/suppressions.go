package compliance

import (
	"path"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Suppression silences one cdk-nag rule on the resources whose construct
// path, relative to their stack, matches Path (path.Match syntax: '*' stays
// within one path segment).
type Suppression struct {
	// Rule is the cdk-nag rule id, such as "AwsSolutions-S1".
	Rule string
	// Path selects the CloudFormation resources (L1 constructs) it applies to.
	Path string
	// AppliesTo narrows a rule that reports findings per policy element (such
	// as IAM5's "Resource::arn:.../users/*"); empty means the whole rule.
	AppliesTo []string
	// Reason says why the rule does not apply or what compensates.
	Reason string
}

// Suppressions is the project's one list of cdk-nag suppressions. Each entry
// is one rule on the narrowest set of resources, with a reason a security
// reviewer can check. Tests fail on an entry that matches no resource.
var Suppressions = []Suppression{
	// The buckets.
	{
		Rule:   "AwsSolutions-S1",
		Path:   "Bucket/AccessLogs/Resource",
		Reason: "This is the server access log bucket: logging it into itself would loop and logging it elsewhere needs a third bucket with the same question; access to it is audited by CloudTrail.",
	},
	{
		Rule:   "HIPAA.Security-S3DefaultEncryptionKMS",
		Path:   "Bucket/AccessLogs/Resource",
		Reason: logBucketSSES3,
	},
	{
		Rule:   "NIST.800.53.R5-S3DefaultEncryptionKMS",
		Path:   "Bucket/AccessLogs/Resource",
		Reason: logBucketSSES3,
	},
	{
		Rule:   "PCI.DSS.321-S3DefaultEncryptionKMS",
		Path:   "Bucket/AccessLogs/Resource",
		Reason: logBucketSSES3,
	},
	{
		Rule:   "HIPAA.Security-S3BucketReplicationEnabled",
		Path:   "Bucket/*/Resource",
		Reason: noReplication,
	},
	{
		Rule:   "NIST.800.53.R5-S3BucketReplicationEnabled",
		Path:   "Bucket/*/Resource",
		Reason: noReplication,
	},
	{
		Rule:   "PCI.DSS.321-S3BucketReplicationEnabled",
		Path:   "Bucket/*/Resource",
		Reason: noReplication,
	},
}

// Reasons shared by the same rule in several packs.
const (
	logBucketSSES3 = "S3 server access logging delivers only to buckets encrypted with SSE-S3 (SSE-KMS destinations are not supported), so the log bucket uses SSE-S3 with every public-access block, TLS-only and versioning; the data itself stays under the customer-managed key."
	noReplication  = "Cross-region replication needs a destination bucket and key in a second region, which a single-region storage stack does not own; durability comes from S3's multi-AZ storage, versioning and retain-on-delete. Teams that need a second-region copy add a replication rule to PrivateBucket.Bucket."
)

// suppress registers every matching suppression on the CloudFormation
// resources under scope and returns how many resources each entry matched,
// indexed like Suppressions.
func suppress(scope constructs.IConstruct) []int {
	matched := make([]int, len(Suppressions))
	for _, c := range *scope.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if !*awscdk.CfnResource_IsCfnResource(c) {
			continue
		}
		rel := relativePath(c)
		var list []*cdknag.NagPackSuppression
		for i, s := range Suppressions {
			if ok, _ := path.Match(s.Path, rel); !ok {
				continue
			}
			matched[i]++
			sup := &cdknag.NagPackSuppression{Id: jsii.String(s.Rule), Reason: jsii.String(s.Reason)}
			if len(s.AppliesTo) > 0 {
				applies := make([]any, len(s.AppliesTo))
				for j, a := range s.AppliesTo {
					applies[j] = a
				}
				sup.AppliesTo = &applies
			}
			list = append(list, sup)
		}
		if len(list) > 0 {
			cdknag.NagSuppressions_AddResourceSuppressions(c, &list, jsii.Bool(false))
		}
	}
	return matched
}

// relativePath is c's construct path below its stack.
func relativePath(c constructs.IConstruct) string {
	stackPath := *awscdk.Stack_Of(c).Node().Path()
	return strings.TrimPrefix(strings.TrimPrefix(*c.Node().Path(), stackPath), "/")
}

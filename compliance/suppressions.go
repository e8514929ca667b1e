package compliance

import (
	"encoding/json"
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
	// as IAM5's "Resource::arn:.../users/*"); empty means the whole rule. An
	// element written /like this/ is an ECMAScript regular expression.
	AppliesTo []string
	// Reason says why the rule does not apply or what compensates.
	Reason string
	// If narrows the entry to the matching resources whose properties (as
	// the library names them: distributionConfig, not DistributionConfig)
	// satisfy it, so that a suppression for an
	// option that is off does not hide the rule when the option is on.
	// Nil means every matching resource.
	If func(properties map[string]any) bool
}

// Suppressions is the project's one list of cdk-nag suppressions. Each entry
// is one rule on the narrowest set of resources, with a reason a security
// reviewer can check. Tests fail on an entry that matches no resource.
var Suppressions = []Suppression{
	// The buckets.
	{
		Rule:   "AwsSolutions-S1",
		Path:   "Bucket/AccessLogs/Resource",
		Reason: accessLogsUnlogged,
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

	// The audit trail (auditTrail) and its bucket.
	{Rule: "HIPAA.Security-CloudTrailCloudWatchLogsEnabled", Path: "AuditTrail/Resource", Reason: trailWithoutCloudWatch},
	{Rule: "NIST.800.53.R5-CloudTrailCloudWatchLogsEnabled", Path: "AuditTrail/Resource", Reason: trailWithoutCloudWatch},
	{Rule: "PCI.DSS.321-CloudTrailCloudWatchLogsEnabled", Path: "AuditTrail/Resource", Reason: trailWithoutCloudWatch},
	{Rule: "HIPAA.Security-S3DefaultEncryptionKMS", Path: "AuditTrail/Bucket/Resource", Reason: trailBucketSSES3},
	{Rule: "NIST.800.53.R5-S3DefaultEncryptionKMS", Path: "AuditTrail/Bucket/Resource", Reason: trailBucketSSES3},
	{Rule: "PCI.DSS.321-S3DefaultEncryptionKMS", Path: "AuditTrail/Bucket/Resource", Reason: trailBucketSSES3},
	{Rule: "HIPAA.Security-S3BucketReplicationEnabled", Path: "AuditTrail/Bucket/Resource", Reason: noReplication},
	{Rule: "NIST.800.53.R5-S3BucketReplicationEnabled", Path: "AuditTrail/Bucket/Resource", Reason: noReplication},
	{Rule: "PCI.DSS.321-S3BucketReplicationEnabled", Path: "AuditTrail/Bucket/Resource", Reason: noReplication},

	// Malware scanning (malwareScanning): GuardDuty's service role.
	{
		Rule:      "AwsSolutions-IAM5",
		Path:      "MalwareScan/Role/DefaultPolicy/Resource",
		AppliesTo: []string{"Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*"},
		Reason:    "GuardDuty names its EventBridge managed rule for the plan itself, with this documented prefix and a suffix it chooses; the statements allow only rules with that prefix, and events:PutRule only for rules managed by malware-protection-plan.guardduty.amazonaws.com (events:ManagedBy).",
	},
	{
		Rule:      "AwsSolutions-IAM5",
		Path:      "MalwareScan/Role/DefaultPolicy/Resource",
		AppliesTo: []string{"/^Resource::<Bucket[A-Za-z0-9]+\\.Arn>\\/(([^/*]+\\/)*)\\*$/"},
		Reason:    "The scanner reads and tags every new object of the data bucket (or of malwareScanPrefixes), whatever its key: the objects are this bucket's, and the role is assumable by the malware protection plan service only.",
	},
	{Rule: "HIPAA.Security-IAMNoInlinePolicy", Path: "MalwareScan/Role/DefaultPolicy/Resource", Reason: scannerPolicyNotManaged},
	{Rule: "NIST.800.53.R5-IAMNoInlinePolicy", Path: "MalwareScan/Role/DefaultPolicy/Resource", Reason: scannerPolicyNotManaged},
	{Rule: "PCI.DSS.321-IAMNoInlinePolicy", Path: "MalwareScan/Role/DefaultPolicy/Resource", Reason: scannerPolicyNotManaged},

	// The alarm topic's email subscriptions (alarmEmails).
	{
		Rule:   "Serverless-SNSRedrivePolicy",
		Path:   "Monitoring/Topic/*/Resource",
		Reason: "An email subscription of the alarm topic: SNS retries email delivery under its own policy, and a notification that never arrives leaves the alarm's state and history in CloudWatch, which the on-call person reads anyway; a dead-letter queue would be an SQS queue nobody watches, with a key and policy of its own.",
	},

	// The CloudFront log bucket of a us-east-1 Edge stack.
	{
		Rule:   "AwsSolutions-S1",
		Path:   "Logs/AccessLogs/Resource",
		Reason: cloudFrontLogsUnlogged,
	},
	{Rule: "HIPAA.Security-S3BucketLoggingEnabled", Path: "Logs/AccessLogs/Resource", Reason: cloudFrontLogsUnlogged},
	{Rule: "NIST.800.53.R5-S3BucketLoggingEnabled", Path: "Logs/AccessLogs/Resource", Reason: cloudFrontLogsUnlogged},
	{Rule: "PCI.DSS.321-S3BucketLoggingEnabled", Path: "Logs/AccessLogs/Resource", Reason: cloudFrontLogsUnlogged},
	{Rule: "HIPAA.Security-S3DefaultEncryptionKMS", Path: "Logs/AccessLogs/Resource", Reason: cloudFrontLogsSSES3},
	{Rule: "NIST.800.53.R5-S3DefaultEncryptionKMS", Path: "Logs/AccessLogs/Resource", Reason: cloudFrontLogsSSES3},
	{Rule: "PCI.DSS.321-S3DefaultEncryptionKMS", Path: "Logs/AccessLogs/Resource", Reason: cloudFrontLogsSSES3},
	{Rule: "HIPAA.Security-S3BucketReplicationEnabled", Path: "Logs/AccessLogs/Resource", Reason: noReplication},
	{Rule: "NIST.800.53.R5-S3BucketReplicationEnabled", Path: "Logs/AccessLogs/Resource", Reason: noReplication},
	{Rule: "PCI.DSS.321-S3BucketReplicationEnabled", Path: "Logs/AccessLogs/Resource", Reason: noReplication},

	// The web ACL created with cdnWaf.
	// In the data stack (data in us-east-1) the storage stack's logs key
	// encrypts the group and the rules are enforced; in the Edge stack:
	{Rule: "HIPAA.Security-CloudWatchLogGroupEncrypted", Path: "WebAcl/Logs/Resource", If: lacks("kmsKeyId"), Reason: wafLogsWithoutCMK},
	{Rule: "NIST.800.53.R5-CloudWatchLogGroupEncrypted", Path: "WebAcl/Logs/Resource", If: lacks("kmsKeyId"), Reason: wafLogsWithoutCMK},
	{Rule: "PCI.DSS.321-CloudWatchLogGroupEncrypted", Path: "WebAcl/Logs/Resource", If: lacks("kmsKeyId"), Reason: wafLogsWithoutCMK},

	// The CloudFront distribution.
	{
		Rule:   "AwsSolutions-CFR3",
		Path:   "CDN/Resource/Resource",
		Reason: "Access logging is on through CloudFront standard logging v2 (CDN/AccessLogs: an AWS::Logs::Delivery from the distribution to the log bucket, asserted by the tests); the rule only reads the legacy DistributionConfig.Logging, which delivers through bucket ACLs, and ACLs are disabled on every bucket here (BucketOwnerEnforced).",
	},
	{
		Rule:   "AwsSolutions-CFR4",
		Path:   "CDN/Resource/Resource",
		If:     lacks("distributionConfig", "viewerCertificate", "acmCertificateArn"),
		Reason: "Without a custom domain the distribution can only use the *.cloudfront.net default certificate, for which CloudFront fixes the minimum protocol at TLSv1 whatever is asked for. Configure cdnDomainNames with cdnCertificateArn to get SNI with TLSv1.2_2021; the rule is then enforced (the maximal configuration proves that it passes).",
	},
	{
		Rule:   "AwsSolutions-CFR1",
		Path:   "CDN/Resource/Resource",
		If:     lacks("distributionConfig", "restrictions"),
		Reason: "Access is decided by signed URLs issued to authenticated Cognito users, not by where a viewer is; a country list would not narrow who can read. cdnGeoAllow/cdnGeoDeny add a restriction where law or contract asks for one, and the rule is then enforced.",
	},
	{
		Rule:   "AwsSolutions-CFR2",
		Path:   "CDN/Resource/Resource",
		If:     lacks("distributionConfig", "webAclId"),
		Reason: "Every request must carry a valid CloudFront signature, checked at the edge before the origin is reached, so the distribution is no open endpoint to filter; a CLOUDFRONT-scope web ACL (us-east-1, billed per ACL and request) is the platform team's choice, attached with cdnWebAclArn, and the rule is then enforced.",
	},

	// The presign API.
	{
		Rule:      "AwsSolutions-IAM5",
		Path:      "Api/Role/DefaultPolicy/Resource",
		AppliesTo: []string{`/^Resource::arn:(aws[a-z-]*|<AWS::Partition>):s3:::[^/*]+\/[^/*]+\/(([^/*]+|\*)\/)*\*$/`},
		Reason:    "Each resource is <data bucket>/<access-rule prefix>*: exactly the prefixes the access rules name, per method (a prefix grant needs its trailing wildcard; a {sub} segment becomes a * segment). The pattern matches only object ARNs whose first key segment is fixed (access.Role refuses {sub} there), so a whole-bucket grant would still fail the rule.",
	},
	{
		Rule:      "AwsSolutions-IAM5",
		Path:      "Api/Role/DefaultPolicy/Resource",
		AppliesTo: []string{"Resource::*"},
		Reason:    "xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) support no resource-level permissions; AWS documents Resource \"*\" for them. No other statement of the role has a wildcard resource.",
	},
	{
		Rule:      "AwsSolutions-IAM4",
		Path:      "Api/Resource/CloudWatchRole/Resource",
		AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"},
		Reason:    "This is API Gateway's account-wide logging role (one per account and region, set in the API Gateway account settings and shared by every API there), assumable only by apigateway.amazonaws.com; the AWS-managed policy is what the service documents, and a policy scoped to this API's log group would break other APIs' logging.",
	},
	{
		Rule:   "AwsSolutions-COG2",
		Path:   "Api/UserPool/Resource",
		If:     func(p map[string]any) bool { return p["mfaConfiguration"] != "ON" },
		Reason: "MFA (TOTP) is optional in this environment by configuration (mfa=optional, e.g. dev); prod sets mfa=required and the rule is then enforced.",
	},
	{
		Rule:   "AwsSolutions-APIG3",
		Path:   "Api/Resource/DeploymentStage.v1/Resource",
		Reason: noAPIWebACL,
	},
	{
		Rule:   "NIST.800.53.R5-APIGWAssociatedWithWAF",
		Path:   "Api/Resource/DeploymentStage.v1/Resource",
		Reason: noAPIWebACL,
	},
	{
		Rule:   "PCI.DSS.321-APIGWAssociatedWithWAF",
		Path:   "Api/Resource/DeploymentStage.v1/Resource",
		Reason: noAPIWebACL,
	},
	{Rule: "HIPAA.Security-APIGWCacheEnabledAndEncrypted", Path: "Api/Resource/DeploymentStage.v1/Resource", Reason: noAPICache},
	{Rule: "NIST.800.53.R5-APIGWCacheEnabledAndEncrypted", Path: "Api/Resource/DeploymentStage.v1/Resource", Reason: noAPICache},
	{Rule: "PCI.DSS.321-APIGWCacheEnabledAndEncrypted", Path: "Api/Resource/DeploymentStage.v1/Resource", Reason: noAPICache},
	{Rule: "HIPAA.Security-APIGWSSLEnabled", Path: "Api/Resource/DeploymentStage.v1/Resource", Reason: noBackendCertificate},
	{Rule: "NIST.800.53.R5-APIGWSSLEnabled", Path: "Api/Resource/DeploymentStage.v1/Resource", Reason: noBackendCertificate},
	{Rule: "PCI.DSS.321-APIGWSSLEnabled", Path: "Api/Resource/DeploymentStage.v1/Resource", Reason: noBackendCertificate},
	{Rule: "HIPAA.Security-IAMNoInlinePolicy", Path: "Api/Role/DefaultPolicy/Resource", Reason: rolePolicyNotManaged},
	{Rule: "NIST.800.53.R5-IAMNoInlinePolicy", Path: "Api/Role/DefaultPolicy/Resource", Reason: rolePolicyNotManaged},
	{Rule: "PCI.DSS.321-IAMNoInlinePolicy", Path: "Api/Role/DefaultPolicy/Resource", Reason: rolePolicyNotManaged},
	{Rule: "HIPAA.Security-LambdaDLQ", Path: "Api/Function/Resource", Reason: syncOnly},
	{Rule: "Serverless-LambdaDLQ", Path: "Api/Function/Resource", Reason: syncOnly},
	{
		Rule:      "CdkNagValidationFailure",
		Path:      "Api/Resource/Deployment/Resource",
		AppliesTo: []string{"Serverless-APIGWStructuredLogging"},
		Reason:    "cdk-nag 2.37.55's Serverless-APIGWStructuredLogging crashes on every AWS::ApiGateway::Deployment (cdklabs/cdk-nag#2267): a deployment has no logging settings; the stage, which has them (JSON access logs), is still checked.",
	},
	{Rule: "NIST.800.53.R5-LambdaDLQ", Path: "Api/Function/Resource", Reason: syncOnly},
	{Rule: "HIPAA.Security-LambdaConcurrency", Path: "Api/Function/Resource", Reason: noReservation, If: lacks("reservedConcurrentExecutions")},
	{Rule: "NIST.800.53.R5-LambdaConcurrency", Path: "Api/Function/Resource", Reason: noReservation, If: lacks("reservedConcurrentExecutions")},
	{Rule: "HIPAA.Security-LambdaInsideVPC", Path: "Api/Function/Resource", Reason: noVPC},
	{Rule: "NIST.800.53.R5-LambdaInsideVPC", Path: "Api/Function/Resource", Reason: noVPC},
	{Rule: "PCI.DSS.321-LambdaInsideVPC", Path: "Api/Function/Resource", Reason: noVPC},
}

// Reasons shared by the presign API's entries.
const (
	noAPIWebACL          = "Every method needs a valid Cognito ID token (checked by API Gateway before the function runs) and the stage is throttled (apiThrottleRate/apiThrottleBurst), which bounds what reaches the function (and lambdaReservedConcurrency caps it where set); a regional web ACL is attached with apiWebAclArn where the platform runs one (the maximal configuration does)."
	noAPICache           = "Responses are presigned URLs for one caller: bearer credentials that must never be served to anyone else, so the stage cache is off by design (and the function answers Cache-Control: no-store)."
	noBackendCertificate = "A client certificate authenticates API Gateway to an HTTP backend; this API's only integration is a Lambda proxy invoked through the Lambda service with a resource policy scoped to this API, so there is no backend to present it to."
	rolePolicyNotManaged = "The role's permissions are one AWS::IAM::Policy attached to this role only, every statement scoped to this bucket's rule prefixes, this secret, this log group; a customer-managed policy could be attached to other roles, which is the opposite of what least privilege wants here."
	syncOnly             = "API Gateway invokes the function synchronously; a dead-letter queue only receives failed asynchronous invocations, so it would never hold anything. Failures go back to the caller as a 5xx and are logged and traced (X-Ray)."
	noReservation        = "No reserved concurrency unless lambdaReservedConcurrency is set: Lambda keeps 100 of the account's concurrency unreserved, so reserving N needs a regional quota of at least 100+N, which new accounts (often 10 or 50) do not have, and the first deploy would fail. The stage's throttle (apiThrottleRate, apiThrottleBurst) bounds the requests that reach the function and, with monitoring on, the FunctionThrottles and AccountConcurrency alarms watch the shared pool. Where lambdaReservedConcurrency is set this entry does not apply."
	noVPC                = "The function talks only to S3 and Secrets Manager over TLS with SigV4 and needs no private network; a VPC would add NAT or endpoints and cold-start time without narrowing what the function can reach (its role and the bucket and key policies decide that)."
)

// lacks reports whether the nested property at path is absent.
func lacks(path ...string) func(map[string]any) bool {
	return func(props map[string]any) bool {
		var v any = props
		for _, p := range path {
			m, ok := v.(map[string]any)
			if !ok {
				return true
			}
			if v, ok = m[p]; !ok || v == nil {
				return true
			}
		}
		return false
	}
}

// Reasons shared by the same rule in several packs.
const (
	logBucketSSES3          = "S3 server access logging delivers only to buckets encrypted with SSE-S3 (SSE-KMS destinations are not supported), so the log bucket uses SSE-S3 with every public-access block, TLS-only and versioning; the data itself stays under the customer-managed key."
	cloudFrontLogsUnlogged  = "This bucket holds the distribution's access logs, written only by the CloudWatch Logs delivery service through a policy naming this distribution's delivery source; logging access to it needs yet another bucket with the same question. Reads of its objects are not logged: it holds request metadata, never object data, only TLS requests of this account's principals reach it, and CloudTrail's management events (on in every account) record any change to its policy or settings."
	accessLogsUnlogged      = "This is the server access log bucket: logging it into itself would loop and logging it elsewhere needs a third bucket with the same question. Reads of its objects are not logged: it holds request metadata, never object data, only TLS requests of this account's principals reach it, and CloudTrail's management events (on in every account) record any change to its policy or settings."
	cloudFrontLogsSSES3     = "The CloudFront access logs hold request metadata (time, edge, client IP, object key, status), never object data; SSE-KMS would need a second customer-managed key in us-east-1 with a policy open to the log delivery service. SSE-S3 with every public-access block, TLS-only and versioning protects them."
	wafLogsWithoutCMK       = "WAF's request logs reach this group with the query string, the Authorization header and cookies redacted (they carry CloudFront signatures), so it holds request metadata and no credentials or object data; CloudWatch Logs encrypts it at rest. In the Edge stack (data outside us-east-1) a customer-managed key would be a third key, in us-east-1, with a policy open to the logs service; where the web ACL shares the data's stack, the logs key encrypts this group and the rule is enforced."
	scannerPolicyNotManaged = "The scanner's permissions are one AWS::IAM::Policy attached to this role only (assumable by GuardDuty's malware protection plan service only), every statement on this bucket, its managed EventBridge rule and the data key through S3; a customer-managed policy could be attached to other roles."
	trailWithoutCloudWatch  = "The trail records this bucket's object reads and writes, which can be many; CloudWatch Logs would bill the ingestion of each event again ($0.50 per GB) on top of CloudTrail's data events. Its files go to their own bucket, SSE-KMS under the trail's key, with log file validation (signed hourly digests), where Athena or CloudTrail Lake query them; the trail itself records no management events, which the account's own trail and Event history keep."
	trailBucketSSES3        = "CloudTrail encrypts every log file itself with SSE-KMS under the trail's customer-managed key (the trail's KmsKeyId, Control Tower CT.CLOUDTRAIL.PR.1), whatever the bucket's default; the default, SSE-S3, applies to the digest files only, which hold file names, hashes and signatures and no event data."
	noReplication           = "Cross-region replication needs a destination bucket and key in a second region, which a single-region storage stack does not own; durability comes from S3's multi-AZ storage, versioning and retain-on-delete. Teams that need a second-region copy add a replication rule to PrivateBucket.Bucket."
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
		var props map[string]any
		for i, s := range Suppressions {
			if ok, _ := path.Match(s.Path, rel); !ok {
				continue
			}
			if s.If != nil {
				if props == nil {
					props = resolvedProperties(c)
				}
				if !s.If(props) {
					continue
				}
			}
			matched[i]++
			sup := &cdknag.NagPackSuppression{Id: jsii.String(s.Rule), Reason: jsii.String(s.Reason)}
			if len(s.AppliesTo) > 0 {
				applies := make([]any, len(s.AppliesTo))
				for j, a := range s.AppliesTo {
					if strings.HasPrefix(a, "/") && strings.HasSuffix(a, "/") && len(a) > 1 {
						applies[j] = &cdknag.RegexAppliesTo{Regex: jsii.String(a)}
					} else {
						applies[j] = a
					}
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

// resolvedProperties is c's properties as the library holds them (with the
// library's camelCase names), tokens resolved where they can be.
func resolvedProperties(c constructs.IConstruct) map[string]any {
	r := c.(awscdk.CfnResource)
	var props map[string]any
	if err := json.Unmarshal([]byte(*r.Stack().ToJsonString(r.CfnProperties(), nil)), &props); err != nil {
		return map[string]any{}
	}
	return props
}

// relativePath is c's construct path below its stack.
func relativePath(c constructs.IConstruct) string {
	stackPath := *awscdk.Stack_Of(c).Node().Path()
	return strings.TrimPrefix(strings.TrimPrefix(*c.Node().Path(), stackPath), "/")
}

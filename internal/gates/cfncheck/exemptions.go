package cfncheck

// exemptions is the one list of Control Tower controls (Guard) and cfn-lint
// rules (Lint) that a named resource or resource type may fail, each with its
// reason. Keep every entry as narrow as it can be (resources before types),
// with a reason a security reviewer would sign. Nothing else is exempt.
//
// TestExemptions_WellFormed checks the entries; the app's template tests must
// fail on [StaleExemptions], so an entry nothing needs any more is deleted.
var exemptions = []Exemption{
	// The access-log bucket.
	{
		ID:        "CT.S3.PR.10",
		Resources: []string{"Bucket/AccessLogs/Resource"},
		Reason:    "S3 server access logging delivers only to SSE-S3 buckets (SSE-KMS destinations are not supported); the log bucket has every public-access block, TLS-only, versioning and ACLs disabled.",
	},
	{
		ID:        "CT.S3.PR.2",
		Resources: []string{"Bucket/AccessLogs/Resource"},
		Reason:    "This is the server access log bucket itself: logging it into itself would loop. Reads of its objects are not logged: it holds request metadata, never object data, only TLS requests of this account's principals reach it, and CloudTrail's management events record any change to its policy or settings.",
	},
	{
		ID:        "CT.S3.PR.4",
		Resources: []string{"Bucket/AccessLogs/Resource"},
		Reason:    "Log objects are written only by the S3 logging service and expire by lifecycle; nothing consumes events about them.",
	},
	{
		ID:        "CT.S3.PR.9",
		Resources: []string{"Bucket/AccessLogs/Resource"},
		Reason:    "Logs expire by lifecycle after accessLogRetentionDays; Object Lock would block that expiry. Versioning and TLS-only protect them meanwhile.",
	},
	// The CloudFront log bucket of a us-east-1 Edge stack.
	{
		ID:        "CT.S3.PR.10",
		Resources: []string{"Logs/AccessLogs/Resource"},
		Reason:    "CloudFront's access logs (request metadata, never object data) use SSE-S3: SSE-KMS would need a second customer-managed key in us-east-1 with a policy open to the log delivery service. Every public-access block, TLS-only, versioning and ACLs disabled protect them.",
	},
	{
		ID:        "CT.S3.PR.2",
		Resources: []string{"Logs/AccessLogs/Resource"},
		Reason:    "This bucket is a log destination written only by the CloudWatch Logs delivery service for this distribution's delivery source; logging access to it needs yet another bucket with the same question. Reads of its objects are not logged: it holds request metadata, never object data, and CloudTrail's management events record any change to its policy or settings.",
	},
	{
		ID:        "CT.S3.PR.4",
		Resources: []string{"Logs/AccessLogs/Resource"},
		Reason:    "Log objects are written only by the log delivery service and expire by lifecycle; nothing consumes events about them.",
	},
	{
		ID:        "CT.S3.PR.9",
		Resources: []string{"Logs/AccessLogs/Resource"},
		Reason:    "Logs expire by lifecycle after accessLogRetentionDays; Object Lock would block that expiry. Versioning and TLS-only protect them meanwhile.",
	},
	// The audit trail (auditTrail) and its bucket.
	{
		ID:        "CT.CLOUDTRAIL.PR.3",
		Resources: []string{"AuditTrail/Resource"},
		Reason:    "The trail records this bucket's object reads and writes, which can be many; CloudWatch Logs would bill the ingestion of each event again ($0.50 per GB) on top of CloudTrail's data events. Its files go to their own bucket, SSE-KMS under the trail's key, with log file validation, where Athena or CloudTrail Lake query them.",
	},
	{
		ID:        "CT.S3.PR.10",
		Resources: []string{"AuditTrail/Bucket/Resource"},
		Reason:    "CloudTrail encrypts every log file itself with SSE-KMS under the trail's customer-managed key (KMSKeyId, CT.CLOUDTRAIL.PR.1), whatever the bucket's default; the default, SSE-S3, applies to the digest files only, which hold file names, hashes and signatures and no event data.",
	},
	{
		ID:        "CT.S3.PR.4",
		Resources: []string{"AuditTrail/Bucket/Resource"},
		Reason:    "Trail files are written only by CloudTrail for this trail and expire by lifecycle; nothing consumes events about them, and reads of them are in the data log bucket (the trail bucket's own server access logs).",
	},
	{
		ID:        "CT.S3.PR.9",
		Resources: []string{"AuditTrail/Bucket/Resource"},
		Reason:    "Trail files expire by lifecycle after accessLogRetentionDays, which Object Lock would block; log file validation (signed hourly digests) detects any file changed or deleted meanwhile, and the bucket is versioned with noncurrent versions kept as long as the files, so an overwritten or deleted file can be restored; TLS only.",
	},
	// The web ACL created with cdnWaf.
	{
		ID:             "CT.CLOUDWATCH.PR.3",
		Resources:      []string{"WebAcl/Logs/Resource"},
		UnlessProperty: "KmsKeyId",
		Reason:         "In the Edge stack (data outside us-east-1): WAF's request logs reach this group with the query string, the Authorization header and cookies redacted (they carry CloudFront signatures), so it holds request metadata only; CloudWatch Logs encrypts it at rest. A customer-managed key would be a third key, in us-east-1, with a policy open to the logs service. Where the web ACL shares the data's stack, the logs key encrypts the group and the control is enforced.",
	},
	// The data bucket, where an option is off.
	{
		ID:        "CT.S3.PR.4",
		Resources: []string{"Bucket/Resource/Resource"},
		Reason:    "Event notifications are opt-in (context key eventBridge): most deployments have no consumer, and the maximal configuration proves the option passes.",
	},
	{
		ID:        "CT.S3.PR.9",
		Resources: []string{"Bucket/Resource/Resource"},
		Reason:    "Object Lock is opt-in (objectLockMode): it makes deletes and lifecycle expiry of locked versions impossible, which most teams must decide on first; the maximal configuration proves the option passes.",
	},
	// The CloudFront distribution.
	{
		ID:        "CT.CLOUDFRONT.PR.1",
		Resources: []string{"CDN/Resource/Resource"},
		Reason:    "A default root object serves an index page at \"/\"; this distribution serves named objects to signed URLs only, and a GET of \"/\" must not map to any object.",
	},
	{
		ID:        "CT.CLOUDFRONT.PR.4",
		Resources: []string{"CDN/Resource/Resource"},
		Reason:    "Origin failover needs a second origin holding the same objects (a replica bucket in another region with its own key), which this single-region stack does not own; S3 itself is multi-AZ. Teams with a replica add an origin group to CDN.Distribution.",
	},
	{
		ID:        "CT.CLOUDFRONT.PR.5",
		Resources: []string{"CDN/Resource/Resource"},
		Reason:    "Access logging is on through CloudFront standard logging v2 (an AWS::Logs::Delivery from the distribution to the log bucket, asserted by the tests); the control only reads the legacy DistributionConfig.Logging, which needs bucket ACLs, and ACLs are disabled on every bucket here.",
	},
	{
		ID:             "CT.CLOUDFRONT.PR.6",
		Resources:      []string{"CDN/Resource/Resource"},
		UnlessProperty: "DistributionConfig.ViewerCertificate.AcmCertificateArn",
		Reason:         noCustomDomain,
	},
	{
		ID:             "CT.CLOUDFRONT.PR.7",
		Resources:      []string{"CDN/Resource/Resource"},
		UnlessProperty: "DistributionConfig.ViewerCertificate.AcmCertificateArn",
		Reason:         noCustomDomain,
	},
	{
		ID:             "CT.CLOUDFRONT.PR.9",
		Resources:      []string{"CDN/Resource/Resource"},
		UnlessProperty: "DistributionConfig.ViewerCertificate.AcmCertificateArn",
		Reason:         noCustomDomain,
	},
	// The presign API.
	{
		ID:        "CT.LAMBDA.PR.3",
		Resources: []string{"Api/Function/Resource"},
		Reason:    "The function talks only to S3 and Secrets Manager over TLS with SigV4 and needs no private network; a VPC would add NAT or endpoints and cold-start time without narrowing what it can reach (its role and the bucket and key policies decide that).",
	},
	{
		ID:            "CT.LAMBDA.PR.2",
		ResourceTypes: []string{"AWS::Lambda::Permission"},
		Reason:        "The only Lambda permissions are API Gateway's, each with SourceArn = this API, stage, method and path (arn:...:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>), which CloudFormation can only build with Fn::Join; the control accepts only a literal string or a plain Ref there. The tests assert the SourceArn.",
	},
	// The alarms' dashboard.
	{
		ID:        "E3002",
		Resources: []string{"Monitoring/Dashboard/Resource"},
		Reason:    "The dashboard carries the stage's tags, which the CloudFormation registry's AWS::CloudWatch::Dashboard schema takes (Tags; internal/gates/cfncheck/schemas/aws-cloudwatch-dashboard.json, which the registry-schema gate checks every property against); this image's cfn-lint predates that and reports Tags as unknown.",
	},
	{
		ID:        "W3005",
		Resources: []string{"Api/Function/Resource"},
		Reason:    "The library's Function adds DependsOn on its role next to the GetAtt of the role's ARN; the redundancy is harmless and not ours to remove.",
	},
}

// noCustomDomain is why a distribution without a custom domain may use the
// default certificate.
const noCustomDomain = "Without a custom domain (cdnDomainNames) the distribution must use the *.cloudfront.net default certificate, for which CloudFront fixes the protocol settings. Configuring cdnDomainNames with cdnCertificateArn gives an ACM certificate, SNI and TLSv1.2_2021, and then the control is enforced (the exemption does not apply; the maximal configuration proves it passes)."

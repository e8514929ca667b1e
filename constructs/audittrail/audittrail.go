// Package audittrail provides securestore's audit trail of object access: a
// CloudTrail trail that records the data events (reads, writes, deletes) of
// one bucket's objects and nothing else, delivered to a private bucket of
// its own and encrypted with a customer-managed key of its own.
//
// # What it builds
//
//   - A trail (child "Resource") in the stack's region, not multi-region,
//     without global service events, with one advanced event selector:
//     eventCategory Data, resources.type AWS::S3::Object, resources.ARN
//     starting with "<bucket ARN>/". Management events are off: the
//     account's own trail (or its organisation's) records those, and every
//     account has 90 days of them in Event history. Log file validation is
//     on (signed digest files every hour).
//   - A key (child "Key", an encryptionkey.EncryptionKey: administrators
//     manage it and cannot use it) whose policy lets CloudTrail encrypt log
//     files for this trail only (AWS:SourceArn = the trail's ARN), and
//     Props.Readers decrypt them, through S3 only.
//   - A bucket (child "Bucket", privatebucket.NewLoggedLogBucket: every
//     public-access block, TLS 1.2 or newer only, ACLs disabled, versioned,
//     retained, files expiring after Props.Retention, its own access logs
//     to Props.AccessLogs) whose policy lets CloudTrail check its ACL and
//     write under AWSLogs/<account>/ for this trail only. Log files are
//     SSE-KMS under the trail's key (CloudTrail encrypts them itself);
//     digest files, hashes and signatures without event data, CloudTrail
//     delivers with the bucket's SSE-S3.
//
// A team whose organisation trail already records this bucket's data
// events does not need this construct (the app's auditTrail key turns it
// off); two trails bill each event twice.
package audittrail

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudtrail"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/validation"
)

// DefaultRetentionDays is how long trail files are kept when
// Props.Retention is nil.
const DefaultRetentionDays = 365

// Props configures an AuditTrail. Bucket is required.
type Props struct {
	// Bucket is the bucket whose object-level events the trail records.
	// Required.
	Bucket awss3.IBucket
	// KeyProps configures the trail's key (its alias, its administrators).
	// Default: - encryptionkey defaults but the alias,
	// "alias/securestore/trail".
	KeyProps *encryptionkey.Props
	// Readers are principals that may decrypt the trail's files, through
	// S3 in this region only (kms:ViaService), and read them (s3:GetObject
	// on the trail bucket, in their own IAM policies too).
	// Default: - none: reading the files takes a change of the key policy,
	// which CloudTrail records as a management event.
	Readers []awsiam.IPrincipal
	// Retention is how long trail files are kept, in whole days.
	// Default: - 365 days.
	Retention awscdk.Duration
	// AccessLogs receives the trail bucket's own S3 server access logs,
	// under "audit-trail/" (PrivateBucket.LogBucket), so that reads of the
	// trail are logged too.
	// Default: - none: the trail bucket's reads are not logged.
	AccessLogs awss3.IBucket
}

// AuditTrail is a data-event trail of one bucket with its own bucket and key.
type AuditTrail struct {
	constructs.Construct
	// Trail is the trail (child id "Resource").
	Trail awscloudtrail.CfnTrail
	// TrailArn is the trail's ARN, built from its name.
	TrailArn *string
	// Key encrypts the trail's log files (child id "Key").
	Key *encryptionkey.EncryptionKey
	// LogBucket receives the trail's files (child id "Bucket").
	LogBucket awss3.Bucket
}

// AccessLogPrefix is where the trail bucket's server access logs go in
// Props.AccessLogs.
const AccessLogPrefix = "audit-trail/"

// DefaultKeyAlias is the trail key's alias when KeyProps gives none.
const DefaultKeyAlias = "alias/securestore/trail"

// New creates the trail under scope. It panics with a *validation.Error
// naming each invalid prop.
func New(scope constructs.Construct, id *string, props *Props) *AuditTrail {
	c := constructs.NewConstruct(scope, id)
	var p Props
	if props != nil {
		p = *props
	}
	problems := validation.For(*c.Node().Path())
	if p.Bucket == nil {
		problems.Addf("Bucket", "required: the bucket whose object events the trail records")
	}
	if p.Retention != nil && !validation.WholeDays(p.Retention) {
		problems.Addf("Retention", "must be whole days, at least one, received %s", *p.Retention.ToHumanString())
	}
	problems.PanicIfAny()

	keyProps := encryptionkey.Props{}
	if p.KeyProps != nil {
		keyProps = *p.KeyProps
	}
	if keyProps.Alias == nil {
		keyProps.Alias = jsii.String(DefaultKeyAlias)
	}
	if keyProps.Description == nil {
		keyProps.Description = jsii.String("securestore audit trail key: CloudTrail log files of this trail only")
	}
	key := encryptionkey.New(c, jsii.String("Key"), &keyProps)
	retention := p.Retention
	if retention == nil {
		retention = awscdk.Duration_Days(jsii.Number(DefaultRetentionDays))
	}
	var prefix *string
	if p.AccessLogs != nil {
		prefix = jsii.String(AccessLogPrefix)
	}
	bucket := privatebucket.NewLoggedLogBucket(c, jsii.String("Bucket"), retention, p.AccessLogs, prefix)

	// The trail's ARN from its name: the key's and the bucket's policies
	// name the trail, which names them.
	name := jsii.String(physicalName(c))
	trailArn := awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":cloudtrail:"), awscdk.Aws_REGION(), jsii.String(":"), awscdk.Aws_ACCOUNT_ID(), jsii.String(":trail/"), name,
	})
	cloudTrail := awsiam.NewServicePrincipal(jsii.String("cloudtrail.amazonaws.com"), nil)
	thisTrail := &map[string]any{"StringEquals": map[string]any{"aws:SourceArn": trailArn}}
	bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudTrailAclCheck"),
		Principals: &[]awsiam.IPrincipal{cloudTrail},
		Actions:    jsii.Strings("s3:GetBucketAcl"),
		Resources:  &[]*string{bucket.BucketArn()},
		Conditions: thisTrail,
	}))
	bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudTrailWrite"),
		Principals: &[]awsiam.IPrincipal{cloudTrail},
		Actions:    jsii.Strings("s3:PutObject"),
		Resources:  &[]*string{awscdk.Fn_Join(jsii.String(""), &[]*string{bucket.BucketArn(), jsii.String("/AWSLogs/"), awscdk.Aws_ACCOUNT_ID(), jsii.String("/*")})},
		Conditions: thisTrail,
	}))
	encryptionkey.AllowService(key.Key, "CloudTrailEncryptsThisTrail", "cloudtrail.amazonaws.com", trailArn, []string{"kms:GenerateDataKey*", "kms:DescribeKey"})
	for i, r := range p.Readers {
		encryptionkey.AllowViaS3(key.Key, "ReadTrail"+strconv.Itoa(i+1), r, encryptionkey.DecryptActions)
	}

	selectors := []any{&awscloudtrail.CfnTrail_AdvancedEventSelectorProperty{
		Name: jsii.String("Object-level events of the securestore data bucket"),
		FieldSelectors: []any{
			&awscloudtrail.CfnTrail_AdvancedFieldSelectorProperty{Field: jsii.String("eventCategory"), EqualTo: jsii.Strings("Data")},
			&awscloudtrail.CfnTrail_AdvancedFieldSelectorProperty{Field: jsii.String("resources.type"), EqualTo: jsii.Strings("AWS::S3::Object")},
			&awscloudtrail.CfnTrail_AdvancedFieldSelectorProperty{Field: jsii.String("resources.ARN"), StartsWith: &[]*string{
				awscdk.Fn_Join(jsii.String(""), &[]*string{p.Bucket.BucketArn(), jsii.String("/")}),
			}},
		},
	}}
	trail := awscloudtrail.NewCfnTrail(c, jsii.String("Resource"), &awscloudtrail.CfnTrailProps{
		TrailName:                  name,
		IsLogging:                  jsii.Bool(true),
		S3BucketName:               bucket.BucketName(),
		KmsKeyId:                   key.Key.KeyArn(),
		EnableLogFileValidation:    jsii.Bool(true),
		IsMultiRegionTrail:         jsii.Bool(false),
		IncludeGlobalServiceEvents: jsii.Bool(false),
		AdvancedEventSelectors:     selectors,
	})
	// CloudTrail checks the bucket's policy when the trail is created.
	if pol := bucket.Policy(); pol != nil {
		trail.Node().AddDependency(pol)
	}
	return &AuditTrail{Construct: c, Trail: trail, TrailArn: trailArn, Key: key, LogBucket: bucket}
}

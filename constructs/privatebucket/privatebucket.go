// Package privatebucket provides securestore's private data bucket: SSE-KMS
// with a customer-managed key, every public-access block, ACLs disabled,
// versioning, TLS 1.2 or newer only, retained on delete, with server access
// logs to a dedicated log bucket.
//
// The bucket's name is deterministic (a prefix plus the account and region
// pseudo-parameters, or a name the user gives), and BucketName, BucketArn and
// RegionalDomainName are built from that name rather than from a reference
// to the bucket resource. Other constructs use them to point at the bucket
// without depending on it, which is what lets the key policy name exactly one
// CloudFront distribution without a dependency cycle. The price: a named
// bucket cannot be replaced in place; a change that needs replacement fails
// instead of creating a second bucket.
package privatebucket

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/validation"
)

// Defaults applied when the matching Props field is nil.
const (
	DefaultBucketNamePrefix                = "securestore-data"
	DefaultAccessLogRetentionDays          = 365
	DefaultAbortIncompleteUploadDays       = 7
	DefaultNoncurrentVersionExpirationDays = 90
)

// MaxBucketNamePrefixLength is the longest BucketNamePrefix: the generated
// name appends "-<12-digit account>-<region>" (at most 28 characters) and
// a bucket name has at most 63.
const MaxBucketNamePrefixLength = 35

// Object Lock modes accepted by ObjectLock.Mode.
const (
	ObjectLockGovernance = "GOVERNANCE"
	ObjectLockCompliance = "COMPLIANCE"
)

// Props configures a PrivateBucket. Nil props means all defaults.
type Props struct {
	// Key encrypts the data bucket (SSE-KMS with an S3 bucket key). Bring your
	// own to share a key between buckets; an imported key's policy cannot be
	// changed here, so grants then warn and leave the key policy to you.
	// Default: - a new encryptionkey.EncryptionKey under this construct (id "Key").
	Key awskms.IKey
	// KeyProps configures the key created when Key is nil; it must be nil when Key is set.
	// Default: - encryptionkey defaults.
	KeyProps *encryptionkey.Props
	// BucketName is the data bucket's full name, checked against the S3 naming
	// rules at synth.
	// Default: - BucketNamePrefix + "-" + account + "-" + region.
	BucketName *string
	// BucketNamePrefix starts the generated name; at most 35 characters so the
	// name stays within 63. Must be nil when BucketName is set.
	// Default: - "securestore-data".
	BucketNamePrefix *string
	// AccessLogRetention is how long server access logs are kept, in
	// whole days.
	// Default: - 365 days.
	AccessLogRetention awscdk.Duration
	// AbortIncompleteUploadAfter aborts incomplete multipart uploads this
	// long after they started, in whole days.
	// Default: - 7 days.
	AbortIncompleteUploadAfter awscdk.Duration
	// NoncurrentVersionExpiration deletes noncurrent object versions this
	// long after they became noncurrent, in whole days.
	// Default: - 90 days.
	NoncurrentVersionExpiration awscdk.Duration
	// CorsAllowedOrigins lets browsers on these origins (https://host[:port],
	// or http://localhost[:port] for development) use presigned URLs.
	// Default: - no CORS rule; browsers on other origins cannot call the bucket.
	CorsAllowedOrigins *[]*string
	// ObjectLock turns on S3 Object Lock with a default retention.
	// Default: - Object Lock off.
	ObjectLock *ObjectLock
	// RequestMetrics turns on S3 request metrics for the whole bucket
	// (filter RequestMetricsID: AllRequests, GetRequests, 4xxErrors,
	// 5xxErrors and the rest, per minute, billed as CloudWatch metrics).
	// Default: - false.
	RequestMetrics *bool
	// EventBridge sends the bucket's object events to Amazon EventBridge.
	// Default: - false.
	EventBridge *bool
}

// ObjectLock is the default Object Lock retention of the data bucket.
type ObjectLock struct {
	// Mode is ObjectLockGovernance or ObjectLockCompliance.
	Mode *string
	// Retention is the default retention, whole days, at least 1.
	Retention awscdk.Duration
}

// PrivateBucket is the data bucket, its log bucket and its key.
type PrivateBucket struct {
	constructs.Construct
	// Bucket is the data bucket (child id "Resource").
	Bucket awss3.IBucket
	// LogBucket receives the data bucket's server access logs (child id "AccessLogs").
	// Other services' logs (CloudFront) may be delivered here under their own prefix.
	LogBucket awss3.IBucket
	// Key encrypts the data bucket.
	Key awskms.IKey
	// BucketName is the data bucket's name, built without a reference to it.
	BucketName *string
	// BucketArn is the data bucket's ARN, built without a reference to it.
	BucketArn *string
	// RegionalDomainName is <name>.s3.<region>.<url suffix>, built without a
	// reference to the bucket.
	RegionalDomainName *string

	keyGrants map[string]bool
}

// New creates the data bucket, its log bucket and, unless props.Key is set,
// its key. It panics with a *validation.Error naming each invalid prop.
func New(scope constructs.Construct, id *string, props *Props) *PrivateBucket {
	c := constructs.NewConstruct(scope, id)
	// Server access logs are delivered through the log bucket's policy, never
	// an ACL (ACLs are disabled), whatever feature flags the caller's app sets.
	c.Node().SetContext(jsii.String("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"), true)
	var p Props
	if props != nil {
		p = *props
	}
	check(c, &p)
	stack := awscdk.Stack_Of(c)

	key := p.Key
	if key == nil {
		key = encryptionkey.New(c, jsii.String("Key"), p.KeyProps).Key
	}

	name := p.BucketName
	if name == nil {
		prefix := DefaultBucketNamePrefix
		if p.BucketNamePrefix != nil {
			prefix = *p.BucketNamePrefix
		}
		name = awscdk.Fn_Join(jsii.String("-"), &[]*string{jsii.String(prefix), stack.Account(), stack.Region()})
	}

	logs := NewLogBucket(c, jsii.String("AccessLogs"), p.AccessLogRetention)

	var lock awss3.ObjectLockRetention
	if p.ObjectLock != nil {
		d := p.ObjectLock.Retention
		if *p.ObjectLock.Mode == ObjectLockCompliance {
			lock = awss3.ObjectLockRetention_Compliance(d)
		} else {
			lock = awss3.ObjectLockRetention_Governance(d)
		}
	}

	bucket := awss3.NewBucket(c, jsii.String("Resource"), &awss3.BucketProps{
		BucketName:             name,
		Encryption:             awss3.BucketEncryption_KMS,
		EncryptionKey:          key,
		BucketKeyEnabled:       jsii.Bool(true),
		BlockedEncryptionTypes: &[]awss3.BlockedEncryptionType{awss3.BlockedEncryptionType_SSE_C()},
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:             jsii.Bool(true),
		MinimumTLSVersion:      jsii.Number(1.2),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:              jsii.Bool(true),
		RemovalPolicy:          awscdk.RemovalPolicy_RETAIN_ON_UPDATE_OR_DELETE,
		ServerAccessLogsBucket: logs,
		ServerAccessLogsPrefix: jsii.String("s3-access/"),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("AbortIncompleteUploadsAndExpireNoncurrent"),
			AbortIncompleteMultipartUploadAfter: orDays(p.AbortIncompleteUploadAfter, DefaultAbortIncompleteUploadDays),
			NoncurrentVersionExpiration:         orDays(p.NoncurrentVersionExpiration, DefaultNoncurrentVersionExpirationDays),
		}},
		Cors:                       corsRules(p.CorsAllowedOrigins),
		ObjectLockEnabled:          jsii.Bool(p.ObjectLock != nil),
		ObjectLockDefaultRetention: lock,
		Metrics:                    requestMetrics(p.RequestMetrics),
	})
	if p.EventBridge != nil && *p.EventBridge {
		// Set on the CloudFormation resource itself: the L2's EventBridgeEnabled
		// goes through a notifications custom resource (a Lambda function
		// with an AWS managed policy) that this bucket does not need.
		bucket.Node().DefaultChild().(awss3.CfnBucket).AddPropertyOverride(
			jsii.String("NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled"), true)
	}

	arn := awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), stack.Partition(), jsii.String(":s3:::"), name})
	// Deny uploads that ask for anything but this key. An upload with no
	// encryption header gets the bucket's default, this key, and must pass:
	// a Deny with a ...IfExists operator (or a negated operator alone)
	// would also apply when the header is absent. So each statement first
	// requires its header with Null false, or, for a key id that is
	// missing, Null true. SSE-C is blocked by the bucket's
	// BlockedEncryptionTypes.
	denyPut := func(sid string, condition map[string]any) {
		bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String(sid),
			Effect:     awsiam.Effect_DENY,
			Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
			Actions:    jsii.Strings("s3:PutObject"),
			Resources:  &[]*string{bucket.ArnForObjects(jsii.String("*"))},
			Conditions: &condition,
		}))
	}
	const (
		sse   = "s3:x-amz-server-side-encryption"
		keyID = "s3:x-amz-server-side-encryption-aws-kms-key-id"
	)
	// An encryption type other than SSE-KMS (AES256, aws:kms:dsse).
	denyPut("DenyOtherEncryption", map[string]any{
		"Null":            map[string]any{sse: "false"},
		"StringNotEquals": map[string]any{sse: "aws:kms"},
	})
	// SSE-KMS without a key id: S3 would use the AWS managed aws/s3 key,
	// which anyone in the account with s3:GetObject can decrypt through.
	denyPut("DenyKmsWithoutKeyId", map[string]any{
		"Null":         map[string]any{keyID: "true"},
		"StringEquals": map[string]any{sse: "aws:kms"},
	})
	// A key id other than this key's ARN (S3 compares the header as sent: a
	// bare key id or an alias is refused too).
	denyPut("DenyOtherKmsKeys", map[string]any{
		"Null":            map[string]any{keyID: "false"},
		"StringNotEquals": map[string]any{keyID: key.KeyArn()},
	})

	return &PrivateBucket{
		Construct:  c,
		Bucket:     bucket,
		LogBucket:  logs,
		Key:        key,
		BucketName: name,
		BucketArn:  arn,
		RegionalDomainName: awscdk.Fn_Join(jsii.String(""), &[]*string{
			name, jsii.String(".s3."), stack.Region(), jsii.String("."), stack.UrlSuffix(),
		}),
		keyGrants: map[string]bool{},
	}
}

// NewLogBucket creates a bucket for logs that AWS services deliver through
// its bucket policy (S3 server access logs, CloudFront standard logging v2):
// SSE-S3 (server access logging cannot deliver to SSE-KMS buckets), every
// public-access block, TLS 1.2 or newer only, ACLs disabled, versioned,
// retained on delete, logs expiring after retention (whole days; nil means
// DefaultAccessLogRetentionDays). PrivateBucket uses it for its log bucket;
// a us-east-1 edge stack uses it for CloudFront's logs.
func NewLogBucket(scope constructs.Construct, id *string, retention awscdk.Duration) awss3.Bucket {
	return newLogBucket(scope, id, retention, nil, nil, awscdk.Duration_Days(jsii.Number(1)))
}

// NewLoggedLogBucket is NewLogBucket whose own server access logs go to
// accessLogs under prefix (an S3 server access log bucket such as
// PrivateBucket.LogBucket, whose policy CDK extends for this bucket), and
// whose noncurrent versions are kept as long as current files (retention,
// not one day): for a log bucket that a person reads and that must
// survive an overwrite or a delete, such as an audit trail's. A nil
// accessLogs gives no access logs.
func NewLoggedLogBucket(scope constructs.Construct, id *string, retention awscdk.Duration, accessLogs awss3.IBucket, prefix *string) awss3.Bucket {
	return newLogBucket(scope, id, retention, accessLogs, prefix, orDays(retention, DefaultAccessLogRetentionDays))
}

func newLogBucket(scope constructs.Construct, id *string, retention awscdk.Duration, accessLogs awss3.IBucket, prefix *string, noncurrent awscdk.Duration) awss3.Bucket {
	return awss3.NewBucket(scope, id, &awss3.BucketProps{
		ServerAccessLogsBucket: accessLogs,
		ServerAccessLogsPrefix: prefix,
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:             jsii.Bool(true),
		MinimumTLSVersion:      jsii.Number(1.2),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:              jsii.Bool(true),
		RemovalPolicy:          awscdk.RemovalPolicy_RETAIN_ON_UPDATE_OR_DELETE,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("ExpireLogs"),
			Expiration:                          orDays(retention, DefaultAccessLogRetentionDays),
			NoncurrentVersionExpiration:         noncurrent,
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
		}},
	})
}

// orDays is d, or def days when d is nil.
func orDays(d awscdk.Duration, def float64) awscdk.Duration {
	if d == nil {
		return awscdk.Duration_Days(jsii.Number(def))
	}
	return d
}

// RequestMetricsID is the filter id of Props.RequestMetrics' metrics
// configuration (the FilterId dimension of its metrics).
const RequestMetricsID = "EntireBucket"

func requestMetrics(on *bool) *[]*awss3.BucketMetrics {
	if on == nil || !*on {
		return nil
	}
	return &[]*awss3.BucketMetrics{{Id: jsii.String(RequestMetricsID)}}
}

func corsRules(origins *[]*string) *[]*awss3.CorsRule {
	if origins == nil || len(*origins) == 0 {
		return nil
	}
	return &[]*awss3.CorsRule{{
		Id:             jsii.String("PresignedBrowserAccess"),
		AllowedOrigins: origins,
		AllowedMethods: &[]awss3.HttpMethods{awss3.HttpMethods_GET, awss3.HttpMethods_HEAD, awss3.HttpMethods_PUT, awss3.HttpMethods_POST, awss3.HttpMethods_DELETE},
		AllowedHeaders: jsii.Strings("content-type", "x-amz-checksum-sha256", "x-amz-sdk-checksum-algorithm", "content-md5"),
		ExposedHeaders: jsii.Strings("ETag", "x-amz-version-id", "x-amz-checksum-sha256"),
		MaxAge:         jsii.Number(3000),
	}}
}

// The grants take a key prefix: "" for the whole bucket, "reports/", or
// "users/*/" where a "*" segment stands for any one segment (IAM's "*" also
// spans "/", so it covers a little more).

// GrantRead lets grantee (a role, a function, anything awsiam.IGrantable)
// read objects under prefix ("" for the whole bucket): s3:GetObject in its
// identity policy, kms:Decrypt through S3 in the key policy. The Grant is
// the identity-policy part, as CDK's own grants return it.
func (b *PrivateBucket) GrantRead(grantee awsiam.IGrantable, prefix string) awsiam.Grant {
	return b.grant(grantee, prefix, "Read", []string{"s3:GetObject"}, encryptionkey.DecryptActions)
}

// GrantWrite lets grantee write objects under prefix: s3:PutObject in its
// identity policy, kms:GenerateDataKey through S3 in the key policy (S3 asks
// KMS for a data key on every SSE-KMS write).
func (b *PrivateBucket) GrantWrite(grantee awsiam.IGrantable, prefix string) awsiam.Grant {
	return b.grant(grantee, prefix, "Write", []string{"s3:PutObject"}, []string{"kms:GenerateDataKey"})
}

// GrantMultipartUpload lets grantee write objects under prefix in one PUT
// or in parts: s3:PutObject (PutObject, CreateMultipartUpload, UploadPart,
// CompleteMultipartUpload), s3:AbortMultipartUpload and
// s3:ListMultipartUploadParts in its identity policy; kms:GenerateDataKey
// and kms:Decrypt through S3 in the key policy (S3 decrypts an SSE-KMS
// upload's data key for each part and to complete it). The bucket's
// lifecycle rule aborts uploads left incomplete.
func (b *PrivateBucket) GrantMultipartUpload(grantee awsiam.IGrantable, prefix string) awsiam.Grant {
	return b.grant(grantee, prefix, "MultipartUpload", MultipartUploadActions, []string{"kms:GenerateDataKey", "kms:Decrypt"})
}

// MultipartUploadActions are the S3 actions of GrantMultipartUpload.
var MultipartUploadActions = []string{"s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}

// GrantDelete lets grantee delete objects under prefix: s3:DeleteObject only;
// deleting needs no key.
func (b *PrivateBucket) GrantDelete(grantee awsiam.IGrantable, prefix string) awsiam.Grant {
	return b.grant(grantee, prefix, "Delete", []string{"s3:DeleteObject"}, nil)
}

// GrantList lets grantee list the keys under prefixes (each as the other
// grants take it; at least one): s3:ListBucket on the bucket, conditioned
// on s3:prefix matching one of them (StringLike, prefix + "*"). Listing
// needs no key.
func (b *PrivateBucket) GrantList(grantee awsiam.IGrantable, prefixes ...string) awsiam.Grant {
	patterns := make([]string, 0, len(prefixes))
	for _, prefix := range prefixes {
		b.checkGrantPrefix("List", prefix)
		patterns = append(patterns, prefix+"*")
	}
	if len(patterns) == 0 {
		problems := validation.For(*b.Node().Path())
		problems.Addf("GrantList prefixes", "name at least one prefix (\"\" for the whole bucket)")
		problems.PanicIfAny()
	}
	return awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings("s3:ListBucket"),
		ResourceArns: &[]*string{b.BucketArn},
		Conditions:   &map[string]*map[string]any{"StringLike": {"s3:prefix": jsii.Strings(patterns...)}},
	})
}

var prefixPattern = regexp.MustCompile(`^[^*?${}]*$`)

// validGrantPrefix reports whether prefix is a key prefix without IAM
// wildcards or policy variables, but for "*" as a whole segment after the
// first.
func validGrantPrefix(prefix string) bool {
	if strings.HasPrefix(prefix, "/") {
		return false
	}
	for i, seg := range strings.Split(prefix, "/") {
		if seg == "*" && i > 0 && i < strings.Count(prefix, "/") {
			continue
		}
		if !prefixPattern.MatchString(seg) {
			return false
		}
	}
	return true
}

// checkGrantPrefix panics with a *validation.Error naming Grant<verb>
// when prefix is not one validGrantPrefix accepts.
func (b *PrivateBucket) checkGrantPrefix(verb, prefix string) {
	if !validGrantPrefix(prefix) {
		problems := validation.For(*b.Node().Path())
		problems.Addf("Grant"+verb+" prefix", "must not start with '/' nor hold '?', '$', '{', '}' or '*' but as a whole segment (users/*/), received %q", prefix)
		problems.PanicIfAny()
	}
}

func (b *PrivateBucket) grant(grantee awsiam.IGrantable, prefix, verb string, s3Actions, kmsActions []string) awsiam.Grant {
	b.checkGrantPrefix(verb, prefix)
	g := awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings(s3Actions...),
		ResourceArns: &[]*string{awscdk.Fn_Join(jsii.String(""), &[]*string{b.BucketArn, jsii.String("/" + prefix + "*")})},
	})
	if len(kmsActions) == 0 {
		return g
	}
	// One key-policy statement per grantee and verb, whatever the prefixes.
	who := fmt.Sprintf("Grantee%d", len(b.keyGrants))
	if c, ok := grantee.(constructs.IConstruct); ok {
		who = *c.Node().Addr()
	}
	sid := fmt.Sprintf("S3%sFor%s", verb, who)
	if b.keyGrants[sid] {
		return g
	}
	b.keyGrants[sid] = true
	encryptionkey.AllowViaS3(b.Key, sid, grantee.GrantPrincipal(), kmsActions)
	return g
}

var bucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// checkBucketName applies the S3 general purpose bucket naming rules.
func checkBucketName(name string) string {
	switch {
	case !bucketNamePattern.MatchString(name):
		return "must be 3 to 63 characters of lowercase letters, digits, '.' and '-', starting and ending with a letter or digit"
	case strings.Contains(name, ".."):
		return "must not contain two adjacent periods"
	case regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`).MatchString(name):
		return "must not be formatted as an IP address"
	case strings.HasPrefix(name, "xn--") || strings.HasPrefix(name, "sthree-") || strings.HasPrefix(name, "amzn-s3-demo-"):
		return "must not start with the reserved prefixes xn--, sthree- or amzn-s3-demo-"
	case strings.HasSuffix(name, "-s3alias") || strings.HasSuffix(name, "--ol-s3") || strings.HasSuffix(name, ".mrap") || strings.HasSuffix(name, "--x-s3") || strings.HasSuffix(name, "--table-s3"):
		return "must not end with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)"
	case strings.Contains(name, "."):
		// Legal for S3, but virtual-hosted HTTPS (and so CloudFront's S3
		// origin and presigned URLs) cannot match the wildcard certificate.
		return "must not contain '.': TLS to <name>.s3.<region>.amazonaws.com would fail the certificate check"
	}
	return ""
}

func check(c constructs.Construct, p *Props) {
	problems := validation.For(*c.Node().Path())
	if p.Key != nil && p.KeyProps != nil {
		problems.Addf("KeyProps", "must be nil when Key is set (KeyProps configures the key created when Key is nil)")
	}
	if p.BucketName != nil && p.BucketNamePrefix != nil {
		problems.Addf("BucketNamePrefix", "must be nil when BucketName is set")
	}
	if validation.Literal(p.BucketName) {
		if why := checkBucketName(*p.BucketName); why != "" {
			problems.Addf("BucketName", "%s, received %q", why, *p.BucketName)
		}
	}
	if validation.Literal(p.BucketNamePrefix) {
		prefix := *p.BucketNamePrefix
		// The generated name appends "-<12-digit account>-<region>": check the
		// prefix with the longest such tail.
		if len(prefix) > MaxBucketNamePrefixLength {
			problems.Addf("BucketNamePrefix", "must be at most %d characters so that the generated name fits in 63, received %q (%d characters)", MaxBucketNamePrefixLength, prefix, len(prefix))
		} else if why := checkBucketName(prefix + "-123456789012-ap-southeast-2"); why != "" {
			problems.Addf("BucketNamePrefix", "gives an invalid bucket name: %s, received %q", why, prefix)
		}
	}
	for _, f := range []struct {
		name string
		d    awscdk.Duration
	}{
		{"AccessLogRetention", p.AccessLogRetention},
		{"AbortIncompleteUploadAfter", p.AbortIncompleteUploadAfter},
		{"NoncurrentVersionExpiration", p.NoncurrentVersionExpiration},
	} {
		if f.d != nil && !validation.WholeDays(f.d) {
			problems.Addf(f.name, "must be a whole number of days, at least 1, received %s", *f.d.ToHumanString())
		}
	}
	if p.CorsAllowedOrigins != nil {
		for i, o := range *p.CorsAllowedOrigins {
			if !validation.Literal(o) {
				continue
			}
			if !validation.IsOrigin(*o) {
				problems.Addf("CorsAllowedOrigins", "element %d must be https://host[:port] (or http://localhost[:port]) without a path or wildcard, received %q", i, *o)
			}
		}
	}
	if l := p.ObjectLock; l != nil {
		if l.Mode == nil || (*l.Mode != ObjectLockGovernance && *l.Mode != ObjectLockCompliance) {
			problems.Addf("ObjectLock.Mode", "must be %q or %q, received %s", ObjectLockGovernance, ObjectLockCompliance, quote(l.Mode))
		}
		if l.Retention == nil || !validation.WholeDays(l.Retention) {
			received := "nothing"
			if l.Retention != nil {
				received = *l.Retention.ToHumanString()
			}
			problems.Addf("ObjectLock.Retention", "must be a whole number of days, at least 1, received %s", received)
		}
	}
	problems.PanicIfAny()
}

func quote(s *string) string {
	if s == nil {
		return "nothing"
	}
	return fmt.Sprintf("%q", *s)
}

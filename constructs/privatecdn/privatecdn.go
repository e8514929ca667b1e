// Package privatecdn puts a CloudFront distribution in front of a private S3
// bucket. CloudFront reaches the bucket only through Origin Access Control
// (SigV4 on every origin request), viewers need URLs or cookies signed with a
// trusted key group, and the bucket and key policies name exactly this
// distribution: no distribution/* wildcard and no custom resource.
//
// # No dependency cycle
//
// The key policy names this distribution's ARN, so the key depends on the
// distribution. The distribution must therefore not depend on the bucket
// (the bucket depends on the key): its origin domain is built from the
// bucket's deterministic name (Props.BucketRegionalDomainName, which
// privatebucket provides), never from a reference to the bucket resource.
// The bucket policy, a resource of its own, then depends on both the bucket
// and the distribution. The resulting graph is
//
//	key -> distribution -> OAC, key group, policies, function
//	bucket -> key
//	bucket policy -> bucket, distribution
//
// which the package's tests check with a graph walk over the template.
//
// # Methods
//
// CloudFront offers three method sets per behaviour: GET/HEAD,
// GET/HEAD/OPTIONS, and all seven methods. Reads use the first two (OPTIONS
// only when CORS origins are configured), and CloudFront itself refuses any
// other method. Uploads (PUT) and deletes (DELETE) need the full set, so when
// either is on, a CloudFront Function on viewer request answers 405 for every
// method that is not enabled (DELETE is refused when only writes are on, PUT
// when only deletes are on, POST and PATCH always) and 412 for a write or
// delete without an object name. The bucket policy grants only the S3 actions
// of the enabled levels, so S3 refuses them too if the function is ever
// detached.
//
// # Access logs
//
// CloudFront standard logging (v2) delivers to the log bucket through the
// bucket's policy, so it works with ACLs disabled. Its delivery source can be
// created in us-east-1 only: a stack pinned to another region is refused at
// synth (unless UnsafeDisableAccessLogs is set), and an environment-agnostic
// stack carries a CloudFormation rule that stops a deployment outside
// us-east-1 before any resource is created.
//
// # Data in another region
//
// The distribution may live in a us-east-1 stack while the bucket and key
// stay in a stack of their own region: give the bucket's deterministic
// regional domain name (PropsFor does) and a LogBucket in the distribution's
// stack, enable crossRegionReferences on both stacks and set the feature
// flag "@aws-cdk/core:defaultCrossStackReferences" to "weak". The bucket and
// key policy statements then land in the bucket's stack and read the
// distribution's ARN with Fn::GetStackOutput (without the flag, CDK joins
// the stacks with custom resources and SSM parameters instead); see package
// stacks (Edge) and Example_otherRegion.
package privatecdn

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudfront"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/validation"
)

// Access is a level of access CloudFront has at the origin, and so what
// viewers with a valid signature may do through the distribution.
type Access string

// Access levels.
const (
	// Read lets viewers GET and HEAD objects (s3:GetObject).
	Read Access = "read"
	// Write lets viewers PUT objects (s3:PutObject).
	Write Access = "write"
	// Delete lets viewers DELETE objects (s3:DeleteObject).
	Delete Access = "delete"
)

// Defaults applied when the matching Props field is nil.
const (
	DefaultLogPrefix  = "cloudfront/"
	DefaultPriceClass = awscloudfront.PriceClass_PRICE_CLASS_100
	// HSTSMaxAgeDays is the Strict-Transport-Security max-age (two years).
	HSTSMaxAgeDays = 730
	// CORSMaxAgeSeconds is how long browsers may cache a preflight answer.
	CORSMaxAgeSeconds = 600
	// DefaultContentSecurityPolicy is Props.ContentSecurityPolicy's default.
	DefaultContentSecurityPolicy = "default-src 'none'; sandbox"
	// DefaultCacheMaxTTLSeconds is Props.CacheMaxTTL's default (1 day),
	// which is also the default TTL of objects that say nothing.
	DefaultCacheMaxTTLSeconds = 86400
	// MaxCacheMaxTTLSeconds is Props.CacheMaxTTL's bound (1 year,
	// CloudFront's default maximum).
	MaxCacheMaxTTLSeconds = 31536000
	// LogRegion is the only region where CloudFront's log delivery source can live.
	LogRegion = validation.CloudFrontRegion
)

// ErrorPagePrefix is the reserved key prefix of the error pages that replace
// S3's error bodies for 4xx responses (see ErrorPages). Writes and deletes
// through the distribution under this prefix are refused.
const ErrorPagePrefix = "_errors/"

// ErrorPages are the bodies CloudFront returns instead of S3's XML error
// documents, keyed by HTTP status; each lives in the bucket at
// ErrorPagePrefix + "<status>.json" (upload them with Content-Type
// application/json). They say what went wrong from the viewer's side and
// name neither the bucket, the key nor the account.
var ErrorPages = map[int]string{
	400: `{"message":"bad request"}`,
	403: `{"message":"forbidden: the URL or cookie is unsigned, expired or for another object, or the object does not exist"}`,
	404: `{"message":"not found"}`,
	405: `{"message":"method not allowed"}`,
	414: `{"message":"URI too long"}`,
}

// Props configures a Distribution. Bucket and, unless the stack is
// deliberately weakened, LogBucket and ViewerPublicKeyPems are required;
// PropsFor fills the bucket fields from a privatebucket.PrivateBucket.
type Props struct {
	// Bucket is the private bucket served; its resource policy receives the
	// statement that lets this distribution (and only it) use the enabled
	// S3 actions on its objects. Required.
	Bucket awss3.IBucket
	// BucketRegionalDomainName is <bucket>.s3.<region>.<url suffix>, the
	// origin's domain name. Build it from the bucket's name, not from a
	// reference to the bucket: when Bucket and Key are created in this app,
	// a reference makes a dependency cycle (key -> distribution -> bucket ->
	// key) and is refused.
	// Default: - Bucket.BucketRegionalDomainName(), allowed only for an imported bucket or key.
	BucketRegionalDomainName *string
	// Key encrypts the bucket's objects; its key policy receives the
	// statement that lets this distribution decrypt (and, with Write,
	// encrypt). An imported key's policy cannot be changed: a synth warning
	// asks you to add the statement yourself.
	// Default: - Bucket.EncryptionKey(); none for an SSE-S3 bucket.
	Key awskms.IKey
	// LogBucket receives the access logs (standard logging v2, delivered
	// through the bucket policy; ACLs may stay disabled). Required unless
	// UnsafeDisableAccessLogs is set.
	LogBucket awss3.IBucket
	// LogPrefix is the key prefix of the access logs in LogBucket; it must end with "/".
	// Default: - "cloudfront/".
	LogPrefix *string
	// UnsafeDisableAccessLogs turns access logging off, for a stack that
	// cannot be deployed to us-east-1. Emits a synth warning.
	// Default: - false: access logs are on and LogBucket is required.
	UnsafeDisableAccessLogs *bool
	// Access lists what viewers may do: Read (GET/HEAD), Write (PUT) and
	// Delete (DELETE), in any combination but at least one.
	// Default: - []Access{Read}.
	Access []Access
	// ViewerPublicKeyPems are the PEM public keys (RSA 2048 or ECDSA P-256,
	// "-----BEGIN PUBLIC KEY-----") of the trusted key group; viewers need a
	// URL or cookie signed with a matching private key. Give two during a
	// rotation. At most 5. Required unless UnsafeAllowUnsignedReads is set.
	// Default: - none; an error unless UnsafeAllowUnsignedReads.
	ViewerPublicKeyPems []string
	// UnsafeAllowUnsignedReads lets ANYONE who knows an object's name read
	// it, with no signature. Only valid with Access == []Access{Read}:
	// writes and deletes are never unsigned. Emits a synth warning.
	// Default: - false: every request needs a signed URL or cookie.
	UnsafeAllowUnsignedReads *bool
	// CorsAllowedOrigins lets browsers on these origins (https://host[:port],
	// or http://localhost[:port] for development) call the distribution:
	// OPTIONS is allowed and the response headers policy answers CORS.
	// Give the bucket the same origins (privatebucket.Props.CorsAllowedOrigins)
	// so that S3 answers the preflight CloudFront forwards.
	// Default: - no CORS; browsers on other origins cannot read responses.
	CorsAllowedOrigins *[]*string
	// DomainNames are custom domain names (CNAMEs) for the distribution; they
	// need CertificateArn.
	// Default: - only the *.cloudfront.net name.
	DomainNames []string
	// CertificateArn is an ACM certificate in us-east-1 covering DomainNames;
	// served with SNI and TLS 1.2 (TLSv1.2_2021) as the minimum.
	// Default: - the CloudFront default certificate (required to be nil without DomainNames).
	CertificateArn *string
	// WebACLArn is a WAFv2 web ACL of CLOUDFRONT scope
	// (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>).
	// Default: - no web ACL.
	WebACLArn *string
	// GeoAllowList lets only viewers in these countries (ISO 3166-1 alpha-2,
	// such as "DE") reach the distribution. Not with GeoDenyList.
	// Default: - no geographic restriction.
	GeoAllowList []string
	// GeoDenyList refuses viewers in these countries (ISO 3166-1 alpha-2).
	// Not with GeoAllowList.
	// Default: - no geographic restriction.
	GeoDenyList []string
	// PriceClass selects the edge locations used.
	// Default: - PriceClass_100 (North America, Europe, Israel).
	PriceClass awscloudfront.PriceClass
	// ContentSecurityPolicy is the Content-Security-Policy header on every
	// response: the default runs nothing and sandboxes the document, so an
	// HTML or SVG object served from this origin (your custom domain) can
	// neither run script nor reach its cookies or storage. Give another
	// policy only for content meant to run here.
	// Default: - DefaultContentSecurityPolicy.
	ContentSecurityPolicy *string
	// CachePolicy caches reads. Writes and deletes are never cached by
	// CloudFront whatever the policy; but a GET cached before an overwrite or
	// delete is served until it expires, so with Write or Delete on, prefer
	// new keys for new content or a shorter policy.
	// Default: - a policy of the construct's own (child "CachePolicy"), like
	// the managed CachingOptimized (no header, cookie or query string in the
	// cache key; gzip and brotli) but keeping an object at the edges at most
	// CacheMaxTTL, whatever Cache-Control the uploader stored with it.
	CachePolicy awscloudfront.ICachePolicy
	// CacheMaxTTL is the longest an object stays cached at the edges, and
	// so the longest a deleted object, or one later found infected, is
	// still served: S3 stores any Cache-Control an uploader sends with a
	// presigned PUT, and CachingOptimized honours up to a year of it. From
	// 1 second to 1 year, whole seconds; only without CachePolicy.
	// Default: - DefaultCacheMaxTTLSeconds (1 day).
	CacheMaxTTL awscdk.Duration
}

// PropsFor returns Props that serve b: its bucket, deterministic regional
// domain name, key and log bucket. Set the other fields on the result.
func PropsFor(b *privatebucket.PrivateBucket) *Props {
	return &Props{
		Bucket:                   b.Bucket,
		BucketRegionalDomainName: b.RegionalDomainName,
		Key:                      b.Key,
		LogBucket:                b.LogBucket,
	}
}

// Distribution is a CloudFront distribution that serves one private bucket
// through Origin Access Control to viewers with signed URLs or cookies.
type Distribution struct {
	constructs.Construct
	// Distribution is the CloudFront distribution (child id "Resource").
	Distribution awscloudfront.IDistribution
	// OriginAccessControl signs every origin request with SigV4.
	OriginAccessControl awscloudfront.IOriginAccessControl
	// KeyGroup is the trusted key group viewers' signatures are checked
	// against; nil with UnsafeAllowUnsignedReads.
	KeyGroup awscloudfront.IKeyGroup
	// PublicKeys are the key group's public keys, in the order of
	// Props.ViewerPublicKeyPems; a key's PublicKeyId is the Key-Pair-Id of
	// URLs signed with its private key.
	PublicKeys []awscloudfront.IPublicKey
	// ResponseHeadersPolicy adds HSTS, nosniff, a content security policy, frame-options, referrer
	// policy and CORS to every response.
	ResponseHeadersPolicy awscloudfront.IResponseHeadersPolicy
	// MethodFilter is the viewer-request function that refuses methods not
	// enabled; nil when only reads are on (CloudFront refuses them itself).
	MethodFilter awscloudfront.IFunction
	// Access is the effective list of access levels.
	Access []Access
}

// New creates the distribution and its policies under scope. It panics with
// a *validation.Error naming each invalid prop.
func New(scope constructs.Construct, id *string, props *Props) *Distribution {
	c := constructs.NewConstruct(scope, id)
	var p Props
	if props != nil {
		p = *props
	}
	levels := check(c, &p)
	d := &Distribution{Construct: c, Access: levels}

	key := p.Key
	if key == nil && p.Bucket != nil {
		key = p.Bucket.EncryptionKey()
	}
	domain := p.BucketRegionalDomainName
	if domain == nil {
		domain = p.Bucket.BucketRegionalDomainName()
	}
	unsigned := validation.IsTrue(p.UnsafeAllowUnsignedReads)
	cors := len(validation.Strings(p.CorsAllowedOrigins)) > 0

	oac := awscloudfront.NewS3OriginAccessControl(c, jsii.String("OriginAccessControl"), &awscloudfront.S3OriginAccessControlProps{
		Description: jsii.String("securestore: CloudFront signs every request to the private bucket"),
		Signing:     awscloudfront.Signing_SIGV4_ALWAYS(),
	})
	d.OriginAccessControl = oac

	if !unsigned {
		keys := make([]awscloudfront.IPublicKey, len(p.ViewerPublicKeyPems))
		refs := make([]interfacesawscloudfront.IPublicKeyRef, len(p.ViewerPublicKeyPems))
		for i, pemText := range p.ViewerPublicKeyPems {
			keys[i] = awscloudfront.NewPublicKey(c, jsii.String(fmt.Sprintf("PublicKey%d", i+1)), &awscloudfront.PublicKeyProps{
				EncodedKey: jsii.String(pemText),
				Comment:    jsii.String("securestore: verifies viewers' signed URLs and cookies"),
			})
			refs[i] = keys[i]
		}
		d.PublicKeys = keys
		d.KeyGroup = awscloudfront.NewKeyGroup(c, jsii.String("KeyGroup"), &awscloudfront.KeyGroupProps{
			Items:   &refs,
			Comment: jsii.String("securestore: signers of viewer URLs and cookies"),
		})
	} else {
		awscdk.Annotations_Of(c).AddWarningV2(jsii.String("securestore:privatecdn:unsignedReads"),
			jsii.String("UnsafeAllowUnsignedReads is set: ANYONE who knows an object's name can read it through CloudFront without a signature"))
	}

	d.ResponseHeadersPolicy = responseHeaders(c, validation.Strings(p.CorsAllowedOrigins), levels, p.ContentSecurityPolicy)

	behavior := &awscloudfront.BehaviorOptions{
		Origin:                &s3Origin{domainName: domain, oacID: oac.OriginAccessControlId()},
		ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
		CachePolicy:           p.CachePolicy,
		ResponseHeadersPolicy: d.ResponseHeadersPolicy,
		Compress:              jsii.Bool(true),
	}
	if behavior.CachePolicy == nil {
		behavior.CachePolicy = cachePolicy(c, p.CacheMaxTTL)
	}
	if d.KeyGroup != nil {
		behavior.TrustedKeyGroups = &[]interfacesawscloudfront.IKeyGroupRef{d.KeyGroup}
	}
	switch {
	case has(levels, Write) || has(levels, Delete) || !has(levels, Read):
		behavior.AllowedMethods = awscloudfront.AllowedMethods_ALLOW_ALL()
		d.MethodFilter = awscloudfront.NewFunction(c, jsii.String("MethodFilter"), &awscloudfront.FunctionProps{
			Code:    awscloudfront.FunctionCode_FromInline(jsii.String(MethodFilterCode(levels, cors))),
			Runtime: awscloudfront.FunctionRuntime_JS_2_0(),
			Comment: jsii.String("securestore: 405 for methods not enabled, 412 for a write without an object name"),
		})
		behavior.FunctionAssociations = &[]*awscloudfront.FunctionAssociation{{
			EventType: awscloudfront.FunctionEventType_VIEWER_REQUEST,
			Function:  d.MethodFilter,
		}}
	case cors:
		behavior.AllowedMethods = awscloudfront.AllowedMethods_ALLOW_GET_HEAD_OPTIONS()
	default:
		behavior.AllowedMethods = awscloudfront.AllowedMethods_ALLOW_GET_HEAD()
	}
	if cors {
		behavior.CachedMethods = awscloudfront.CachedMethods_CACHE_GET_HEAD_OPTIONS()
	} else {
		behavior.CachedMethods = awscloudfront.CachedMethods_CACHE_GET_HEAD()
	}

	priceClass := p.PriceClass
	if priceClass == "" {
		priceClass = DefaultPriceClass
	}
	distProps := &awscloudfront.DistributionProps{
		Comment:         jsii.String("securestore: private bucket behind Origin Access Control, signed viewers"),
		DefaultBehavior: behavior,
		HttpVersion:     awscloudfront.HttpVersion_HTTP2_AND_3,
		EnableIpv6:      jsii.Bool(true),
		PriceClass:      priceClass,
		ErrorResponses:  errorResponses(),
		WebAclId:        p.WebACLArn,
	}
	if p.CertificateArn != nil {
		distProps.Certificate = awscertificatemanager.Certificate_FromCertificateArn(c, jsii.String("Certificate"), p.CertificateArn)
		distProps.DomainNames = jsii.Strings(p.DomainNames...)
		distProps.MinimumProtocolVersion = awscloudfront.SecurityPolicyProtocol_TLS_V1_2_2021
		distProps.SslSupportMethod = awscloudfront.SSLMethod_SNI
	}
	switch {
	case len(p.GeoAllowList) > 0:
		distProps.GeoRestriction = awscloudfront.GeoRestriction_Allowlist(*jsii.Strings(p.GeoAllowList...)...)
	case len(p.GeoDenyList) > 0:
		distProps.GeoRestriction = awscloudfront.GeoRestriction_Denylist(*jsii.Strings(p.GeoDenyList...)...)
	}
	dist := awscloudfront.NewDistribution(c, jsii.String("Resource"), distProps)
	d.Distribution = dist

	// arn:${Partition}:cloudfront::${AccountId}:distribution/${DistributionId}
	sourceArn := dist.DistributionArn()
	allowOrigin(c, p.Bucket, key, sourceArn, levels)

	if !validation.IsTrue(p.UnsafeDisableAccessLogs) {
		prefix := DefaultLogPrefix
		if p.LogPrefix != nil {
			prefix = *p.LogPrefix
		}
		newAccessLogs(c, dist, p.LogBucket, prefix)
	} else {
		awscdk.Annotations_Of(c).AddWarningV2(jsii.String("securestore:privatecdn:noAccessLogs"),
			jsii.String("UnsafeDisableAccessLogs is set: requests to the distribution are not logged"))
	}

	awscdk.NewCfnOutput(c, jsii.String("DomainName"), &awscdk.CfnOutputProps{
		Description: jsii.String("CloudFront domain name of the securestore distribution"),
		Value:       dist.DistributionDomainName(),
	})
	awscdk.NewCfnOutput(c, jsii.String("DistributionId"), &awscdk.CfnOutputProps{
		Description: jsii.String("CloudFront distribution id of the securestore distribution"),
		Value:       dist.DistributionId(),
	})
	return d
}

// s3Origin is an S3 origin reached through Origin Access Control, whose
// domain name is given rather than read from the bucket resource, so that
// the distribution does not depend on the bucket. (The library's
// S3BucketOrigin reads bucket.bucketRegionalDomainName and, with OAC, adds a
// distribution/* statement to the key policy; both are what this package
// avoids.)
type s3Origin struct {
	domainName *string
	oacID      *string
}

// Bind implements awscloudfront.IOrigin.
func (o *s3Origin) Bind(_ constructs.Construct, options *awscloudfront.OriginBindOptions) *awscloudfront.OriginBindConfig {
	return &awscloudfront.OriginBindConfig{
		OriginProperty: &awscloudfront.CfnDistribution_OriginProperty{
			Id:                    options.OriginId,
			DomainName:            o.domainName,
			OriginAccessControlId: o.oacID,
			// An empty identity: no legacy OAI; OAC does the signing.
			S3OriginConfig: &awscloudfront.CfnDistribution_S3OriginConfigProperty{OriginAccessIdentity: jsii.String("")},
		},
	}
}

// S3Actions returns the S3 object actions CloudFront needs for levels.
func S3Actions(levels []Access) []string {
	var actions []string
	if has(levels, Read) {
		actions = append(actions, "s3:GetObject")
	}
	if has(levels, Write) {
		actions = append(actions, "s3:PutObject")
	}
	if has(levels, Delete) {
		actions = append(actions, "s3:DeleteObject")
	}
	return actions
}

// KMSActions returns the KMS actions CloudFront needs for levels: Decrypt to
// read SSE-KMS objects, Encrypt and GenerateDataKey* to write them; deleting
// needs none.
func KMSActions(levels []Access) []string {
	var actions []string
	if has(levels, Read) {
		actions = append(actions, encryptionkey.DecryptActions...)
	}
	if has(levels, Write) {
		actions = append(actions, encryptionkey.EncryptActions...)
	}
	return actions
}

// allowOrigin adds the bucket and key policy statements for this
// distribution, each conditioned on AWS:SourceArn = its ARN.
func allowOrigin(c constructs.Construct, bucket awss3.IBucket, key awskms.IKey, sourceArn *string, levels []Access) {
	sid := "CloudFront" + sidSuffix(c)
	res := bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String(sid),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudfront.amazonaws.com"), nil)},
		Actions:    jsii.Strings(S3Actions(levels)...),
		Resources:  &[]*string{bucket.ArnForObjects(jsii.String("*"))},
		Conditions: &map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": sourceArn}},
	}))
	if has(levels, Read) {
		// Without s3:ListBucket S3 answers 403 for a missing key, which a
		// viewer cannot tell from a refused signature; with it, 404. The
		// distribution learns only whether a key it was asked for exists.
		bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String(sid + "List"),
			Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudfront.amazonaws.com"), nil)},
			Actions:    jsii.Strings("s3:ListBucket"),
			Resources:  &[]*string{bucket.BucketArn()},
			Conditions: &map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": sourceArn}},
		}))
	}
	if res == nil || !*res.StatementAdded {
		awscdk.Annotations_Of(c).AddWarningV2(jsii.String("securestore:privatecdn:bucketPolicyNotAdded"),
			jsii.String(fmt.Sprintf("bucket policy statement %q was not added because the bucket is imported: allow cloudfront.amazonaws.com %s on its objects with StringEquals AWS:SourceArn = this distribution's ARN yourself",
				sid, strings.Join(S3Actions(levels), ", "))))
	}
	if key == nil {
		return
	}
	if actions := KMSActions(levels); len(actions) > 0 {
		encryptionkey.AllowService(key, sid, "cloudfront.amazonaws.com", sourceArn, actions)
	}
}

var nonAlnum = regexp.MustCompile(`[^A-Za-z0-9]`)

// sidSuffix makes a policy Sid suffix from the construct's id, so that two
// distributions in front of one bucket add distinct statements.
func sidSuffix(c constructs.Construct) string {
	return nonAlnum.ReplaceAllString(*c.Node().Id(), "")
}

// cachePolicy is the default cache policy: CachingOptimized's cache key
// and compression, with the edge TTL bounded by maxTTL.
func cachePolicy(c constructs.Construct, maxTTL awscdk.Duration) awscloudfront.ICachePolicy {
	if maxTTL == nil {
		maxTTL = awscdk.Duration_Seconds(jsii.Number(DefaultCacheMaxTTLSeconds))
	}
	def := maxTTL
	if secs := maxTTL.ToSeconds(nil); validation.Literal(secs) && *secs > DefaultCacheMaxTTLSeconds {
		def = awscdk.Duration_Seconds(jsii.Number(DefaultCacheMaxTTLSeconds))
	}
	return awscloudfront.NewCachePolicy(c, jsii.String("CachePolicy"), &awscloudfront.CachePolicyProps{
		Comment:                    jsii.String("securestore: CachingOptimized cache key; edge TTL bounded whatever Cache-Control an object carries"),
		MinTtl:                     awscdk.Duration_Seconds(jsii.Number(1)),
		DefaultTtl:                 def,
		MaxTtl:                     maxTTL,
		HeaderBehavior:             awscloudfront.CacheHeaderBehavior_None(),
		CookieBehavior:             awscloudfront.CacheCookieBehavior_None(),
		QueryStringBehavior:        awscloudfront.CacheQueryStringBehavior_None(),
		EnableAcceptEncodingGzip:   jsii.Bool(true),
		EnableAcceptEncodingBrotli: jsii.Bool(true),
	})
}

// RemovedHeaders are the response headers an uploader can store with an
// object (a presigned PUT signs neither) that would otherwise reach every
// viewer: how long browsers keep the object, and under which file name
// and disposition they save it. Content-Encoding stays: CloudFront cannot
// remove it (a wrong one only makes the object unreadable).
var RemovedHeaders = []string{"Cache-Control", "Expires", "Content-Disposition"}

// responseHeaders builds the response headers policy: security headers on
// every response, the uploader-chosen headers removed and, with origins,
// CORS for them.
func responseHeaders(c constructs.Construct, origins []string, levels []Access, csp *string) awscloudfront.IResponseHeadersPolicy {
	if csp == nil {
		csp = jsii.String(DefaultContentSecurityPolicy)
	}
	props := &awscloudfront.ResponseHeadersPolicyProps{
		Comment:       jsii.String("securestore: HSTS, nosniff, CSP, frame DENY, no referrer, uploader caching/disposition headers removed, CORS"),
		RemoveHeaders: jsii.Strings(RemovedHeaders...),
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			ContentSecurityPolicy: &awscloudfront.ResponseHeadersContentSecurityPolicy{
				ContentSecurityPolicy: csp,
				Override:              jsii.Bool(true),
			},
			StrictTransportSecurity: &awscloudfront.ResponseHeadersStrictTransportSecurity{
				AccessControlMaxAge: awscdk.Duration_Days(jsii.Number(HSTSMaxAgeDays)),
				IncludeSubdomains:   jsii.Bool(true),
				Override:            jsii.Bool(true),
			},
			ContentTypeOptions: &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions: &awscloudfront.ResponseHeadersFrameOptions{
				FrameOption: awscloudfront.HeadersFrameOption_DENY,
				Override:    jsii.Bool(true),
			},
			// Signed URLs are bearer credentials: never send them, or this
			// origin, in a Referer header.
			ReferrerPolicy: &awscloudfront.ResponseHeadersReferrerPolicy{
				ReferrerPolicy: awscloudfront.HeadersReferrerPolicy_NO_REFERRER,
				Override:       jsii.Bool(true),
			},
		},
	}
	if len(origins) > 0 {
		props.CorsBehavior = &awscloudfront.ResponseHeadersCorsBehavior{
			AccessControlAllowCredentials: jsii.Bool(false),
			AccessControlAllowHeaders:     jsii.Strings("content-type", "range", "if-match", "if-none-match"),
			AccessControlAllowMethods:     jsii.Strings(corsMethods(levels)...),
			AccessControlAllowOrigins:     jsii.Strings(origins...),
			AccessControlExposeHeaders:    jsii.Strings("ETag", "Content-Length", "Content-Range"),
			AccessControlMaxAge:           awscdk.Duration_Seconds(jsii.Number(CORSMaxAgeSeconds)),
			OriginOverride:                jsii.Bool(true),
		}
	}
	return awscloudfront.NewResponseHeadersPolicy(c, jsii.String("ResponseHeaders"), props)
}

// corsMethods lists the methods browsers may use, OPTIONS included.
func corsMethods(levels []Access) []string {
	var m []string
	if has(levels, Read) {
		m = append(m, "GET", "HEAD")
	}
	if has(levels, Write) {
		m = append(m, "PUT")
	}
	if has(levels, Delete) {
		m = append(m, "DELETE")
	}
	return append(m, "OPTIONS")
}

// errorResponses replaces S3's error documents for client errors with the
// ErrorPages bodies, keeping the status code, and caches them briefly.
func errorResponses() *[]*awscloudfront.ErrorResponse {
	codes := make([]int, 0, len(ErrorPages))
	for code := range ErrorPages {
		codes = append(codes, code)
	}
	sort.Ints(codes)
	out := make([]*awscloudfront.ErrorResponse, len(codes))
	for i, code := range codes {
		out[i] = &awscloudfront.ErrorResponse{
			HttpStatus:         jsii.Number(code),
			ResponseHttpStatus: jsii.Number(code),
			ResponsePagePath:   jsii.String(fmt.Sprintf("/%s%d.json", ErrorPagePrefix, code)),
			Ttl:                awscdk.Duration_Seconds(jsii.Number(10)),
		}
	}
	return &out
}

func has(levels []Access, a Access) bool {
	for _, l := range levels {
		if l == a {
			return true
		}
	}
	return false
}

package stacks

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53targets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/constructs/monitoring"
	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/constructs/privatecdn"
	"github.com/securestore/securestore/constructs/webacl"
)

// EdgeStackID is the id of the us-east-1 stack inside its environment's
// Stage, when the data lives in another region.
const EdgeStackID = "Edge"

// EdgeProps configures an Edge stack.
type EdgeProps struct {
	awscdk.StackProps
	// Config is the validated configuration; required.
	Config *config.Config
	// Bucket is the data bucket, in its own region, that the distribution
	// serves; required.
	Bucket *privatebucket.PrivateBucket
}

// Edge is the us-east-1 stack of an environment whose data lives in another
// region. CloudFront takes certificates and CLOUDFRONT-scope web ACLs from
// us-east-1 only and its log delivery source exists only there, so the
// distribution, its certificate, its web ACL and a bucket for its access
// logs live here. The data bucket, its key and the presign API stay in the
// storage stack; the bucket and key policies there name this distribution,
// and the presign function its domain and viewer key, through the outputs
// of this stack, which the storage stack reads with Fn::GetStackOutput.
type Edge struct {
	awscdk.Stack
	// Front is the distribution with its certificate and web ACL.
	Front *Front
	// LogBucket receives the distribution's access logs (child path
	// "Logs/AccessLogs"), kept in us-east-1 beside the distribution.
	LogBucket awss3.IBucket
	// Monitoring holds the distribution's alarm and its topic, where
	// CloudFront's metrics are (child id "Monitoring"); nil unless
	// monitoring is on.
	Monitoring *monitoring.Monitoring
}

// NewEdge builds the Edge stack; props.Env must name us-east-1.
func NewEdge(scope constructs.Construct, id *string, props *EdgeProps) *Edge {
	cfg := props.Config
	stackProps := props.StackProps
	stackProps.CrossRegionReferences = jsii.Bool(true)
	stack := awscdk.NewStack(scope, id, &stackProps)
	logs := constructs.NewConstruct(stack, jsii.String("Logs"))
	logBucket := privatebucket.NewLogBucket(logs, jsii.String("AccessLogs"), awscdk.Duration_Days(jsii.Number(cfg.AccessLogRetentionDays)))
	return &Edge{Stack: stack, Front: newFront(stack, cfg, props.Bucket, logBucket, nil), LogBucket: logBucket}
}

// Front is the CloudFront side of an environment: the distribution and
// what the app creates for it in us-east-1.
type Front struct {
	// CDN is the distribution in front of the data bucket (child id "CDN").
	CDN *privatecdn.Distribution
	// Certificate is the DNS-validated certificate requested for
	// cdnDomainNames (child id "Certificate"); nil when cdnCertificateArn is
	// given or there are no domain names.
	Certificate awscertificatemanager.ICertificate
	// WebACL is the web ACL created with cdnWaf (child id "WebAcl"); nil
	// otherwise.
	WebACL *webacl.WebACL
	// AliasRecords point cdnDomainNames at the distribution (A and AAAA per
	// name) in cdnHostedZoneId; empty without a hosted zone.
	AliasRecords []awsroute53.IRecordSet
}

// newFront creates the CloudFront side under scope, which must be a stack in
// us-east-1 (or one that a CloudFormation rule keeps there): certificates
// and web ACLs for CloudFront can only be created in that region. logsKey
// encrypts the web ACL's log group: the storage stack's logs key when the
// CloudFront side shares its stack (and so its region), nil in the Edge
// stack.
func newFront(scope constructs.Construct, cfg *config.Config, bucket *privatebucket.PrivateBucket, logBucket awss3.IBucket, logsKey awskms.IKey) *Front {
	f := &Front{}
	p := cdnProps(cfg, bucket, logBucket)
	var zone awsroute53.IHostedZone
	if cfg.CDNHostedZoneID != "" {
		zone = awsroute53.HostedZone_FromHostedZoneAttributes(scope, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
			HostedZoneId: jsii.String(cfg.CDNHostedZoneID),
			ZoneName:     jsii.String(cfg.CDNHostedZoneName),
		})
	}
	if len(cfg.CDNDomainNames) > 0 && cfg.CDNCertificateArn == "" {
		// Without a hosted zone, the stack waits until someone adds the
		// validation CNAMEs the ACM console shows.
		f.Certificate = awscertificatemanager.NewCertificate(scope, jsii.String("Certificate"), &awscertificatemanager.CertificateProps{
			DomainName:              jsii.String(cfg.CDNDomainNames[0]),
			SubjectAlternativeNames: jsii.Strings(cfg.CDNDomainNames[1:]...),
			Validation:              awscertificatemanager.CertificateValidation_FromDns(zone),
			CertificateName:         jsii.String("securestore " + cfg.Env + " CloudFront"),
		})
		p.CertificateArn = f.Certificate.CertificateArn()
	}
	if cfg.CDNWAF {
		f.WebACL = webacl.New(scope, jsii.String("WebAcl"), &webacl.Props{
			RateLimit: jsii.Number(cfg.CDNWAFRateLimit),
			// Uploads (PUT) through CloudFront carry whole objects, stored and
			// not interpreted: the managed rules on request bodies count.
			Uploads: jsii.Bool(slices.Contains(cfg.CDNAccess, "write")),
			LogsKey: logsKey,
		})
		p.WebACLArn = f.WebACL.Arn
	}
	f.CDN = privatecdn.New(scope, jsii.String("CDN"), p)
	if zone != nil {
		target := awsroute53.RecordTarget_FromAlias(awsroute53targets.NewCloudFrontTarget(f.CDN.Distribution))
		for i, name := range cfg.CDNDomainNames {
			f.AliasRecords = append(f.AliasRecords,
				awsroute53.NewARecord(scope, jsii.String(fmt.Sprintf("Alias%dA", i+1)), &awsroute53.ARecordProps{
					Zone: zone, RecordName: jsii.String(name), Target: target,
				}),
				awsroute53.NewAaaaRecord(scope, jsii.String(fmt.Sprintf("Alias%dAAAA", i+1)), &awsroute53.AaaaRecordProps{
					Zone: zone, RecordName: jsii.String(name), Target: target,
				}))
		}
	}
	return f
}

// cdnProps maps the cdn* context keys onto the distribution's props; logs
// go to logBucket.
func cdnProps(cfg *config.Config, bucket *privatebucket.PrivateBucket, logBucket awss3.IBucket) *privatecdn.Props {
	p := privatecdn.PropsFor(bucket)
	p.LogBucket = logBucket
	for _, a := range cfg.CDNAccess {
		p.Access = append(p.Access, privatecdn.Access(a))
	}
	if cfg.CDNPublicKeyPem != "" {
		p.ViewerPublicKeyPems = []string{cfg.CDNPublicKeyPem}
	}
	p.UnsafeAllowUnsignedReads = jsii.Bool(cfg.CDNUnsafePublicReads)
	p.CorsAllowedOrigins = jsii.Strings(cfg.CorsAllowedOrigins...)
	p.DomainNames = cfg.CDNDomainNames
	if cfg.CDNCertificateArn != "" {
		p.CertificateArn = jsii.String(cfg.CDNCertificateArn)
	}
	if cfg.CDNWebACLArn != "" {
		p.WebACLArn = jsii.String(cfg.CDNWebACLArn)
	}
	p.GeoAllowList = cfg.CDNGeoAllow
	p.GeoDenyList = cfg.CDNGeoDeny
	p.PriceClass = config.PriceClasses[cfg.CDNPriceClass]
	p.CacheMaxTTL = awscdk.Duration_Seconds(jsii.Number(cfg.CDNCacheMaxTTLSeconds))
	return p
}

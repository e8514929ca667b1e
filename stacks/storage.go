// Package stacks composes securestore's constructs into deployable stacks.
// It holds wiring only: configuration in, constructs out.
//
// An environment is a CDK Stage holding the Storage stack and, when the CDN
// is on and the data is pinned to a region other than us-east-1, an Edge
// stack in us-east-1 for what CloudFront takes from there only (certificate,
// web ACL, log delivery). The two are joined by CloudFormation's
// Fn::GetStackOutput, so `cdk deploy '<env>/*'` deploys Edge, then Storage.
package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/compliance"
	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/constructs/presignapi"
	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/constructs/privatecdn"
)

// WeakReferencesFlag is the CDK feature flag that makes a cross-region
// reference a Fn::GetStackOutput of the producing stack's output.
const WeakReferencesFlag = "@aws-cdk/core:defaultCrossStackReferences"

// StackID is the id of the storage stack inside its environment's Stage.
const StackID = "SecureStore"

// StorageProps configures a Storage stack.
type StorageProps struct {
	awscdk.StackProps
	// Config is the validated configuration; required.
	Config *config.Config
}

// Storage is the stack holding the bucket, its key and the presign API of
// one environment, and the CloudFront side too unless that has a stack of
// its own in us-east-1 (config.Config.SplitEdge).
type Storage struct {
	awscdk.Stack
	// Bucket is the private data bucket with its key and log bucket.
	Bucket *privatebucket.PrivateBucket
	// Front is the CloudFront side: the distribution and the certificate and
	// web ACL the app creates for it. It lives in this stack, or in Edge
	// when Edge is not nil; nil when cdnEnabled is false.
	Front *Front
	// Edge is the us-east-1 stack holding Front when the data lives in
	// another region; nil otherwise.
	Edge *Edge
	// API is the presign API: user pool, REST API and function.
	API *presignapi.API
}

// NewStorage builds the storage stack from cfg. With cfg.SplitEdge() it
// also adds the Edge stack beside it in scope (id EdgeStackID) and the two
// stacks exchange the distribution's ARN, domain name and viewer key id
// through CDK's cross-region references.
func NewStorage(scope constructs.Construct, id *string, props *StorageProps) *Storage {
	cfg := props.Config
	stackProps := props.StackProps
	if cfg.SplitEdge() {
		stackProps.CrossRegionReferences = jsii.Bool(true)
	}
	stack := awscdk.NewStack(scope, id, &stackProps)
	if cfg.SplitEdge() {
		// Read the Edge stack's outputs with Fn::GetStackOutput rather than
		// custom resources writing SSM parameters, whatever the app's cdk.json says.
		stack.Node().SetContext(jsii.String(WeakReferencesFlag), jsii.String("weak"))
	}

	bucketProps := &privatebucket.Props{
		KeyProps: &encryptionkey.Props{
			Alias:         jsii.String(cfg.KeyAlias),
			AdminRoleArns: jsii.Strings(cfg.KeyAdminRoleArns...),
		},
		AccessLogRetentionDays:          jsii.Number(cfg.AccessLogRetentionDays),
		AbortIncompleteUploadDays:       jsii.Number(cfg.AbortIncompleteUploadDays),
		NoncurrentVersionExpirationDays: jsii.Number(cfg.NoncurrentVersionExpirationDays),
		CorsAllowedOrigins:              jsii.Strings(cfg.CorsAllowedOrigins...),
		EventBridge:                     jsii.Bool(cfg.EventBridge),
	}
	if cfg.BucketName != "" {
		bucketProps.BucketName = jsii.String(cfg.BucketName)
	} else {
		bucketProps.BucketNamePrefix = jsii.String(cfg.BucketNamePrefix)
	}
	if cfg.ObjectLockMode != "" {
		bucketProps.ObjectLock = &privatebucket.ObjectLock{Mode: jsii.String(cfg.ObjectLockMode), Days: jsii.Number(cfg.ObjectLockDays)}
	}
	bucket := privatebucket.New(stack, jsii.String("Bucket"), bucketProps)
	storage := &Storage{Stack: stack, Bucket: bucket}
	switch {
	case cfg.SplitEdge():
		storage.Edge = NewEdge(scope, jsii.String(EdgeStackID), &EdgeProps{
			StackProps: awscdk.StackProps{
				Description: jsii.String("securestore " + cfg.Env + ": the CloudFront side (distribution, certificate, web ACL, CloudFront logs) in us-east-1 for data in " + cfg.Region),
				Env:         &awscdk.Environment{Account: optional(cfg.Account), Region: jsii.String(config.EdgeRegion)},
			},
			Config: cfg,
			Bucket: bucket,
		})
		storage.Front = storage.Edge.Front
	case cfg.CDNEnabled:
		storage.Front = newFront(stack, cfg, bucket, bucket.LogBucket)
	}
	var cdn *privatecdn.Distribution
	if storage.Front != nil {
		cdn = storage.Front.CDN
	}
	storage.API = presignapi.New(stack, jsii.String("Api"), apiProps(cfg, bucket, cdn))
	return storage
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
	p.CorsAllowedOrigins = cfg.CorsAllowedOrigins
	p.DomainNames = cfg.CDNDomainNames
	if cfg.CDNCertificateArn != "" {
		p.CertificateArn = jsii.String(cfg.CDNCertificateArn)
	}
	if cfg.CDNWebACLArn != "" {
		p.WebACLArn = jsii.String(cfg.CDNWebACLArn)
	}
	p.GeoAllowList = cfg.CDNGeoAllow
	p.GeoDenyList = cfg.CDNGeoDeny
	p.PriceClass = priceClasses[cfg.CDNPriceClass]
	return p
}

// priceClasses maps the cdnPriceClass values (CloudFront's own spelling) to
// the library's enum.
var priceClasses = map[string]awscloudfront.PriceClass{
	"PriceClass_100": awscloudfront.PriceClass_PRICE_CLASS_100,
	"PriceClass_200": awscloudfront.PriceClass_PRICE_CLASS_200,
	"PriceClass_All": awscloudfront.PriceClass_PRICE_CLASS_ALL,
}

// Build adds one environment to app: a Stage named after cfg.Env holding the
// storage stack (and, with cfg.SplitEdge(), the Edge stack), with the
// configured cdk-nag packs applied. It returns the storage stack and how
// many resources each compliance suppression matched.
func Build(app constructs.Construct, cfg *config.Config) (*Storage, []int) {
	var env *awscdk.Environment
	if cfg.Account != "" || cfg.Region != "" {
		env = &awscdk.Environment{}
		if cfg.Account != "" {
			env.Account = jsii.String(cfg.Account)
		}
		if cfg.Region != "" {
			env.Region = jsii.String(cfg.Region)
		}
	}
	stage := awscdk.NewStage(app, jsii.String(cfg.Env), &awscdk.StageProps{Env: env})
	storage := NewStorage(stage, jsii.String(StackID), &StorageProps{
		StackProps: awscdk.StackProps{
			Description: jsii.String("securestore " + cfg.Env + ": private KMS-encrypted S3 storage behind CloudFront and a presign API"),
			Env:         env,
		},
		Config: cfg,
	})
	awscdk.Tags_Of(stage).Add(jsii.String("securestore:env"), jsii.String(cfg.Env), nil)
	matched := compliance.Apply(stage, cfg.NagPacks)
	return storage, matched
}

// optional returns nil for "" (an environment-agnostic account).
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

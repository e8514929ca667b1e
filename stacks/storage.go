// Package stacks composes securestore's constructs into deployable stacks.
// It holds wiring only: configuration in, constructs out.
package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/compliance"
	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/constructs/presignapi"
	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/constructs/privatecdn"
)

// StackID is the id of the storage stack inside its environment's Stage.
const StackID = "SecureStore"

// StorageProps configures a Storage stack.
type StorageProps struct {
	awscdk.StackProps
	// Config is the validated configuration; required.
	Config *config.Config
}

// Storage is the stack holding the bucket, its key, the CloudFront
// distribution and the presign API of one environment.
type Storage struct {
	awscdk.Stack
	// Bucket is the private data bucket with its key and log bucket.
	Bucket *privatebucket.PrivateBucket
	// CDN is the CloudFront distribution in front of Bucket; nil when
	// cdnEnabled is false.
	CDN *privatecdn.Distribution
	// API is the presign API: user pool, REST API and function.
	API *presignapi.API
}

// NewStorage builds the storage stack from cfg.
func NewStorage(scope constructs.Construct, id *string, props *StorageProps) *Storage {
	cfg := props.Config
	stack := awscdk.NewStack(scope, id, &props.StackProps)

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
	if cfg.CDNEnabled {
		storage.CDN = privatecdn.New(stack, jsii.String("CDN"), cdnProps(cfg, bucket))
	}
	storage.API = presignapi.New(stack, jsii.String("Api"), apiProps(cfg, bucket, storage.CDN))
	return storage
}

// cdnProps maps the cdn* context keys onto the distribution's props.
func cdnProps(cfg *config.Config, bucket *privatebucket.PrivateBucket) *privatecdn.Props {
	p := privatecdn.PropsFor(bucket)
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
// storage stack, with the configured cdk-nag packs applied. It returns the
// stack and how many resources each compliance suppression matched.
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
		},
		Config: cfg,
	})
	awscdk.Tags_Of(stage).Add(jsii.String("securestore:env"), jsii.String(cfg.Env), nil)
	matched := compliance.Apply(stage, cfg.NagPacks)
	return storage, matched
}

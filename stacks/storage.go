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
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/constructs/audittrail"
	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/constructs/malwarescan"
	"github.com/securestore/securestore/constructs/monitoring"
	"github.com/securestore/securestore/constructs/presignapi"
	"github.com/securestore/securestore/constructs/privatebucket"
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
// its own in us-east-1 (config.Config.SplitEdge). NewStorage builds the
// stack with the bucket and key; Build adds Front, Edge and API.
type Storage struct {
	awscdk.Stack
	// Bucket is the private data bucket with its key and log bucket.
	Bucket *privatebucket.PrivateBucket
	// LogsKey encrypts every log group of the stack (the API's, the
	// function's and, when the CloudFront side shares the stack, the web
	// ACL's): a key of its own (child id "LogsKey"), not the data key,
	// whose policy lets CloudWatch Logs in this region use it for those
	// groups only.
	LogsKey *encryptionkey.EncryptionKey
	// Monitoring holds the alarms, their topic and the dashboard (child id
	// "Monitoring"); nil unless monitoring is on.
	Monitoring *monitoring.Monitoring
	// MalwareScan scans new objects and gates reads on the result (child
	// id "MalwareScan"); nil unless malwareScanning is on.
	MalwareScan *malwarescan.MalwareScan
	// Trail records the data bucket's object-level events (child id
	// "AuditTrail"); nil unless auditTrail is on.
	Trail *audittrail.AuditTrail
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

// NewStorage builds the storage stack from cfg, with the data bucket and
// its key; Build adds the rest of the environment. With cfg.SplitEdge()
// the stack reads the Edge stack's values (the distribution's ARN, domain
// name and viewer key id) through weak cross-region references:
// Fn::GetStackOutput, whatever the app's cdk.json says.
func NewStorage(scope constructs.Construct, id *string, props *StorageProps) *Storage {
	cfg := props.Config
	stackProps := props.StackProps
	if cfg.SplitEdge() {
		stackProps.CrossRegionReferences = jsii.Bool(true)
	}
	stack := awscdk.NewStack(scope, id, &stackProps)
	if cfg.SplitEdge() {
		stack.Node().SetContext(jsii.String(WeakReferencesFlag), jsii.String("weak"))
	}

	bucketProps := &privatebucket.Props{
		KeyProps: &encryptionkey.Props{
			Alias:         jsii.String(cfg.KeyAlias),
			AdminRoleArns: jsii.Strings(cfg.KeyAdminRoleArns...),
		},
		AccessLogRetention:          awscdk.Duration_Days(jsii.Number(cfg.AccessLogRetentionDays)),
		AbortIncompleteUploadAfter:  awscdk.Duration_Days(jsii.Number(cfg.AbortIncompleteUploadDays)),
		NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(cfg.NoncurrentVersionExpirationDays)),
		CorsAllowedOrigins:          jsii.Strings(cfg.CorsAllowedOrigins...),
		// Malware scanning needs the bucket's events in EventBridge, which
		// GuardDuty would otherwise turn on behind the stack's back.
		EventBridge:    jsii.Bool(cfg.EventBridge || cfg.MalwareScanning),
		RequestMetrics: jsii.Bool(cfg.Monitoring),
	}
	if cfg.BucketName != "" {
		bucketProps.BucketName = jsii.String(cfg.BucketName)
	} else {
		bucketProps.BucketNamePrefix = jsii.String(cfg.BucketNamePrefix)
	}
	if cfg.ObjectLockMode != "" {
		bucketProps.ObjectLock = &privatebucket.ObjectLock{Mode: jsii.String(cfg.ObjectLockMode), Retention: awscdk.Duration_Days(jsii.Number(cfg.ObjectLockDays))}
	}
	bucket := privatebucket.New(stack, jsii.String("Bucket"), bucketProps)
	logsKey := encryptionkey.New(stack, jsii.String("LogsKey"), &encryptionkey.Props{
		Alias:         jsii.String(cfg.LogsKeyAlias),
		Description:   jsii.String("securestore " + cfg.Env + " logs key: CloudWatch Logs, for this environment's log groups only"),
		AdminRoleArns: jsii.Strings(cfg.KeyAdminRoleArns...),
	})
	st := &Storage{Stack: stack, Bucket: bucket, LogsKey: logsKey}
	if cfg.MalwareScanning {
		st.MalwareScan = malwarescan.New(stack, jsii.String("MalwareScan"), &malwarescan.Props{Bucket: bucket, Prefixes: cfg.MalwareScanPrefixes})
	}
	if cfg.AuditTrail {
		var readers []awsiam.IPrincipal
		for _, arn := range cfg.AuditTrailReaderArns {
			readers = append(readers, awsiam.NewArnPrincipal(jsii.String(arn)))
		}
		st.Trail = audittrail.New(stack, jsii.String("AuditTrail"), &audittrail.Props{
			Bucket: bucket.Bucket,
			KeyProps: &encryptionkey.Props{
				Alias:         jsii.String(cfg.AuditTrailKeyAlias),
				AdminRoleArns: jsii.Strings(cfg.KeyAdminRoleArns...),
			},
			Readers:    readers,
			Retention:  awscdk.Duration_Days(jsii.Number(cfg.AccessLogRetentionDays)),
			AccessLogs: bucket.LogBucket,
		})
	}
	return st
}

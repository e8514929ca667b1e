package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/compliance"
	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/constructs/presignapi"
	"github.com/securestore/securestore/constructs/privatecdn"
)

// Build adds one environment to app, the one place an environment is
// composed: a Stage named after cfg.Env holding the storage stack (the
// bucket and its key); the CloudFront side, in the storage stack or, with
// cfg.SplitEdge(), in the Edge stack in us-east-1; the presign API in the
// storage stack; the environment tag; and the configured cdk-nag packs over
// the whole Stage. It returns the storage stack, which holds the rest, and
// how many resources each compliance suppression matched.
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
	switch {
	case cfg.SplitEdge():
		storage.Edge = NewEdge(stage, jsii.String(EdgeStackID), &EdgeProps{
			StackProps: awscdk.StackProps{
				Description: jsii.String("securestore " + cfg.Env + ": the CloudFront side (distribution, certificate, web ACL, CloudFront logs) in us-east-1 for data in " + cfg.Region),
				Env:         &awscdk.Environment{Account: optional(cfg.Account), Region: jsii.String(config.EdgeRegion)},
			},
			Config: cfg,
			Bucket: storage.Bucket,
		})
		storage.Front = storage.Edge.Front
	case cfg.CDNEnabled:
		storage.Front = newFront(storage.Stack, cfg, storage.Bucket, storage.Bucket.LogBucket, storage.LogsKey.Key)
	}
	var cdn *privatecdn.Distribution
	if storage.Front != nil {
		cdn = storage.Front.CDN
	}
	api := apiProps(cfg, storage.Bucket, cdn)
	api.LogsKey = storage.LogsKey.Key
	storage.API = presignapi.New(storage.Stack, jsii.String("Api"), api)
	if cfg.Monitoring {
		watch(storage, cfg)
	}

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

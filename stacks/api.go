package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/constructs/presignapi"
	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/constructs/privatecdn"
	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/validation"
)

// apiProps maps the API's context keys onto the presign API's props. With
// a distribution and a signing secret, delivery=cdn is on, signed with the
// distribution's first viewer key. config.Parse has validated every value.
func apiProps(cfg *config.Config, bucket *privatebucket.PrivateBucket, cdn *privatecdn.Distribution) *presignapi.Props {
	p := &presignapi.Props{
		Bucket:             bucket,
		Tiers:              cfg.Tiers,
		URLTTL:             awscdk.Duration_Seconds(jsii.Number(cfg.URLTTLSeconds)),
		MaxUploadBytes:     jsii.Number(cfg.MaxUploadBytes),
		MFARequired:        jsii.Bool(cfg.MFA == "required"),
		ThrottleRateLimit:  jsii.Number(cfg.APIThrottleRate),
		ThrottleBurstLimit: jsii.Number(cfg.APIThrottleBurst),
		CorsAllowedOrigins: jsii.Strings(cfg.CorsAllowedOrigins...),
		AllowActiveContent: jsii.Bool(cfg.AllowActiveContent),
		TokenValidity:      awscdk.Duration_Minutes(jsii.Number(cfg.TokenValidityMinutes)),
		CloudWatchRole:     jsii.Bool(cfg.APIGatewayCloudWatchRole),
	}
	if cfg.LambdaReservedConcurrency > 0 {
		p.ReservedConcurrency = jsii.Number(cfg.LambdaReservedConcurrency)
	}
	p.LogRetention = validation.LogRetentions[cfg.LogRetentionDays]
	if cfg.AccessRules != "" {
		// Validated by config.Parse.
		p.Rules, _ = access.Parse([]byte(cfg.AccessRules))
	}
	if cfg.APIWebACLArn != "" {
		p.WebACLArn = jsii.String(cfg.APIWebACLArn)
	}
	if cdn != nil && cfg.CDNPrivateKeySecretArn != "" && len(cdn.PublicKeys) > 0 {
		p.CDN = presignapi.CDNDeliveryFor(cdn, jsii.String(cfg.CDNPrivateKeySecretArn))
		if cfg.CDNCookieDomain != "" {
			// Validated by config.Parse: a name of the distribution that
			// the cookies' domain covers.
			name, _ := cfg.CookieDomainName()
			p.CDN.Domain = jsii.String(name)
			p.CDN.CookieDomain = jsii.String(cfg.CDNCookieDomain)
		}
	}
	return p
}

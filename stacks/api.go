package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/constructs/presignapi"
	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/constructs/privatecdn"
	"github.com/securestore/securestore/lambdas/presign/access"
)

// apiProps maps the API's context keys onto the presign API's props. With
// a distribution and a signing secret, delivery=cdn is on, signed with the
// distribution's first viewer key. config.Parse has validated every value.
func apiProps(cfg *config.Config, bucket *privatebucket.PrivateBucket, cdn *privatecdn.Distribution) *presignapi.Props {
	p := &presignapi.Props{
		Bucket:              bucket,
		Tiers:               cfg.Tiers,
		URLTTL:              awscdk.Duration_Seconds(jsii.Number(cfg.URLTTLSeconds)),
		MaxUploadBytes:      jsii.Number(cfg.MaxUploadBytes),
		MFARequired:         jsii.Bool(cfg.MFA == "required"),
		ThrottleRateLimit:   jsii.Number(cfg.APIThrottleRate),
		ThrottleBurstLimit:  jsii.Number(cfg.APIThrottleBurst),
		CorsAllowedOrigins:  cfg.CorsAllowedOrigins,
		ReservedConcurrency: jsii.Number(cfg.LambdaReservedConcurrency),
		AllowActiveContent:  jsii.Bool(cfg.AllowActiveContent),
	}
	p.LogRetention = retentions[cfg.LogRetentionDays]
	if cfg.AccessRules != "" {
		// Validated by config.Parse.
		p.Rules, _ = access.Parse([]byte(cfg.AccessRules))
	}
	if cfg.APIWebACLArn != "" {
		p.WebACLArn = jsii.String(cfg.APIWebACLArn)
	}
	if cdn != nil && cfg.CDNPrivateKeySecretArn != "" && len(cdn.PublicKeys) > 0 {
		p.CDN = presignapi.CDNDeliveryFor(cdn, jsii.String(cfg.CDNPrivateKeySecretArn))
	}
	return p
}

// retentions maps the logRetentionDays values onto CloudWatch Logs'
// retention settings.
var retentions = map[int]awslogs.RetentionDays{
	1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
	7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
	60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 120: awslogs.RetentionDays_FOUR_MONTHS,
	150: awslogs.RetentionDays_FIVE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS, 365: awslogs.RetentionDays_ONE_YEAR,
	400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS, 731: awslogs.RetentionDays_TWO_YEARS,
	1096: awslogs.RetentionDays_THREE_YEARS, 1827: awslogs.RetentionDays_FIVE_YEARS, 2192: awslogs.RetentionDays_SIX_YEARS,
	2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS, 3288: awslogs.RetentionDays_NINE_YEARS,
	3653: awslogs.RetentionDays_TEN_YEARS,
}

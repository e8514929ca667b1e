// Package webacl provides the AWS WAF (WAFv2) web ACL of CLOUDFRONT scope
// that securestore puts in front of its CloudFront distribution: pass
// WebACL.Arn as privatecdn.Props.WebACLArn.
//
// Viewers are still authorised by CloudFront (signed URLs and cookies); the
// web ACL filters abuse before CloudFront checks a signature, so its default
// action is allow and its rules only block. They run in this order:
//
//  1. AWSManagedRulesAmazonIpReputationList (RuleIPReputation): addresses
//     Amazon threat intelligence knows for bots, scanners and DDoS sources.
//  2. AWSManagedRulesCommonRuleSet (RuleCommon): the OWASP-style baseline
//     (cross-site scripting, local and remote file inclusion, SSRF to the
//     instance metadata service, oversized requests).
//  3. AWSManagedRulesKnownBadInputsRuleSet (RuleKnownBadInputs): request
//     patterns of known exploits (Log4j/Log4Shell, Java deserialisation,
//     Host header localhost, ...).
//  4. RateLimitPerIP (RuleRateLimit): a rate-based rule blocking any client
//     IP that sends more than Props.RateLimit requests in 5 minutes.
//
// The reputation list runs first: it is the cheapest and rejects the most
// obvious traffic. The rate rule runs last and so counts only the requests
// the managed rules let through; a client they block is refused anyway.
//
// # Uploads and body inspection
//
// Set Props.Uploads when the distribution accepts PUT uploads (object
// bodies). An object's bytes are stored, not interpreted by an application
// behind CloudFront, so the managed rules that inspect request bodies are
// overridden to Count (they still show in metrics, logs and labels; they no
// longer block). Those are the rules UploadBodyRules lists:
//
//   - from AWSManagedRulesCommonRuleSet: SizeRestrictions_BODY (which blocks
//     any body over 8 KB, so every object over 8 KB would be refused with a
//     403 from WAF), CrossSiteScripting_BODY, GenericLFI_BODY,
//     GenericRFI_BODY and EC2MetaDataSSRF_BODY (which block an object whose
//     first bytes happen to look like an attack: an HTML page with a script,
//     a text file with "../../" or a URL to an IP address, ...);
//   - from AWSManagedRulesKnownBadInputsRuleSet: JavaDeserializationRCE_BODY
//     and Log4JRCE_BODY (Java source calling Runtime.exec, a log file
//     quoting "${jndi:...}").
//
// Every rule on the URI path, query string, headers and cookies still
// blocks, and so do the IP reputation list and the rate limit. The overrides
// apply to every request the groups evaluate, not only to PUTs (a rule action
// override has no method condition); behind the distribution nothing but the
// bucket receives a body, and it stores it. The object size is bounded
// elsewhere (the presign API's maximum upload size). Without Uploads (the
// default), every rule blocks.
//
// # Region
//
// A CLOUDFRONT-scope web ACL can only be created in us-east-1. New refuses a
// stack pinned to another region; in an environment-agnostic stack it adds a
// CloudFormation rule (child "RegionIsUsEast1") that stops a deployment to
// any other region before anything is created.
//
// # Logging
//
// WAF logs every request it evaluates to a CloudWatch Logs log group (child
// "Logs") named "aws-waf-logs-<unique name>" (WAF accepts no other prefix),
// retained on stack deletion. Viewer credentials never reach the logs:
//
//   - the query string is redacted, because a CloudFront signed URL carries
//     its Signature, Policy and Key-Pair-Id there: whoever reads the log
//     would otherwise hold a working URL until it expires;
//   - the cookie header is redacted, because CloudFront signed cookies carry
//     the same three values (CloudFront-Signature, CloudFront-Policy,
//     CloudFront-Key-Pair-Id);
//   - the authorization header is redacted, for any client that sends a
//     bearer token or SigV4 signature through the distribution.
//
// The logging configuration's RedactedFields only affect the logs, not the
// sampled requests WAF keeps (and shows in its console) for three hours, so
// the web ACL also substitutes the same three fields with "REDACTED" through
// its own data protection configuration, which applies to every output:
// logs, sampled requests and Security Lake.
package webacl

import (
	"fmt"
	"math"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/validation"
)

// Region is the only region where a CLOUDFRONT-scope web ACL can be created.
const Region = validation.CloudFrontRegion

// Scope is the web ACL's scope: it protects CloudFront distributions.
const Scope = "CLOUDFRONT"

// LogGroupPrefix starts the name of every log group WAF may log to.
const LogGroupPrefix = "aws-waf-logs-"

// Rate limit bounds and default, in requests per client IP per 5 minutes.
const (
	DefaultRateLimit = 2000
	MinRateLimit     = 10
	MaxRateLimit     = 2_000_000_000
)

// RateWindowSeconds is the window the rate-based rule counts requests over.
const RateWindowSeconds = 300

// DefaultLogRetention is how long WAF logs are kept when Props.LogRetention is unset.
const DefaultLogRetention = awslogs.RetentionDays_ONE_YEAR

// Rule names, in priority order (RuleIPReputation has priority 0). They are
// also the rules' CloudWatch metric names (dimension "Rule").
const (
	RuleIPReputation   = "AWSManagedRulesAmazonIpReputationList"
	RuleCommon         = "AWSManagedRulesCommonRuleSet"
	RuleKnownBadInputs = "AWSManagedRulesKnownBadInputsRuleSet"
	RuleRateLimit      = "RateLimitPerIP"
)

// RuleNames lists the rule names in priority order.
func RuleNames() []string {
	return []string{RuleIPReputation, RuleCommon, RuleKnownBadInputs, RuleRateLimit}
}

// BodySizeRule is the rule of the Common rule set that blocks request bodies
// over 8 KB; Props.Uploads overrides it to Count (it is one of
// UploadBodyRules).
const BodySizeRule = "SizeRestrictions_BODY"

// uploadBodyRules are the managed rules that inspect the request body, by
// rule group, in the order their overrides appear. The names come from the
// AWS WAF Developer Guide's managed rule group list ("Baseline rule groups":
// the Core rule set and Known bad inputs tables).
var uploadBodyRules = map[string][]string{
	RuleCommon: {
		BodySizeRule, // bodies over 8 KB
		"CrossSiteScripting_BODY",
		"GenericLFI_BODY",
		"GenericRFI_BODY",
		"EC2MetaDataSSRF_BODY",
	},
	RuleKnownBadInputs: {
		"JavaDeserializationRCE_BODY",
		"Log4JRCE_BODY",
	},
}

// UploadBodyRules returns the managed rules that Props.Uploads overrides to
// Count, by rule group name (RuleCommon and RuleKnownBadInputs): the rules
// that inspect request bodies. Every other rule blocks whatever the props.
// The map and its slices are a fresh copy on each call.
func UploadBodyRules() map[string][]string {
	out := make(map[string][]string, len(uploadBodyRules))
	for group, rules := range uploadBodyRules {
		out[group] = append([]string(nil), rules...)
	}
	return out
}

// RedactedHeaders are the request headers (lower case) that neither the logs
// nor the sampled requests show. The query string is redacted too.
var RedactedHeaders = []string{"authorization", "cookie"}

// Props configures a WebACL. Nil props means all defaults.
type Props struct {
	// RateLimit is how many requests one client IP may send in 5 minutes
	// before the rate-based rule blocks it (until its rate drops again).
	// A whole number from 10 to 2,000,000,000 (WAF's limits).
	// Default: - 2000 (DefaultRateLimit).
	RateLimit *float64
	// Uploads says the distribution accepts PUT uploads (object bodies).
	// An object's bytes are stored, not interpreted by an application behind
	// CloudFront, so the managed rules that inspect request bodies
	// (UploadBodyRules: SizeRestrictions_BODY, CrossSiteScripting_BODY,
	// GenericLFI_BODY, GenericRFI_BODY and EC2MetaDataSSRF_BODY of the Common
	// rule set, JavaDeserializationRCE_BODY and Log4JRCE_BODY of Known bad
	// inputs) count instead of block. Every rule on the URI, query string
	// and headers still blocks.
	// Default: - false: every rule blocks (bodies over 8 KB included).
	Uploads *bool
	// LogRetention is how long the WAF log group keeps its events.
	// Default: - one year (DefaultLogRetention).
	LogRetention awslogs.RetentionDays
	// LogsKey is a customer-managed KMS key of the stack's region
	// (us-east-1) that encrypts the log group; its policy gets a statement
	// (Sid LogsFor<construct address>) letting CloudWatch Logs there use it
	// for this group only (encryptionkey.AllowLogs).
	// Default: - none: CloudWatch Logs' own encryption at rest.
	LogsKey awskms.IKey
}

// WebACL is a CLOUDFRONT-scope WAFv2 web ACL with its logging to CloudWatch
// Logs.
type WebACL struct {
	constructs.Construct
	// WebACL is the web ACL (child id "Resource").
	WebACL awswafv2.CfnWebACL
	// Arn is the web ACL's ARN, to give CloudFront as its WebAclId
	// (privatecdn.Props.WebACLArn).
	Arn *string
	// LogGroup receives the WAF logs (child id "Logs"); it is retained when
	// the stack is deleted.
	LogGroup awslogs.ILogGroup
}

// New creates the web ACL and its logging under scope, which must be in a
// stack of us-east-1 (or an environment-agnostic stack, which a
// CloudFormation rule then keeps to us-east-1). It panics with a
// *validation.Error naming each invalid prop.
func New(scope constructs.Construct, id *string, props *Props) *WebACL {
	c := constructs.NewConstruct(scope, id)
	var p Props
	if props != nil {
		p = *props
	}
	check(c, &p)

	rateLimit := float64(DefaultRateLimit)
	if p.RateLimit != nil {
		rateLimit = *p.RateLimit
	}
	retention := p.LogRetention
	if retention == "" {
		retention = DefaultLogRetention
	}

	validation.RequireRegion(c, Region, "securestore: a CLOUDFRONT-scope WAF web ACL can only be created in us-east-1. "+
		"Deploy this stack to us-east-1 (the edge stack; the distribution's bucket may live in any region).")

	name := jsii.String(physicalName(c))
	acl := awswafv2.NewCfnWebACL(c, jsii.String("Resource"), &awswafv2.CfnWebACLProps{
		Name:        name,
		Description: jsii.String("securestore abuse filter in front of the CloudFront distribution. Viewers are authorised by CloudFront signed URLs and cookies."),
		Scope:       jsii.String(Scope),
		DefaultAction: &awswafv2.CfnWebACL_DefaultActionProperty{
			Allow: &awswafv2.CfnWebACL_AllowActionProperty{},
		},
		VisibilityConfig: visibility(name),
		Rules:            rules(rateLimit, validation.IsTrue(p.Uploads)),
		DataProtectionConfig: &awswafv2.CfnWebACL_DataProtectionConfigProperty{
			DataProtections: &[]any{
				&awswafv2.CfnWebACL_DataProtectProperty{
					Field: &awswafv2.CfnWebACL_FieldToProtectProperty{
						FieldType: jsii.String("SINGLE_HEADER"),
						FieldKeys: jsii.Strings(RedactedHeaders...),
					},
					Action: jsii.String("SUBSTITUTION"),
				},
				&awswafv2.CfnWebACL_DataProtectProperty{
					Field:  &awswafv2.CfnWebACL_FieldToProtectProperty{FieldType: jsii.String("QUERY_STRING")},
					Action: jsii.String("SUBSTITUTION"),
				},
			},
		},
	})

	logName := jsii.String(LogGroupPrefix + *name)
	logGroup := awslogs.NewLogGroup(c, jsii.String("Logs"), &awslogs.LogGroupProps{
		LogGroupName:  logName,
		Retention:     retention,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN_ON_UPDATE_OR_DELETE,
		EncryptionKey: p.LogsKey,
	})
	if p.LogsKey != nil {
		encryptionkey.AllowLogs(p.LogsKey, "LogsFor"+*c.Node().Addr(), []*string{encryptionkey.LogGroupArn(logName)})
	}
	// WAF wants the log group's ARN without the ":*" suffix that
	// LogGroup.LogGroupArn carries; the Ref of the name keeps the dependency.
	logGroupArn := awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${LogGroupName}"),
		&map[string]*string{"LogGroupName": logGroup.LogGroupName()})
	redacted := []any{&awswafv2.CfnLoggingConfiguration_FieldToMatchProperty{QueryString: map[string]any{}}}
	for _, h := range RedactedHeaders {
		redacted = append(redacted, &awswafv2.CfnLoggingConfiguration_FieldToMatchProperty{
			SingleHeader: map[string]any{"Name": h},
		})
	}
	awswafv2.NewCfnLoggingConfiguration(c, jsii.String("Logging"), &awswafv2.CfnLoggingConfigurationProps{
		ResourceArn:           acl.AttrArn(),
		LogDestinationConfigs: &[]any{logGroupArn},
		RedactedFields:        &redacted,
	})

	return &WebACL{Construct: c, WebACL: acl, Arn: acl.AttrArn(), LogGroup: logGroup}
}

// MaxNameLength is the longest web ACL name WAF accepts.
const MaxNameLength = 128

// physicalName names the web ACL, its metric and (after LogGroupPrefix) its
// log group (validation.PhysicalName): CLOUDFRONT web ACLs all live in
// us-east-1, so two never share it in one account.
func physicalName(c constructs.Construct) string {
	return validation.PhysicalName(c, nameUnsafe, MaxNameLength)
}

// nameUnsafe matches what a web ACL name, a metric name and a log group name
// cannot all hold.
var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9-]`)

// rules returns the web ACL's rules in priority order. With uploads, the
// body rules of the Common and Known bad inputs groups count.
func rules(rateLimit float64, uploads bool) *[]any {
	var commonOverrides, badInputsOverrides any
	if uploads {
		commonOverrides = countOverrides(uploadBodyRules[RuleCommon])
		badInputsOverrides = countOverrides(uploadBodyRules[RuleKnownBadInputs])
	}
	out := []any{
		managed(0, RuleIPReputation, nil),
		managed(1, RuleCommon, commonOverrides),
		managed(2, RuleKnownBadInputs, badInputsOverrides),
		&awswafv2.CfnWebACL_RuleProperty{
			Name:     jsii.String(RuleRateLimit),
			Priority: jsii.Number(3),
			Statement: &awswafv2.CfnWebACL_StatementProperty{
				RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
					AggregateKeyType:    jsii.String("IP"),
					Limit:               jsii.Number(rateLimit),
					EvaluationWindowSec: jsii.Number(RateWindowSeconds),
				},
			},
			Action:           &awswafv2.CfnWebACL_RuleActionProperty{Block: &awswafv2.CfnWebACL_BlockActionProperty{}},
			VisibilityConfig: visibility(jsii.String(RuleRateLimit)),
		},
	}
	return &out
}

// countOverrides overrides each of the named rules of a managed group to Count.
func countOverrides(names []string) *[]any {
	out := make([]any, 0, len(names))
	for _, n := range names {
		out = append(out, &awswafv2.CfnWebACL_RuleActionOverrideProperty{
			Name:        jsii.String(n),
			ActionToUse: &awswafv2.CfnWebACL_RuleActionProperty{Count: &awswafv2.CfnWebACL_CountActionProperty{}},
		})
	}
	return &out
}

// managed returns a rule that applies the AWS managed rule group name with
// the group's own actions, except for overrides.
func managed(priority float64, name string, overrides any) *awswafv2.CfnWebACL_RuleProperty {
	return &awswafv2.CfnWebACL_RuleProperty{
		Name:     jsii.String(name),
		Priority: jsii.Number(priority),
		Statement: &awswafv2.CfnWebACL_StatementProperty{
			ManagedRuleGroupStatement: &awswafv2.CfnWebACL_ManagedRuleGroupStatementProperty{
				VendorName:          jsii.String("AWS"),
				Name:                jsii.String(name),
				RuleActionOverrides: overrides,
			},
		},
		OverrideAction:   &awswafv2.CfnWebACL_OverrideActionProperty{None: map[string]any{}},
		VisibilityConfig: visibility(jsii.String(name)),
	}
}

// visibility turns on CloudWatch metrics and request sampling under metric.
func visibility(metric *string) *awswafv2.CfnWebACL_VisibilityConfigProperty {
	return &awswafv2.CfnWebACL_VisibilityConfigProperty{
		CloudWatchMetricsEnabled: jsii.Bool(true),
		SampledRequestsEnabled:   jsii.Bool(true),
		MetricName:               metric,
	}
}

// check validates p and the stack's region, collecting every problem, and
// panics once with a *validation.Error if there is any.
func check(c constructs.Construct, p *Props) {
	problems := validation.For(*c.Node().Path())

	if validation.Literal(p.RateLimit) {
		r := *p.RateLimit
		if math.IsNaN(r) || r != math.Trunc(r) || r < MinRateLimit || r > MaxRateLimit {
			problems.Addf("RateLimit", "must be a whole number of requests per 5 minutes from %d to %d (WAF's limits), received %s",
				MinRateLimit, MaxRateLimit, formatNumber(r))
		}
	}
	if p.LogRetention != "" && !validation.IsFiniteLogRetention(p.LogRetention) && p.LogRetention != awslogs.RetentionDays_INFINITE {
		problems.Addf("LogRetention", "must be one of the awslogs.RetentionDays values, received %q", string(p.LogRetention))
	}

	region := awscdk.Stack_Of(c).Region()
	if validation.Literal(region) && *region != Region {
		problems.Addf("scope", "a CLOUDFRONT-scope web ACL can only be created in %s and this stack is pinned to %q: "+
			"create the web ACL in the us-east-1 edge stack (the one that holds the distribution) and pass its Arn to the distribution",
			Region, *region)
	}

	problems.PanicIfAny()
}

// formatNumber prints r without an exponent for whole numbers.
func formatNumber(r float64) string {
	if r == math.Trunc(r) && math.Abs(r) < 1e15 {
		return fmt.Sprintf("%.0f", r)
	}
	return fmt.Sprint(r)
}

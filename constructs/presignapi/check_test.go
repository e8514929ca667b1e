package presignapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/constructs/privatecdn"
	"github.com/securestore/securestore/internal/testkit/cdktest"
	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/settings"
	"github.com/securestore/securestore/validation"
)

// newInvalid builds the construct with props from mod (Bucket preset) in a
// stack pinned to eu-west-1 and returns the *validation.Error it panics with.
func newInvalid(t *testing.T, mod func(p *Props)) *validation.Error {
	t.Helper()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("S"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String(testAccount), Region: jsii.String(testRegion)},
	})
	p := &Props{Bucket: privatebucket.New(stack, jsii.String("Bucket"), nil)}
	mod(p)
	verr := cdktest.Invalid(t, func() { New(stack, jsii.String("Presign"), p) })
	if verr == nil {
		t.Fatal("New accepted the props")
	}
	return verr
}

func TestNew_RefusesInvalidProps(t *testing.T) {
	cases := []struct {
		name string
		mod  func(p *Props)
		prop string // the problem line starts with it
		want string // and contains this
	}{
		{"no bucket", func(p *Props) { p.Bucket = nil }, "Bucket", "required"},
		{"empty tier", func(p *Props) { p.Tiers = []string{"tier-1", ""} }, "Tiers", `element 1`},
		{"tier with slash", func(p *Props) { p.Tiers = []string{"a/b"} }, "Tiers", `"a/b"`},
		{"tier repeated", func(p *Props) { p.Tiers = []string{"gold", "gold"} }, "Tiers", `repeats "gold"`},
		{"tier with space", func(p *Props) { p.Tiers = []string{"top tier"} }, "Tiers", `"top tier"`},
		{"rule prefix without slash", func(p *Props) {
			p.Rules = []access.Rule{{Prefix: "reports", Groups: []string{"*"}, Methods: []string{"GET"}}}
		}, "Rules", `rule 0: prefix "reports"`},
		{"rule unknown method", func(p *Props) {
			p.Rules = []access.Rule{{Prefix: "a/", Groups: []string{"*"}, Methods: []string{"POST"}}}
		}, "Rules", `method "POST"`},
		{"no rules", func(p *Props) { p.Rules = []access.Rule{} }, "Rules", "no rules"},
		{"MFA on an existing pool", func(p *Props) {
			p.UserPool = awscognito.UserPool_FromUserPoolId(awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Other"), nil), jsii.String("P"), jsii.String("eu-west-1_x"))
			p.MFARequired = jsii.Bool(true)
		}, "MFARequired", "must be nil with UserPool"},
		{"{sub} as the first segment", func(p *Props) {
			p.Rules = []access.Rule{{Prefix: "{sub}/", Groups: []string{"*"}, Methods: []string{"GET"}}}
		}, "Rules", "must not be the first segment"},
		{"a method opened again under a Deny", func(p *Props) {
			p.Rules = []access.Rule{
				{Prefix: "r/", Groups: []string{"*"}, Methods: []string{"GET", "PUT"}},
				{Prefix: "r/f/", Groups: []string{"*"}, Methods: []string{"GET"}},
				{Prefix: "r/f/d/", Groups: []string{"*"}, Methods: []string{"PUT"}},
			}
		}, "Rules", "nothing lifts a Deny"},
		{"rules too large for the environment", func(p *Props) {
			for i := range 60 {
				p.Rules = append(p.Rules, access.Rule{Prefix: fmt.Sprintf("project-%03d/reports/", i), Groups: []string{"tier-1", "tier-2"}, Methods: []string{"GET", "PUT"}})
			}
		}, "Rules", "4096-byte limit"},
		{"ttl zero", func(p *Props) { p.URLTTL = awscdk.Duration_Seconds(jsii.Number(0)) }, "URLTTL", "0 second"},
		{"ttl over a week", func(p *Props) { p.URLTTL = awscdk.Duration_Days(jsii.Number(8)) }, "URLTTL", "8 days"},
		{"ttl fraction", func(p *Props) { p.URLTTL = awscdk.Duration_Millis(jsii.Number(1500)) }, "URLTTL", "whole seconds"},
		{"upload zero", func(p *Props) { p.MaxUploadBytes = jsii.Number(0) }, "MaxUploadBytes", "received 0"},
		{"upload over S3's largest object", func(p *Props) { p.MaxUploadBytes = jsii.Number(float64(settings.MaxObjectBytes + 1)) }, "MaxUploadBytes", "received 53687091200001"},
		{"cookie domain not a parent", func(p *Props) {
			p.CDN = &CDNDelivery{Domain: jsii.String("media.example.com"), KeyPairID: jsii.String(testKeyPair), PrivateKeySecretArn: jsii.String(testSecret),
				CookieDomain: jsii.String("example.org"), Access: []privatecdn.Access{privatecdn.Read}}
		}, "CDN.CookieDomain", `received "example.org"`},
		{"cookie domain on cloudfront.net", func(p *Props) {
			p.CDN = &CDNDelivery{Domain: jsii.String(testCDN), KeyPairID: jsii.String(testKeyPair), PrivateKeySecretArn: jsii.String(testSecret),
				CookieDomain: jsii.String("cloudfront.net"), Access: []privatecdn.Access{privatecdn.Read}}
		}, "CDN.CookieDomain", "public suffix"},
		{"rate zero", func(p *Props) { p.ThrottleRateLimit = jsii.Number(0) }, "ThrottleRateLimit", "received 0"},
		{"burst fraction", func(p *Props) { p.ThrottleBurstLimit = jsii.Number(1.5) }, "ThrottleBurstLimit", "received 1.5"},
		{"token validity under 5 minutes", func(p *Props) { p.TokenValidity = awscdk.Duration_Minutes(jsii.Number(2)) }, "TokenValidity", "2 minutes"},
		{"token validity over a day", func(p *Props) { p.TokenValidity = awscdk.Duration_Hours(jsii.Number(25)) }, "TokenValidity", "1 day 1 hour"},
		{"concurrency zero", func(p *Props) { p.ReservedConcurrency = jsii.Number(0) }, "ReservedConcurrency", "received 0"},
		{"retention infinite", func(p *Props) { p.LogRetention = awslogs.RetentionDays_INFINITE }, "LogRetention", "INFINITE"},
		{"retention unknown", func(p *Props) { p.LogRetention = "FOREVER_AND_A_DAY" }, "LogRetention", "FOREVER_AND_A_DAY"},
		{"origin wildcard", func(p *Props) { p.CorsAllowedOrigins = jsii.Strings("*") }, "CorsAllowedOrigins", `received "*"`},
		{"origin with path", func(p *Props) { p.CorsAllowedOrigins = jsii.Strings("https://app.example.com/") }, "CorsAllowedOrigins", "element 0"},
		{"web ACL of CloudFront scope", func(p *Props) {
			p.WebACLArn = jsii.String("arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d")
		}, "WebACLArn", "REGIONAL scope"},
		{"web ACL in another region", func(p *Props) {
			p.WebACLArn = jsii.String("arn:aws:wafv2:us-west-2:123456789012:regional/webacl/api/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d")
		}, "WebACLArn", "region eu-west-1"},
		{"web ACL not an ARN", func(p *Props) { p.WebACLArn = jsii.String("my-acl") }, "WebACLArn", `"my-acl"`},
		{"CDN without key pair", func(p *Props) {
			p.CDN = &CDNDelivery{Domain: jsii.String(testCDN), PrivateKeySecretArn: jsii.String(testSecret)}
		}, "CDN.KeyPairID", "required"},
		{"CDN domain with scheme", func(p *Props) {
			p.CDN = &CDNDelivery{Domain: jsii.String("https://" + testCDN), KeyPairID: jsii.String(testKeyPair), PrivateKeySecretArn: jsii.String(testSecret)}
		}, "CDN.Domain", "https://"},
		{"CDN secret partial ARN", func(p *Props) {
			p.CDN = &CDNDelivery{Domain: jsii.String(testCDN), KeyPairID: jsii.String(testKeyPair),
				PrivateKeySecretArn: jsii.String("arn:aws:secretsmanager:eu-west-1:123456789012:secret:signing")}
		}, "CDN.PrivateKeySecretArn", "six-character suffix"},
		// A CloudFront signature does not bind the method: a URL the
		// function signs for a reader would also PUT or DELETE through a
		// distribution that writes.
		{"CDN delivery on a distribution that writes", func(p *Props) {
			p.CDN = &CDNDelivery{Domain: jsii.String(testCDN), KeyPairID: jsii.String(testKeyPair), PrivateKeySecretArn: jsii.String(testSecret),
				Access: []privatecdn.Access{privatecdn.Read, privatecdn.Write}}
		}, "CDN.Access", "must be [read]"},
		{"CDN delivery on a distribution that deletes", func(p *Props) {
			p.CDN = &CDNDelivery{Domain: jsii.String(testCDN), KeyPairID: jsii.String(testKeyPair), PrivateKeySecretArn: jsii.String(testSecret),
				Access: []privatecdn.Access{privatecdn.Read, privatecdn.Delete}}
		}, "CDN.Access", "does not bind the method"},
		{"CDN delivery without the distribution's access", func(p *Props) {
			p.CDN = &CDNDelivery{Domain: jsii.String(testCDN), KeyPairID: jsii.String(testKeyPair), PrivateKeySecretArn: jsii.String(testSecret)}
		}, "CDN.Access", "received []"},
		{"module dir elsewhere", func(p *Props) { p.ModuleDir = jsii.String("/nonexistent") }, "ModuleDir", "/nonexistent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			verr := newInvalid(t, c.mod)
			if verr.Path != "S/Presign" {
				t.Errorf("error path %q, want S/Presign", verr.Path)
			}
			for _, line := range verr.Problems {
				if strings.HasPrefix(line, c.prop+": ") && strings.Contains(line, c.want) {
					return
				}
			}
			t.Errorf("problems %q lack a %s line with %q", verr.Problems, c.prop, c.want)
		})
	}
}

func TestNew_ReportsEveryProblemAtOnce(t *testing.T) {
	verr := newInvalid(t, func(p *Props) {
		p.Bucket = nil
		p.URLTTL = awscdk.Duration_Seconds(jsii.Number(0))
		p.ReservedConcurrency = jsii.Number(-1)
		p.CorsAllowedOrigins = jsii.Strings("*")
	})
	var props []string
	for _, line := range verr.Problems {
		prop, _, _ := strings.Cut(line, ":")
		props = append(props, prop)
	}
	if got := strings.Join(props, ","); got != "Bucket,URLTTL,ReservedConcurrency,CorsAllowedOrigins" {
		t.Errorf("problems for %s, want every bad prop once", got)
	}
}

func TestNew_WarnsAboutRuleGroupsItDoesNotCreate(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("S"), nil)
	a := New(stack, jsii.String("Presign"), &Props{
		Bucket: privatebucket.New(stack, jsii.String("Bucket"), nil),
		Rules:  []access.Rule{{Prefix: "audit/", Groups: []string{"auditors"}, Methods: []string{"GET"}}},
	})
	var warnings []string
	for _, m := range *a.Node().Metadata() {
		if *m.Type == "aws:cdk:warning" {
			warnings = append(warnings, fmt.Sprint(m.Data))
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `"auditors"`) {
		t.Errorf("warnings %q, want one naming group auditors", warnings)
	}
	if len(a.Groups) != len(DefaultTiers) {
		t.Errorf("%d groups, want the %d default tiers", len(a.Groups), len(DefaultTiers))
	}
}

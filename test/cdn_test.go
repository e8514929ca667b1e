package test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// Assertions on the CloudFront distribution as the app wires it from
// configuration. The privatecdn package pins the construct's own behaviour;
// these pin that each context key reaches it.

func distribution(t *testing.T, name string, config map[string]any) {
	t.Helper()
	configs[name].assert.HasResourceProperties(jsii.String("AWS::CloudFront::Distribution"), props(map[string]any{
		"DistributionConfig": assertions.Match_ObjectLike(&config),
	}))
}

func TestCDN_OneDistributionPerConfiguration(t *testing.T) {
	for _, name := range []string{"default", "prod", "maximal"} {
		s := configs[name]
		s.assert.ResourceCountIs(jsii.String("AWS::CloudFront::Distribution"), jsii.Number(1))
		s.assert.ResourceCountIs(jsii.String("AWS::CloudFront::OriginAccessControl"), jsii.Number(1))
		s.assert.ResourceCountIs(jsii.String("AWS::CloudFront::CloudFrontOriginAccessIdentity"), jsii.Number(0))
		s.assert.ResourceCountIs(jsii.String("AWS::CloudFront::KeyGroup"), jsii.Number(1))
		s.assert.ResourceCountIs(jsii.String("AWS::Logs::Delivery"), jsii.Number(1))
	}
}

func TestCDN_ViewersMustBeSigned(t *testing.T) {
	for _, name := range []string{"default", "prod", "maximal"} {
		distribution(t, name, map[string]any{
			"DefaultCacheBehavior": assertions.Match_ObjectLike(&map[string]any{
				"TrustedKeyGroups":     []any{map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^CDNKeyGroup"))}},
				"ViewerProtocolPolicy": "redirect-to-https",
			}),
		})
	}
}

func TestCDN_NoWildcardDistributionAndNoPrivateKey(t *testing.T) {
	for name, s := range configs {
		raw := string(s.raw)
		if strings.Contains(raw, "distribution/*") {
			t.Errorf("%s: template grants every distribution (distribution/*)", name)
		}
		if strings.Contains(raw, "PRIVATE KEY") {
			t.Errorf("%s: a private key is in the template", name)
		}
	}
}

func TestCDN_DefaultIsReadOnly(t *testing.T) {
	distribution(t, "default", map[string]any{
		"DefaultCacheBehavior": assertions.Match_ObjectLike(&map[string]any{
			"AllowedMethods": []any{"GET", "HEAD"},
		}),
		"PriceClass": "PriceClass_100",
	})
	configs["default"].assert.ResourceCountIs(jsii.String("AWS::CloudFront::Function"), jsii.Number(0))
}

func TestCDN_ProdUsesEveryEdge(t *testing.T) {
	distribution(t, "prod", map[string]any{"PriceClass": "PriceClass_All"})
}

func TestCDN_MaximalWiresEveryOption(t *testing.T) {
	distribution(t, "maximal", map[string]any{
		"Aliases": []any{"files.example.com"},
		"ViewerCertificate": map[string]any{
			"AcmCertificateArn":      maximalContext["cdnCertificateArn"],
			"MinimumProtocolVersion": "TLSv1.2_2021",
			"SslSupportMethod":       "sni-only",
		},
		"WebACLId": maximalContext["cdnWebAclArn"],
		"Restrictions": map[string]any{"GeoRestriction": map[string]any{
			"Locations": []any{"DE", "FR", "NL"}, "RestrictionType": "whitelist",
		}},
		"PriceClass": "PriceClass_All",
		"DefaultCacheBehavior": assertions.Match_ObjectLike(&map[string]any{
			"AllowedMethods": assertions.Match_ArrayWith(&[]any{"PUT", "DELETE"}),
		}),
	})
	configs["maximal"].assert.ResourceCountIs(jsii.String("AWS::CloudFront::Function"), jsii.Number(1))
	configs["maximal"].assert.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), props(map[string]any{
		"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{
			"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Sid":       "CloudFrontCDN",
				"Action":    []any{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"},
				"Principal": map[string]any{"Service": "cloudfront.amazonaws.com"},
			})}),
		}),
	}))
}

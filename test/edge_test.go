package test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/stacks"
)

// Assertions on the regional configuration: data in eu-central-1, the
// CloudFront side in the us-east-1 Edge stack, joined by Fn::GetStackOutput.

func TestEdge_StacksAndRegions(t *testing.T) {
	data, edge := configs["regional"], configs["regional-edge"]
	if data == nil || edge == nil {
		t.Fatal("the regional configuration did not produce a storage and an Edge stack")
	}
	if got := *data.stack.Region(); got != "eu-central-1" {
		t.Errorf("storage stack region = %s, want eu-central-1", got)
	}
	if got := *edge.stack.Region(); got != "us-east-1" {
		t.Errorf("Edge stack region = %s, want us-east-1", got)
	}
	if got := *edge.stack.StackName(); got != "regional-"+stacks.EdgeStackID {
		t.Errorf("Edge stack name = %s", got)
	}
	// `cdk deploy 'regional/*'` must deploy the Edge stack first: the
	// storage stack reads its outputs.
	deps := data.stack.Dependencies()
	if deps == nil || len(*deps) != 1 || *(*deps)[0].StackName() != *edge.stack.StackName() {
		t.Errorf("storage stack depends on %v, want exactly the Edge stack", deps)
	}
	if edge.stack.Dependencies() != nil && len(*edge.stack.Dependencies()) != 0 {
		t.Errorf("the Edge stack depends on another stack: a deployment order cycle")
	}
}

func TestEdge_DataStaysInItsRegion(t *testing.T) {
	data, edge := configs["regional"], configs["regional-edge"]
	for _, typ := range []string{"AWS::CloudFront::Distribution", "AWS::CertificateManager::Certificate", "AWS::WAFv2::WebACL", "AWS::Logs::Delivery"} {
		data.assert.ResourceCountIs(jsii.String(typ), jsii.Number(0))
		edge.assert.ResourceCountIs(jsii.String(typ), jsii.Number(1))
	}
	for _, typ := range []string{"AWS::Cognito::UserPool", "AWS::Lambda::Function", "AWS::ApiGateway::RestApi"} {
		data.assert.ResourceCountIs(jsii.String(typ), jsii.Number(1))
		edge.assert.ResourceCountIs(jsii.String(typ), jsii.Number(0))
	}
	// The data key, the logs key and the alarm topic's key; the Edge
	// stack's alarm topic has its own, in us-east-1.
	data.assert.ResourceCountIs(jsii.String("AWS::KMS::Key"), jsii.Number(3))
	edge.assert.ResourceCountIs(jsii.String("AWS::KMS::Key"), jsii.Number(1))
	edge.assert.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(2))
	// The data bucket and its server access log bucket stay in the data
	// region; the Edge stack holds only the CloudFront log bucket.
	data.assert.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(2))
	edge.assert.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(1))
	edge.assert.HasResourceProperties(jsii.String("AWS::CloudFront::Distribution"), props(map[string]any{
		"DistributionConfig": assertions.Match_ObjectLike(&map[string]any{
			"Origins": []any{assertions.Match_ObjectLike(&map[string]any{
				"DomainName": map[string]any{"Fn::Join": []any{"", []any{
					"securestore-regional-data-123456789012-eu-central-1.s3.eu-central-1.", map[string]any{"Ref": "AWS::URLSuffix"},
				}}},
			})},
		}),
	}))
}

// getStackOutput matches a value read from the Edge stack's outputs.
func getStackOutput() any {
	return map[string]any{"Fn::GetStackOutput": assertions.Match_ObjectEquals(&map[string]any{
		"StackName":  "regional-Edge",
		"Region":     "us-east-1",
		"OutputName": assertions.Match_StringLikeRegexp(jsii.String("^PublishOutput")),
	})}
}

func TestEdge_PoliciesNameExactlyTheEdgeDistribution(t *testing.T) {
	data := configs["regional"]
	sourceArn := map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": map[string]any{"Fn::Join": []any{"", []any{
		"arn:aws:cloudfront::123456789012:distribution/", getStackOutput(),
	}}}}}
	statement := assertions.Match_ObjectLike(&map[string]any{
		"Sid":       "CloudFrontCDN",
		"Principal": map[string]any{"Service": "cloudfront.amazonaws.com"},
		"Condition": sourceArn,
	})
	data.assert.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), props(map[string]any{
		"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{
			"Statement": assertions.Match_ArrayWith(&[]any{statement}),
		}),
	}))
	data.assert.HasResourceProperties(jsii.String("AWS::KMS::Key"), props(map[string]any{
		"KeyPolicy": assertions.Match_ObjectLike(&map[string]any{
			"Statement": assertions.Match_ArrayWith(&[]any{statement}),
		}),
	}))
	// The presign function signs CloudFront URLs for the Edge
	// distribution, under the first of its names that the cookie domain
	// covers (so that POST /cdn-access's cookies reach it).
	data.assert.HasResourceProperties(jsii.String("AWS::Lambda::Function"), props(map[string]any{
		"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{
			"CDN_DOMAIN":        "files.example.com",
			"CDN_COOKIE_DOMAIN": "example.com",
			"CDN_KEY_PAIR_ID":   getStackOutput(),
		})},
	}))
	// Only outputs cross: no custom resource, no SSM parameter, no export.
	for _, name := range []string{"regional", "regional-edge"} {
		raw := string(configs[name].raw)
		for _, banned := range []string{"Custom::CrossRegion", "AWS::SSM::Parameter\"", "Fn::ImportValue", "\"Export\""} {
			if strings.Contains(raw, banned) {
				t.Errorf("%s: template holds %s", name, banned)
			}
		}
	}
}

func TestEdge_CertificateWebACLAndAliases(t *testing.T) {
	edge := configs["regional-edge"]
	edge.assert.HasResourceProperties(jsii.String("AWS::CertificateManager::Certificate"), props(map[string]any{
		"DomainName":              "files.example.com",
		"SubjectAlternativeNames": []any{"media.example.com"},
		"ValidationMethod":        "DNS",
		"DomainValidationOptions": []any{
			map[string]any{"DomainName": "files.example.com", "HostedZoneId": "Z0123456789ABCDEFGHIJ"},
			map[string]any{"DomainName": "media.example.com", "HostedZoneId": "Z0123456789ABCDEFGHIJ"},
		},
	}))
	edge.assert.HasResourceProperties(jsii.String("AWS::WAFv2::WebACL"), props(map[string]any{"Scope": "CLOUDFRONT"}))
	distribution(t, "regional-edge", map[string]any{
		"Aliases":  []any{"files.example.com", "media.example.com"},
		"WebACLId": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^WebAcl")), "Arn"}},
		"ViewerCertificate": map[string]any{
			"AcmCertificateArn":      map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^Certificate"))},
			"MinimumProtocolVersion": "TLSv1.2_2021",
			"SslSupportMethod":       "sni-only",
		},
	})
	// An A and an AAAA alias per name, in the configured zone.
	records := edge.assert.FindResources(jsii.String("AWS::Route53::RecordSet"), nil)
	got := map[string]bool{}
	for _, r := range *records {
		p := (*r)["Properties"].(map[string]any)
		if p["HostedZoneId"] != "Z0123456789ABCDEFGHIJ" {
			t.Errorf("record %v is not in the configured zone", p["Name"])
		}
		alias, _ := json.Marshal(p["AliasTarget"])
		if !strings.Contains(string(alias), `"DNSName":{"Fn::GetAtt":["CDN`) || !strings.Contains(string(alias), "AWSCloudFrontPartitionHostedZoneIdMap") {
			t.Errorf("record %v %v is not an alias of the distribution: %s", p["Name"], p["Type"], alias)
		}
		got[p["Name"].(string)+" "+p["Type"].(string)] = true
	}
	for _, want := range []string{"files.example.com. A", "files.example.com. AAAA", "media.example.com. A", "media.example.com. AAAA"} {
		if !got[want] {
			t.Errorf("no alias record %s; have %v", want, got)
		}
	}
	if len(got) != 4 {
		t.Errorf("%d alias records, want 4: %v", len(got), got)
	}
}

func TestEdge_LogsStayBesideTheDistribution(t *testing.T) {
	edge := configs["regional-edge"]
	edge.assert.HasResourceProperties(jsii.String("AWS::Logs::DeliveryDestination"), props(map[string]any{
		"DestinationResourceArn": map[string]any{"Fn::Join": []any{"", []any{
			map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^LogsAccessLogs")), "Arn"}}, "/cloudfront",
		}}},
	}))
	edge.assert.HasResourceProperties(jsii.String("AWS::S3::Bucket"), props(map[string]any{
		"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
			map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}},
		}},
		"PublicAccessBlockConfiguration": map[string]any{
			"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
		},
		"OwnershipControls":       map[string]any{"Rules": []any{map[string]any{"ObjectOwnership": "BucketOwnerEnforced"}}},
		"VersioningConfiguration": map[string]any{"Status": "Enabled"},
	}))
	edge.assert.AllResources(jsii.String("AWS::S3::Bucket"), map[string]any{"DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Retain"})
}

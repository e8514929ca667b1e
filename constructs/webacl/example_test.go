package webacl_test

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/webacl"
)

// A team that serves uploads through its distribution creates the web ACL
// in its us-east-1 edge stack, with a tighter rate limit and Uploads (the
// managed rules that inspect request bodies count instead of block), and
// hands acl.Arn to the distribution
// (privatecdn.Props.WebACLArn, or awscloudfront.DistributionProps.WebAclId).
func Example() {
	app := awscdk.NewApp(nil)
	edge := awscdk.NewStack(app, jsii.String("TeamEdge"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
	})
	acl := webacl.New(edge, jsii.String("WebAcl"), &webacl.Props{
		RateLimit:    jsii.Number(1000),
		Uploads:      jsii.Bool(true),
		LogRetention: awslogs.RetentionDays_SIX_MONTHS,
	})
	_ = acl.Arn // the distribution's WebAclId

	template := assertions.Template_FromStack(edge, nil)
	for _, r := range *template.FindResources(jsii.String("AWS::WAFv2::WebACL"), nil) {
		props := (*r)["Properties"].(map[string]any)
		fmt.Println("scope:", props["Scope"])
		rules := props["Rules"].([]any)
		sort.Slice(rules, func(i, j int) bool {
			return rules[i].(map[string]any)["Priority"].(float64) < rules[j].(map[string]any)["Priority"].(float64)
		})
		for _, rule := range rules {
			rule := rule.(map[string]any)
			fmt.Println(rule["Priority"], rule["Name"])
			group, _ := rule["Statement"].(map[string]any)["ManagedRuleGroupStatement"].(map[string]any)
			overrides, _ := group["RuleActionOverrides"].([]any)
			for _, o := range overrides {
				o := o.(map[string]any)
				for action := range o["ActionToUse"].(map[string]any) {
					fmt.Println("  ", o["Name"], "->", action)
				}
			}
		}
	}
	for _, r := range *template.FindResources(jsii.String("AWS::Logs::LogGroup"), nil) {
		props := (*r)["Properties"].(map[string]any)
		fmt.Println("logs:", strings.HasPrefix(props["LogGroupName"].(string), webacl.LogGroupPrefix), props["RetentionInDays"], "days")
	}
	// Output:
	// scope: CLOUDFRONT
	// 0 AWSManagedRulesAmazonIpReputationList
	// 1 AWSManagedRulesCommonRuleSet
	//    SizeRestrictions_BODY -> Count
	//    CrossSiteScripting_BODY -> Count
	//    GenericLFI_BODY -> Count
	//    GenericRFI_BODY -> Count
	//    EC2MetaDataSSRF_BODY -> Count
	// 2 AWSManagedRulesKnownBadInputsRuleSet
	//    JavaDeserializationRCE_BODY -> Count
	//    Log4JRCE_BODY -> Count
	// 3 RateLimitPerIP
	// logs: true 180 days
}

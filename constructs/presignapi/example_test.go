package presignapi_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/presignapi"
	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/lambdas/presign/access"
)

// Another team puts the presign API in front of its own bucket: its own
// groups and prefixes, MFA required, a browser app on one origin.
func Example() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("ReportsStack"), nil)

	store := privatebucket.New(stack, jsii.String("Store"), &privatebucket.Props{
		BucketName:         jsii.String("team-reports-store"),
		CorsAllowedOrigins: jsii.Strings("https://reports.example.com"),
	})
	api := presignapi.New(stack, jsii.String("Presign"), &presignapi.Props{
		Bucket: store,
		Tiers:  []string{"readers", "editors"},
		Rules: []access.Rule{
			{Prefix: "reports/", Groups: []string{"readers", "editors"}, Methods: []string{"GET"}},
			{Prefix: "reports/drafts/", Groups: []string{"editors"}, Methods: []string{"GET", "PUT", "DELETE"}},
		},
		URLTTL:             awscdk.Duration_Minutes(jsii.Number(2)),
		MFARequired:        jsii.Bool(true),
		CorsAllowedOrigins: []string{"https://reports.example.com"},
		LogRetention:       awslogs.RetentionDays_SIX_MONTHS,
	})

	template := assertions.Template_FromStack(stack, nil)
	template.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), &map[string]any{"MfaConfiguration": "ON"})
	groups := template.FindResources(jsii.String("AWS::Cognito::UserPoolGroup"), nil)
	fmt.Println("groups:", len(*groups))
	for _, g := range presignapi.Grants(api.Rules) {
		fmt.Println("role may", g.Method, g.Prefix+"*")
	}
	// Output:
	// groups: 2
	// role may DELETE reports/drafts/*
	// role may GET reports/*
	// role may PUT reports/drafts/*
}

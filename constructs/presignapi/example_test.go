package presignapi_test

import (
	"fmt"
	"strings"

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
	presignapi.New(stack, jsii.String("Presign"), &presignapi.Props{
		Bucket: store,
		Tiers:  []string{"readers", "editors"},
		Rules: []access.Rule{
			{Prefix: "reports/", Groups: []string{"readers", "editors"}, Methods: []string{"GET"}},
			{Prefix: "reports/drafts/", Groups: []string{"editors"}, Methods: []string{"GET", "PUT", "DELETE"}},
			{Prefix: "reports/drafts/approved/", Groups: []string{"editors"}, Methods: []string{"GET"}},
		},
		URLTTL:             awscdk.Duration_Minutes(jsii.Number(2)),
		MFARequired:        jsii.Bool(true),
		CorsAllowedOrigins: jsii.Strings("https://reports.example.com"),
		LogRetention:       awslogs.RetentionDays_SIX_MONTHS,
	})

	template := assertions.Template_FromStack(stack, nil)
	template.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), &map[string]any{"MfaConfiguration": "ON"})
	groups := template.FindResources(jsii.String("AWS::Cognito::UserPoolGroup"), nil)
	fmt.Println("groups:", len(*groups))
	for _, st := range roleStatements(template) {
		fmt.Println("role:", st)
	}
	// Output:
	// groups: 2
	// role: Allow s3:DeleteObject reports/drafts/*
	// role: Allow s3:GetObject reports/*
	// role: Allow s3:PutObject,s3:AbortMultipartUpload,s3:ListMultipartUploadParts reports/drafts/*
	// role: Allow s3:ListBucket with s3:prefix [reports/*]
	// role: Deny s3:DeleteObject reports/drafts/approved/*
	// role: Deny s3:PutObject,s3:AbortMultipartUpload,s3:ListMultipartUploadParts reports/drafts/approved/*
}

// roleStatements are the S3 statements of the template's IAM policies, as
// "<effect> <action> <keys>", in order.
func roleStatements(template assertions.Template) []string {
	var out []string
	for _, r := range *template.FindResources(jsii.String("AWS::IAM::Policy"), nil) {
		doc := (*r)["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)
		for _, st := range doc["Statement"].([]any) {
			st := st.(map[string]any)
			action, _ := st["Action"].(string)
			if list, ok := st["Action"].([]any); ok {
				var names []string
				for _, a := range list {
					names = append(names, a.(string))
				}
				action = strings.Join(names, ",")
			}
			if !strings.HasPrefix(action, "s3:") {
				continue
			}
			if action == "s3:ListBucket" {
				prefixes := st["Condition"].(map[string]any)["StringLike"].(map[string]any)["s3:prefix"]
				out = append(out, fmt.Sprintf("%s %s with s3:prefix %v", st["Effect"], action, prefixes))
				continue
			}
			resource := literalText(st["Resource"])
			out = append(out, fmt.Sprintf("%s %s %s", st["Effect"], action, resource[strings.Index(resource, "/")+1:]))
		}
	}
	return out
}

// literalText concatenates the literal strings of a template value (the
// pieces of an Fn::Join).
func literalText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var b strings.Builder
		for _, e := range v {
			b.WriteString(literalText(e))
		}
		return b.String()
	case map[string]any:
		var b strings.Builder
		for k, e := range v {
			if k == "Fn::Join" {
				b.WriteString(literalText(e.([]any)[1]))
			}
		}
		return b.String()
	}
	return ""
}

package privatebucket_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/privatebucket"
)

// Another team names its bucket and lets one of its roles read and write
// under a prefix, and one of its functions read another: the grants take
// any awsiam.IGrantable and return the awsiam.Grant, as CDK's own do.
func Example() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("TeamStack"), nil)

	store := privatebucket.New(stack, jsii.String("Store"), &privatebucket.Props{
		BucketName:         jsii.String("team-reports-store"),
		CorsAllowedOrigins: jsii.Strings("https://reports.example.com"),
	})

	worker := awsiam.NewRole(stack, jsii.String("Worker"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), nil),
	})
	store.GrantRead(worker, "reports/")
	store.GrantWrite(worker, "reports/")

	indexer := awslambda.NewFunction(stack, jsii.String("Indexer"), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_PYTHON_3_13(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("def handler(event, context):\n    return None\n")),
	})
	grant := store.GrantRead(indexer, "published/")
	fmt.Println("function grant succeeded:", *grant.Success())

	template := assertions.Template_FromStack(stack, nil)
	for _, line := range statements(template, "AWS::IAM::Policy", "PolicyDocument") {
		fmt.Println("identity:", line)
	}
	for _, line := range statements(template, "AWS::KMS::Key", "KeyPolicy") {
		fmt.Println("key:", line)
	}
	// Output:
	// function grant succeeded: true
	// identity: Allow s3:GetObject published/*
	// identity: Allow s3:GetObject reports/*
	// identity: Allow s3:PutObject reports/*
	// key: Allow kms:Decrypt via s3 (S3ReadFor<grantee>)
	// key: Allow kms:GenerateDataKey via s3 (S3WriteFor<grantee>)
	// key: Allow kms:Decrypt via s3 (S3ReadFor<grantee>)
}

var (
	// objectKeys is the key pattern of an object ARN in a rendered resource.
	objectKeys = regexp.MustCompile(`:s3:::[a-z0-9.-]+/([^\s\]]*)`)
	// addrHash is the construct address a grant's Sid ends with.
	addrHash = regexp.MustCompile(`c8[0-9a-f]{40}$`)
)

// statements lists the S3 and KMS data statements of the policies in the
// resources of type typ: effect, action, and the key prefix or, for a key
// policy, the service it is limited to and the statement's Sid (without
// the hash of the grantee's construct address).
func statements(template assertions.Template, typ, property string) []string {
	var out []string
	resources := *template.FindResources(jsii.String(typ), nil)
	ids := make([]string, 0, len(resources))
	for id := range resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		props := (*resources[id])["Properties"].(map[string]any)
		for _, s := range props[property].(map[string]any)["Statement"].([]any) {
			st := s.(map[string]any)
			action, _ := st["Action"].(string)
			switch {
			case strings.HasPrefix(action, "s3:"):
				keys := objectKeys.FindStringSubmatch(fmt.Sprint(st["Resource"]))
				out = append(out, fmt.Sprintf("%s %s %s", st["Effect"], action, keys[1]))
			case strings.HasPrefix(action, "kms:") && strings.Contains(fmt.Sprint(st["Condition"]), "kms:ViaService"):
				sid := addrHash.ReplaceAllString(st["Sid"].(string), "<grantee>")
				out = append(out, fmt.Sprintf("%s %s via s3 (%s)", st["Effect"], action, sid))
			}
		}
	}
	return out
}

package privatebucket_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/privatebucket"
)

// Another team brings its own key, names its bucket and lets one of its
// roles read and write under a prefix.
func Example() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("TeamStack"), nil)

	key := awskms.NewKey(stack, jsii.String("TeamKey"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
	store := privatebucket.New(stack, jsii.String("Store"), &privatebucket.Props{
		Key:                key,
		BucketName:         jsii.String("team-reports-store"),
		CorsAllowedOrigins: jsii.Strings("https://reports.example.com"),
	})

	worker := awsiam.NewRole(stack, jsii.String("Worker"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), nil),
	})
	store.GrantRead(worker, "reports/")
	store.GrantWrite(worker, "reports/")

	template := assertions.Template_FromStack(stack, nil)
	buckets := template.FindResources(jsii.String("AWS::S3::Bucket"), nil)
	fmt.Println("buckets:", len(*buckets))
	template.HasResourceProperties(jsii.String("AWS::S3::Bucket"), &map[string]any{"BucketName": "team-reports-store"})
	fmt.Println("worker may read and write reports/*")
	// Output:
	// buckets: 2
	// worker may read and write reports/*
}

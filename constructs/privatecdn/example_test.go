package privatecdn_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/constructs/privatecdn"
)

// Another team serves its own private bucket through CloudFront and lets
// viewers with signed URLs upload and delete objects as well as read them.
// Only the public half of the signing key enters the app; the private half
// stays in Secrets Manager for whatever signs the URLs.
func Example() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("TeamFiles"), &awscdk.StackProps{
		// Standard logging v2 is set up from us-east-1; the bucket may live anywhere.
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
	})
	store := privatebucket.New(stack, jsii.String("Store"), &privatebucket.Props{
		BucketName: jsii.String("team-files-store"),
	})

	publicKey, err := os.ReadFile("testdata/viewer_ecp256.pem")
	if err != nil {
		fmt.Println(err)
		return
	}
	props := privatecdn.PropsFor(store) // bucket, deterministic domain name, key, log bucket
	props.Access = []privatecdn.Access{privatecdn.Read, privatecdn.Write, privatecdn.Delete}
	props.ViewerPublicKeyPems = []string{string(publicKey)}
	props.LogPrefix = jsii.String("team-files-cdn/")
	files := privatecdn.New(stack, jsii.String("Files"), props)

	template := assertions.Template_FromStack(stack, nil)
	count := func(typ string) int { return len(*template.FindResources(jsii.String(typ), nil)) }
	fmt.Println("distributions:", count("AWS::CloudFront::Distribution"))
	fmt.Println("key groups:", count("AWS::CloudFront::KeyGroup"))
	fmt.Println("method filters:", count("AWS::CloudFront::Function"))
	fmt.Println("access:", files.Access)
	fmt.Println("bucket policy grants CloudFront:", privatecdn.S3Actions(files.Access))
	fmt.Println("key policy grants CloudFront:", privatecdn.KMSActions(files.Access))
	// Output:
	// distributions: 1
	// key groups: 1
	// method filters: 1
	// access: [read write delete]
	// bucket policy grants CloudFront: [s3:GetObject s3:PutObject s3:DeleteObject]
	// key policy grants CloudFront: [kms:Decrypt kms:Encrypt kms:GenerateDataKey*]
}

// A team keeps its bucket and key in eu-west-1 and puts the distribution in
// a us-east-1 stack of its own, with a bucket there for CloudFront's access
// logs. With crossRegionReferences on both stacks and weak cross-stack
// references (the feature flag cdk.json sets), the bucket and key policy
// statements stay in the bucket's stack and read this distribution's id
// from the us-east-1 stack's outputs (Fn::GetStackOutput): no custom
// resource, no SSM parameter.
func Example_otherRegion() {
	app := awscdk.NewApp(&awscdk.AppProps{Context: &map[string]any{
		"@aws-cdk/core:defaultCrossStackReferences": "weak",
	}})
	env := func(region string) *awscdk.StackProps {
		return &awscdk.StackProps{
			Env:                   &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String(region)},
			CrossRegionReferences: jsii.Bool(true),
		}
	}
	data := awscdk.NewStack(app, jsii.String("TeamData"), env("eu-west-1"))
	edge := awscdk.NewStack(app, jsii.String("TeamEdge"), env("us-east-1"))
	store := privatebucket.New(data, jsii.String("Store"), &privatebucket.Props{
		BucketName: jsii.String("team-data-store"),
	})

	publicKey, err := os.ReadFile("testdata/viewer_ecp256.pem")
	if err != nil {
		fmt.Println(err)
		return
	}
	props := privatecdn.PropsFor(store)
	props.LogBucket = privatebucket.NewLogBucket(edge, jsii.String("CdnLogs"), nil)
	props.ViewerPublicKeyPems = []string{string(publicKey)}
	privatecdn.New(edge, jsii.String("Files"), props)

	count := func(stack awscdk.Stack, typ string) int {
		return len(*assertions.Template_FromStack(stack, nil).FindResources(jsii.String(typ), nil))
	}
	fmt.Println("distributions in eu-west-1, us-east-1:", count(data, "AWS::CloudFront::Distribution"), count(edge, "AWS::CloudFront::Distribution"))
	fmt.Println("buckets in eu-west-1, us-east-1:", count(data, "AWS::S3::Bucket"), count(edge, "AWS::S3::Bucket"))
	// The data stack's policies read the distribution's id from TeamEdge.
	reads := func(typ string) bool {
		resources, _ := json.Marshal(assertions.Template_FromStack(data, nil).FindResources(jsii.String(typ), nil))
		return strings.Contains(string(resources), `{"Fn::GetStackOutput":{"OutputName":"PublishOutputRefFiles`) &&
			strings.Contains(string(resources), `"Region":"us-east-1","StackName":"TeamEdge"}}`)
	}
	fmt.Println("bucket policy and key policy name the us-east-1 distribution:", reads("AWS::S3::BucketPolicy"), reads("AWS::KMS::Key"))
	// Output:
	// distributions in eu-west-1, us-east-1: 0 1
	// buckets in eu-west-1, us-east-1: 2 1
	// bucket policy and key policy name the us-east-1 distribution: true true
}

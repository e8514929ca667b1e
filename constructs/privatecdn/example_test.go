package privatecdn_test

import (
	"fmt"
	"os"

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

package encryptionkey_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/encryptionkey"
)

// A team creates the data key with its own alias and an administrator role,
// then lets one of its roles decrypt through S3 only.
func Example() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("TeamStack"), nil)
	key := encryptionkey.New(stack, jsii.String("DataKey"), &encryptionkey.Props{
		Alias:         jsii.String("alias/team/reports"),
		AdminRoleArns: jsii.Strings("arn:aws:iam::123456789012:role/SecurityAdmins"),
	})
	reader := awsiam.NewRole(stack, jsii.String("Reader"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
	encryptionkey.AllowViaS3(key.Key, "ReaderDecryptViaS3", reader, encryptionkey.DecryptActions)

	keys := assertions.Template_FromStack(stack, nil).FindResources(jsii.String("AWS::KMS::Key"), nil)
	for _, k := range *keys {
		statements := (*k)["Properties"].(map[string]any)["KeyPolicy"].(map[string]any)["Statement"].([]any)
		for _, s := range statements {
			fmt.Println(s.(map[string]any)["Sid"])
		}
	}
	// Output:
	// KeyAdministration
	// DenyGrantsExceptForAWSServices
	// ReaderDecryptViaS3
}

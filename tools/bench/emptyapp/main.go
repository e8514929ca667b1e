// Command emptyapp is the synth floor for `make bench`: a CDK app with one
// empty stack, so that its `cdk synth` time is what jsii and the CLI cost
// before any of securestore's constructs run.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Empty"), nil)
	// A stack needs one resource to synthesize; a wait-condition handle is
	// the cheapest there is.
	awscdk.NewCfnWaitConditionHandle(stack, jsii.String("Nothing"), nil)
	app.Synth(nil)
}

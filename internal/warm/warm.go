package main

import (
	_ "github.com/aws/aws-cdk-go/awscdk/v2"
	_ "github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	_ "github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	_ "github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	_ "github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	_ "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	_ "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	_ "github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	_ "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	_ "github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	_ "github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	_ "github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	_ "github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	_ "github.com/aws/constructs-go/constructs/v10"
	_ "github.com/aws/jsii-runtime-go"
	_ "github.com/cdklabs/cdk-nag-go/cdknag/v2"
	_ "github.com/aws/aws-lambda-go/lambda"
	_ "github.com/aws/aws-lambda-go/events"
	_ "github.com/aws/aws-sdk-go-v2/service/s3"
	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	_ "github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
)

func main() {}

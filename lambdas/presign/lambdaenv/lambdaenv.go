// Package lambdaenv builds the presign function's AWS clients (the SDK's
// S3 and Secrets Manager clients) from the environment Lambda gives every
// function, without the SDK's shared configuration loader
// (aws-sdk-go-v2/config).
//
// Lambda always passes the execution role's credentials as
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN and the
// region as AWS_REGION; it refreshes those credentials by starting a new
// execution environment, so static credentials are correct for the life of
// the process. The loader would read the same variables, after the package
// inits of the STS, SSO, SSO-OIDC and sign-in clients it links (about 1.9 ms
// and 4,400 allocations with GODEBUG=inittrace=1 on the machine of
// tools/bench/analysis.md) and a search for shared configuration files a
// function does not have (about 0.5 ms more): for an empty function's cold
// start of about 2 ms, too much for the 1.3x bound of BenchmarkColdStart in
// ../e2e.
//
// Variables read (all others, including AWS_PROFILE and the shared files,
// are ignored):
//
//	AWS_REGION                        required
//	AWS_ACCESS_KEY_ID                 required
//	AWS_SECRET_ACCESS_KEY             required
//	AWS_SESSION_TOKEN                 optional (always set in Lambda)
//	AWS_ENDPOINT_URL_S3               optional S3 endpoint, else AWS_ENDPOINT_URL
//	AWS_ENDPOINT_URL_SECRETS_MANAGER  optional Secrets Manager endpoint, else AWS_ENDPOINT_URL
//	S3_FORCE_PATH_STYLE               optional, true or false (default false)
//	AWS_USE_FIPS_ENDPOINT             optional, true or false (default false)
//	AWS_USE_DUALSTACK_ENDPOINT        optional, true or false (default false)
package lambdaenv

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Env is the AWS part of a Lambda function's environment.
type Env struct {
	// Region is AWS_REGION: where the function runs and its S3 client signs.
	Region string
	// Credentials are the execution role's temporary credentials.
	Credentials aws.CredentialsProvider
	// S3Endpoint is AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL): a base URL
	// such as http://127.0.0.1:9000 for an S3-compatible server. Default:
	// empty, the region's S3 endpoint.
	S3Endpoint string
	// S3PathStyle is S3_FORCE_PATH_STYLE: the bucket goes in the path, not
	// the host name, as S3-compatible servers usually need. Default: false.
	S3PathStyle bool
	// SecretsManagerEndpoint is AWS_ENDPOINT_URL_SECRETS_MANAGER (or
	// AWS_ENDPOINT_URL). Default: empty, the Secrets Manager endpoint the
	// SDK's endpoint rules give for the secret's own region.
	SecretsManagerEndpoint string
	// FIPS is AWS_USE_FIPS_ENDPOINT. Default: false.
	FIPS bool
	// DualStack is AWS_USE_DUALSTACK_ENDPOINT. Default: false.
	DualStack bool
}

// Load reads Env through getenv (os.Getenv in the function; an empty value
// counts as unset). Every problem is reported at once, each naming its
// variable.
func Load(getenv func(string) string) (Env, error) {
	var (
		e        Env
		problems []string
	)
	e.Region = getenv("AWS_REGION")
	switch {
	case e.Region == "":
		problems = append(problems, "AWS_REGION is not set")
	case !isRegion(e.Region):
		problems = append(problems, fmt.Sprintf("AWS_REGION must be a region name such as eu-west-1, received %q", e.Region))
	}
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" {
		problems = append(problems, "AWS_ACCESS_KEY_ID is not set")
	}
	if secret == "" {
		problems = append(problems, "AWS_SECRET_ACCESS_KEY is not set")
	}
	e.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN")))

	endpoint := func(name string) string {
		v, from := getenv(name), name
		if v == "" {
			v, from = getenv("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL"
		}
		if v == "" {
			return ""
		}
		if err := checkEndpoint(v); err != nil {
			problems = append(problems, fmt.Sprintf("%s %s, received %q", from, err, v))
		}
		return v
	}
	e.S3Endpoint = endpoint("AWS_ENDPOINT_URL_S3")
	e.SecretsManagerEndpoint = endpoint("AWS_ENDPOINT_URL_SECRETS_MANAGER")

	boolean := func(name string) bool {
		v := getenv(name)
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s must be true or false, received %q", name, v))
		}
		return b
	}
	e.S3PathStyle = boolean("S3_FORCE_PATH_STYLE")
	e.FIPS = boolean("AWS_USE_FIPS_ENDPOINT")
	e.DualStack = boolean("AWS_USE_DUALSTACK_ENDPOINT")

	if len(problems) > 0 {
		return Env{}, fmt.Errorf("lambdaenv: %s", strings.Join(problems, "; "))
	}
	return e, nil
}

// isRegion reports whether r can be a region name: lower-case letters,
// digits and inner hyphens (the SDK's endpoint rules check the rest).
func isRegion(r string) bool {
	if r == "" || len(r) > 63 || r[0] == '-' || r[len(r)-1] == '-' {
		return false
	}
	for i := 0; i < len(r); i++ {
		if c := r[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// checkEndpoint accepts an absolute http(s) URL with a host and nothing
// after the path.
func checkEndpoint(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("must be an http or https URL such as http://127.0.0.1:9000")
	}
	return nil
}

// S3Options are the options of the function's S3 client: the region,
// credentials and endpoint settings of e, and checksums only where an
// operation requires one, since presigned uploads are sent by curl and
// browsers that add no trailing checksum.
func (e Env) S3Options() s3.Options {
	o := s3.Options{
		Region:                     e.Region,
		Credentials:                e.Credentials,
		UsePathStyle:               e.S3PathStyle,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
	}
	if e.S3Endpoint != "" {
		o.BaseEndpoint = aws.String(e.S3Endpoint)
	}
	if e.FIPS {
		o.EndpointOptions.UseFIPSEndpoint = aws.FIPSEndpointStateEnabled
	}
	if e.DualStack {
		o.EndpointOptions.UseDualStackEndpoint = aws.DualStackEndpointStateEnabled
	}
	return o
}

// S3 returns the function's S3 client, built from S3Options.
func (e Env) S3() *s3.Client {
	return s3.New(e.S3Options())
}

// SecretsManager returns a Secrets Manager client for region with e's
// credentials and endpoint settings.
func (e Env) SecretsManager(region string) *secretsmanager.Client {
	o := secretsmanager.Options{Region: region, Credentials: e.Credentials}
	if e.SecretsManagerEndpoint != "" {
		o.BaseEndpoint = aws.String(e.SecretsManagerEndpoint)
	}
	if e.FIPS {
		o.EndpointOptions.UseFIPSEndpoint = aws.FIPSEndpointStateEnabled
	}
	if e.DualStack {
		o.EndpointOptions.UseDualStackEndpoint = aws.DualStackEndpointStateEnabled
	}
	return secretsmanager.New(o)
}

// SecretString returns the SecretString of the secret secretARN (a full
// ARN), read with one GetSecretValue call (the SDK retries throttling and
// server errors) in the ARN's own region. A secret that holds SecretBinary
// instead gives "". Its client is made here, on the call: a function that
// never reads a secret never builds one.
func (e Env) SecretString(ctx context.Context, secretARN string) (string, error) {
	a, err := arn.Parse(secretARN)
	if err != nil || a.Service != "secretsmanager" || !isRegion(a.Region) || !strings.HasPrefix(a.Resource, "secret:") {
		return "", fmt.Errorf("secrets manager: %q is not a Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)", secretARN)
	}
	out, err := e.SecretsManager(a.Region).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretARN)})
	if err != nil {
		return "", fmt.Errorf("secrets manager: GetSecretValue %s: %w", secretARN, err)
	}
	return aws.ToString(out.SecretString), nil
}

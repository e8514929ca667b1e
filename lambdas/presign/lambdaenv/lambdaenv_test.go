package lambdaenv

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/securestore/securestore/lambdas/presign/signer"
)

const (
	testBucket = "securestore-dev-data-123456789012-eu-west-1"
	testKeyID  = "AKIAIOSFODNN7EXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// lambdaVars are the AWS variables Lambda sets, plus extra (an empty value
// unsets a variable).
func lambdaVars(extra map[string]string) func(string) string {
	vars := map[string]string{
		"AWS_REGION":            "eu-west-1",
		"AWS_ACCESS_KEY_ID":     testKeyID,
		"AWS_SECRET_ACCESS_KEY": testSecret,
		"AWS_SESSION_TOKEN":     "IQoJb3JpZ2luX2VjE/+token==",
	}
	for k, v := range extra {
		vars[k] = v
	}
	return func(k string) string { return vars[k] }
}

func TestLoad(t *testing.T) {
	cases := []struct {
		name  string
		env   map[string]string
		want  Env // compared without Credentials
		token string
		errs  []string // every one must appear in the error
	}{
		{name: "Lambda", want: Env{Region: "eu-west-1"}, token: "IQoJb3JpZ2luX2VjE/+token=="},
		{name: "no session token", env: map[string]string{"AWS_SESSION_TOKEN": ""}, want: Env{Region: "eu-west-1"}},
		{name: "local S3 server", env: map[string]string{"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000", "S3_FORCE_PATH_STYLE": "true"},
			want: Env{Region: "eu-west-1", S3Endpoint: "http://127.0.0.1:9000", S3PathStyle: true}, token: "IQoJb3JpZ2luX2VjE/+token=="},
		{name: "global endpoint for both services", env: map[string]string{"AWS_ENDPOINT_URL": "https://proxy.example.com"},
			want: Env{Region: "eu-west-1", S3Endpoint: "https://proxy.example.com", SecretsManagerEndpoint: "https://proxy.example.com"}, token: "IQoJb3JpZ2luX2VjE/+token=="},
		{name: "service endpoints win", env: map[string]string{"AWS_ENDPOINT_URL": "https://proxy.example.com", "AWS_ENDPOINT_URL_S3": "http://s3.local:9000", "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm.local:4566"},
			want: Env{Region: "eu-west-1", S3Endpoint: "http://s3.local:9000", SecretsManagerEndpoint: "http://sm.local:4566"}, token: "IQoJb3JpZ2luX2VjE/+token=="},
		{name: "path style off", env: map[string]string{"S3_FORCE_PATH_STYLE": "false"}, want: Env{Region: "eu-west-1"}, token: "IQoJb3JpZ2luX2VjE/+token=="},
		{name: "FIPS and dual-stack", env: map[string]string{"AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "1"},
			want: Env{Region: "eu-west-1", FIPS: true, DualStack: true}, token: "IQoJb3JpZ2luX2VjE/+token=="},

		{name: "no region", env: map[string]string{"AWS_REGION": ""}, errs: []string{"AWS_REGION is not set"}},
		{name: "bad region", env: map[string]string{"AWS_REGION": "EU West 1"}, errs: []string{"AWS_REGION", `"EU West 1"`}},
		{name: "no access key", env: map[string]string{"AWS_ACCESS_KEY_ID": ""}, errs: []string{"AWS_ACCESS_KEY_ID is not set"}},
		{name: "no secret key", env: map[string]string{"AWS_SECRET_ACCESS_KEY": ""}, errs: []string{"AWS_SECRET_ACCESS_KEY is not set"}},
		{name: "nothing at all", env: map[string]string{"AWS_REGION": "", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": ""},
			errs: []string{"AWS_REGION is not set", "AWS_ACCESS_KEY_ID is not set", "AWS_SECRET_ACCESS_KEY is not set"}},
		{name: "bad path style", env: map[string]string{"S3_FORCE_PATH_STYLE": "yes please"}, errs: []string{"S3_FORCE_PATH_STYLE must be true or false", `"yes please"`}},
		{name: "bad FIPS", env: map[string]string{"AWS_USE_FIPS_ENDPOINT": "on"}, errs: []string{"AWS_USE_FIPS_ENDPOINT must be true or false"}},
		{name: "bad dual-stack", env: map[string]string{"AWS_USE_DUALSTACK_ENDPOINT": "enabled"}, errs: []string{"AWS_USE_DUALSTACK_ENDPOINT must be true or false"}},
		{name: "endpoint without scheme", env: map[string]string{"AWS_ENDPOINT_URL_S3": "127.0.0.1:9000"}, errs: []string{"AWS_ENDPOINT_URL_S3 must be an http or https URL"}},
		{name: "endpoint with other scheme", env: map[string]string{"AWS_ENDPOINT_URL_S3": "ftp://minio:9000"}, errs: []string{"AWS_ENDPOINT_URL_S3"}},
		{name: "endpoint with query", env: map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm.local/?a=b"}, errs: []string{"AWS_ENDPOINT_URL_SECRETS_MANAGER"}},
		{name: "bad global endpoint", env: map[string]string{"AWS_ENDPOINT_URL": "localhost"}, errs: []string{"AWS_ENDPOINT_URL must be"}},
		{name: "problems together", env: map[string]string{"AWS_REGION": "", "S3_FORCE_PATH_STYLE": "maybe"}, errs: []string{"AWS_REGION is not set", "S3_FORCE_PATH_STYLE"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env, err := Load(lambdaVars(tc.env))
			if len(tc.errs) > 0 {
				if err == nil {
					t.Fatalf("Load = %+v, want an error", env)
				}
				for _, want := range tc.errs {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("Load error %q does not mention %q", err, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			creds, err := env.Credentials.Retrieve(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if creds.AccessKeyID != testKeyID || creds.SecretAccessKey != testSecret || creds.SessionToken != tc.token || creds.CanExpire {
				t.Errorf("credentials = %+v, want the variables' static values", creds)
			}
			if _, ok := env.Credentials.(*aws.CredentialsCache); !ok {
				t.Errorf("credentials are not cached: %T", env.Credentials)
			}
			env.Credentials = nil
			if env != tc.want {
				t.Errorf("Load = %+v, want %+v", env, tc.want)
			}
		})
	}
}

// TestS3_EndpointAndPathStyle: the client the function builds signs URLs
// for the endpoint and addressing style the variables ask for, and asks
// for no checksums a plain upload would not send.
func TestS3_EndpointAndPathStyle(t *testing.T) {
	cases := []struct {
		name       string
		env        map[string]string
		wantPrefix string
	}{
		{"AWS", nil, "https://" + testBucket + ".s3.eu-west-1.amazonaws.com/k?"},
		{"AWS, path style", map[string]string{"S3_FORCE_PATH_STYLE": "true"}, "https://s3.eu-west-1.amazonaws.com/" + testBucket + "/k?"},
		{"AWS, FIPS", map[string]string{"AWS_REGION": "us-east-1", "AWS_USE_FIPS_ENDPOINT": "true"}, "https://" + testBucket + ".s3-fips.us-east-1.amazonaws.com/k?"},
		{"AWS, dual-stack", map[string]string{"AWS_USE_DUALSTACK_ENDPOINT": "true"}, "https://" + testBucket + ".s3.dualstack.eu-west-1.amazonaws.com/k?"},
		{"China", map[string]string{"AWS_REGION": "cn-north-1"}, "https://" + testBucket + ".s3.cn-north-1.amazonaws.com.cn/k?"},
		{"local server, path style", map[string]string{"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000", "S3_FORCE_PATH_STYLE": "true"}, "http://127.0.0.1:9000/" + testBucket + "/k?"},
		{"local server, virtual-hosted", map[string]string{"AWS_ENDPOINT_URL_S3": "http://minio.local:9000", "S3_FORCE_PATH_STYLE": "false"}, "http://" + testBucket + ".minio.local:9000/k?"},
		{"global endpoint", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:9000", "S3_FORCE_PATH_STYLE": "true"}, "http://127.0.0.1:9000/" + testBucket + "/k?"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env, err := Load(lambdaVars(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			client := env.S3()
			if got := client.Options().RequestChecksumCalculation; got != aws.RequestChecksumCalculationWhenRequired {
				t.Errorf("RequestChecksumCalculation = %v, want WhenRequired", got)
			}
			s, err := signer.New(client, testBucket)
			if err != nil {
				t.Fatal(err)
			}
			u, err := s.Presign(context.Background(), signer.Request{Method: signer.MethodGet, Key: "k", Expires: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(u.URL, tc.wantPrefix) {
				t.Errorf("URL = %s, want prefix %s", u.URL, tc.wantPrefix)
			}
			if !strings.Contains(u.URL, "X-Amz-Security-Token=") {
				t.Errorf("URL %s does not carry the session token", u.URL)
			}
			p, err := s.PresignPost(context.Background(), signer.PostRequest{Key: "k", ContentType: "a/b", MaxBytes: 1, Expires: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.TrimSuffix(tc.wantPrefix, "k?"); strings.TrimSuffix(p.URL, "/")+"/" != want {
				t.Errorf("POST URL = %s, want %s", p.URL, want)
			}
		})
	}
}

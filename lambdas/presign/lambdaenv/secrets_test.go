package lambdaenv

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

const testARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:securestore/cdn-key-AbCdEf"

// answer is one HTTP response of Secrets Manager's JSON 1.1 protocol.
type answer struct {
	status int
	body   string
}

// service records the requests it receives and answers them in turn with
// answers (the last one repeated): the wire of Secrets Manager, which does
// not run here. The SDK's own client and SecretString are sent to it, and
// their requests and readings of the answers compared.
type service struct {
	mu       sync.Mutex
	answers  []answer
	requests []recorded
}

type recorded struct {
	header http.Header
	method string
	path   string
	host   string
	body   []byte
}

func (s *service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	a := s.answers[min(len(s.requests), len(s.answers)-1)]
	s.requests = append(s.requests, recorded{r.Header.Clone(), r.Method, r.URL.Path, r.Host, body})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", "11111111-2222-3333-4444-555555555555")
	w.WriteHeader(a.status)
	io.WriteString(w, a.body)
}

func start(t *testing.T, answers ...answer) (*service, string) {
	t.Helper()
	s := &service{answers: answers}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// testEnv is the Lambda environment with Secrets Manager at endpoint.
func testEnv(t *testing.T, endpoint string) Env {
	t.Helper()
	env, err := Load(lambdaVars(map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": endpoint}))
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func sdkClient(env Env) *secretsmanager.Client {
	return secretsmanager.New(secretsmanager.Options{
		Region:       env.Region,
		Credentials:  env.Credentials,
		BaseEndpoint: aws.String(env.SecretsManagerEndpoint),
	})
}

// verifySignature recomputes the SigV4 signature of r from its signed
// headers and body with the test credentials, at the time it names.
func verifySignature(t *testing.T, who string, r recorded) {
	t.Helper()
	auth := r.header.Get("Authorization")
	var scope, signed, signature string
	for _, part := range strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ", ") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "Credential":
			scope = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			signature = v
		}
	}
	if want := testKeyID + "/" + r.header.Get("X-Amz-Date")[:8] + "/eu-west-1/secretsmanager/aws4_request"; scope != want {
		t.Errorf("%s: credential scope %q, want %q", who, scope, want)
	}
	at, err := time.Parse("20060102T150405Z", r.header.Get("X-Amz-Date"))
	if err != nil {
		t.Fatalf("%s: X-Amz-Date: %v", who, err)
	}
	req, err := http.NewRequest(r.method, "http://"+r.host+r.path, bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Split(signed, ";") {
		if name != "host" && name != "content-length" {
			req.Header[http.CanonicalHeaderKey(name)] = r.header.Values(name)
		}
	}
	if !strings.Contains(";"+signed+";", ";content-length;") {
		req.ContentLength = 0
	}
	hash := sha256.Sum256(r.body)
	creds := aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: r.header.Get("X-Amz-Security-Token")}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(hash[:]), "secretsmanager", "eu-west-1", at); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Authorization"); !strings.HasSuffix(got, "Signature="+signature) || signature == "" {
		t.Errorf("%s: signature %q does not verify (recomputed %q)", who, signature, got)
	}
}

// TestSecretString_SameCallAsTheSDK: SecretString sends the GetSecretValue
// request the SDK's client sends (method, path, protocol headers, body,
// session token, signing scope, a valid signature) and reads every answer
// as the SDK does: the value, a binary secret, and the service's errors.
func TestSecretString_SameCallAsTheSDK(t *testing.T) {
	cases := []struct {
		name    string
		answer  answer
		want    string
		wantErr string
	}{
		{"value", answer{200, `{"ARN":"` + testARN + `","Name":"securestore/cdn-key","SecretString":"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n","VersionId":"v1","VersionStages":["AWSCURRENT"],"CreatedDate":1.7e9}`},
			"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n", ""},
		{"binary secret", answer{200, `{"ARN":"` + testARN + `","SecretBinary":"AAEC","VersionId":"v1"}`}, "", ""},
		{"not found", answer{400, `{"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}`}, "", "ResourceNotFoundException"},
		{"access denied", answer{400, `{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"User is not authorized to perform: secretsmanager:GetSecretValue"}`}, "", "AccessDeniedException"},
		{"KMS refuses", answer{400, `{"__type":"DecryptionFailure","message":"Access to KMS is not allowed"}`}, "", "DecryptionFailure"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			svc, endpoint := start(t, tc.answer)
			env := testEnv(t, endpoint)

			sdkOut, sdkErr := sdkClient(env).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(testARN)})
			got, err := env.SecretString(ctx, testARN)

			if len(svc.requests) != 2 {
				t.Fatalf("%d requests, want one from each", len(svc.requests))
			}
			sdk, own := svc.requests[0], svc.requests[1]
			for _, h := range []string{"Content-Type", "X-Amz-Target", "X-Amz-Security-Token"} {
				if sdk.header.Get(h) == "" || own.header.Get(h) != sdk.header.Get(h) {
					t.Errorf("%s = %q, the SDK sends %q", h, own.header.Get(h), sdk.header.Get(h))
				}
			}
			if own.method != sdk.method || own.path != sdk.path || own.host != sdk.host {
				t.Errorf("request %s %s%s, the SDK sends %s %s%s", own.method, own.host, own.path, sdk.method, sdk.host, sdk.path)
			}
			var sdkBody, ownBody any
			if json.Unmarshal(sdk.body, &sdkBody) != nil || json.Unmarshal(own.body, &ownBody) != nil || !reflect.DeepEqual(sdkBody, ownBody) {
				t.Errorf("body %s, the SDK sends %s", own.body, sdk.body)
			}
			verifySignature(t, "SDK", sdk)
			verifySignature(t, "SecretString", own)

			if tc.wantErr == "" {
				if sdkErr != nil || err != nil {
					t.Fatalf("SDK: %v; SecretString: %v", sdkErr, err)
				}
				if got != aws.ToString(sdkOut.SecretString) || got != tc.want {
					t.Errorf("SecretString = %q, the SDK reads %q, want %q", got, aws.ToString(sdkOut.SecretString), tc.want)
				}
				return
			}
			if sdkErr == nil || !strings.Contains(sdkErr.Error(), tc.wantErr) {
				t.Fatalf("the SDK reads %v, want %s (the answer is not the service's)", sdkErr, tc.wantErr)
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), testARN) || !strings.Contains(err.Error(), "request id 1111") {
				t.Errorf("SecretString error = %v, want %s naming the secret and the request id", err, tc.wantErr)
			}
		})
	}
}

// TestSecretString_Retries: throttling and server errors are tried again,
// up to three calls in all; a refusal is not.
func TestSecretString_Retries(t *testing.T) {
	ok := answer{200, `{"SecretString":"pem"}`}
	throttled := answer{400, `{"__type":"ThrottlingException","Message":"Rate exceeded"}`}
	failing := answer{500, `{"__type":"InternalServiceError","Message":"oops"}`}
	cases := []struct {
		name      string
		answers   []answer
		wantCalls int
		wantErr   string
	}{
		{"first time", []answer{ok}, 1, ""},
		{"after a throttle", []answer{throttled, ok}, 2, ""},
		{"after two server errors", []answer{failing, failing, ok}, 3, ""},
		{"server keeps failing", []answer{failing}, 3, "InternalServiceError"},
		{"not found", []answer{{400, `{"__type":"ResourceNotFoundException","Message":"no"}`}, ok}, 1, "ResourceNotFoundException"},
		{"not JSON", []answer{{502, `<html>Bad Gateway</html>`}}, 3, "Bad Gateway"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc, endpoint := start(t, tc.answers...)
			got, err := testEnv(t, endpoint).SecretString(context.Background(), testARN)
			if len(svc.requests) != tc.wantCalls {
				t.Errorf("%d calls, want %d", len(svc.requests), tc.wantCalls)
			}
			if tc.wantErr == "" {
				if err != nil || got != "pem" {
					t.Errorf("SecretString = %q, %v, want pem", got, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("SecretString = %q, %v, want an error with %s", got, err, tc.wantErr)
			}
		})
	}
}

// TestSecretsManagerEndpoint_SameAsTheSDK: without an endpoint variable, the
// call goes to the endpoint the SDK's rules give for the ARN's region.
func TestSecretsManagerEndpoint_SameAsTheSDK(t *testing.T) {
	resolver := secretsmanager.NewDefaultEndpointResolverV2()
	for _, arn := range []string{
		testARN,
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf",
		"arn:aws:secretsmanager:ap-southeast-5:123456789012:secret:k-AbCdEf",
		"arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:k-AbCdEf",
		"arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:k-AbCdEf",
		"arn:aws-iso:secretsmanager:us-iso-east-1:123456789012:secret:k-AbCdEf",
		"arn:aws-iso-b:secretsmanager:us-isob-east-1:123456789012:secret:k-AbCdEf",
		"arn:aws-iso-e:secretsmanager:eu-isoe-west-1:123456789012:secret:k-AbCdEf",
		"arn:aws-iso-f:secretsmanager:us-isof-south-1:123456789012:secret:k-AbCdEf",
		"arn:aws-eusc:secretsmanager:eusc-de-east-1:123456789012:secret:k-AbCdEf",
	} {
		region := strings.Split(arn, ":")[3]
		want, err := resolver.ResolveEndpoint(context.Background(), secretsmanager.EndpointParameters{Region: aws.String(region), UseFIPS: aws.Bool(false), UseDualStack: aws.Bool(false)})
		if err != nil {
			t.Fatal(err)
		}
		got, signing, err := Env{Region: "eu-west-1"}.secretsManagerEndpoint(arn)
		if err != nil || got != want.URI.String()+"/" || signing != region {
			t.Errorf("endpoint of %s = %q in %q, %v; the SDK's is %s in %s", arn, got, signing, err, want.URI.String(), region)
		}
	}
}

func TestSecretString_RefusesWhatItCannotCall(t *testing.T) {
	env := Env{Region: "eu-west-1", Credentials: aws.AnonymousCredentials{}}
	cases := []struct {
		name, arn string
		env       Env
		want      string
	}{
		{"not an ARN", "securestore/cdn-key", env, "not a Secrets Manager secret ARN"},
		{"another service", "arn:aws:ssm:eu-west-1:123456789012:parameter/k", env, "not a Secrets Manager secret ARN"},
		{"no region", "arn:aws:secretsmanager::123456789012:secret:k", env, "not a Secrets Manager secret ARN"},
		{"unknown partition", "arn:aws-mars:secretsmanager:mars-1:123456789012:secret:k", env, "unknown partition"},
		{"FIPS", testARN, Env{Region: "eu-west-1", Credentials: env.Credentials, FIPS: true}, "AWS_USE_FIPS_ENDPOINT"},
		{"dual-stack", testARN, Env{Region: "eu-west-1", Credentials: env.Credentials, DualStack: true}, "AWS_USE_DUALSTACK_ENDPOINT"},
		{"no credentials", testARN, Env{Region: "eu-west-1"}, "no credentials"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.env.SecretString(context.Background(), tc.arn); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("SecretString(%q) = %v, want an error with %q", tc.arn, err, tc.want)
			}
		})
	}
}

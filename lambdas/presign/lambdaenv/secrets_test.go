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
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

const testARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:securestore/cdn-key-AbCdEf"

// secretsService plays Secrets Manager's side of GetSecretValue on the
// JSON 1.1 wire: it recomputes each request's SigV4 signature with the
// test credentials, for secretsmanager in the credential scope's region,
// and records that region; a secret it knows is answered with answer.
type secretsService struct {
	answer  map[string]any
	regions []string
}

func (s *secretsService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var in struct{ SecretId string }
	fail := func(status int, code string) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": code + " from the test service"})
	}
	if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || json.Unmarshal(body, &in) != nil {
		fail(http.StatusBadRequest, "InvalidRequestException")
		return
	}
	region, ok := verifySigV4(r, body, aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: r.Header.Get("X-Amz-Security-Token")}, "secretsmanager")
	if !ok {
		fail(http.StatusForbidden, "InvalidSignatureException")
		return
	}
	s.regions = append(s.regions, region)
	if in.SecretId != testARN {
		fail(http.StatusBadRequest, "ResourceNotFoundException")
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(s.answer)
}

// verifySigV4 recomputes r's SigV4 signature for service, with every header
// the request says it signed, in its credential scope's region at its
// X-Amz-Date, and reports that region and whether the two signatures agree.
func verifySigV4(r *http.Request, body []byte, creds aws.Credentials, service string) (string, bool) {
	auth := r.Header.Get("Authorization")
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	fields := strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ", ")
	if err != nil || len(fields) != 3 || !strings.HasPrefix(fields[0], "Credential="+creds.AccessKeyID+"/") {
		return "", false
	}
	scope := strings.Split(strings.TrimPrefix(fields[0], "Credential="), "/")
	if len(scope) != 5 || scope[3] != service {
		return "", false
	}
	again, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return "", false
	}
	for _, h := range strings.Split(strings.TrimPrefix(fields[1], "SignedHeaders="), ";") {
		if h != "host" && h != "content-length" && h != "x-amz-date" {
			again.Header.Set(h, r.Header.Get(h))
		}
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(r.Context(), creds, again, hex.EncodeToString(sum[:]), service, scope[2], at); err != nil {
		return "", false
	}
	return scope[2], again.Header.Get("Authorization") == auth
}

func startSecrets(t *testing.T, answer map[string]any) (*secretsService, string) {
	t.Helper()
	s := &secretsService{answer: answer}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// TestSecretString_ReadsTheSecretInItsRegion: the call goes to the
// endpoint variable's server, signed with the environment's credentials
// for the ARN's region (not the function's), and returns SecretString.
func TestSecretString_ReadsTheSecretInItsRegion(t *testing.T) {
	svc, endpoint := startSecrets(t, map[string]any{"ARN": testARN, "Name": "securestore/cdn-key", "SecretString": "-----BEGIN PRIVATE KEY-----\n...", "VersionId": "v1"})
	env, err := Load(lambdaVars(map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": endpoint}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := env.SecretString(context.Background(), testARN)
	if err != nil {
		t.Fatal(err)
	}
	if got != "-----BEGIN PRIVATE KEY-----\n..." {
		t.Errorf("SecretString = %q", got)
	}
	if len(svc.regions) != 1 || svc.regions[0] != "us-east-1" {
		t.Errorf("signed for regions %v, want one call for us-east-1", svc.regions)
	}
}

// TestSecretString_Binary: a secret that holds SecretBinary reads as "",
// which cdnsign.LoadKey explains.
func TestSecretString_Binary(t *testing.T) {
	_, endpoint := startSecrets(t, map[string]any{"ARN": testARN, "SecretBinary": "AAEC"})
	env, err := Load(lambdaVars(map[string]string{"AWS_ENDPOINT_URL": endpoint}))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := env.SecretString(context.Background(), testARN); err != nil || got != "" {
		t.Errorf("SecretString = %q, %v; want \"\", nil", got, err)
	}
}

// TestSecretString_Errors: the service's error code and the ARN reach the
// caller; what is not a secret ARN is refused without a call.
func TestSecretString_Errors(t *testing.T) {
	svc, endpoint := startSecrets(t, map[string]any{"SecretString": "x"})
	env, err := Load(lambdaVars(map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": endpoint}))
	if err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(testARN, "cdn-key", "other", 1)
	if _, err := env.SecretString(context.Background(), other); err == nil || !strings.Contains(err.Error(), "ResourceNotFoundException") || !strings.Contains(err.Error(), other) {
		t.Errorf("unknown secret: %v", err)
	}
	calls := len(svc.regions)
	for _, bad := range []string{"", "securestore/cdn-key", "arn:aws:s3:::bucket", "arn:aws:secretsmanager::123456789012:secret:x", "arn:aws:secretsmanager:us-east-1:123456789012:key/x"} {
		if _, err := env.SecretString(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "not a Secrets Manager secret ARN") {
			t.Errorf("SecretString(%q) = %v", bad, err)
		}
	}
	if len(svc.regions) != calls {
		t.Errorf("a malformed ARN was sent to the service")
	}
}

// TestSecretsManager_Endpoints: the client goes to the endpoint variable's
// URL if set, else where the SDK's endpoint rules send it for the region
// and the FIPS variable.
func TestSecretsManager_Endpoints(t *testing.T) {
	cases := []struct {
		env    map[string]string
		region string
		want   string
	}{
		{nil, "us-east-1", "https://secretsmanager.us-east-1.amazonaws.com"},
		{nil, "cn-north-1", "https://secretsmanager.cn-north-1.amazonaws.com.cn"},
		{map[string]string{"AWS_USE_FIPS_ENDPOINT": "true"}, "us-east-1", "https://secretsmanager-fips.us-east-1.amazonaws.com"},
		{map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:4566"}, "eu-west-1", "http://127.0.0.1:4566"},
	}
	for _, tc := range cases {
		env, err := Load(lambdaVars(tc.env))
		if err != nil {
			t.Fatal(err)
		}
		o := env.SecretsManager(tc.region).Options()
		ep, err := o.EndpointResolverV2.ResolveEndpoint(context.Background(), secretsmanager.EndpointParameters{
			Region: aws.String(o.Region), Endpoint: o.BaseEndpoint,
			UseFIPS:      aws.Bool(o.EndpointOptions.UseFIPSEndpoint == aws.FIPSEndpointStateEnabled),
			UseDualStack: aws.Bool(o.EndpointOptions.UseDualStackEndpoint == aws.DualStackEndpointStateEnabled),
		})
		if err != nil {
			t.Fatalf("%v %s: %v", tc.env, tc.region, err)
		}
		if got := ep.URI.String(); got != tc.want {
			t.Errorf("%v %s: endpoint %s, want %s", tc.env, tc.region, got, tc.want)
		}
	}
}

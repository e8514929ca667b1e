package lambdaenv

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// dnsSuffixes are the partitions' DNS suffixes (the SDK's partitions.json
// in aws-sdk-go-v2 v1.47.7), keyed by the partition an ARN names.
var dnsSuffixes = map[string]string{
	"aws":        "amazonaws.com",
	"aws-cn":     "amazonaws.com.cn",
	"aws-us-gov": "amazonaws.com",
	"aws-eusc":   "amazonaws.eu",
	"aws-iso":    "c2s.ic.gov",
	"aws-iso-b":  "sc2s.sgov.gov",
	"aws-iso-e":  "cloud.adc-e.uk",
	"aws-iso-f":  "csp.hci.ic.gov",
}

// secretAttempts bounds the GetSecretValue calls SecretString makes when
// the service is throttling or failing (the SDK's standard retryer makes 3).
const secretAttempts = 3

// secretsHTTP is the HTTP client of SecretString: each call is bounded.
var secretsHTTP = &http.Client{Timeout: 5 * time.Second}

// secretsManagerEndpoint is the Secrets Manager endpoint and signing
// region for the secret secretARN: SecretsManagerEndpoint of e if set, else the endpoint of the
// ARN's own region and partition (which the SDK's endpoint rules give for
// that region; FIPS and dual-stack endpoints are not derived here).
func (e Env) secretsManagerEndpoint(secretARN string) (endpoint, region string, err error) {
	parts := strings.SplitN(secretARN, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "secretsmanager" || !isRegion(parts[3]) || parts[6] == "" {
		return "", "", fmt.Errorf("%q is not a Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)", secretARN)
	}
	region = parts[3]
	if e.SecretsManagerEndpoint != "" {
		return strings.TrimSuffix(e.SecretsManagerEndpoint, "/") + "/", region, nil
	}
	if e.FIPS || e.DualStack {
		return "", "", errors.New("AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT are not supported for Secrets Manager: set AWS_ENDPOINT_URL_SECRETS_MANAGER to the endpoint to use")
	}
	suffix, ok := dnsSuffixes[parts[1]]
	if !ok {
		return "", "", fmt.Errorf("unknown partition %q in %s: set AWS_ENDPOINT_URL_SECRETS_MANAGER", parts[1], secretARN)
	}
	return "https://secretsmanager." + region + "." + suffix + "/", region, nil
}

// SecretString returns the SecretString of the secret secretARN (a full
// ARN), read with one Secrets Manager GetSecretValue call (retried up to
// three times while the service throttles or fails) in the ARN's own region
// with e's credentials. A secret that holds SecretBinary instead gives "".
//
// This is the service's JSON 1.1 API signed with SigV4, the request the
// SDK's secretsmanager client sends (the tests compare the two), without
// the package inits of that client, which a function that reads one secret
// once pays on every cold start.
func (e Env) SecretString(ctx context.Context, secretARN string) (string, error) {
	endpoint, region, err := e.secretsManagerEndpoint(secretARN)
	if err != nil {
		return "", fmt.Errorf("secrets manager: %w", err)
	}
	if e.Credentials == nil {
		return "", errors.New("secrets manager: no credentials")
	}
	body, err := json.Marshal(struct{ SecretId string }{secretARN})
	if err != nil {
		return "", fmt.Errorf("secrets manager: %w", err)
	}
	hash := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(hash[:])
	signer := v4.NewSigner()
	var last error
	for attempt := range secretAttempts {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return "", fmt.Errorf("secrets manager: GetSecretValue %s: %w (after %v)", secretARN, ctx.Err(), last)
			case <-time.After(time.Duration(50<<attempt) * time.Millisecond):
			}
		}
		creds, err := e.Credentials.Retrieve(ctx)
		if err != nil {
			return "", fmt.Errorf("secrets manager: credentials: %w", err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
		if err != nil {
			return "", fmt.Errorf("secrets manager: %w", err)
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "secretsmanager.GetSecretValue")
		if err := signer.SignHTTP(ctx, creds, req, payloadHash, "secretsmanager", region, time.Now().UTC()); err != nil {
			return "", fmt.Errorf("secrets manager: sign: %w", err)
		}
		value, retry, err := getSecretValue(req)
		if err == nil {
			return value, nil
		}
		last = fmt.Errorf("secrets manager: GetSecretValue %s: %w", secretARN, err)
		if !retry {
			return "", last
		}
	}
	return "", last
}

// getSecretValue sends req and reads the answer: the SecretString, or an
// error with the service's error code and message, and whether trying
// again may help.
func getSecretValue(req *http.Request) (value string, retry bool, err error) {
	resp, err := secretsHTTP.Do(req)
	if err != nil {
		return "", req.Context().Err() == nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", true, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode == http.StatusOK {
		var out struct{ SecretString *string }
		if err := json.Unmarshal(raw, &out); err != nil {
			return "", false, fmt.Errorf("response is not GetSecretValue's JSON: %w", err)
		}
		if out.SecretString == nil {
			return "", false, nil
		}
		return *out.SecretString, false, nil
	}
	var fault struct {
		Type     string `json:"__type"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	_ = json.Unmarshal(raw, &fault) // a body that is not JSON leaves the status alone to explain
	code := fault.Type
	if code == "" {
		code = resp.Header.Get("X-Amzn-Errortype")
	}
	// Codes arrive as "Name", "Name:detail" or "namespace#Name".
	code = code[strings.LastIndexByte(code, '#')+1:]
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if code == "" {
		code = http.StatusText(resp.StatusCode)
	}
	msg := fault.Message
	if msg == "" {
		msg = fault.MessageU
	}
	retry = resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests ||
		code == "ThrottlingException" || code == "RequestLimitExceeded"
	return "", retry, fmt.Errorf("%s: %s (HTTP %d, request id %s)", code, msg, resp.StatusCode, resp.Header.Get("X-Amzn-Requestid"))
}

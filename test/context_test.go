package test

import (
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/internal/testkit/cdktest"
	"github.com/securestore/securestore/stacks"
)

const secretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf"

// buildError parses ctx (with a viewer key, unless ctx sets one), which
// config must accept, builds the environment and returns the construct's
// refusal as ContextError words it.
func buildError(t *testing.T, ctx map[string]any) error {
	t.Helper()
	if _, ok := ctx["cdnPublicKeyPem"]; !ok && ctx["cdnUnsafePublicReads"] == nil {
		pemText, err := os.ReadFile("../constructs/privatecdn/testdata/viewer_rsa2048.pem")
		if err != nil {
			t.Fatal(err)
		}
		ctx["cdnPublicKeyPem"] = string(pemText)
	}
	cfg, err := config.Parse(ctx)
	if err != nil {
		t.Fatalf("config.Parse: %v", err)
	}
	verr := cdktest.Invalid(t, func() { stacks.Build(awscdk.NewApp(nil), cfg) })
	if verr == nil {
		t.Fatal("Build succeeded, want a construct to refuse the value")
	}
	return stacks.ContextError(cfg, verr)
}

// TestContextError_NamesTheKeyTyped: a value that only a construct checks
// fails synth with the construct's message, naming the context key, never
// the construct's prop.
func TestContextError_NamesTheKeyTyped(t *testing.T) {
	cases := []struct {
		name   string
		ctx    map[string]any
		want   []string
		absent []string
	}{
		{"bucket name prefix", map[string]any{"bucketNamePrefix": "Not_A_Prefix"},
			[]string{`context key "bucketNamePrefix" (string)`, `"Not_A_Prefix"`}, []string{"BucketNamePrefix"}},
		{"bucket name from an environment block", map[string]any{"environments": map[string]any{"dev": map[string]any{"bucketName": "Not_A_Bucket"}}},
			[]string{`context key "environments.dev.bucketName"`, `"Not_A_Bucket"`}, []string{"BucketName:"}},
		{"cors origin", map[string]any{"corsAllowedOrigins": "https://ok.example.com,ftp://x"},
			[]string{`context key "corsAllowedOrigins"`, `"ftp://x"`}, []string{"CorsAllowedOrigins"}},
		{"zero lifecycle days", map[string]any{"abortIncompleteUploadDays": 0.0},
			[]string{`"abortIncompleteUploadDays"`, "at least 1", "received 0"}, nil},
		{"lock without days", map[string]any{"objectLockMode": "GOVERNANCE"},
			[]string{`"objectLockDays"`, "at least 1"}, []string{"ObjectLock"}},
		{"bad lock mode", map[string]any{"objectLockMode": "FOREVER", "objectLockDays": 1.0},
			[]string{`"objectLockMode"`, `"FOREVER"`}, nil},
		{"key alias", map[string]any{"keyAlias": "my-key"},
			[]string{`"keyAlias"`, `"my-key"`}, nil},
		{"malware prefixes", map[string]any{"malwareScanning": true, "malwareScanPrefixes": "users/,/abs/,x"},
			[]string{`"malwareScanPrefixes"`, `"x"`}, []string{"Prefixes:"}},
		{"bad access level", map[string]any{"cdnAccess": "read,admin"},
			[]string{`"cdnAccess"`, `"admin"`}, nil},
		{"unsigned writes", map[string]any{"cdnUnsafePublicReads": true, "cdnAccess": "read,write"},
			[]string{`"cdnUnsafePublicReads"`, "cdnAccess", "always need a signed URL"}, []string{"UnsafeAllowUnsignedReads", "with Access"}},
		{"unsigned with a key", map[string]any{"cdnUnsafePublicReads": true, "cdnPublicKeyPem": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"},
			[]string{`"cdnPublicKeyPem"`, "must be empty with cdnUnsafePublicReads"}, nil},
		{"certificate without domain", map[string]any{"cdnCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"},
			[]string{`"cdnDomainNames"`, "cdnCertificateArn"}, nil},
		{"both geo lists", map[string]any{"cdnGeoAllow": "DE", "cdnGeoDeny": "FR"},
			[]string{`"cdnGeoAllow"`, "cdnGeoDeny"}, []string{"GeoDenyList"}},
		{"rate limit too low", map[string]any{"cdnWaf": true, "cdnWafRateLimit": 5.0},
			[]string{`"cdnWafRateLimit"`, "received 5"}, nil},
		{"bad tier", map[string]any{"tiers": "Tier One"},
			[]string{`"tiers"`, `"Tier One"`}, nil},
		{"{sub} as the first segment", map[string]any{"accessRules": `[{"prefix":"{sub}/","groups":["*"],"methods":["GET"]}]`},
			[]string{`"accessRules"`, "must not be the first segment"}, nil},
		{"a method opened again under a Deny", map[string]any{"accessRules": `[{"prefix":"r/","groups":["*"],"methods":["GET","PUT"]},{"prefix":"r/f/","groups":["*"],"methods":["GET"]},{"prefix":"r/f/d/","groups":["*"],"methods":["PUT"]}]`},
			[]string{`"accessRules"`, `"r/f/d/" allows PUT`}, nil},
		{"URL lifetime over the longest", map[string]any{"urlTtlSeconds": 50000.0},
			[]string{`"urlTtlSeconds"`}, []string{"URLTTL"}},
		{"upload limit over S3's largest object", map[string]any{"maxUploadBytes": 53687091200001.0},
			[]string{`"maxUploadBytes"`, "53687091200001"}, nil},
		{"bad secret arn", map[string]any{"cdnPrivateKeySecretArn": "my-secret"},
			[]string{`"cdnPrivateKeySecretArn"`, "Secrets Manager"}, nil},
		{"CDN delivery on a distribution that writes", map[string]any{"cdnPrivateKeySecretArn": secretArn, "cdnAccess": "read,write"},
			[]string{`"cdnAccess"`, "does not bind the method"}, nil},
		{"zero throttle rate", map[string]any{"apiThrottleRate": "0"},
			[]string{`"apiThrottleRate" (number)`, "received 0"}, nil},
		{"alarm over 100 percent", map[string]any{"alarmApi4xxPercent": 150.0},
			[]string{`"alarmApi4xxPercent"`, "received 150"}, []string{"Thresholds"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := buildError(t, tc.ctx).Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(msg, a) {
					t.Errorf("error %q names the construct's %q", msg, a)
				}
			}
		})
	}
}

// TestPropKeys_NameContextKeys: every key the table maps a prop to is one
// config reads.
func TestPropKeys_NameContextKeys(t *testing.T) {
	keys := map[string]bool{}
	for _, k := range config.Keys {
		keys[k.Name] = true
	}
	for path, props := range stacks.PropKeys {
		for prop, key := range props {
			if !keys[key] {
				t.Errorf("stacks.PropKeys[%q][%q] = %q, which is not a context key", path, prop, key)
			}
		}
	}
}

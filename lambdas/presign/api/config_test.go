package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/securestore/securestore/lambdas/presign/api"
	"github.com/securestore/securestore/lambdas/presign/settings"
)

const rulesJSON = `[{"prefix":"tier-1/","groups":["tier-1","tier-2"],"methods":["GET"]},{"prefix":"users/{sub}/","groups":["*"],"methods":["GET","PUT","DELETE"]}]`

func TestConfigFromEnv(t *testing.T) {
	base := map[string]string{
		"BUCKET_NAME":  "securestore-data-123456789012-eu-west-1",
		"ACCESS_RULES": rulesJSON,
	}
	cdn := map[string]string{
		"CDN_DOMAIN":                 "d111111abcdef8.cloudfront.net",
		"CDN_KEY_PAIR_ID":            "K2JCJMDEHXQW5F",
		"CDN_PRIVATE_KEY_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:securestore/cdn-key-AbCdEf",
	}
	cases := []struct {
		name    string
		env     map[string]string // over base; "" unsets
		wantErr []string          // variable names the error must name
		check   func(t *testing.T, c api.Config)
	}{
		{name: "defaults", check: func(t *testing.T, c api.Config) {
			if c.MaxTTL != 300*time.Second || c.MaxUploadBytes != 100<<20 || c.CDN != nil || c.AllowedOrigins != nil || len(c.Rules) != 2 || c.Bucket != base["BUCKET_NAME"] {
				t.Errorf("config = %+v", c)
			}
		}},
		{name: "everything set", env: merge(cdn, map[string]string{"URL_TTL_SECONDS": "900", "MAX_UPLOAD_BYTES": "1048576", "ALLOWED_ORIGINS": "https://app.example.com, http://localhost:3000"}), check: func(t *testing.T, c api.Config) {
			if c.MaxTTL != 900*time.Second || c.MaxUploadBytes != 1<<20 || c.CDN == nil || c.CDN.Domain != cdn["CDN_DOMAIN"] || c.CDN.KeyPairID != cdn["CDN_KEY_PAIR_ID"] || c.CDN.PrivateKeySecretARN != cdn["CDN_PRIVATE_KEY_SECRET_ARN"] {
				t.Errorf("config = %+v", c)
			}
			if len(c.AllowedOrigins) != 2 || c.AllowedOrigins[1] != "http://localhost:3000" {
				t.Errorf("origins = %q", c.AllowedOrigins)
			}
		}},
		{name: "TTL at the maximum a role session allows", env: map[string]string{"URL_TTL_SECONDS": "43200"}, check: func(t *testing.T, c api.Config) {
			if c.MaxTTL != 12*time.Hour {
				t.Errorf("MaxTTL = %v", c.MaxTTL)
			}
		}},
		{name: "no bucket", env: map[string]string{"BUCKET_NAME": ""}, wantErr: []string{"BUCKET_NAME"}},
		{name: "bad bucket", env: map[string]string{"BUCKET_NAME": "My_Bucket"}, wantErr: []string{"BUCKET_NAME"}},
		{name: "no rules", env: map[string]string{"ACCESS_RULES": ""}, wantErr: []string{"ACCESS_RULES"}},
		{name: "rules not JSON", env: map[string]string{"ACCESS_RULES": "tier-1"}, wantErr: []string{"ACCESS_RULES"}},
		{name: "rules with a wildcard prefix", env: map[string]string{"ACCESS_RULES": `[{"prefix":"*","groups":["*"],"methods":["GET"]}]`}, wantErr: []string{"ACCESS_RULES"}},
		{name: "TTL zero", env: map[string]string{"URL_TTL_SECONDS": "0"}, wantErr: []string{"URL_TTL_SECONDS"}},
		{name: "TTL over 12 hours", env: map[string]string{"URL_TTL_SECONDS": "43201"}, wantErr: []string{"URL_TTL_SECONDS"}},
		{name: "TTL with a unit", env: map[string]string{"URL_TTL_SECONDS": "5m"}, wantErr: []string{"URL_TTL_SECONDS"}},
		{name: "upload limit zero", env: map[string]string{"MAX_UPLOAD_BYTES": "0"}, wantErr: []string{"MAX_UPLOAD_BYTES"}},
		{name: "upload limit negative", env: map[string]string{"MAX_UPLOAD_BYTES": "-1"}, wantErr: []string{"MAX_UPLOAD_BYTES"}},
		{name: "upload limit over 5 GiB, for multipart", env: map[string]string{"MAX_UPLOAD_BYTES": "5368709121"}, check: func(t *testing.T, c api.Config) {
			if c.MaxUploadBytes != 5<<30+1 {
				t.Errorf("MaxUploadBytes = %d", c.MaxUploadBytes)
			}
		}},
		{name: "upload limit at S3's largest object", env: map[string]string{"MAX_UPLOAD_BYTES": "53687091200000"}, check: func(t *testing.T, c api.Config) {
			if c.MaxUploadBytes != settings.MaxObjectBytes {
				t.Errorf("MaxUploadBytes = %d", c.MaxUploadBytes)
			}
		}},
		{name: "upload limit over S3's largest object", env: map[string]string{"MAX_UPLOAD_BYTES": "53687091200001"}, wantErr: []string{"MAX_UPLOAD_BYTES"}},
		{name: "cookie domain", env: merge(cdn, map[string]string{"CDN_DOMAIN": "media.example.com", "CDN_COOKIE_DOMAIN": "example.com"}), check: func(t *testing.T, c api.Config) {
			if c.CDN == nil || c.CDN.CookieDomain != "example.com" {
				t.Errorf("CDN = %+v", c.CDN)
			}
		}},
		{name: "cookie domain without a CDN", env: map[string]string{"CDN_COOKIE_DOMAIN": "example.com"}, wantErr: []string{"CDN_COOKIE_DOMAIN"}},
		{name: "cookie domain not a parent", env: merge(cdn, map[string]string{"CDN_DOMAIN": "media.example.com", "CDN_COOKIE_DOMAIN": "example.org"}), wantErr: []string{"CDN_COOKIE_DOMAIN"}},
		{name: "cookie domain a suffix but not a parent", env: merge(cdn, map[string]string{"CDN_DOMAIN": "media.badexample.com", "CDN_COOKIE_DOMAIN": "example.com"}), wantErr: []string{"CDN_COOKIE_DOMAIN"}},
		{name: "cookie domain cloudfront.net", env: merge(cdn, map[string]string{"CDN_COOKIE_DOMAIN": "cloudfront.net"}), wantErr: []string{"CDN_COOKIE_DOMAIN"}},
		{name: "cookie domain the distribution's cloudfront.net name", env: merge(cdn, map[string]string{"CDN_COOKIE_DOMAIN": "d111111abcdef8.cloudfront.net"}), wantErr: []string{"CDN_COOKIE_DOMAIN"}},
		{name: "cookie domain a top-level domain", env: merge(cdn, map[string]string{"CDN_DOMAIN": "media.example.com", "CDN_COOKIE_DOMAIN": "com"}), wantErr: []string{"CDN_COOKIE_DOMAIN"}},
		{name: "upload limit not a number", env: map[string]string{"MAX_UPLOAD_BYTES": "100MB"}, wantErr: []string{"MAX_UPLOAD_BYTES"}},
		{name: "CDN domain alone", env: map[string]string{"CDN_DOMAIN": cdn["CDN_DOMAIN"]}, wantErr: []string{"CDN_KEY_PAIR_ID", "CDN_PRIVATE_KEY_SECRET_ARN"}},
		{name: "CDN without a domain", env: merge(cdn, map[string]string{"CDN_DOMAIN": ""}), wantErr: []string{"CDN_DOMAIN"}},
		{name: "CDN domain with a scheme", env: merge(cdn, map[string]string{"CDN_DOMAIN": "https://d111111abcdef8.cloudfront.net"}), wantErr: []string{"CDN_DOMAIN"}},
		{name: "CDN key pair id lower case", env: merge(cdn, map[string]string{"CDN_KEY_PAIR_ID": "k2jc"}), wantErr: []string{"CDN_KEY_PAIR_ID"}},
		{name: "CDN secret not an ARN", env: merge(cdn, map[string]string{"CDN_PRIVATE_KEY_SECRET_ARN": "cdn-key"}), wantErr: []string{"CDN_PRIVATE_KEY_SECRET_ARN"}},
		{name: "CDN secret ARN of another service", env: merge(cdn, map[string]string{"CDN_PRIVATE_KEY_SECRET_ARN": "arn:aws:ssm:eu-west-1:123456789012:parameter/cdn-key"}), wantErr: []string{"CDN_PRIVATE_KEY_SECRET_ARN"}},
		{name: "origin wildcard", env: map[string]string{"ALLOWED_ORIGINS": "*"}, wantErr: []string{"ALLOWED_ORIGINS"}},
		{name: "origin with a path", env: map[string]string{"ALLOWED_ORIGINS": "https://app.example.com/"}, wantErr: []string{"ALLOWED_ORIGINS"}},
		{name: "origin without a scheme", env: map[string]string{"ALLOWED_ORIGINS": "app.example.com"}, wantErr: []string{"ALLOWED_ORIGINS"}},
		{name: "origin empty in the list", env: map[string]string{"ALLOWED_ORIGINS": "https://a.example.com,,https://b.example.com"}, wantErr: []string{"ALLOWED_ORIGINS"}},
		{name: "origin null", env: map[string]string{"ALLOWED_ORIGINS": "null"}, wantErr: []string{"ALLOWED_ORIGINS"}},
		{name: "every problem at once", env: map[string]string{"BUCKET_NAME": "", "ACCESS_RULES": "", "URL_TTL_SECONDS": "x", "MAX_UPLOAD_BYTES": "x"}, wantErr: []string{"BUCKET_NAME", "ACCESS_RULES", "URL_TTL_SECONDS", "MAX_UPLOAD_BYTES"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := merge(base, tc.env)
			c, err := api.ConfigFromEnv(func(k string) string { return env[k] })
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error; config %+v", c)
				}
				for _, name := range tc.wantErr {
					if !strings.Contains(err.Error(), name+":") {
						t.Errorf("error does not name %s: %v", name, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			tc.check(t, c)
		})
	}
}

func merge(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func TestNew_Refuses(t *testing.T) {
	good := api.Config{Bucket: testBucket, Rules: testRules, MaxTTL: 300 * time.Second, MaxUploadBytes: 1}
	cases := []struct {
		name string
		cfg  api.Config
		deps api.Deps
		want string
	}{
		{"no presigner", good, api.Deps{}, "no Presigner"},
		{"CDN without a signer", func() api.Config { c := good; c.CDN = &api.CDNConfig{}; return c }(), api.Deps{Presigner: realS3(t)}, "no CDN URL signer"},
		{"no rules", func() api.Config { c := good; c.Rules = nil; return c }(), api.Deps{Presigner: realS3(t)}, "Rules"},
		{"fractional TTL", func() api.Config { c := good; c.MaxTTL = 1500 * time.Millisecond; return c }(), api.Deps{Presigner: realS3(t)}, "MaxTTL"},
		{"no upload limit", func() api.Config { c := good; c.MaxUploadBytes = 0; return c }(), api.Deps{Presigner: realS3(t)}, "MaxUploadBytes"},
		{"bad origin", func() api.Config { c := good; c.AllowedOrigins = []string{"*"}; return c }(), api.Deps{Presigner: realS3(t)}, "AllowedOrigins"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := api.New(tc.cfg, tc.deps)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

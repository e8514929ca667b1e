package test

import (
	"os"
	"strings"
	"testing"

	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/constructs/audittrail"
	"github.com/securestore/securestore/constructs/privatebucket"
)

// withViewerKey adds the one key a CDN-enabled configuration cannot do
// without: the viewer public key.
func withViewerKey(t *testing.T, ctx map[string]any) map[string]any {
	t.Helper()
	pemText, err := os.ReadFile("../constructs/privatecdn/testdata/viewer_rsa2048.pem")
	if err != nil {
		t.Fatal(err)
	}
	ctx["cdnPublicKeyPem"] = string(pemText)
	return ctx
}

func TestParse_DefaultsNeedOnlyTheViewerKey(t *testing.T) {
	if _, err := config.Parse(map[string]any{}); err == nil || !strings.Contains(err.Error(), `context key "cdnPublicKeyPem": required`) {
		t.Fatalf("config.Parse(empty) = %v, want the missing viewer key named", err)
	}
	c, err := config.Parse(withViewerKey(t, map[string]any{}))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.Env != "dev" || c.URLTTLSeconds != 300 || c.MFA != "optional" || c.BucketNamePrefix != "securestore-dev-data" ||
		c.KeyAlias != "alias/securestore/dev/data" || len(c.NagPacks) != 5 || strings.Join(c.Tiers, ",") != "tier-1,tier-2" ||
		strings.Join(c.CDNAccess, ",") != "read" || !c.CDNEnabled || c.CDNUnsafePublicReads {
		t.Errorf("unexpected defaults: %+v", c)
	}
}

func TestParse_EnvironmentBlockThenTopLevelOverride(t *testing.T) {
	ctx := map[string]any{
		"env": "prod",
		"environments": map[string]any{
			"prod": map[string]any{"mfa": "required", "urlTtlSeconds": 120.0, "logRetentionDays": 731.0},
			"dev":  map[string]any{"urlTtlSeconds": 900.0},
		},
		"urlTtlSeconds": "60", // a -c flag arrives as a string and wins
	}
	c, err := config.Parse(withViewerKey(t, ctx))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.Env != "prod" || c.MFA != "required" || c.URLTTLSeconds != 60 || c.LogRetentionDays != 731 || c.BucketNamePrefix != "securestore-prod-data" {
		t.Errorf("got %+v", c)
	}
}

func TestParse_ListsFromJSONOrCommas(t *testing.T) {
	for _, raw := range []any{`["read","write"]`, "read, write", []any{"read", "write"}} {
		c, err := config.Parse(withViewerKey(t, map[string]any{"cdnAccess": raw}))
		if err != nil {
			t.Fatalf("config.Parse(%v): %v", raw, err)
		}
		if strings.Join(c.CDNAccess, ",") != "read,write" {
			t.Errorf("cdnAccess from %v = %v", raw, c.CDNAccess)
		}
	}
}

func TestParse_IgnoresCDKKeys(t *testing.T) {
	_, err := config.Parse(map[string]any{
		"cdnEnabled": false,
		"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": true,
		"aws:cdk:enable-path-metadata":                    true,
		"acknowledged-issue-numbers":                      []any{1.0},
		"cdk-nag:ignore":                                  "x",
	})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
}

func TestParse_RejectsWithKeyName(t *testing.T) {
	cases := []struct {
		name string
		ctx  map[string]any
		want []string
	}{
		{"unknown key", map[string]any{"bucketname": "x"}, []string{`unknown context key "bucketname"`, "bucketName"}},
		{"unknown key in environment", map[string]any{"environments": map[string]any{"prod": map[string]any{"mfaa": "x"}}}, []string{`"mfaa" in environments.prod`}},
		{"bad integer", map[string]any{"urlTtlSeconds": "soon"}, []string{`"urlTtlSeconds"`, "whole number", `"soon"`}},
		{"negative noncurrent days", map[string]any{"noncurrentVersionExpirationDays": "-3"}, []string{`"noncurrentVersionExpirationDays"`, "received -3"}},
		{"fraction", map[string]any{"accessLogRetentionDays": 1.5}, []string{`"accessLogRetentionDays"`, "whole number"}},
		{"bad bool", map[string]any{"eventBridge": "yes"}, []string{`"eventBridge"`, "true or false"}},
		{"bad enum", map[string]any{"mfa": "sometimes"}, []string{`"mfa"`, `"optional", "required"`, `"sometimes"`}},
		{"bad nag pack", map[string]any{"nagPacks": "AwsSolutions,NIST"}, []string{`"nagPacks"`, `"NIST"`}},
		{"bad env name", map[string]any{"env": "Prod!"}, []string{`"env"`, `"Prod!"`}},
		{"bad retention", map[string]any{"logRetentionDays": 42.0}, []string{`"logRetentionDays"`, "received 42"}},
		{"value from environment named", map[string]any{"environments": map[string]any{"dev": map[string]any{"urlTtlSeconds": "x"}}}, []string{`"environments.dev.urlTtlSeconds"`}},
		{"bad list element", map[string]any{"tiers": []any{"tier-1", 3.0}}, []string{`"tiers"`, "element 1"}},
		{"bad access rules", map[string]any{"accessRules": `[{"prefix":"/abs/","groups":["*"],"methods":["GET"]}]`}, []string{`"accessRules"`, "prefix"}},
		{"cookie domain without CDN delivery", map[string]any{"cdnCookieDomain": "example.com", "cdnDomainNames": "media.example.com"}, []string{`"cdnCookieDomain"`, "needs cdnPrivateKeySecretArn"}},
		{"cookie domain without domain names", map[string]any{"cdnCookieDomain": "example.com", "cdnPrivateKeySecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf"}, []string{`"cdnCookieDomain"`, "needs cdnDomainNames"}},
		{"cookie domain over no domain name", map[string]any{"cdnCookieDomain": "example.com", "cdnDomainNames": "media.example.org", "cdnPrivateKeySecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf"}, []string{`"cdnCookieDomain"`, "none of cdnDomainNames"}},
		{"cookie domain cloudfront.net", map[string]any{"cdnCookieDomain": "cloudfront.net", "cdnDomainNames": "media.example.com", "cdnPrivateKeySecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf"}, []string{`"cdnCookieDomain"`, "public suffix"}},
		{"zone id without name", map[string]any{"cdnDomainNames": "files.example.com", "cdnHostedZoneId": "Z0123456789ABC"}, []string{`"cdnHostedZoneName"`, "together"}},
		{"zone without domains", map[string]any{"cdnHostedZoneId": "Z0123456789ABC", "cdnHostedZoneName": "example.com"}, []string{`"cdnHostedZoneId"`, "needs cdnDomainNames"}},
		{"domain outside zone", map[string]any{"cdnDomainNames": "files.example.org", "cdnHostedZoneId": "Z0123456789ABC", "cdnHostedZoneName": "example.com"}, []string{`"cdnDomainNames"`, `"files.example.org"`, `"example.com"`}},
		{"suffix is not a zone", map[string]any{"cdnDomainNames": "files.badexample.com", "cdnHostedZoneId": "Z0123456789ABC", "cdnHostedZoneName": "example.com"}, []string{`"cdnDomainNames"`, `"files.badexample.com"`}},
		{"bad zone id", map[string]any{"cdnHostedZoneId": "zone-1"}, []string{`"cdnHostedZoneId"`, "hosted zone id"}},
		{"waf and web acl", map[string]any{"cdnWaf": true, "cdnWebAclArn": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/0a1b2c3d-4e5f-6789-abcd-ef0123456789"}, []string{`"cdnWaf"`, "not with cdnWebAclArn"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse(tc.ctx)
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestParse_ReportsEveryProblemAtOnce(t *testing.T) {
	_, err := config.Parse(map[string]any{"mfa": "x", "urlTtlSeconds": "y", "nope": 1.0})
	if err == nil {
		t.Fatal("want error")
	}
	for _, w := range []string{`"mfa"`, `"urlTtlSeconds"`, `"nope"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}

func TestKeys_EveryKeyDocumentedAndDefaultParses(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range config.Keys {
		if k.Doc == "" || k.Kind == "" {
			t.Errorf("key %q lacks doc or kind", k.Name)
		}
		if seen[k.Name] {
			t.Errorf("key %q listed twice", k.Name)
		}
		seen[k.Name] = true
		if config.Ignored(k.Name) {
			t.Errorf("key %q would be ignored as a CDK key", k.Name)
		}
	}
}

func TestParse_ViewerKeyAsPEMOrOneLine(t *testing.T) {
	pemText, err := os.ReadFile("../constructs/privatecdn/testdata/viewer_rsa2048.pem")
	if err != nil {
		t.Fatal(err)
	}
	var body strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(pemText)), "\n") {
		if !strings.HasPrefix(line, "-----") {
			body.WriteString(line)
		}
	}
	for name, v := range map[string]string{"PEM": string(pemText), "one-line body": body.String()} {
		c, err := config.Parse(map[string]any{"cdnPublicKeyPem": v})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c.CDNPublicKeyPem != string(pemText) {
			t.Errorf("%s: cdnPublicKeyPem = %q, want the PEM %q", name, c.CDNPublicKeyPem, pemText)
		}
	}
	for name, v := range map[string]string{
		"first line only (what -c keeps)": "-----BEGIN PUBLIC KEY-----",
		"not base64":                      "not a key!",
	} {
		if _, err := config.Parse(map[string]any{"cdnPublicKeyPem": v}); err == nil || !strings.Contains(err.Error(), `"cdnPublicKeyPem"`) {
			t.Errorf("%s: Parse = %v, want an error naming cdnPublicKeyPem", name, err)
		}
	}
}

func TestSplitEdge(t *testing.T) {
	cases := []struct {
		ctx  map[string]any
		want bool
	}{
		{withViewerKey(t, map[string]any{}), false},
		{withViewerKey(t, map[string]any{"region": "us-east-1"}), false},
		{withViewerKey(t, map[string]any{"region": "eu-central-1"}), true},
		{map[string]any{"cdnEnabled": false, "region": "eu-central-1"}, false},
	}
	for _, tc := range cases {
		cfg, err := config.Parse(tc.ctx)
		if err != nil {
			t.Fatalf("region %v: %v", tc.ctx["region"], err)
		}
		if got := cfg.SplitEdge(); got != tc.want {
			t.Errorf("region %v, cdnEnabled %v: SplitEdge() = %v, want %v", tc.ctx["region"], cfg.CDNEnabled, got, tc.want)
		}
	}
}

// TestCookieDomainName: the presign function signs for the first of
// cdnDomainNames that the cookie domain covers.
func TestCookieDomainName(t *testing.T) {
	c, err := config.Parse(withViewerKey(t, map[string]any{
		"cdnCookieDomain":        "example.com",
		"cdnDomainNames":         "files.example.org,media.example.com,cdn.example.com",
		"cdnPrivateKeySecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if name, err := c.CookieDomainName(); err != nil || name != "media.example.com" {
		t.Errorf("CookieDomainName = %q, %v; want media.example.com", name, err)
	}
}

// TestKeys_SharedDefaultsAgree: accessLogRetentionDays feeds the bucket's
// access logs and the audit trail's files, whose constructs each hold a
// default; the one key can render only one of them.
func TestKeys_SharedDefaultsAgree(t *testing.T) {
	if privatebucket.DefaultAccessLogRetentionDays != audittrail.DefaultRetentionDays {
		t.Errorf("privatebucket.DefaultAccessLogRetentionDays = %d, audittrail.DefaultRetentionDays = %d: accessLogRetentionDays sets both, so their defaults must agree",
			privatebucket.DefaultAccessLogRetentionDays, audittrail.DefaultRetentionDays)
	}
}

func TestParse_UnknownEnvironmentNamedFirst(t *testing.T) {
	_, err := config.Parse(map[string]any{"env": "staging", "environments": map[string]any{"dev": map[string]any{}, "prod": map[string]any{}}})
	if err == nil || !strings.HasPrefix(err.Error(), "unknown environment staging (dev, prod)") {
		t.Fatalf("Parse = %v, want it to start with the unknown environment", err)
	}
	// An environment that is not in environments but sets every key it
	// needs with -c is fine.
	if _, err := config.Parse(withViewerKey(t, map[string]any{"env": "staging", "environments": map[string]any{"dev": map[string]any{}}})); err != nil {
		t.Fatalf("Parse: %v", err)
	}
}

func TestParse_UnknownKeySuggestsTheNearest(t *testing.T) {
	cases := map[string]string{"bucketNmae": "bucketName", "bucketname": "bucketName", "urlTTLSecond": "urlTtlSeconds", "cdnWafRatelimit": "cdnWafRateLimit"}
	for typed, want := range cases {
		_, err := config.Parse(withViewerKey(t, map[string]any{typed: "x"}))
		if err == nil || !strings.Contains(err.Error(), `did you mean "`+want+`"?`) {
			t.Errorf("config.Parse(%s) = %v, want it to suggest %s", typed, err, want)
		}
	}
	_, err := config.Parse(withViewerKey(t, map[string]any{"zzzzzz": "x"}))
	if err == nil || strings.Contains(err.Error(), "did you mean") || !strings.Contains(err.Error(), "securestore accepts") {
		t.Errorf("config.Parse(zzzzzz) = %v, want the list of keys and no suggestion", err)
	}
}

// TestKeyError_NamesWhereTheValueWasSet: an error a construct raises for a
// value names the key as the user set it.
func TestKeyError_NamesWhereTheValueWasSet(t *testing.T) {
	c, err := config.Parse(withViewerKey(t, map[string]any{
		"environments":       map[string]any{"dev": map[string]any{"bucketNamePrefix": "p"}},
		"corsAllowedOrigins": "https://a.example.com",
	}))
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"bucketNamePrefix":   `context key "environments.dev.bucketNamePrefix" (string): bad`,
		"corsAllowedOrigins": `context key "corsAllowedOrigins" (list of strings): bad`,
		"keyAlias":           `context key "keyAlias" (string): bad`,
	} {
		if got := c.KeyError(key, "bad").Error(); got != want {
			t.Errorf("KeyError(%s) = %q, want %q", key, got, want)
		}
	}
}

func TestParse_CookieDomainReportsEveryPrerequisite(t *testing.T) {
	_, err := config.Parse(withViewerKey(t, map[string]any{"cdnCookieDomain": "example.com"}))
	for _, w := range []string{"needs cdnPrivateKeySecretArn", "needs cdnDomainNames"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("Parse = %v, want %q", err, w)
		}
	}
}

// TestParse_ScanPrefixesCoverEveryUpload: malwareScanPrefixes must cover
// every prefix a rule opens to PUT, and every key when CloudFront writes;
// the message names what is left unscanned.
func TestParse_ScanPrefixesCoverEveryUpload(t *testing.T) {
	rules := `[{"prefix":"users/{sub}/","groups":["*"],"methods":["GET","PUT"]},{"prefix":"inbox/","groups":["tier-1"],"methods":["PUT"]},{"prefix":"tier-1/","groups":["tier-1"],"methods":["GET"]}]`
	for _, tc := range []struct {
		name    string
		ctx     map[string]any
		want    []string // substrings of the error; none means it parses
		notWant []string
	}{
		{"every PUT prefix scanned", map[string]any{"malwareScanning": true, "malwareScanPrefixes": "users/,inbox/", "accessRules": rules}, nil, nil},
		{"the default rules' home scanned", map[string]any{"malwareScanning": true, "malwareScanPrefixes": "users/"}, nil, nil},
		{"a PUT prefix left out", map[string]any{"malwareScanning": true, "malwareScanPrefixes": "users/", "accessRules": rules},
			[]string{`context key "malwareScanPrefixes"`, `"inbox/" (an access rule opens it to PUT)`}, []string{`"users/{sub}/"`, `"tier-1/"`}},
		{"a scan prefix narrower than the rule", map[string]any{"malwareScanning": true, "malwareScanPrefixes": "users/alice/,inbox/", "accessRules": rules},
			[]string{`"users/{sub}/"`}, nil},
		{"CloudFront writes", map[string]any{"malwareScanning": true, "malwareScanPrefixes": "users/", "cdnAccess": "read,write"},
			[]string{"every key (cdnAccess write"}, nil},
		{"CloudFront writes, every object scanned", map[string]any{"malwareScanning": true, "cdnAccess": "read,write"}, nil, nil},
		{"prefixes without scanning", map[string]any{"malwareScanPrefixes": "users/"}, []string{"needs malwareScanning"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse(withViewerKey(t, tc.ctx))
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Parse = %v, want no error", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse = nil, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Parse = %v, want %q", err, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(err.Error(), w) {
					t.Errorf("Parse = %v, names %q, which is scanned or read-only", err, w)
				}
			}
		})
	}
}

// Package test holds the snapshot and assertion tests over the synthesized
// app. TestMain synthesizes every protected configuration once, in one CDK
// app (the jsii runtime is slow to start), and the tests share the result.
package test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/compliance"
	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/internal/testkit/cdktest"
	"github.com/securestore/securestore/stacks"
)

var update = flag.Bool("update", false, "rewrite the golden templates under testdata/")

// synthesized is one synthesized stack of a configuration, and its template.
type synthesized struct {
	name     string // the configuration's name, plus "-edge" for its Edge stack
	cfg      *config.Config
	stack    awscdk.Stack
	storage  *stacks.Storage // the environment's stacks (the Edge stack's entry holds its storage stack's)
	matched  []int           // resources each compliance suppression matched (the storage stack's entry holds the environment's)
	path     string          // template file in the cloud assembly
	raw      []byte
	template map[string]any
	assert   assertions.Template
}

// configs are the protected configurations' stacks, by name: the app's
// defaults as `make synth` builds them, the prod environment, a maximal
// configuration with every option on in us-east-1, and a regional one whose
// data lives in eu-central-1 while its CloudFront side, with the certificate
// and web ACL the app creates, is in the us-east-1 Edge stack
// ("regional-edge").
var configs = map[string]*synthesized{}

// cdkContext is cdk.json's context: the feature flags and environments the
// CLI hands the app.
func cdkContext() (map[string]any, error) { return cdktest.Context("../cdk.json") }

// configContexts gives each protected configuration's context on top of cdk.json's.
func configContexts() map[string]map[string]any {
	return map[string]map[string]any{
		"default":  {},
		"prod":     {"env": "prod"},
		"maximal":  maximalContext,
		"regional": regionalContext,
	}
}

func init() {
	// The maximal environment is not in cdk.json, so it brings its own
	// viewer key (a public test key; no private half is kept anywhere).
	pemText, err := os.ReadFile("../constructs/privatecdn/testdata/viewer_ecp256.pem")
	if err != nil {
		panic(err)
	}
	maximalContext["cdnPublicKeyPem"] = string(pemText)
	regionalContext["cdnPublicKeyPem"] = string(pemText)
}

// regionalContext keeps the data in eu-central-1 and lets the app create
// the certificate (validated in a hosted zone, with alias records) and the
// web ACL, which CloudFront takes from us-east-1 only; the function signs
// CloudFront URLs and folder policies (with cookies for example.com) for
// the read-only distribution.
var regionalContext = map[string]any{
	"env":                    "regional",
	"account":                "123456789012",
	"region":                 "eu-central-1",
	"cdnAccess":              "read",
	"cdnDomainNames":         "files.example.com,media.example.com",
	"cdnHostedZoneId":        "Z0123456789ABCDEFGHIJ",
	"cdnHostedZoneName":      "example.com",
	"cdnWaf":                 "true",
	"cdnWafRateLimit":        "500",
	"cdnPrivateKeySecretArn": "arn:aws:secretsmanager:eu-central-1:123456789012:secret:securestore/cdn-signing-key-AbCdEf",
	"cdnCookieDomain":        "example.com",
}

// maximalContext turns every option on, but for CDN delivery
// (cdnPrivateKeySecretArn), which a distribution that writes refuses: the
// regional configuration has it.
var maximalContext = map[string]any{
	"env":                             "full",
	"account":                         "123456789012",
	"region":                          "us-east-1",
	"bucketNamePrefix":                "acme-securestore-full",
	"keyAdminRoleArns":                []any{"arn:aws:iam::123456789012:role/KeyAdmins"},
	"accessLogRetentionDays":          "400",
	"abortIncompleteUploadDays":       "3",
	"noncurrentVersionExpirationDays": "30",
	"corsAllowedOrigins":              "https://app.example.com,http://localhost:3000",
	"objectLockMode":                  "GOVERNANCE",
	"objectLockDays":                  "30",
	"eventBridge":                     "true",
	"auditTrail":                      "true",
	"malwareScanning":                 "true",
	"alarmEmails":                     "oncall@example.com",
	"auditTrailReaderArns":            "arn:aws:iam::123456789012:role/SecurityAudit",
	"cdnAccess":                       "read,write,delete",
	"cdnDomainNames":                  "files.example.com",
	"cdnCertificateArn":               "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
	"cdnWebAclArn":                    "arn:aws:wafv2:us-east-1:123456789012:global/webacl/securestore/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
	"cdnGeoAllow":                     "DE,FR,NL",
	"cdnPriceClass":                   "PriceClass_All",
	"apiWebAclArn":                    "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/securestore-api/1a2b3c4d-5e6f-7890-abcd-ef0123456789",
	"mfa":                             "required",
	"lambdaReservedConcurrency":       "10",
	"tokenValidityMinutes":            "15",
	"cdnCacheMaxTtlSeconds":           "3600",
	"apiGatewayCloudWatchRole":        "false",
	// A rule that narrows a longer prefix, which the role mirrors with a Deny.
	"accessRules": `[{"prefix":"tier-1/","groups":["tier-1","tier-2"],"methods":["GET"]},` +
		`{"prefix":"tier-2/","groups":["tier-2"],"methods":["GET"]},` +
		`{"prefix":"reports/","groups":["tier-2"],"methods":["GET","PUT","DELETE"]},` +
		`{"prefix":"reports/final/","groups":["tier-2"],"methods":["GET"]},` +
		`{"prefix":"users/{sub}/","groups":["*"],"methods":["GET","PUT","DELETE"]}]`,
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := func() int {
		defer jsii.Close()
		if err := cdktest.Recovered(synthAll); err != nil {
			fmt.Fprintln(os.Stderr, "synth:", err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

func synthAll() (err error) {
	base, err := cdkContext()
	if err != nil {
		return err
	}
	outdir, err := os.MkdirTemp("", "securestore-synth-")
	if err != nil {
		return err
	}
	// The CDK CLI turns on path metadata (aws:cdk:path on every resource);
	// the tests do too, so the gates and their exemptions see what
	// `make synth` produces.
	base["aws:cdk:enable-path-metadata"] = true
	// The stacks package sets weak cross-stack references on a split
	// environment's storage stack itself, so that an app importing it needs
	// no cdk.json flag; drop cdk.json's to prove it (the regional tests fail
	// on the custom resources CDK would add otherwise).
	delete(base, stacks.WeakReferencesFlag)
	app := awscdk.NewApp(&awscdk.AppProps{Context: &base, Outdir: jsii.String(outdir)})
	names := make([]string, 0)
	for name, extra := range configContexts() {
		ctx := map[string]any{}
		for k, v := range base {
			ctx[k] = v
		}
		for k, v := range extra {
			ctx[k] = v
		}
		cfg, err := config.Parse(ctx)
		if err != nil {
			return fmt.Errorf("config %s: %w", name, err)
		}
		storage, matched := stacks.Build(app, cfg)
		configs[name] = &synthesized{name: name, cfg: cfg, stack: storage.Stack, storage: storage, matched: matched}
		names = append(names, name)
		if storage.Edge != nil {
			configs[name+"-edge"] = &synthesized{name: name + "-edge", cfg: cfg, stack: storage.Edge.Stack, storage: storage, matched: make([]int, len(matched))}
			names = append(names, name+"-edge")
		}
	}
	grants = grantFixture(app)
	assembly := app.Synth(nil)
	grants.path = *assembly.GetStackArtifact(grants.stack.ArtifactId()).TemplateFullPath()
	if grants.raw, err = os.ReadFile(grants.path); err != nil {
		return err
	}
	if err := json.Unmarshal(grants.raw, &grants.template); err != nil {
		return fmt.Errorf("%s: %w", grants.path, err)
	}
	for _, name := range names {
		s := configs[name]
		stage := *s.stack.Node().Scope().Node().Id()
		nested := assembly.GetNestedAssembly(jsii.String("assembly-" + stage))
		art := nested.GetStackArtifact(s.stack.ArtifactId())
		s.path = *art.TemplateFullPath()
		if s.raw, err = os.ReadFile(s.path); err != nil {
			return err
		}
		if err := json.Unmarshal(s.raw, &s.template); err != nil {
			return fmt.Errorf("%s: %w", s.path, err)
		}
		s.assert = assertions.Template_FromJSON(&s.template, nil)
	}
	return nil
}

// assetHash matches the content hashes CDK puts in asset keys. They change
// with the bytes of an asset (the Lambda binary depends on the Go toolchain's
// exact version), not with anything this project decides, so snapshots
// replace them; everything else in a template is compared as is.
var assetHash = regexp.MustCompile(`\b[0-9a-f]{64}\b`)

// normalise returns the template as indented JSON with sorted keys and asset
// hashes replaced.
func normalise(raw []byte) ([]byte, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(v, "", "  ") // maps marshal with sorted keys
	if err != nil {
		return nil, err
	}
	b = assetHash.ReplaceAll(b, []byte("<asset-hash>"))
	return append(b, '\n'), nil
}

func TestSnapshots(t *testing.T) {
	for _, name := range sortedNames() {
		s := configs[name]
		t.Run(name, func(t *testing.T) {
			got, err := normalise(s.raw)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".template.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run `go test ./test -update` to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("template %s differs from %s (review, then `go test ./test -update`):\n%s", name, golden, diff(want, got))
			}
		})
	}
}

// TestRetainedResources_DeletedOnFailedCreate checks that every retained
// resource of every configuration is retained on update and delete but not
// on a failed create (RetainExceptOnCreate): a first deploy that rolls back
// must leave no bucket, log group or key behind whose fixed name would make
// the retry fail with "already exists".
func TestRetainedResources_DeletedOnFailedCreate(t *testing.T) {
	for _, name := range sortedNames() {
		var tmpl struct {
			Resources map[string]struct {
				Type           string
				DeletionPolicy string
			}
		}
		if err := json.Unmarshal(configs[name].raw, &tmpl); err != nil {
			t.Fatal(err)
		}
		retained := 0
		for id, r := range tmpl.Resources {
			switch r.DeletionPolicy {
			case "", "Delete":
			case "RetainExceptOnCreate":
				retained++
			default:
				t.Errorf("%s: %s (%s) has DeletionPolicy %s, want RetainExceptOnCreate", name, id, r.Type, r.DeletionPolicy)
			}
		}
		if retained == 0 && len(tmpl.Resources) > 0 {
			t.Errorf("%s: no resource is retained", name)
		}
	}
}

// diff is a small line diff: the first differing lines with context.
func diff(want, got []byte) string {
	w := strings.Split(string(want), "\n")
	g := strings.Split(string(got), "\n")
	var out []string
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			out = append(out, fmt.Sprintf("line %d:\n  - %s\n  + %s", i+1, a, b))
			if len(out) == 20 {
				out = append(out, "...")
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// storageNames are the storage stacks' names, sorted: every configuration
// but not its Edge stack.
func storageNames() []string {
	var names []string
	for _, n := range sortedNames() {
		if configs[n].stack.Node().Id() != nil && *configs[n].stack.Node().Id() == stacks.StackID {
			names = append(names, n)
		}
	}
	return names
}

func sortedNames() []string {
	names := make([]string, 0, len(configs))
	for n := range configs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func TestNag_NoUnsuppressedFindings(t *testing.T) {
	for _, name := range sortedNames() {
		s := configs[name]
		for _, f := range compliance.Findings(s.stack) {
			t.Errorf("%s: %s", name, f)
		}
	}
}

func TestNag_EverySuppressionMatchesSomething(t *testing.T) {
	for i, sup := range compliance.Suppressions {
		total := 0
		for _, s := range configs {
			total += s.matched[i]
		}
		if total == 0 {
			t.Errorf("suppression %s on %q matches no resource in any protected configuration: remove it", sup.Rule, sup.Path)
		}
		if strings.TrimSpace(sup.Reason) == "" {
			t.Errorf("suppression %s on %q has no reason", sup.Rule, sup.Path)
		}
	}
}

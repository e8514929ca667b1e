package presignapi

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/compliance"
	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/constructs/privatecdn"
	"github.com/securestore/securestore/internal/testkit/cdktest"
	"github.com/securestore/securestore/lambdas/presign/access"
)

// Fixtures of the maximal configuration.
const (
	testAccount = "123456789012"
	testRegion  = "eu-west-1"
	testWebACL  = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/securestore-api/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"
	testSecret  = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:securestore/cdn-signing-key-AbCdEf"
	testCDN     = "d111111abcdef8.cloudfront.net"
	// testCDNAlias is the maximal fixture's distribution name, under
	// testCookieDomain.
	testCDNAlias     = "media.example.com"
	testCookieDomain = "example.com"
	testKeyPair      = "K2JCJMDEHXQW5F"
)

// maximalRules are the maximal configuration's rules: a shared prefix
// readable by everyone, a team prefix writable by one tier, the home, and a
// narrower rule under a wider one (which needs no grant of its own).
var maximalRules = []access.Rule{
	{Prefix: "public/", Groups: []string{"*"}, Methods: []string{"GET"}},
	{Prefix: "public/drafts/", Groups: []string{"gold"}, Methods: []string{"GET", "PUT"}},
	{Prefix: "team/{sub}/inbox/", Groups: []string{"silver", "gold"}, Methods: []string{"GET", "PUT", "DELETE"}},
	{Prefix: "users/{sub}/", Groups: []string{"*"}, Methods: []string{"GET", "PUT", "DELETE"}},
}

// fixture is one synthesized configuration.
type fixture struct {
	stack    awscdk.Stack
	bucket   *privatebucket.PrivateBucket
	api      *API
	template assertions.Template
	raw      map[string]any
	// findings are the unsuppressed cdk-nag AwsSolutions findings on the stack.
	findings []compliance.Finding
	// outdir is the cloud assembly directory.
	outdir string
}

var (
	synth                           cdktest.Once
	defaultFx, maximalFx, minimalFx *fixture
	// teamPoolFx is the API on a team's existing user pool.
	teamPoolFx *fixture
)

// testPoolID is the id of the existing user pool of teamPoolFx.
const testPoolID = "eu-west-1_AbCdEf123"

// fixtures synthesizes, once per test process, one app (with cdk.json's
// context and path metadata, as `make synth` runs) holding three stacks,
// each with cdk-nag AwsSolutions applied through the compliance package:
//
//   - Default: nil-ish props (only Bucket), environment-agnostic;
//   - Maximal: every option on, pinned to an account and region;
//   - Minimal: the options that turn things off (no CloudWatch role, no
//     threat protection) and a single CORS origin.
func fixtures(t testing.TB) (def, max, min *fixture) {
	t.Helper()
	synth.Do(t, synthAll)
	return defaultFx, maximalFx, minimalFx
}

func synthAll() (err error) {
	ctx, err := cdktest.FindingsContext("../../cdk.json")
	if err != nil {
		return err
	}
	outdir, err := os.MkdirTemp("", "presignapi-synth-")
	if err != nil {
		return err
	}
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(outdir)})

	s1 := awscdk.NewStack(app, jsii.String("Default"), nil)
	b1 := privatebucket.New(s1, jsii.String("Bucket"), nil)
	a1 := New(s1, jsii.String("Presign"), &Props{Bucket: b1})

	s2 := awscdk.NewStack(app, jsii.String("Maximal"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String(testAccount), Region: jsii.String(testRegion)},
	})
	origins := []string{"https://app.example.com", "http://localhost:3000"}
	b2 := privatebucket.New(s2, jsii.String("Bucket"), &privatebucket.Props{
		BucketName:         jsii.String("securestore-maximal-data"),
		CorsAllowedOrigins: jsii.Strings(origins...),
	})
	logsKey := encryptionkey.New(s2, jsii.String("LogsKey"), &encryptionkey.Props{Alias: jsii.String("alias/securestore/maximal/logs")})
	a2 := New(s2, jsii.String("Presign"), &Props{
		Bucket:              b2,
		LogsKey:             logsKey.Key,
		Rules:               maximalRules,
		Tiers:               []string{"bronze", "silver", "gold"},
		URLTTL:              awscdk.Duration_Minutes(jsii.Number(2)),
		MaxUploadBytes:      jsii.Number(1 << 30),
		MFARequired:         jsii.Bool(true),
		ThrottleRateLimit:   jsii.Number(10),
		ThrottleBurstLimit:  jsii.Number(20),
		CorsAllowedOrigins:  jsii.Strings(origins...),
		WebACLArn:           jsii.String(testWebACL),
		LogRetention:        awslogs.RetentionDays_TWO_YEARS,
		ReservedConcurrency: jsii.Number(3),
		TokenValidity:       awscdk.Duration_Minutes(jsii.Number(15)),
		CDN: &CDNDelivery{
			Domain:              jsii.String(testCDNAlias),
			KeyPairID:           jsii.String(testKeyPair),
			PrivateKeySecretArn: jsii.String(testSecret),
			CookieDomain:        jsii.String(testCookieDomain),
			Access:              []privatecdn.Access{privatecdn.Read},
		},
	})

	s3 := awscdk.NewStack(app, jsii.String("Minimal"), nil)
	b3 := privatebucket.New(s3, jsii.String("Bucket"), nil)
	a3 := New(s3, jsii.String("Presign"), &Props{
		Bucket:                        b3,
		CloudWatchRole:                jsii.Bool(false),
		UnsafeDisableThreatProtection: jsii.Bool(true),
		CorsAllowedOrigins:            jsii.Strings("https://app.example.com"),
	})

	s4 := awscdk.NewStack(app, jsii.String("TeamPool"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String(testAccount), Region: jsii.String(testRegion)},
	})
	b4 := privatebucket.New(s4, jsii.String("Bucket"), nil)
	a4 := New(s4, jsii.String("Presign"), &Props{
		Bucket:   b4,
		UserPool: awscognito.UserPool_FromUserPoolId(s4, jsii.String("Pool"), jsii.String(testPoolID)),
		Tiers:    []string{"readers"},
		Rules:    []access.Rule{{Prefix: "shared/", Groups: []string{"readers"}, Methods: []string{"GET"}}},
	})

	for _, s := range []awscdk.Stack{s1, s2, s3} {
		compliance.Apply(s, []string{compliance.AwsSolutions})
	}
	assembly := app.Synth(nil)
	load := func(s awscdk.Stack, b *privatebucket.PrivateBucket, a *API) (*fixture, error) {
		art := assembly.GetStackArtifact(s.ArtifactId())
		data, err := os.ReadFile(*art.TemplateFullPath())
		if err != nil {
			return nil, err
		}
		var raw map[string]any
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, err
		}
		return &fixture{
			stack: s, bucket: b, api: a, raw: raw,
			template: assertions.Template_FromJSON(&raw, nil),
			findings: compliance.Findings(s),
			outdir:   *assembly.Directory(),
		}, nil
	}
	if defaultFx, err = load(s1, b1, a1); err != nil {
		return err
	}
	if maximalFx, err = load(s2, b2, a2); err != nil {
		return err
	}
	if minimalFx, err = load(s3, b3, a3); err != nil {
		return err
	}
	teamPoolFx, err = load(s4, b4, a4)
	return err
}

// resources returns the logical ids and bodies of fx's resources of type typ.
func (fx *fixture) resources(typ string) map[string]map[string]any {
	return cdktest.Resources(fx.raw, typ)
}

// only returns the single resource of type typ, failing otherwise.
func (fx *fixture) only(t *testing.T, typ string) (string, map[string]any) {
	t.Helper()
	id, r, err := cdktest.Only(fx.raw, typ)
	if err != nil {
		t.Fatalf("%s: %v", *fx.stack.StackName(), err)
	}
	return id, r
}

// props returns a resource's Properties.
func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

// logicalID returns the logical id of the CloudFormation resource behind c.
func (fx *fixture) logicalID(c constructs.IConstruct) string {
	el, ok := c.(awscdk.CfnElement)
	if !ok {
		el = c.Node().DefaultChild().(awscdk.CfnElement)
	}
	return *fx.stack.GetLogicalId(el)
}

// all returns the three fixtures, named.
func all(t testing.TB) map[string]*fixture {
	d, m, n := fixtures(t)
	return map[string]*fixture{"Default": d, "Maximal": m, "Minimal": n}
}

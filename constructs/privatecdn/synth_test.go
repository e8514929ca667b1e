package privatecdn

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/internal/testkit/cdktest"
)

// Test fixtures: certificate and web ACL of the maximal configuration.
const (
	testAccount     = "123456789012"
	testCertificate = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
	testWebACL      = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/securestore/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"
)

// fixture is one synthesized configuration: the stack, its bucket and
// distribution, the template, and the cloud assembly directory it was
// synthesized into.
type fixture struct {
	stack    awscdk.Stack
	bucket   *privatebucket.PrivateBucket
	cdn      *Distribution
	template assertions.Template
	json     []byte
	raw      map[string]any
	// outdir is the app's cloud assembly directory (shared by the three stacks).
	outdir string
}

var (
	synth                      cdktest.Once
	defaultFx, maximalFx, unFx *fixture
)

func readPEM(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("read test key: %v", err)
	}
	return string(b)
}

// fixtures synthesizes, once per test process, one app holding three
// stacks: the default configuration (read only, signed viewers,
// environment-agnostic), the maximal one (read, write, delete, CORS, custom
// domain, WAF, geo allow list, two keys, pinned to us-east-1), and one with
// unsigned public reads, no access logs and a geo deny list.
func fixtures(t testing.TB) (def, max, unsigned *fixture) {
	t.Helper()
	synth.Do(t, func() error {
		rsaPEM, ecPEM := readPEM(t, "viewer_rsa2048.pem"), readPEM(t, "viewer_ecp256.pem")
		app := awscdk.NewApp(nil)

		// Default: what stacks.Storage builds with default config.
		s1 := awscdk.NewStack(app, jsii.String("Default"), nil)
		b1 := privatebucket.New(s1, jsii.String("Bucket"), nil)
		p1 := PropsFor(b1)
		p1.ViewerPublicKeyPems = []string{rsaPEM}
		d1 := New(s1, jsii.String("CDN"), p1)

		// Maximal.
		s2 := awscdk.NewStack(app, jsii.String("Maximal"), &awscdk.StackProps{
			Env: &awscdk.Environment{Account: jsii.String(testAccount), Region: jsii.String(LogRegion)},
		})
		b2 := privatebucket.New(s2, jsii.String("Bucket"), &privatebucket.Props{
			BucketName:         jsii.String("securestore-maximal-data"),
			CorsAllowedOrigins: jsii.Strings("https://app.example.com"),
		})
		p2 := PropsFor(b2)
		p2.Access = []Access{Read, Write, Delete}
		p2.ViewerPublicKeyPems = []string{rsaPEM, ecPEM}
		p2.CorsAllowedOrigins = jsii.Strings("https://app.example.com")
		p2.DomainNames = []string{"files.example.com"}
		p2.CertificateArn = jsii.String(testCertificate)
		p2.WebACLArn = jsii.String(testWebACL)
		p2.GeoAllowList = []string{"DE", "FR", "US"}
		p2.PriceClass = awscloudfront.PriceClass_PRICE_CLASS_ALL
		p2.LogPrefix = jsii.String("cdn-logs/")
		p2.CacheMaxTTL = awscdk.Duration_Hours(jsii.Number(1))
		d2 := New(s2, jsii.String("CDN"), p2)

		// Unsigned public reads, no access logs.
		s3 := awscdk.NewStack(app, jsii.String("Unsigned"), nil)
		b3 := privatebucket.New(s3, jsii.String("Bucket"), nil)
		p3 := PropsFor(b3)
		p3.LogBucket = nil
		p3.UnsafeAllowUnsignedReads = jsii.Bool(true)
		p3.UnsafeDisableAccessLogs = jsii.Bool(true)
		p3.GeoDenyList = []string{"KP", "RU"}
		d3 := New(s3, jsii.String("CDN"), p3)

		defaultFx = load(t, s1, b1, d1)
		maximalFx = load(t, s2, b2, d2)
		unFx = load(t, s3, b3, d3)
		return nil
	})
	return defaultFx, maximalFx, unFx
}

func load(t testing.TB, s awscdk.Stack, b *privatebucket.PrivateBucket, d *Distribution) *fixture {
	t.Helper()
	tmpl := assertions.Template_FromStack(s, nil)
	data, err := json.Marshal(tmpl.ToJSON())
	if err != nil {
		t.Fatalf("marshal template: %v", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("unmarshal template: %v", err)
	}
	return &fixture{stack: s, bucket: b, cdn: d, template: tmpl, json: data, raw: raw, outdir: *awscdk.Stage_Of(s).Outdir()}
}

// resolve turns a token into the CloudFormation value it stands for in fx's stack.
func (fx *fixture) resolve(v any) any {
	return fx.stack.Resolve(v)
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
		t.Fatal(err)
	}
	return id, r
}

// logicalID returns the logical id of the CloudFormation resource behind c
// (c itself or its default child).
func (fx *fixture) logicalID(c constructs.IConstruct) string {
	el, ok := c.(awscdk.CfnElement)
	if !ok {
		el = c.Node().DefaultChild().(awscdk.CfnElement)
	}
	return *fx.stack.GetLogicalId(el)
}

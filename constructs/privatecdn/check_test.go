package privatecdn

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/internal/testkit/cdktest"
	"github.com/securestore/securestore/validation"
)

// Validation tests build the construct in a fresh app and never synthesize:
// invalid props panic in New, before anything is rendered.

// build makes a stack (pinned to env when given) with a private bucket,
// starts from valid props for it (one RSA viewer key), applies edit and
// calls New. It returns the validation error New panicked with, or nil, and
// the construct when New returned.
func build(t *testing.T, env *awscdk.Environment, edit func(p *Props, s awscdk.Stack)) (*Distribution, *validation.Error) {
	t.Helper()
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("S"), &awscdk.StackProps{Env: env})
	b := privatebucket.New(stack, jsii.String("Bucket"), nil)
	p := PropsFor(b)
	p.ViewerPublicKeyPems = []string{readPEM(t, "viewer_rsa2048.pem")}
	if edit != nil {
		edit(p, stack)
	}
	var d *Distribution
	verr := cdktest.Invalid(t, func() { d = New(stack, jsii.String("CDN"), p) })
	return d, verr
}

// pemOf encodes der as a PEM block of type typ.
func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// testKeys are keys CloudFront refuses, or that must never be given, made for the test.
type testKeys struct {
	pkcs8Private, ecPrivate, rsa1024, p384, ed25519 string
	privateBody                                     string // base64 body of pkcs8Private
}

func makeKeys(t *testing.T) testKeys {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	sec1, err := x509.MarshalECPrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	big, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ed, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub := func(k any) string {
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pemOf("PUBLIC KEY", der)
	}
	k := testKeys{
		pkcs8Private: pemOf("PRIVATE KEY", pkcs8),
		ecPrivate:    pemOf("EC PRIVATE KEY", sec1),
		rsa1024:      pub(&small.PublicKey),
		p384:         pub(&big.PublicKey),
		ed25519:      pub(ed),
	}
	lines := strings.Split(strings.TrimSpace(k.pkcs8Private), "\n")
	k.privateBody = lines[1]
	return k
}

const (
	certIn   = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
	regional = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/securestore/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"
)

func TestNew_AcceptsValidProps(t *testing.T) {
	if _, err := build(t, nil, nil); err != nil {
		t.Fatalf("valid props refused: %v", err)
	}
}

func TestNew_RefusesInvalidPropsNamingTheProp(t *testing.T) {
	keys := makeKeys(t)
	rsaPEM, ecPEM := readPEM(t, "viewer_rsa2048.pem"), readPEM(t, "viewer_ecp256.pem")
	pinned := func(region string) *awscdk.Environment {
		return &awscdk.Environment{Account: jsii.String(testAccount), Region: jsii.String(region)}
	}
	type edit = func(p *Props, s awscdk.Stack)
	cases := []struct {
		name string
		env  *awscdk.Environment
		edit edit
		// prop is the prop the error names; want are further substrings of that problem.
		prop string
		want []string
	}{
		{"nil bucket", nil, func(p *Props, _ awscdk.Stack) { p.Bucket = nil }, "Bucket", []string{"required"}},
		{"nil props", nil, func(p *Props, _ awscdk.Stack) { *p = Props{} }, "Bucket", nil},
		{"certificate outside us-east-1", nil, func(p *Props, _ awscdk.Stack) {
			p.DomainNames, p.CertificateArn = []string{"files.example.com"}, jsii.String(certIn)
		}, "CertificateArn", []string{"us-east-1", "eu-west-1", certIn}},
		{"content security policy with a line break", nil, func(p *Props, _ awscdk.Stack) {
			p.ContentSecurityPolicy = jsii.String("default-src 'none'\r\nSet-Cookie: x=1")
		}, "ContentSecurityPolicy", []string{"printable ASCII"}},
		{"cache TTL over a year", nil, func(p *Props, _ awscdk.Stack) { p.CacheMaxTTL = awscdk.Duration_Days(jsii.Number(400)) },
			"CacheMaxTTL", []string{"1 to 31536000", "34560000"}},
		{"cache TTL with a cache policy", nil, func(p *Props, s awscdk.Stack) {
			p.CacheMaxTTL = awscdk.Duration_Hours(jsii.Number(1))
			p.CachePolicy = awscloudfront.CachePolicy_CACHING_DISABLED()
		}, "CacheMaxTTL", []string{"own cache policy"}},
		{"empty content security policy", nil, func(p *Props, _ awscdk.Stack) { p.ContentSecurityPolicy = jsii.String("") },
			"ContentSecurityPolicy", []string{"1 to 1783"}},
		{"certificate not an ACM ARN", nil, func(p *Props, _ awscdk.Stack) {
			p.DomainNames, p.CertificateArn = []string{"files.example.com"}, jsii.String("arn:aws:iam::123456789012:server-certificate/files")
		}, "CertificateArn", []string{"ACM certificate ARN"}},
		{"domain names without certificate", nil, func(p *Props, _ awscdk.Stack) { p.DomainNames = []string{"files.example.com"} },
			"CertificateArn", []string{"required", "files.example.com"}},
		{"certificate without domain names", nil, func(p *Props, _ awscdk.Stack) { p.CertificateArn = jsii.String(testCertificate) },
			"DomainNames", []string{"required"}},
		{"uppercase domain name", nil, func(p *Props, _ awscdk.Stack) {
			p.DomainNames, p.CertificateArn = []string{"Files.Example.com"}, jsii.String(testCertificate)
		}, "DomainNames", []string{`"Files.Example.com"`}},
		{"both geo lists", nil, func(p *Props, _ awscdk.Stack) {
			p.GeoAllowList, p.GeoDenyList = []string{"DE"}, []string{"RU"}
		}, "GeoAllowList", []string{"GeoDenyList"}},
		{"lowercase country", nil, func(p *Props, _ awscdk.Stack) { p.GeoAllowList = []string{"de"} }, "GeoAllowList", []string{`"de"`}},
		{"unassigned country", nil, func(p *Props, _ awscdk.Stack) { p.GeoDenyList = []string{"XX"} }, "GeoDenyList", []string{`"XX"`}},
		{"deprecated country", nil, func(p *Props, _ awscdk.Stack) { p.GeoDenyList = []string{"UK"} }, "GeoDenyList", []string{`"UK"`}},
		{"alpha-3 country", nil, func(p *Props, _ awscdk.Stack) { p.GeoAllowList = []string{"DEU"} }, "GeoAllowList", []string{`"DEU"`}},
		{"repeated country", nil, func(p *Props, _ awscdk.Stack) { p.GeoAllowList = []string{"DE", "DE"} }, "GeoAllowList", []string{"repeats"}},
		{"regional web ACL", nil, func(p *Props, _ awscdk.Stack) { p.WebACLArn = jsii.String(regional) }, "WebACLArn", []string{"REGIONAL", regional}},
		{"regional web ACL in us-east-1", nil, func(p *Props, _ awscdk.Stack) {
			p.WebACLArn = jsii.String(strings.Replace(regional, "eu-west-1", "us-east-1", 1))
		}, "WebACLArn", []string{"CLOUDFRONT scope"}},
		{"WAF Classic id", nil, func(p *Props, _ awscdk.Stack) { p.WebACLArn = jsii.String("1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d") },
			"WebACLArn", []string{"WAFv2 web ACL ARN"}},
		{"not PEM", nil, func(p *Props, _ awscdk.Stack) { p.ViewerPublicKeyPems = []string{"ssh-rsa AAAAB3Nza..."} },
			"ViewerPublicKeyPems", []string{"element 0", "not PEM"}},
		{"private key given as public key", nil, func(p *Props, _ awscdk.Stack) { p.ViewerPublicKeyPems = []string{rsaPEM, keys.pkcs8Private} },
			"ViewerPublicKeyPems", []string{"element 1", "PUBLIC key"}},
		{"private key body under a PUBLIC KEY header", nil, func(p *Props, _ awscdk.Stack) {
			p.ViewerPublicKeyPems = []string{strings.ReplaceAll(keys.pkcs8Private, "PRIVATE KEY", "PUBLIC KEY")}
		}, "ViewerPublicKeyPems", []string{"element 0", "private key"}},
		{"EC private key", nil, func(p *Props, _ awscdk.Stack) { p.ViewerPublicKeyPems = []string{keys.ecPrivate} },
			"ViewerPublicKeyPems", []string{"element 0", "PUBLIC key"}},
		{"private key after the public key", nil, func(p *Props, _ awscdk.Stack) { p.ViewerPublicKeyPems = []string{rsaPEM + keys.pkcs8Private} },
			"ViewerPublicKeyPems", []string{"element 0", "one PEM block"}},
		{"private key text before the public key", nil, func(p *Props, _ awscdk.Stack) {
			p.ViewerPublicKeyPems = []string{strings.ReplaceAll(keys.pkcs8Private, "-----", "") + ecPEM}
		}, "ViewerPublicKeyPems", []string{"element 0"}},
		{"certificate instead of key", nil, func(p *Props, _ awscdk.Stack) {
			p.ViewerPublicKeyPems = []string{pemOf("CERTIFICATE", []byte{1, 2, 3})}
		},
			"ViewerPublicKeyPems", []string{`"CERTIFICATE"`}},
		{"RSA 1024", nil, func(p *Props, _ awscdk.Stack) { p.ViewerPublicKeyPems = []string{keys.rsa1024} }, "ViewerPublicKeyPems", []string{"1024", "RSA 2048"}},
		{"ECDSA P-384", nil, func(p *Props, _ awscdk.Stack) { p.ViewerPublicKeyPems = []string{keys.p384} }, "ViewerPublicKeyPems", []string{"P-384", "P-256"}},
		{"Ed25519", nil, func(p *Props, _ awscdk.Stack) { p.ViewerPublicKeyPems = []string{keys.ed25519} }, "ViewerPublicKeyPems", []string{"ed25519"}},
		{"six keys", nil, func(p *Props, _ awscdk.Stack) {
			p.ViewerPublicKeyPems = []string{rsaPEM, ecPEM, rsaPEM, ecPEM, rsaPEM, ecPEM}
		}, "ViewerPublicKeyPems", []string{"at most 5", "received 6"}},
		{"no keys", nil, func(p *Props, _ awscdk.Stack) { p.ViewerPublicKeyPems = nil }, "ViewerPublicKeyPems", []string{"required", "UnsafeAllowUnsignedReads"}},
		{"log prefix without trailing slash", nil, func(p *Props, _ awscdk.Stack) { p.LogPrefix = jsii.String("cdn-logs") }, "LogPrefix", []string{`"cdn-logs"`}},
		{"log prefix with leading slash", nil, func(p *Props, _ awscdk.Stack) { p.LogPrefix = jsii.String("/cdn/") }, "LogPrefix", []string{`"/cdn/"`}},
		{"empty log prefix", nil, func(p *Props, _ awscdk.Stack) { p.LogPrefix = jsii.String("") }, "LogPrefix", []string{`""`}},
		{"wildcard origin", nil, func(p *Props, _ awscdk.Stack) { p.CorsAllowedOrigins = jsii.Strings("*") }, "CorsAllowedOrigins", []string{`"*"`}},
		{"http origin", nil, func(p *Props, _ awscdk.Stack) { p.CorsAllowedOrigins = jsii.Strings("http://app.example.com") },
			"CorsAllowedOrigins", []string{`"http://app.example.com"`}},
		{"origin with path", nil, func(p *Props, _ awscdk.Stack) { p.CorsAllowedOrigins = jsii.Strings("https://app.example.com/") },
			"CorsAllowedOrigins", []string{"element 0"}},
		{"unsigned with writes", nil, func(p *Props, _ awscdk.Stack) {
			p.ViewerPublicKeyPems, p.UnsafeAllowUnsignedReads, p.Access = nil, jsii.Bool(true), []Access{Read, Write}
		}, "UnsafeAllowUnsignedReads", []string{"writes and deletes"}},
		{"unsigned with deletes", nil, func(p *Props, _ awscdk.Stack) {
			p.ViewerPublicKeyPems, p.UnsafeAllowUnsignedReads, p.Access = nil, jsii.Bool(true), []Access{Read, Delete}
		}, "UnsafeAllowUnsignedReads", []string{"delete"}},
		{"unsigned with keys", nil, func(p *Props, _ awscdk.Stack) { p.UnsafeAllowUnsignedReads = jsii.Bool(true) },
			"ViewerPublicKeyPems", []string{"must be empty"}},
		{"empty access", nil, func(p *Props, _ awscdk.Stack) { p.Access = []Access{} }, "Access", []string{"at least one"}},
		{"unknown access", nil, func(p *Props, _ awscdk.Stack) { p.Access = []Access{"admin"} }, "Access", []string{`"admin"`}},
		{"repeated access", nil, func(p *Props, _ awscdk.Stack) { p.Access = []Access{Read, Read} }, "Access", []string{"repeats"}},
		{"stack pinned outside us-east-1 with logs", pinned("eu-west-1"), nil, "LogBucket", []string{"us-east-1", `"eu-west-1"`, "UnsafeDisableAccessLogs"}},
		{"no log bucket", nil, func(p *Props, _ awscdk.Stack) { p.LogBucket = nil }, "LogBucket", []string{"required"}},
		{"logs off but log bucket given", nil, func(p *Props, _ awscdk.Stack) { p.UnsafeDisableAccessLogs = jsii.Bool(true) },
			"UnsafeDisableAccessLogs", []string{"LogBucket"}},
		{"bucket domain from the owned bucket", nil, func(p *Props, _ awscdk.Stack) { p.BucketRegionalDomainName = nil },
			"BucketRegionalDomainName", []string{"cycle"}},
		{"bucket domain not S3", nil, func(p *Props, _ awscdk.Stack) { p.BucketRegionalDomainName = jsii.String("files.example.com") },
			"BucketRegionalDomainName", []string{`"files.example.com"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := build(t, tc.env, tc.edit)
			if err == nil {
				t.Fatal("New accepted the props")
			}
			if err.Path != "S/CDN" {
				t.Errorf("error path %q, want the construct path S/CDN", err.Path)
			}
			var problem string
			for _, p := range err.Problems {
				if strings.HasPrefix(p, tc.prop+": ") {
					problem = p
					break
				}
			}
			if problem == "" {
				t.Fatalf("no problem names %s: %v", tc.prop, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(problem, w) {
					t.Errorf("problem %q lacks %q", problem, w)
				}
			}
			if strings.Contains(err.Error(), keys.privateBody) {
				t.Errorf("the error repeats the private key: %v", err)
			}
		})
	}
}

func TestNew_ReportsEveryProblemAtOnce(t *testing.T) {
	_, err := build(t, nil, func(p *Props, _ awscdk.Stack) {
		p.LogPrefix = jsii.String("logs")
		p.WebACLArn = jsii.String(regional)
		p.GeoAllowList = []string{"XX"}
	})
	if err == nil || len(err.Problems) != 3 {
		t.Fatalf("got %v, want three problems", err)
	}
}

func TestNew_AcceptsAStackOutsideUsEast1WithoutAccessLogs(t *testing.T) {
	d, err := build(t, &awscdk.Environment{Account: jsii.String(testAccount), Region: jsii.String("eu-central-1")}, func(p *Props, _ awscdk.Stack) {
		p.LogBucket = nil
		p.UnsafeDisableAccessLogs = jsii.Bool(true)
	})
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	if !hasWarning(d, "securestore:privatecdn:noAccessLogs") {
		t.Error("no warning that access logs are off")
	}
}

func TestNew_ImportedBucketWarnsThatThePolicyIsTheCallersJob(t *testing.T) {
	d, err := build(t, nil, func(p *Props, s awscdk.Stack) {
		imported := awss3.Bucket_FromBucketName(s, jsii.String("Imported"), jsii.String("team-data"))
		p.Bucket, p.Key, p.BucketRegionalDomainName = imported, nil, nil
	})
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	if !hasWarning(d, "securestore:privatecdn:bucketPolicyNotAdded") {
		t.Error("no warning that the bucket policy statement was not added")
	}
}

// hasWarning reports whether c carries a warning with id, without synthesizing.
func hasWarning(d *Distribution, id string) bool {
	for _, e := range *d.Node().Metadata() {
		if *e.Type == "aws:cdk:warning" && strings.Contains(jsonString(e.Data), id) {
			return true
		}
	}
	return false
}

func jsonString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if s, ok := v.(*string); ok && s != nil {
		return *s
	}
	return ""
}

func TestIsCountry_AcceptsAssignedISOCodesOnly(t *testing.T) {
	if len(countryCodes) != 249 {
		t.Errorf("%d country codes, ISO 3166-1 assigns 249", len(countryCodes))
	}
	for _, tc := range []struct {
		code string
		want bool
	}{
		{"DE", true}, {"GB", true}, {"US", true}, {"AX", true}, {"SS", true}, {"BQ", true}, {"CW", true}, {"SX", true}, {"AQ", true}, {"BV", true},
		{"UK", false}, {"XK", false}, {"EU", false}, {"UN", false}, {"SU", false}, {"YU", false}, {"AN", false}, {"CS", false},
		{"FX", false}, {"AC", false}, {"TA", false}, {"ZZ", false}, {"de", false}, {"", false}, {"DEU", false},
	} {
		if got := isCountry(tc.code); got != tc.want {
			t.Errorf("isCountry(%q) = %v, want %v", tc.code, got, tc.want)
		}
	}
}

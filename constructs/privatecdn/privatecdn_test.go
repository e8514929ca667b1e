package privatecdn

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/internal/gates/cfncheck"
)

// Property tests over the three shared syntheses (see fixtures). Each test
// reads the template JSON; none synthesizes again.

const cloudfrontPrincipal = "cloudfront.amazonaws.com"

// configs names the fixtures for table tests.
func configs(t *testing.T) []struct {
	name string
	fx   *fixture
} {
	def, max, un := fixtures(t)
	return []struct {
		name string
		fx   *fixture
	}{{"default", def}, {"maximal", max}, {"unsigned", un}}
}

// distribution returns the logical id and DistributionConfig of fx's one distribution.
func (fx *fixture) distribution(t *testing.T) (string, map[string]any) {
	t.Helper()
	id, r := fx.only(t, "AWS::CloudFront::Distribution")
	return id, r["Properties"].(map[string]any)["DistributionConfig"].(map[string]any)
}

// behaviours returns every cache behaviour of cfg: the default one first, then the others.
func behaviours(cfg map[string]any) []map[string]any {
	out := []map[string]any{cfg["DefaultCacheBehavior"].(map[string]any)}
	others, _ := cfg["CacheBehaviors"].([]any)
	for _, b := range others {
		out = append(out, b.(map[string]any))
	}
	return out
}

// jsonOf renders v as JSON for comparisons and string searches.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	return string(b)
}

// strs reads a policy field that CloudFormation allows as a string or a list.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, len(v))
		for i, s := range v {
			out[i], _ = s.(string)
		}
		return out
	}
	return nil
}

// statementsFor returns the Allow statements of every policy document found
// under property prop of resources of type typ whose service principal is service.
func (fx *fixture) statementsFor(typ, prop, service string) []map[string]any {
	var out []map[string]any
	for _, r := range fx.resources(typ) {
		doc := r["Properties"].(map[string]any)[prop].(map[string]any)
		for _, s := range doc["Statement"].([]any) {
			st := s.(map[string]any)
			p, _ := st["Principal"].(map[string]any)
			if st["Effect"] == "Allow" && p != nil && slices.Contains(strs(p["Service"]), service) {
				out = append(out, st)
			}
		}
	}
	return out
}

// distributionArn is the JSON of this distribution's ARN as CloudFormation sees it.
func (fx *fixture) distributionArn(t *testing.T) string {
	t.Helper()
	return jsonOf(t, fx.resolve(fx.cdn.Distribution.DistributionArn()))
}

// checkSourceArn fails unless cond is exactly StringEquals AWS:SourceArn =
// this distribution's ARN, built from the distribution's Ref.
func checkSourceArn(t *testing.T, fx *fixture, cond any) {
	t.Helper()
	distID, _ := fx.distribution(t)
	want := map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": "ARN"}}
	c, ok := cond.(map[string]any)
	if !ok || len(c) != 1 {
		t.Fatalf("condition %s, want only StringEquals AWS:SourceArn", jsonOf(t, cond))
	}
	eq, ok := c["StringEquals"].(map[string]any)
	if !ok || len(eq) != 1 || eq["AWS:SourceArn"] == nil {
		t.Fatalf("condition %s, want %v", jsonOf(t, cond), want)
	}
	got := jsonOf(t, eq["AWS:SourceArn"])
	if got != fx.distributionArn(t) {
		t.Errorf("AWS:SourceArn = %s, want this distribution's ARN %s", got, fx.distributionArn(t))
	}
	if !strings.Contains(got, `{"Ref":"`+distID+`"}`) || !strings.Contains(got, `:distribution/`) {
		t.Errorf("AWS:SourceArn = %s does not name distribution %s by its Ref", got, distID)
	}
	if strings.Contains(got, "*") {
		t.Errorf("AWS:SourceArn = %s holds a wildcard", got)
	}
}

func TestOriginAccessControl_SignsEveryOriginRequestWithSigV4(t *testing.T) {
	for _, c := range configs(t) {
		t.Run(c.name, func(t *testing.T) {
			oacID, oac := c.fx.only(t, "AWS::CloudFront::OriginAccessControl")
			cfg := oac["Properties"].(map[string]any)["OriginAccessControlConfig"].(map[string]any)
			for k, want := range map[string]string{
				"OriginAccessControlOriginType": "s3",
				"SigningBehavior":               "always",
				"SigningProtocol":               "sigv4",
			} {
				if cfg[k] != want {
					t.Errorf("%s = %v, want %q", k, cfg[k], want)
				}
			}
			_, dist := c.fx.distribution(t)
			origins := dist["Origins"].([]any)
			if len(origins) != 1 {
				t.Fatalf("%d origins, want 1", len(origins))
			}
			o := origins[0].(map[string]any)
			if got, want := jsonOf(t, o["OriginAccessControlId"]), `{"Fn::GetAtt":["`+oacID+`","Id"]}`; got != want {
				t.Errorf("origin OriginAccessControlId = %s, want %s", got, want)
			}
			if got := jsonOf(t, o["S3OriginConfig"]); got != `{"OriginAccessIdentity":""}` {
				t.Errorf("S3OriginConfig = %s, want an empty OriginAccessIdentity", got)
			}
			if n := len(c.fx.resources("AWS::CloudFront::CloudFrontOriginAccessIdentity")); n != 0 {
				t.Errorf("%d legacy origin access identities, want none", n)
			}
		})
	}
}

func TestOrigin_DomainNameIsBuiltFromTheBucketNameNotTheBucketResource(t *testing.T) {
	for _, c := range configs(t) {
		t.Run(c.name, func(t *testing.T) {
			_, dist := c.fx.distribution(t)
			domain := jsonOf(t, dist["Origins"].([]any)[0].(map[string]any)["DomainName"])
			bucketID := c.fx.logicalID(c.fx.bucket.Bucket)
			if strings.Contains(domain, `"`+bucketID+`"`) {
				t.Errorf("origin DomainName %s refers to the bucket resource %s", domain, bucketID)
			}
			if got, want := domain, jsonOf(t, c.fx.resolve(c.fx.bucket.RegionalDomainName)); got != want {
				t.Errorf("origin DomainName = %s, want the bucket's deterministic regional name %s", got, want)
			}
			if !strings.Contains(domain, ".s3.") {
				t.Errorf("origin DomainName %s is not an S3 regional domain", domain)
			}
		})
	}
}

func TestBucketPolicy_GrantsThisDistributionExactlyTheEnabledActionsOnObjects(t *testing.T) {
	def, max, un := fixtures(t)
	cases := []struct {
		name string
		fx   *fixture
		want []string
	}{
		{"default", def, []string{"s3:GetObject"}},
		{"maximal", max, []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}},
		{"unsigned", un, []string{"s3:GetObject"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var sts, lists []map[string]any
			for _, st := range tc.fx.statementsFor("AWS::S3::BucketPolicy", "PolicyDocument", cloudfrontPrincipal) {
				if jsonOf(t, st["Action"]) == `"s3:ListBucket"` {
					lists = append(lists, st)
				} else {
					sts = append(sts, st)
				}
			}
			if len(sts) != 1 {
				t.Fatalf("%d object statements for %s, want 1", len(sts), cloudfrontPrincipal)
			}
			// With reads, s3:ListBucket on the bucket (404, not 403, for a
			// missing key), for this distribution only.
			if len(lists) != 1 {
				t.Fatalf("%d s3:ListBucket statements for %s, want 1 (every configuration reads)", len(lists), cloudfrontPrincipal)
			}
			if got, want := jsonOf(t, lists[0]["Resource"]), `{"Fn::GetAtt":["`+tc.fx.logicalID(tc.fx.bucket.Bucket)+`","Arn"]}`; got != want {
				t.Errorf("s3:ListBucket on %s, want the bucket %s", got, want)
			}
			checkSourceArn(t, tc.fx, lists[0]["Condition"])
			st := sts[0]
			if got := strs(st["Action"]); !sameSet(got, tc.want) {
				t.Errorf("actions %v, want exactly %v", got, tc.want)
			}
			bucketID := tc.fx.logicalID(tc.fx.bucket.Bucket)
			wantRes := `{"Fn::Join":["",[{"Fn::GetAtt":["` + bucketID + `","Arn"]},"/*"]]}`
			if got := jsonOf(t, st["Resource"]); got != wantRes {
				t.Errorf("resource %s, want the data bucket's objects only %s", got, wantRes)
			}
			checkSourceArn(t, tc.fx, st["Condition"])
			// The statement is on the data bucket's policy, not the log bucket's.
			for id, r := range tc.fx.resources("AWS::S3::BucketPolicy") {
				onData := jsonOf(t, r["Properties"].(map[string]any)["Bucket"]) == `{"Ref":"`+bucketID+`"}`
				has := strings.Contains(jsonOf(t, r), cloudfrontPrincipal)
				if has != onData {
					t.Errorf("bucket policy %s (data bucket: %v) has a %s statement: %v", id, onData, cloudfrontPrincipal, has)
				}
			}
		})
	}
}

func TestKeyPolicy_LetsOnlyThisDistributionUseTheKeyForTheEnabledLevels(t *testing.T) {
	def, max, un := fixtures(t)
	cases := []struct {
		name string
		fx   *fixture
		want []string
	}{
		{"default: decrypt only", def, []string{"kms:Decrypt"}},
		{"maximal: writes add encrypt", max, []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"}},
		{"unsigned: decrypt only", un, []string{"kms:Decrypt"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sts := tc.fx.statementsFor("AWS::KMS::Key", "KeyPolicy", cloudfrontPrincipal)
			if len(sts) != 1 {
				t.Fatalf("%d key policy statements for %s, want 1", len(sts), cloudfrontPrincipal)
			}
			if got := strs(sts[0]["Action"]); !sameSet(got, tc.want) {
				t.Errorf("actions %v, want exactly %v", got, tc.want)
			}
			checkSourceArn(t, tc.fx, sts[0]["Condition"])
		})
	}
}

func TestKMSActions_AddEncryptOnlyWithWrites(t *testing.T) {
	cases := []struct {
		levels []Access
		want   []string
	}{
		{[]Access{Read}, []string{"kms:Decrypt"}},
		{[]Access{Write}, []string{"kms:Encrypt", "kms:GenerateDataKey*"}},
		{[]Access{Delete}, nil},
		{[]Access{Read, Delete}, []string{"kms:Decrypt"}},
		{[]Access{Read, Write, Delete}, []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"}},
	}
	for _, tc := range cases {
		if got := KMSActions(tc.levels); !sameSet(got, tc.want) {
			t.Errorf("KMSActions(%v) = %v, want %v", tc.levels, got, tc.want)
		}
	}
}

func TestTemplates_HaveNoDistributionWildcard(t *testing.T) {
	for _, c := range configs(t) {
		if strings.Contains(string(c.fx.json), "distribution/*") {
			t.Errorf("%s: the template names every distribution (distribution/*)", c.name)
		}
	}
}

func TestDependencyGraph_IsAcyclic(t *testing.T) {
	for _, c := range configs(t) {
		t.Run(c.name, func(t *testing.T) {
			if err := cfncheck.Cycle(c.fx.json); err != nil {
				t.Fatalf("dependency cycle: %v", err)
			}
			deps, err := cfncheck.Dependencies(c.fx.json)
			if err != nil {
				t.Fatal(err)
			}
			dist, _ := c.fx.distribution(t)
			bucket := c.fx.logicalID(c.fx.bucket.Bucket)
			key := c.fx.logicalID(c.fx.bucket.Key)
			policy := c.fx.logicalID(c.fx.bucket.Bucket.Policy())
			needs := func(from, to string) bool { return reaches(deps, from, to) }
			for _, tc := range []struct {
				from, to string
				want     bool
			}{
				{key, dist, true},       // the key policy names the distribution
				{bucket, key, true},     // the bucket is encrypted with the key
				{policy, bucket, true},  // the bucket policy is on the bucket
				{policy, dist, true},    // ... and names the distribution
				{dist, bucket, false},   // so the distribution must not need the bucket
				{dist, key, false},      // nor the key
				{dist, policy, false},   // nor the bucket policy
				{bucket, policy, false}, // and the bucket does not need its policy
			} {
				if got := needs(tc.from, tc.to); got != tc.want {
					t.Errorf("%s needs %s: %v, want %v", tc.from, tc.to, got, tc.want)
				}
			}
		})
	}
}

// reaches reports whether from depends on to, directly or transitively.
func reaches(deps map[string][]string, from, to string) bool {
	seen := map[string]bool{}
	stack := []string{from}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, d := range deps[n] {
			if d == to {
				return true
			}
			if !seen[d] {
				seen[d] = true
				stack = append(stack, d)
			}
		}
	}
	return false
}

func TestViewers_EveryBehaviourRequiresTheTrustedKeyGroup(t *testing.T) {
	def, max, _ := fixtures(t)
	rsaPEM, ecPEM := readPEM(t, "viewer_rsa2048.pem"), readPEM(t, "viewer_ecp256.pem")
	cases := []struct {
		name string
		fx   *fixture
		pems []string
	}{
		{"default", def, []string{rsaPEM}},
		{"maximal", max, []string{rsaPEM, ecPEM}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			groupID, group := tc.fx.only(t, "AWS::CloudFront::KeyGroup")
			_, dist := tc.fx.distribution(t)
			for i, b := range behaviours(dist) {
				if got, want := jsonOf(t, b["TrustedKeyGroups"]), `[{"Ref":"`+groupID+`"}]`; got != want {
					t.Errorf("behaviour %d TrustedKeyGroups = %s, want %s", i, got, want)
				}
				if _, ok := b["TrustedSigners"]; ok {
					t.Errorf("behaviour %d uses legacy TrustedSigners", i)
				}
			}
			items := group["Properties"].(map[string]any)["KeyGroupConfig"].(map[string]any)["Items"].([]any)
			if len(items) != len(tc.pems) {
				t.Fatalf("key group holds %d keys, want %d", len(items), len(tc.pems))
			}
			keys := tc.fx.resources("AWS::CloudFront::PublicKey")
			if len(keys) != len(tc.pems) {
				t.Errorf("%d public keys in the template, want %d", len(keys), len(tc.pems))
			}
			for i, item := range items {
				ref := item.(map[string]any)["Ref"].(string)
				key, ok := keys[ref]
				if !ok {
					t.Fatalf("key group item %d refers to %q, not a public key", i, ref)
				}
				got := key["Properties"].(map[string]any)["PublicKeyConfig"].(map[string]any)["EncodedKey"]
				if got != tc.pems[i] {
					t.Errorf("public key %d is %q, want the PEM from props %q", i, got, tc.pems[i])
				}
				if ref != tc.fx.logicalID(tc.fx.cdn.PublicKeys[i]) {
					t.Errorf("key group item %d is %s, Distribution.PublicKeys[%d] is %s", i, ref, i, tc.fx.logicalID(tc.fx.cdn.PublicKeys[i]))
				}
			}
		})
	}
}

func TestPrivateKey_NeverInTheTemplateOrCloudAssembly(t *testing.T) {
	def, _, _ := fixtures(t)
	for _, c := range configs(t) {
		if strings.Contains(string(c.fx.json), "PRIVATE KEY") {
			t.Errorf("%s: the template holds a private key", c.name)
		}
	}
	files := 0
	err := filepath.WalkDir(def.outdir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "PRIVATE KEY") {
			t.Errorf("%s holds a private key", path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk cloud assembly %s: %v", def.outdir, err)
	}
	if files < 4 { // manifest, tree and three templates at least
		t.Fatalf("cloud assembly %s holds %d files; is it the synthesized one?", def.outdir, files)
	}
}

// metadataEntries maps construct paths to their metadata in a cloud assembly.
type metadataEntries map[string][]struct {
	Type string `json:"type"`
	Data any    `json:"data"`
}

// warnings returns the synth warnings recorded for fx's stack in the cloud
// assembly (the manifest or the stack's additional metadata file), as the
// CDK CLI reads them.
func (fx *fixture) warnings(t *testing.T) []string {
	t.Helper()
	readJSON := func(name string, v any) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(fx.outdir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	var m struct {
		Artifacts map[string]struct {
			Metadata               metadataEntries `json:"metadata"`
			AdditionalMetadataFile string          `json:"additionalMetadataFile"`
		} `json:"artifacts"`
	}
	readJSON("manifest.json", &m)
	art, ok := m.Artifacts[*fx.stack.ArtifactId()]
	if !ok {
		t.Fatalf("no artifact %s in the cloud assembly", *fx.stack.ArtifactId())
	}
	all := []metadataEntries{art.Metadata}
	if art.AdditionalMetadataFile != "" {
		var more metadataEntries
		readJSON(art.AdditionalMetadataFile, &more)
		all = append(all, more)
	}
	var out []string
	for _, md := range all {
		for _, entries := range md {
			for _, e := range entries {
				if e.Type == "aws:cdk:warning" {
					out = append(out, jsonOf(t, e.Data))
				}
			}
		}
	}
	return out
}

func TestUnsigned_HasNoKeyGroupAndWarnsAtSynth(t *testing.T) {
	def, max, un := fixtures(t)
	if n := len(un.resources("AWS::CloudFront::KeyGroup")); n != 0 {
		t.Errorf("%d key groups with unsigned reads, want none", n)
	}
	_, dist := un.distribution(t)
	for i, b := range behaviours(dist) {
		if _, ok := b["TrustedKeyGroups"]; ok {
			t.Errorf("behaviour %d has TrustedKeyGroups with unsigned reads", i)
		}
		if got := jsonOf(t, b["AllowedMethods"]); got != `["GET","HEAD"]` {
			t.Errorf("behaviour %d AllowedMethods = %s, want reads only", i, got)
		}
	}
	if un.cdn.KeyGroup != nil || len(un.cdn.PublicKeys) != 0 {
		t.Error("Distribution exports a key group or public keys with unsigned reads")
	}
	warned := func(fx *fixture) bool {
		for _, w := range fx.warnings(t) {
			if strings.Contains(w, "UnsafeAllowUnsignedReads") && strings.Contains(w, "ANYONE") {
				return true
			}
		}
		return false
	}
	if !warned(un) {
		t.Errorf("no synth warning naming UnsafeAllowUnsignedReads; warnings: %v", un.warnings(t))
	}
	for _, fx := range []*fixture{def, max} {
		if warned(fx) {
			t.Errorf("%s warns about unsigned reads although viewers are signed", *fx.stack.StackName())
		}
	}
}

func TestDistribution_HTTPSOnlyHTTP2And3IPv6(t *testing.T) {
	for _, c := range configs(t) {
		t.Run(c.name, func(t *testing.T) {
			c.fx.template.HasResourceProperties(jsii.String("AWS::CloudFront::Distribution"), &map[string]any{
				"DistributionConfig": assertions.Match_ObjectLike(&map[string]any{
					"Enabled":     true,
					"HttpVersion": "http2and3",
					"IPV6Enabled": true,
				}),
			})
			_, dist := c.fx.distribution(t)
			for i, b := range behaviours(dist) {
				if b["ViewerProtocolPolicy"] != "redirect-to-https" {
					t.Errorf("behaviour %d ViewerProtocolPolicy = %v, want redirect-to-https", i, b["ViewerProtocolPolicy"])
				}
			}
		})
	}
}

func TestResponseHeaders_SecurityHeadersEverywhereAndCORSOnlyFromProps(t *testing.T) {
	def, max, un := fixtures(t)
	wantSecurity := `{"ContentSecurityPolicy":{"ContentSecurityPolicy":"default-src 'none'; sandbox","Override":true},` +
		`"ContentTypeOptions":{"Override":true},` +
		`"FrameOptions":{"FrameOption":"DENY","Override":true},` +
		`"ReferrerPolicy":{"Override":true,"ReferrerPolicy":"no-referrer"},` +
		`"StrictTransportSecurity":{"AccessControlMaxAgeSec":63072000,"IncludeSubdomains":true,"Override":true}}`
	cases := []struct {
		name string
		fx   *fixture
		cors string // "" for none
	}{
		{"default", def, ""},
		{"unsigned", un, ""},
		{"maximal", max, `{"AccessControlAllowCredentials":false,` +
			`"AccessControlAllowHeaders":{"Items":["content-type","range","if-match","if-none-match"]},` +
			`"AccessControlAllowMethods":{"Items":["GET","HEAD","PUT","DELETE","OPTIONS"]},` +
			`"AccessControlAllowOrigins":{"Items":["https://app.example.com"]},` +
			`"AccessControlExposeHeaders":{"Items":["ETag","Content-Length","Content-Range"]},` +
			`"AccessControlMaxAgeSec":600,"OriginOverride":true}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, r := tc.fx.only(t, "AWS::CloudFront::ResponseHeadersPolicy")
			cfg := r["Properties"].(map[string]any)["ResponseHeadersPolicyConfig"].(map[string]any)
			if got := jsonOf(t, cfg["SecurityHeadersConfig"]); got != wantSecurity {
				t.Errorf("SecurityHeadersConfig = %s, want %s", got, wantSecurity)
			}
			cors, ok := cfg["CorsConfig"]
			switch {
			case tc.cors == "" && ok:
				t.Errorf("CorsConfig %s without CorsAllowedOrigins", jsonOf(t, cors))
			case tc.cors != "" && jsonOf(t, cors) != tc.cors:
				t.Errorf("CorsConfig = %s, want %s", jsonOf(t, cors), tc.cors)
			}
			_, dist := tc.fx.distribution(t)
			for i, b := range behaviours(dist) {
				if got := jsonOf(t, b["ResponseHeadersPolicyId"]); got != `{"Ref":"`+id+`"}` {
					t.Errorf("behaviour %d ResponseHeadersPolicyId = %s, want %s", i, got, id)
				}
			}
		})
	}
}

// TestCachePolicy_BoundsTheEdgeTTL: every behaviour uses the construct's
// own cache policy, whose maximum TTL is CacheMaxTTL (1 day by default),
// so no Cache-Control an uploader stored keeps an object at the edges
// longer; the cache key is CachingOptimized's.
func TestCachePolicy_BoundsTheEdgeTTL(t *testing.T) {
	def, max, _ := fixtures(t)
	for _, c := range []struct {
		name         string
		fx           *fixture
		maxTTL, dflt float64
	}{
		{"default", def, DefaultCacheMaxTTLSeconds, DefaultCacheMaxTTLSeconds},
		{"maximal", max, 3600, 3600},
	} {
		t.Run(c.name, func(t *testing.T) {
			id, policy := c.fx.only(t, "AWS::CloudFront::CachePolicy")
			cfg := policy["Properties"].(map[string]any)["CachePolicyConfig"].(map[string]any)
			if cfg["MaxTTL"] != c.maxTTL || cfg["DefaultTTL"] != c.dflt || cfg["MinTTL"] != float64(1) {
				t.Errorf("TTLs min %v default %v max %v, want 1, %v, %v", cfg["MinTTL"], cfg["DefaultTTL"], cfg["MaxTTL"], c.dflt, c.maxTTL)
			}
			key := jsonOf(t, cfg["ParametersInCacheKeyAndForwardedToOrigin"])
			for _, want := range []string{`"CookiesConfig":{"CookieBehavior":"none"}`, `"HeadersConfig":{"HeaderBehavior":"none"}`,
				`"QueryStringsConfig":{"QueryStringBehavior":"none"}`, `"EnableAcceptEncodingBrotli":true`, `"EnableAcceptEncodingGzip":true`} {
				if !strings.Contains(key, want) {
					t.Errorf("cache key %s lacks %s", key, want)
				}
			}
			_, dist := c.fx.distribution(t)
			for i, b := range behaviours(dist) {
				if got := jsonOf(t, b["CachePolicyId"]); got != `{"Ref":"`+id+`"}` {
					t.Errorf("behaviour %d CachePolicyId = %s, want %s", i, got, id)
				}
			}
		})
	}
}

// TestResponseHeaders_RemoveUploaderChosenHeaders: the caching and
// disposition headers an uploader can store never reach viewers.
func TestResponseHeaders_RemoveUploaderChosenHeaders(t *testing.T) {
	for _, c := range configs(t) {
		_, policy := c.fx.only(t, "AWS::CloudFront::ResponseHeadersPolicy")
		cfg := policy["Properties"].(map[string]any)["ResponseHeadersPolicyConfig"].(map[string]any)
		got := jsonOf(t, cfg["RemoveHeadersConfig"])
		if got != `{"Items":[{"Header":"Cache-Control"},{"Header":"Expires"},{"Header":"Content-Disposition"}]}` {
			t.Errorf("%s: RemoveHeadersConfig = %s", c.name, got)
		}
	}
}

func TestErrorResponses_ReplaceS3ErrorBodiesWithPagesUnderTheErrorPrefix(t *testing.T) {
	for _, c := range configs(t) {
		t.Run(c.name, func(t *testing.T) {
			_, dist := c.fx.distribution(t)
			got := map[int]map[string]any{}
			for _, e := range dist["CustomErrorResponses"].([]any) {
				m := e.(map[string]any)
				got[int(m["ErrorCode"].(float64))] = m
			}
			if len(got) != len(ErrorPages) {
				t.Errorf("%d error responses, want one per ErrorPages entry (%d)", len(got), len(ErrorPages))
			}
			for code := range ErrorPages {
				e, ok := got[code]
				if !ok {
					t.Errorf("no error response for %d", code)
					continue
				}
				if code < 400 || code > 499 {
					t.Errorf("error page for %d: only client errors are replaced", code)
				}
				if e["ResponseCode"] != float64(code) {
					t.Errorf("%d answered with %v, want the same status", code, e["ResponseCode"])
				}
				want := "/" + ErrorPagePrefix + jsonOf(t, code) + ".json"
				if e["ResponsePagePath"] != want || !strings.HasPrefix(want, "/_errors/") {
					t.Errorf("%d page %v, want %s", code, e["ResponsePagePath"], want)
				}
			}
		})
	}
}

func TestErrorPages_AreJSONMessagesNamingNoBucketKeyOrAccount(t *testing.T) {
	def, _, _ := fixtures(t)
	for code, body := range ErrorPages {
		var m map[string]string
		if err := json.Unmarshal([]byte(body), &m); err != nil || len(m) != 1 || m["message"] == "" {
			t.Errorf("%d: body %s is not {\"message\": ...} (%v)", code, body, err)
		}
		for _, leak := range []string{"s3", "arn:", "bucket", "securestore", testAccount, *def.stack.StackName()} {
			if strings.Contains(strings.ToLower(body), strings.ToLower(leak)) {
				t.Errorf("%d: body %s mentions %q", code, body, leak)
			}
		}
	}
}

func TestMethods_ReadOnlyUsesCloudFrontsMethodSetAndNoFunction(t *testing.T) {
	def, _, un := fixtures(t)
	for _, fx := range []*fixture{def, un} {
		_, dist := fx.distribution(t)
		b := dist["DefaultCacheBehavior"].(map[string]any)
		if got := jsonOf(t, b["AllowedMethods"]); got != `["GET","HEAD"]` {
			t.Errorf("%s: AllowedMethods = %s, want GET, HEAD", *fx.stack.StackName(), got)
		}
		if _, ok := b["FunctionAssociations"]; ok {
			t.Errorf("%s: a function is associated with a read-only behaviour", *fx.stack.StackName())
		}
		if n := len(fx.resources("AWS::CloudFront::Function")); n != 0 || fx.cdn.MethodFilter != nil {
			t.Errorf("%s: %d CloudFront functions for read-only access, want none", *fx.stack.StackName(), n)
		}
	}
}

func TestMethods_WritesAllowEveryMethodBehindTheMethodFilter(t *testing.T) {
	_, max, _ := fixtures(t)
	fnID, fn := max.only(t, "AWS::CloudFront::Function")
	_, dist := max.distribution(t)
	b := dist["DefaultCacheBehavior"].(map[string]any)
	if got := strs(b["AllowedMethods"]); !sameSet(got, []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}) {
		t.Errorf("AllowedMethods = %v, want all seven", got)
	}
	want := `[{"EventType":"viewer-request","FunctionARN":{"Fn::GetAtt":["` + fnID + `","FunctionARN"]}}]`
	if got := jsonOf(t, b["FunctionAssociations"]); got != want {
		t.Errorf("FunctionAssociations = %s, want %s", got, want)
	}
	props := fn["Properties"].(map[string]any)
	if got := props["FunctionConfig"].(map[string]any)["Runtime"]; got != "cloudfront-js-2.0" {
		t.Errorf("runtime %v, want cloudfront-js-2.0", got)
	}
	if props["AutoPublish"] != true {
		t.Error("the method filter is not published (AutoPublish)")
	}
	if got, want := props["FunctionCode"], MethodFilterCode(max.cdn.Access, true); got != want {
		t.Errorf("deployed function code differs from MethodFilterCode(%v, cors):\n%v", max.cdn.Access, got)
	}
}

func TestAccessLogs_StandardLoggingV2ToTheLogBucketUnderThePrefix(t *testing.T) {
	def, max, _ := fixtures(t)
	cases := []struct {
		name, prefix string
		fx           *fixture
	}{{"default", "cloudfront/", def}, {"maximal", "cdn-logs/", max}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := tc.fx
			srcID, src := fx.only(t, "AWS::Logs::DeliverySource")
			dstID, dst := fx.only(t, "AWS::Logs::DeliveryDestination")
			_, del := fx.only(t, "AWS::Logs::Delivery")
			sp, dp, lp := src["Properties"].(map[string]any), dst["Properties"].(map[string]any), del["Properties"].(map[string]any)
			logBucket := fx.logicalID(fx.bucket.LogBucket)

			if sp["LogType"] != "ACCESS_LOGS" {
				t.Errorf("source LogType = %v, want ACCESS_LOGS", sp["LogType"])
			}
			if got := jsonOf(t, sp["ResourceArn"]); got != fx.distributionArn(t) {
				t.Errorf("source ResourceArn = %s, want the distribution's ARN", got)
			}
			wantDst := `{"Fn::Join":["",[{"Fn::GetAtt":["` + logBucket + `","Arn"]},"/` + strings.TrimSuffix(tc.prefix, "/") + `"]]}`
			if got := jsonOf(t, dp["DestinationResourceArn"]); got != wantDst {
				t.Errorf("destination = %s, want the log bucket with the prefix %s", got, wantDst)
			}
			if lp["DeliverySourceName"] != sp["Name"] {
				t.Errorf("delivery names source %v, the source is %v", lp["DeliverySourceName"], sp["Name"])
			}
			if got := jsonOf(t, lp["DeliveryDestinationArn"]); got != `{"Fn::GetAtt":["`+dstID+`","Arn"]}` {
				t.Errorf("delivery destination = %s, want %s", got, dstID)
			}
			if lp["S3SuffixPath"] != LogSuffixPath {
				t.Errorf("S3SuffixPath = %v, want %s", lp["S3SuffixPath"], LogSuffixPath)
			}
			// Signed URLs and cookies are bearer credentials: the logs
			// name an explicit field list without the query string or
			// the cookies (every field, the default, includes both).
			fields := strs(lp["RecordFields"])
			if len(fields) == 0 || slices.Contains(fields, "cs-uri-query") || slices.Contains(fields, "cs(Cookie)") {
				t.Errorf("RecordFields = %v, want an explicit list without cs-uri-query and cs(Cookie)", fields)
			}
			for _, want := range []string{"date", "time", "c-ip", "cs-method", "cs-uri-stem", "sc-status", "x-edge-request-id"} {
				if !slices.Contains(fields, want) {
					t.Errorf("RecordFields lack %s", want)
				}
			}
			dependsOn := strs(del["DependsOn"])
			logPolicy := fx.logicalID(fx.bucket.LogBucket.Policy())
			if !slices.Contains(dependsOn, srcID) || !slices.Contains(dependsOn, logPolicy) {
				t.Errorf("delivery DependsOn %v, want its source %s and the log bucket policy %s", dependsOn, srcID, logPolicy)
			}

			sts := fx.statementsFor("AWS::S3::BucketPolicy", "PolicyDocument", "delivery.logs.amazonaws.com")
			if len(sts) != 1 {
				t.Fatalf("%d statements for delivery.logs.amazonaws.com, want 1", len(sts))
			}
			st := sts[0]
			if got := strs(st["Action"]); !sameSet(got, []string{"s3:PutObject"}) {
				t.Errorf("log delivery actions %v, want s3:PutObject", got)
			}
			wantRes := `{"Fn::Join":["",[{"Fn::GetAtt":["` + logBucket + `","Arn"]},"/` + tc.prefix + `*"]]}`
			if got := jsonOf(t, st["Resource"]); got != wantRes {
				t.Errorf("log delivery resource %s, want %s", got, wantRes)
			}
			cond := jsonOf(t, st["Condition"])
			if !strings.Contains(cond, ":delivery-source:"+sp["Name"].(string)) {
				t.Errorf("log delivery condition %s does not name this delivery source %v", cond, sp["Name"])
			}
			if n := len(fx.resources("AWS::S3::Bucket")); n != 2 {
				t.Errorf("%d buckets, want the data and log buckets only", n)
			}
		})
	}
}

func TestAccessLogs_RegionRuleOnlyForEnvironmentAgnosticStacks(t *testing.T) {
	def, max, un := fixtures(t)
	regionRules := func(fx *fixture) []string {
		var out []string
		rules, _ := fx.raw["Rules"].(map[string]any)
		for id, r := range rules {
			if s := jsonOf(t, r); strings.Contains(s, `{"Fn::Equals":[{"Ref":"AWS::Region"},"us-east-1"]}`) {
				out = append(out, id)
			}
		}
		return out
	}
	if got := regionRules(def); len(got) != 1 {
		t.Errorf("environment-agnostic stack: %d us-east-1 rules, want 1", len(got))
	}
	if got := regionRules(max); len(got) != 0 {
		t.Errorf("stack pinned to us-east-1: rules %v, want none", got)
	}
	if got := regionRules(un); len(got) != 0 {
		t.Errorf("access logs off: rules %v, want none", got)
	}
	for _, typ := range []string{"AWS::Logs::DeliverySource", "AWS::Logs::DeliveryDestination", "AWS::Logs::Delivery"} {
		if n := len(un.resources(typ)); n != 0 {
			t.Errorf("access logs off: %d %s", n, typ)
		}
	}
	found := false
	for _, w := range un.warnings(t) {
		found = found || strings.Contains(w, "UnsafeDisableAccessLogs")
	}
	if !found {
		t.Error("access logs off without a synth warning naming UnsafeDisableAccessLogs")
	}
}

func TestOptions_MaximalConfigurationReachesTheDistribution(t *testing.T) {
	_, max, _ := fixtures(t)
	_, dist := max.distribution(t)
	want := map[string]string{
		"Aliases":           `["files.example.com"]`,
		"ViewerCertificate": `{"AcmCertificateArn":"` + testCertificate + `","MinimumProtocolVersion":"TLSv1.2_2021","SslSupportMethod":"sni-only"}`,
		"WebACLId":          `"` + testWebACL + `"`,
		"Restrictions":      `{"GeoRestriction":{"Locations":["DE","FR","US"],"RestrictionType":"whitelist"}}`,
		"PriceClass":        `"PriceClass_All"`,
	}
	for k, w := range want {
		if got := jsonOf(t, dist[k]); got != w {
			t.Errorf("%s = %s, want %s", k, got, w)
		}
	}
}

func TestOptions_DefaultsLeaveThemOut(t *testing.T) {
	def, _, un := fixtures(t)
	_, dist := def.distribution(t)
	for _, k := range []string{"Aliases", "ViewerCertificate", "WebACLId", "Restrictions"} {
		if v, ok := dist[k]; ok {
			t.Errorf("default %s = %s, want absent", k, jsonOf(t, v))
		}
	}
	if dist["PriceClass"] != "PriceClass_100" {
		t.Errorf("default PriceClass = %v, want PriceClass_100", dist["PriceClass"])
	}
	_, unDist := un.distribution(t)
	if got, want := jsonOf(t, unDist["Restrictions"]), `{"GeoRestriction":{"Locations":["KP","RU"],"RestrictionType":"blacklist"}}`; got != want {
		t.Errorf("GeoDenyList: Restrictions = %s, want %s", got, want)
	}
}

func TestOutputs_DomainNameAndDistributionID(t *testing.T) {
	for _, c := range configs(t) {
		id, _ := c.fx.distribution(t)
		want := map[string]string{
			"DomainName":     `{"Fn::GetAtt":["` + id + `","DomainName"]}`,
			"DistributionId": `{"Ref":"` + id + `"}`,
		}
		outputs := c.fx.raw["Outputs"].(map[string]any)
		for name, w := range want {
			found := false
			for oid, o := range outputs {
				if strings.HasPrefix(oid, "CDN"+name) {
					found = true
					if got := jsonOf(t, o.(map[string]any)["Value"]); got != w {
						t.Errorf("%s: output %s = %s, want %s", c.name, oid, got, w)
					}
				}
			}
			if !found {
				t.Errorf("%s: no %s output among %v", c.name, name, reflect.ValueOf(outputs).MapKeys())
			}
		}
	}
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

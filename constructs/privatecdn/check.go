package privatecdn

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/securestore/securestore/validation"
)

// MaxPublicKeys is how many public keys CloudFront accepts in one key group.
const MaxPublicKeys = 5

var (
	certificateArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate/[A-Za-z0-9-]+$`)
	webACLArnPattern      = regexp.MustCompile(`^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):\d{12}:([a-z]+)/webacl/[A-Za-z0-9_-]{1,128}/[a-f0-9-]{36}$`)
	domainNamePattern     = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$`)
	regionalDomainPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\.s3\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`)
)

// countryCodes are the 249 officially assigned ISO 3166-1 alpha-2 codes, the
// locations CloudFront's geo restriction accepts. Reserved and withdrawn
// codes (UK, EU, UN, SU, YU, AN, FX, ...) and user-assigned ones (XK) are not
// among them.
var countryCodes = func() map[string]bool {
	const assigned = `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
		CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
		GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
		KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT
		MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
		SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
		UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`
	set := map[string]bool{}
	for _, c := range strings.Fields(assigned) {
		set[c] = true
	}
	return set
}()

// check validates p, collecting every problem, and panics once with a
// *validation.Error if there is any. It returns the effective access levels.
func check(c constructs.Construct, p *Props) []Access {
	problems := validation.For(*c.Node().Path())

	levels := p.Access
	if levels == nil {
		levels = []Access{Read}
	}
	if len(levels) == 0 {
		problems.Addf("Access", "must list at least one of %q, %q and %q, received an empty list", Read, Write, Delete)
	}
	seen := map[Access]bool{}
	for i, a := range levels {
		switch {
		case a != Read && a != Write && a != Delete:
			problems.Addf("Access", "element %d must be %q, %q or %q, received %q", i, Read, Write, Delete, string(a))
		case seen[a]:
			problems.Addf("Access", "element %d repeats %q", i, string(a))
		}
		seen[a] = true
	}

	if p.Bucket == nil {
		problems.Addf("Bucket", "required: the bucket to serve (privatecdn.PropsFor fills it from a privatebucket.PrivateBucket)")
	}
	if validation.Literal(p.BucketRegionalDomainName) && !regionalDomainPattern.MatchString(*p.BucketRegionalDomainName) {
		problems.Addf("BucketRegionalDomainName", "must be <bucket>.s3.<region>.amazonaws.com, received %q", *p.BucketRegionalDomainName)
	}
	if p.BucketRegionalDomainName == nil && p.Bucket != nil && owned(p.Bucket) {
		key := p.Key
		if key == nil {
			key = p.Bucket.EncryptionKey()
		}
		if key != nil && owned(key) {
			problems.Addf("BucketRegionalDomainName", "required when the bucket and its key are created in this app: the bucket's own "+
				"domain name attribute would make the key policy depend on the bucket through the distribution (a dependency cycle); "+
				"pass a name built from the bucket's name, such as privatebucket.PrivateBucket.RegionalDomainName (privatecdn.PropsFor does)")
		}
	}

	if p.CacheMaxTTL != nil {
		switch secs := p.CacheMaxTTL.ToSeconds(nil); {
		case p.CachePolicy != nil:
			problems.Addf("CacheMaxTTL", "applies to the construct's own cache policy only: set it on CachePolicy instead, or leave CachePolicy nil")
		case validation.Literal(secs) && (*secs < 1 || *secs > MaxCacheMaxTTLSeconds || *secs != float64(int64(*secs))):
			problems.Addf("CacheMaxTTL", "must be a whole number of seconds from 1 to %d (1 year), received %s seconds", MaxCacheMaxTTLSeconds, strconv.FormatFloat(*secs, 'f', -1, 64))
		}
	}

	logsOff := validation.IsTrue(p.UnsafeDisableAccessLogs)
	if !logsOff {
		if p.LogBucket == nil {
			problems.Addf("LogBucket", "required: access logs go there (set UnsafeDisableAccessLogs to run without access logs)")
		}
		region := awscdk.Stack_Of(c).Region()
		if validation.Literal(region) && *region != LogRegion {
			problems.Addf("LogBucket", "CloudFront access logs (standard logging v2) can only be set up from %s and this stack is pinned to %q: "+
				"put the stack in %s (CloudFront is global and the bucket may stay in its region), or set UnsafeDisableAccessLogs", LogRegion, *region, LogRegion)
		}
	}
	if logsOff && (p.LogBucket != nil || p.LogPrefix != nil) {
		problems.Addf("UnsafeDisableAccessLogs", "is set, so LogBucket and LogPrefix must be nil")
	}
	if validation.Literal(p.LogPrefix) {
		lp := *p.LogPrefix
		if lp == "" || strings.HasPrefix(lp, "/") || !strings.HasSuffix(lp, "/") || strings.ContainsAny(lp, "*?${}") {
			problems.Addf("LogPrefix", "must be a key prefix such as \"cloudfront/\": not starting with '/', ending with '/', without '*', '?', '$', '{' or '}', received %q", lp)
		}
	}

	unsigned := validation.IsTrue(p.UnsafeAllowUnsignedReads)
	if unsigned {
		if has(levels, Write) || has(levels, Delete) {
			problems.Addf("UnsafeAllowUnsignedReads", "allowed only with Access = [read]: writes and deletes always need a signed URL or cookie, received Access %v", levels)
		}
		if len(p.ViewerPublicKeyPems) > 0 {
			problems.Addf("ViewerPublicKeyPems", "must be empty with UnsafeAllowUnsignedReads (viewers' signatures are not checked)")
		}
	} else {
		if len(p.ViewerPublicKeyPems) == 0 {
			problems.Addf("ViewerPublicKeyPems", "required: at least one PEM public key of the trusted key group that signs viewer URLs and cookies "+
				"(or set UnsafeAllowUnsignedReads to let anyone read)")
		}
		if len(p.ViewerPublicKeyPems) > MaxPublicKeys {
			problems.Addf("ViewerPublicKeyPems", "a key group holds at most %d public keys, received %d", MaxPublicKeys, len(p.ViewerPublicKeyPems))
		}
		for i, k := range p.ViewerPublicKeyPems {
			if why := checkPublicKey(k); why != "" {
				problems.Addf("ViewerPublicKeyPems", "element %d %s", i, why)
			}
		}
	}

	for i, o := range validation.Strings(p.CorsAllowedOrigins) {
		if validation.Literal(&o) && !validation.IsOrigin(o) {
			problems.Addf("CorsAllowedOrigins", "element %d must be https://host[:port] (or http://localhost[:port]) without a path or wildcard, received %q", i, o)
		}
	}

	if len(p.DomainNames) > 0 && p.CertificateArn == nil {
		problems.Addf("CertificateArn", "required with DomainNames %v: CloudFront serves a custom domain only with an ACM certificate in us-east-1", p.DomainNames)
	}
	if p.CertificateArn != nil && len(p.DomainNames) == 0 {
		problems.Addf("DomainNames", "required with CertificateArn: name the domains the certificate covers")
	}
	for i, n := range p.DomainNames {
		if validation.Literal(&n) && (len(n) > 253 || !domainNamePattern.MatchString(n)) {
			problems.Addf("DomainNames", "element %d must be a lowercase DNS name such as files.example.com (a leading \"*.\" is allowed), received %q", i, n)
		}
	}
	if validation.Literal(p.CertificateArn) {
		arn := *p.CertificateArn
		m := certificateArnPattern.FindStringSubmatch(arn)
		switch {
		case m == nil:
			problems.Addf("CertificateArn", "must be an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>), received %q", arn)
		case m[1] != validation.CloudFrontRegion:
			problems.Addf("CertificateArn", "CloudFront uses ACM certificates from us-east-1 only; this one is in %s: request or import the certificate in us-east-1, received %q", m[1], arn)
		}
	}

	if validation.Literal(p.WebACLArn) {
		arn := *p.WebACLArn
		m := webACLArnPattern.FindStringSubmatch(arn)
		switch {
		case m == nil:
			problems.Addf("WebACLArn", "must be a WAFv2 web ACL ARN (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>), received %q", arn)
		case m[1] != validation.CloudFrontRegion || m[2] != "global":
			problems.Addf("WebACLArn", "must be a web ACL of CLOUDFRONT scope (region us-east-1, \"global/webacl/\"); a REGIONAL web ACL cannot protect a distribution, received %q", arn)
		}
	}

	if len(p.GeoAllowList) > 0 && len(p.GeoDenyList) > 0 {
		problems.Addf("GeoAllowList", "cannot be combined with GeoDenyList: CloudFront applies one list, an allow list or a deny list")
	}
	checkCountries(problems, "GeoAllowList", p.GeoAllowList)
	checkCountries(problems, "GeoDenyList", p.GeoDenyList)

	if csp := p.ContentSecurityPolicy; validation.Literal(csp) {
		if *csp == "" || len(*csp) > 1783 || strings.ContainsFunc(*csp, func(r rune) bool { return r < 0x20 || r > 0x7E }) {
			problems.Addf("ContentSecurityPolicy", "must be 1 to 1783 printable ASCII characters (CloudFront's limit), received %q", *csp)
		}
	}
	problems.PanicIfAny()
	return levels
}

func checkCountries(problems *validation.Problems, prop string, codes []string) {
	seen := map[string]bool{}
	for i, code := range codes {
		if !isCountry(code) {
			problems.Addf(prop, "element %d must be an ISO 3166-1 alpha-2 country code in upper case, such as \"DE\", received %q", i, code)
		} else if seen[code] {
			problems.Addf(prop, "element %d repeats %q", i, code)
		}
		seen[code] = true
	}
}

// isCountry reports whether code is an assigned ISO 3166-1 alpha-2 code.
func isCountry(code string) bool {
	return countryCodes[code]
}

const notPEM = "is not PEM: expected \"-----BEGIN PUBLIC KEY-----\" ... \"-----END PUBLIC KEY-----\" with nothing before it"

// checkPublicKey explains what is wrong with a PEM public key, or returns "".
func checkPublicKey(text string) string {
	trimmed := strings.TrimSpace(text)
	// pem.Decode skips any text before the block, which would then reach the
	// template (and CDK's own check, whose error repeats it): refuse it.
	if !strings.HasPrefix(trimmed, "-----BEGIN ") {
		return notPEM
	}
	block, rest := pem.Decode([]byte(trimmed))
	if block == nil {
		return notPEM
	}
	if block.Type != "PUBLIC KEY" {
		if strings.Contains(block.Type, "PRIVATE") {
			return fmt.Sprintf("is a %s: give the PUBLIC key; the private key must never enter the template", block.Type)
		}
		return fmt.Sprintf("must be a \"PUBLIC KEY\" PEM block, received a %q block", block.Type)
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return "holds more than one PEM block: give one key per element"
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		if isPrivateKey(block.Bytes) {
			return "holds a private key under a PUBLIC KEY header: give the PUBLIC key; the private key must never enter the template"
		}
		return fmt.Sprintf("is not a valid public key: %v", err)
	}
	switch k := key.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() != 2048 {
			return fmt.Sprintf("is an RSA key of %d bits; CloudFront accepts RSA 2048 or ECDSA P-256", k.N.BitLen())
		}
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return fmt.Sprintf("is an ECDSA key on %s; CloudFront accepts RSA 2048 or ECDSA P-256", k.Curve.Params().Name)
		}
	default:
		return fmt.Sprintf("is a %T; CloudFront accepts RSA 2048 or ECDSA P-256", key)
	}
	return ""
}

// isPrivateKey reports whether der parses as a private key in any of the
// encodings openssl writes.
func isPrivateKey(der []byte) bool {
	if _, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return true
	}
	if _, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return true
	}
	_, err := x509.ParseECPrivateKey(der)
	return err == nil
}

// owned reports whether r is defined in this app (it has a CloudFormation
// resource) rather than imported by name or ARN.
func owned(r constructs.IConstruct) bool {
	return r.Node().DefaultChild() != nil
}

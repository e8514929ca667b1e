package presignapi

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/privatecdn"
	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/settings"
	"github.com/securestore/securestore/validation"
)

// MaxEnvironmentBytes is what Lambda allows for all environment variables
// of a function together (names and values).
const MaxEnvironmentBytes = 4096

var (
	webACLArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):\d{12}:([a-z]+)/webacl/[A-Za-z0-9_-]{1,128}/[a-f0-9-]{36}$`)
	keyPairIDPattern = regexp.MustCompile(`^[A-Z0-9]{1,128}$`)
	// Cognito's group name pattern.
	groupNamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
)

// check validates p, collecting every problem, and panics once with a
// *validation.Error if there is any. It returns the props with defaults applied.
func check(c constructs.Construct, p *Props) *effective {
	problems := validation.For(*c.Node().Path())
	s := &effective{
		tiers:          p.Tiers,
		ttlSeconds:     int64(settings.DefaultURLTTL / time.Second),
		maxUploadBytes: settings.DefaultMaxUploadBytes,
		rate:           DefaultThrottleRateLimit,
		burst:          DefaultThrottleBurstLimit,
		retention:      DefaultLogRetention,
	}

	if p.Bucket == nil {
		problems.Addf("Bucket", "required: the privatebucket.PrivateBucket the function presigns for")
	}

	if s.tiers == nil {
		s.tiers = DefaultTiers
	}
	for i, t := range s.tiers {
		switch {
		case t == "" || utf8.RuneCountInString(t) > 128 || !groupNamePattern.MatchString(t):
			problems.Addf("Tiers", "element %d must be a Cognito group name of 1 to 128 letters, digits, symbols or punctuation, received %q", i, t)
		case strings.ContainsAny(t, "/,[]"):
			problems.Addf("Tiers", "element %d must not contain '/', ',', '[' or ']' (a tier is one key segment and a group name in the cognito:groups claim), received %q", i, t)
		case slices.Contains(s.tiers[:i], t):
			problems.Addf("Tiers", "element %d repeats %q", i, t)
		}
	}
	if p.Rules != nil {
		s.rules = slices.Clone(p.Rules)
		if err := access.Validate(s.rules); err != nil {
			problems.Addf("Rules", "%v", oneLine(err))
		}
		for _, r := range s.rules {
			for _, g := range r.Groups {
				if g != access.AnyCaller && !slices.Contains(s.tiers, g) {
					awscdk.Annotations_Of(c).AddWarningV2(jsii.String("securestore:presignapi:groupNotCreated:"+g),
						jsii.String(fmt.Sprintf("Rules name group %q, which is not one of Tiers %v: this construct does not create it", g, s.tiers)))
				}
			}
		}
	} else {
		s.rules = access.Tiered(s.tiers)
		if err := access.Validate(s.rules); err != nil {
			problems.Addf("Tiers", "give invalid default rules: %v", oneLine(err))
		}
	}
	if access.Validate(s.rules) == nil {
		role, err := access.Role(s.rules)
		if err != nil {
			problems.Addf("Rules", "%v", oneLine(err))
		}
		s.role = role
	}

	if p.UserPool != nil {
		// These configure the pool this construct would create.
		if p.MFARequired != nil {
			problems.Addf("MFARequired", "must be nil with UserPool: set MFA on your own pool")
		}
		if p.UnsafeDisableThreatProtection != nil {
			problems.Addf("UnsafeDisableThreatProtection", "must be nil with UserPool: set threat protection on your own pool")
		}
	}

	if p.URLTTL != nil {
		ms := *p.URLTTL.ToMilliseconds(nil)
		if ms < 1000 || ms > float64(settings.MaxURLTTL/time.Millisecond) || math.Mod(ms, 1000) != 0 {
			problems.Addf("URLTTL", "must be whole seconds from 1 second to %s, received %s", settings.MaxURLTTL, *p.URLTTL.ToHumanString())
		} else {
			s.ttlSeconds = int64(ms / 1000)
		}
	}
	s.tokenValidity = awscdk.Duration_Minutes(jsii.Number(IDTokenMinutes))
	if p.TokenValidity != nil {
		min := *p.TokenValidity.ToSeconds(nil) / 60
		switch {
		case p.UserPool != nil:
			problems.Addf("TokenValidity", "applies to the user pool this construct creates only: set the token validity on your pool's app client instead")
		case min < MinTokenMinutes || min > MaxTokenMinutes || min != math.Trunc(min):
			problems.Addf("TokenValidity", "must be whole minutes from %d minutes to 1 day (Cognito's bounds), received %s", MinTokenMinutes, *p.TokenValidity.ToHumanString())
		default:
			s.tokenValidity = p.TokenValidity
		}
	}
	if p.MaxUploadBytes != nil {
		if v := *p.MaxUploadBytes; !whole(v) || v < 1 || v > float64(settings.MaxObjectBytes) {
			problems.Addf("MaxUploadBytes", "must be a whole number of bytes from 1 to %d (%.1f TiB, S3's largest object), received %s",
				settings.MaxObjectBytes, float64(settings.MaxObjectBytes)/(1<<40), strconv.FormatFloat(v, 'f', -1, 64))
		} else {
			s.maxUploadBytes = int64(v)
		}
	}
	if p.ThrottleRateLimit != nil {
		if v := *p.ThrottleRateLimit; !(v > 0) || math.IsInf(v, 0) {
			problems.Addf("ThrottleRateLimit", "must be more than 0 requests per second, received %v", v)
		} else {
			s.rate = v
		}
	}
	if p.ThrottleBurstLimit != nil {
		if v := *p.ThrottleBurstLimit; !whole(v) || v < 1 {
			problems.Addf("ThrottleBurstLimit", "must be a whole number of requests, at least 1, received %v", v)
		} else {
			s.burst = v
		}
	}
	if p.ReservedConcurrency != nil {
		if v := *p.ReservedConcurrency; !whole(v) || v < 1 {
			problems.Addf("ReservedConcurrency", "must be a whole number, at least 1 (0 would stop the function), received %v", v)
		} else {
			s.concurrency = &v
		}
	}
	if p.LogRetention != "" {
		switch {
		case p.LogRetention == awslogs.RetentionDays_INFINITE:
			problems.Addf("LogRetention", "must be a finite retention, received INFINITE")
		case !validation.IsFiniteLogRetention(p.LogRetention):
			problems.Addf("LogRetention", "must be an awslogs.RetentionDays value, received %q", string(p.LogRetention))
		default:
			s.retention = p.LogRetention
		}
	}

	s.origins = validation.Strings(p.CorsAllowedOrigins)
	for i, o := range s.origins {
		if validation.Literal(&o) && !validation.IsOrigin(o) {
			problems.Addf("CorsAllowedOrigins", "element %d must be https://host[:port] (or http://localhost[:port]) without a path or wildcard, received %q", i, o)
		} else if slices.Contains(s.origins[:i], o) {
			problems.Addf("CorsAllowedOrigins", "element %d repeats %q", i, o)
		}
	}

	if validation.Literal(p.WebACLArn) {
		arn := *p.WebACLArn
		m := webACLArnPattern.FindStringSubmatch(arn)
		region := awscdk.Stack_Of(c).Region()
		switch {
		case m == nil:
			problems.Addf("WebACLArn", "must be a WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>), received %q", arn)
		case m[2] != "regional":
			problems.Addf("WebACLArn", "must be a web ACL of REGIONAL scope (\"regional/webacl/\"); a %s web ACL cannot protect an API Gateway stage, received %q", m[2], arn)
		case validation.Literal(region) && m[1] != *region:
			problems.Addf("WebACLArn", "must be in the stack's region %s (a regional web ACL protects resources of its own region only), received %q", *region, arn)
		}
	}

	if d := p.CDN; d != nil {
		if d.Domain == nil {
			problems.Addf("CDN.Domain", "required: the distribution's domain name")
		} else if validation.Literal(d.Domain) && !settings.IsDomainName(*d.Domain) {
			problems.Addf("CDN.Domain", "must be a lowercase domain name without scheme or path, such as d111111abcdef8.cloudfront.net, received %q", *d.Domain)
		}
		if d.KeyPairID == nil {
			problems.Addf("CDN.KeyPairID", "required: the CloudFront public key id of the signing key")
		} else if validation.Literal(d.KeyPairID) && !keyPairIDPattern.MatchString(*d.KeyPairID) {
			problems.Addf("CDN.KeyPairID", "must be a CloudFront public key id (upper-case letters and digits), received %q", *d.KeyPairID)
		}
		if d.PrivateKeySecretArn == nil {
			problems.Addf("CDN.PrivateKeySecretArn", "required: the Secrets Manager secret holding the PEM private key")
		} else if validation.Literal(d.PrivateKeySecretArn) && !settings.IsSecretARN(*d.PrivateKeySecretArn) {
			problems.Addf("CDN.PrivateKeySecretArn", "must be the complete ARN of a Secrets Manager secret, ending with the six-character suffix "+
				"(arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf): the function may read exactly this ARN, received %q", *d.PrivateKeySecretArn)
		}
		if validation.Literal(d.CookieDomain) {
			domain := ""
			if validation.Literal(d.Domain) {
				domain = *d.Domain
			}
			if err := settings.CheckCookieDomain(domain, *d.CookieDomain); err != nil {
				problems.Addf("CDN.CookieDomain", "%v, received %q", err, *d.CookieDomain)
			}
		}
		if len(d.Access) != 1 || d.Access[0] != privatecdn.Read {
			problems.Addf("CDN.Access", "must be [read]: the distribution's access levels, and the key the function signs with must not authorise writes or deletes "+
				"(a CloudFront signature does not bind the method, so a URL signed for a reader would be good for every method the distribution enables), received %v", d.Access)
		}
	}

	if rules, err := json.Marshal(s.rules); err == nil {
		// The bucket name may be a token; count it at the longest a name can be.
		size := len(settings.EnvBucket) + 63 + len(settings.EnvAccessRules) + len(rules) + len(settings.EnvURLTTL) + 6 + len(settings.EnvMaxUploadBytes) + 10
		if validation.IsTrue(p.AllowActiveContent) {
			size += len(settings.EnvActiveContent) + 4
		}
		if len(s.origins) > 0 {
			size += len(settings.EnvAllowedOrigins) + len(strings.Join(s.origins, ","))
		}
		if p.CDN != nil {
			size += len(settings.EnvCDNDomain) + 253 + len(settings.EnvCDNKeyPairID) + 128 + len(settings.EnvCDNKeySecretARN) + 2048
		}
		if size > MaxEnvironmentBytes {
			problems.Addf("Rules", "encode to %d bytes of JSON, which with the rest of the function's environment may exceed Lambda's %d-byte limit (about %d bytes); use fewer or shorter rules",
				len(rules), MaxEnvironmentBytes, size)
		}
	}

	if p.ModuleDir != nil {
		s.moduleDir = *p.ModuleDir
	} else if dir, err := findModuleDir(); err != nil {
		problems.Addf("ModuleDir", "not set, and the module could not be found from the current directory (%v): set it to the root of %s", err, ModulePath)
	} else {
		s.moduleDir = dir
	}
	if s.moduleDir != "" {
		if why := checkModuleDir(s.moduleDir); why != "" {
			problems.Addf("ModuleDir", "%s, received %q", why, s.moduleDir)
		} else if abs, err := filepath.Abs(s.moduleDir); err == nil {
			s.moduleDir = abs
		}
	}

	problems.PanicIfAny()
	return s
}

func whole(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && v == math.Trunc(v)
}

// oneLine joins a multi-line error (errors.Join) with "; ".
func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// Package settings is the presign function's environment contract: the
// names of the variables the construct sets and the function reads, their
// defaults and their bounds, in one place that both import. It depends on
// nothing but the standard library, so importing the construct compiles
// neither the AWS SDK nor aws-lambda-go into a team's CDK app.
package settings

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Environment variables of the presign function (the Presign Lambda
// environment contract in ARCHITECTURE.md).
const (
	// EnvBucket names the bucket (required).
	EnvBucket = "BUCKET_NAME"
	// EnvAccessRules holds the access rules as JSON (required).
	EnvAccessRules = "ACCESS_RULES"
	// EnvURLTTL is the default and longest URL lifetime, in whole seconds.
	EnvURLTTL = "URL_TTL_SECONDS"
	// EnvMaxUploadBytes is the largest upload, in bytes: of a multipart
	// upload's object, and of a single PUT or POST up to MaxPutBytes.
	EnvMaxUploadBytes = "MAX_UPLOAD_BYTES"
	// EnvCDNDomain, EnvCDNKeyPairID and EnvCDNKeySecretARN turn on
	// CloudFront delivery, all together or not at all.
	EnvCDNDomain       = "CDN_DOMAIN"
	EnvCDNKeyPairID    = "CDN_KEY_PAIR_ID"
	EnvCDNKeySecretARN = "CDN_PRIVATE_KEY_SECRET_ARN"
	// EnvCDNCookieDomain is the parent domain (of CDN_DOMAIN) that the
	// CloudFront cookies of POST /cdn-access name in Domain, so that a
	// page on a sibling host sends them to the distribution. Optional.
	EnvCDNCookieDomain = "CDN_COOKIE_DOMAIN"
	// EnvAllowedOrigins lists the browser origins answered with CORS
	// headers, comma separated.
	EnvAllowedOrigins = "ALLOWED_ORIGINS"
	// EnvActiveContent, "true", lets uploads declare content types a
	// browser runs.
	EnvActiveContent = "ALLOW_ACTIVE_CONTENT"
)

// Defaults and bounds of the settings.
const (
	// DefaultURLTTL is the URL lifetime when EnvURLTTL is unset.
	DefaultURLTTL = 300 * time.Second
	// MaxURLTTL is the longest URL lifetime. SigV4 allows 7 days, but the
	// function signs with its role's temporary credentials, and a URL
	// stops working when the session that signed it ends: an assumed
	// role's session lasts at most 12 hours, so a longer expiry would only
	// be a promise S3 does not keep. It bounds CloudFront URLs
	// (delivery=cdn) too, which do not depend on the session: one
	// maximum for every URL the API hands out.
	MaxURLTTL = 12 * time.Hour
	// DefaultMaxUploadBytes is the upload limit when EnvMaxUploadBytes is
	// unset (100 MiB).
	DefaultMaxUploadBytes int64 = 100 << 20
	// MaxPutBytes is the largest object one PUT or POST may send to S3
	// (5 GiB), and the largest part of a multipart upload.
	MaxPutBytes int64 = 5 << 30
	// MinPartBytes is the smallest part of a multipart upload but its
	// last (5 MiB).
	MinPartBytes int64 = 5 << 20
	// MaxParts is the most parts a multipart upload may have.
	MaxParts = 10000
	// MaxObjectBytes is the largest object a multipart upload may make,
	// MaxParts parts of MaxPutBytes (48.8 TiB), and so the upper bound of
	// EnvMaxUploadBytes. A single PUT or POST stays at MaxPutBytes.
	MaxObjectBytes = MaxParts * MaxPutBytes
)

// PutLimit is the largest single PUT or POST for an upload limit of
// maxUploadBytes: the smaller of it and MaxPutBytes.
func PutLimit(maxUploadBytes int64) int64 { return min(maxUploadBytes, MaxPutBytes) }

// secretARN is compiled on first use: compiling at init costs every cold
// start of the function.
var secretARN = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$`)
})

// IsSecretARN reports whether s is the complete ARN of a Secrets Manager
// secret, with the six-character suffix Secrets Manager appends to its
// name: the one form an IAM policy can name exactly (EnvCDNKeySecretARN).
func IsSecretARN(s string) bool { return secretARN().MatchString(s) }

// domainName matches a lower-case DNS name of two labels or more.
var domainName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)
})

// IsDomainName reports whether s is a lower-case DNS name of two labels or
// more, at most 253 characters, such as d111111abcdef8.cloudfront.net or
// media.example.com (EnvCDNDomain, EnvCDNCookieDomain): no scheme, port,
// path or trailing dot.
func IsDomainName(s string) bool { return len(s) <= 253 && domainName().MatchString(s) }

// CheckCookieDomain checks EnvCDNCookieDomain against the distribution's
// domain: "" (no cookies), or a lower-case domain name of two labels or
// more (a browser refuses a cookie for a top-level domain) that is domain
// itself or a parent of it (else browsers would not send the cookies to
// the distribution), and not under cloudfront.net, a public suffix whose
// names only their own host may set cookies for.
func CheckCookieDomain(domain, cookieDomain string) error {
	switch {
	case cookieDomain == "":
		return nil
	case !IsDomainName(cookieDomain):
		return errors.New("not a lower-case domain name of two labels or more")
	case cookieDomain == "cloudfront.net" || strings.HasSuffix(cookieDomain, ".cloudfront.net"):
		return errors.New("a cookie for a cloudfront.net name can only be set by that host itself (cloudfront.net is a public suffix): give the distribution and the API custom domain names under a domain of yours")
	case domain != cookieDomain && !strings.HasSuffix(domain, "."+cookieDomain):
		return fmt.Errorf("the distribution's domain %q is not %q nor under it, so browsers would not send the cookies to it", domain, cookieDomain)
	}
	return nil
}

package api

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/settings"
)

// Config is the handler's configuration.
type Config struct {
	// Bucket is the bucket the signer signs for (BUCKET_NAME).
	Bucket string
	// Rules decide who may presign what (ACCESS_RULES).
	Rules []access.Rule
	// MaxTTL is both the default and the longest URL lifetime, in whole
	// seconds (URL_TTL_SECONDS). Default: 300 seconds.
	MaxTTL time.Duration
	// MaxUploadBytes bounds the size of POST /multipart's object, and up
	// to settings.MaxPutBytes a PUT's contentLength and the maxBytes of
	// POST /uploads (MAX_UPLOAD_BYTES), 1 to settings.MaxObjectBytes.
	// Default: 100 MiB.
	MaxUploadBytes int64
	// AllowedOrigins are the exact origins ("https://app.example.com")
	// that get Access-Control-Allow-Origin (ALLOWED_ORIGINS, comma
	// separated). Default: - none, no CORS header is ever sent.
	AllowedOrigins []string
	// CDN turns on delivery=cdn. Default: - nil, delivery=cdn is refused.
	CDN *CDNConfig
	// AllowActiveContent lets uploads declare content types a browser
	// runs (IsActiveContent: HTML, SVG, JavaScript, XML) when served from
	// the distribution's origin (ALLOW_ACTIVE_CONTENT=true).
	// Default: - false: such uploads are refused with 400.
	AllowActiveContent bool
}

// CDNConfig names the CloudFront distribution and its signing key.
type CDNConfig struct {
	// Domain is the distribution's domain name (CDN_DOMAIN).
	Domain string
	// KeyPairID is the CloudFront public key id (CDN_KEY_PAIR_ID).
	KeyPairID string
	// PrivateKeySecretARN is the Secrets Manager secret holding the PEM
	// private key (CDN_PRIVATE_KEY_SECRET_ARN).
	PrivateKeySecretARN string
	// CookieDomain is the Domain of POST /cdn-access's cookies, Domain
	// itself or a parent of it (CDN_COOKIE_DOMAIN). Default: - "": no
	// Set-Cookie is sent; the answer's query form (and its cookie values,
	// for a client that sets them itself) still work.
	CookieDomain string
}

// keyPairID is compiled when a CDN is configured, not at init: compiling
// the CDN settings' patterns cost 0.4 ms of every cold start.
var keyPairID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z0-9]{1,128}$`) })

// isBucketName matches ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$.
func isBucketName(s string) bool {
	if len(s) < 3 || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		if !alnum && (i == 0 || i == len(s)-1 || c != '.' && c != '-') {
			return false
		}
	}
	return true
}

// ConfigFromEnv reads the configuration through getenv (os.Getenv in the
// Lambda); an empty value counts as unset. BUCKET_NAME and ACCESS_RULES
// (the JSON access.Parse reads) are required: the construct always sets
// both, so a missing one is a wiring mistake rather than a wish for
// defaults. URL_TTL_SECONDS is 1 to 43200 (settings.MaxURLTTL; default 300), MAX_UPLOAD_BYTES
// 1 to settings.MaxObjectBytes (default 100 MiB). CDN_COOKIE_DOMAIN is
// optional, with the other CDN settings. CDN_DOMAIN, CDN_KEY_PAIR_ID and
// CDN_PRIVATE_KEY_SECRET_ARN are given all together or not at all.
// ALLOWED_ORIGINS is an optional comma-separated list of origins. All
// problems are reported at once, each naming its variable.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	var (
		c    Config
		errs []error
	)
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}

	c.Bucket = getenv(settings.EnvBucket)
	switch {
	case c.Bucket == "":
		bad(settings.EnvBucket, "required")
	case !isBucketName(c.Bucket) || strings.Contains(c.Bucket, ".."):
		bad(settings.EnvBucket, "%q is not a valid bucket name", c.Bucket)
	}

	if raw := getenv(settings.EnvAccessRules); raw == "" {
		bad(settings.EnvAccessRules, "required (a JSON array of {prefix, groups, methods})")
	} else if rules, err := access.Parse([]byte(raw)); err != nil {
		bad(settings.EnvAccessRules, "%v", err)
	} else {
		c.Rules = rules
	}

	c.MaxTTL = settings.DefaultURLTTL
	if raw := getenv(settings.EnvURLTTL); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 1 || n > int64(settings.MaxURLTTL/time.Second) {
			bad(settings.EnvURLTTL, "%q: want whole seconds from 1 to %d", raw, int64(settings.MaxURLTTL/time.Second))
		} else {
			c.MaxTTL = time.Duration(n) * time.Second
		}
	}

	c.MaxUploadBytes = settings.DefaultMaxUploadBytes
	if raw := getenv(settings.EnvMaxUploadBytes); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 1 || n > settings.MaxObjectBytes {
			bad(settings.EnvMaxUploadBytes, "%q: want bytes from 1 to %d", raw, settings.MaxObjectBytes)
		} else {
			c.MaxUploadBytes = n
		}
	}

	cdn := CDNConfig{
		Domain:              getenv(settings.EnvCDNDomain),
		KeyPairID:           getenv(settings.EnvCDNKeyPairID),
		PrivateKeySecretARN: getenv(settings.EnvCDNKeySecretARN),
	}
	cookieDomain := getenv(settings.EnvCDNCookieDomain)
	if cookieDomain != "" && cdn == (CDNConfig{}) {
		bad(settings.EnvCDNCookieDomain, "needs %s, %s and %s", settings.EnvCDNDomain, settings.EnvCDNKeyPairID, settings.EnvCDNKeySecretARN)
	}
	if cdn != (CDNConfig{}) {
		cdn.CookieDomain = cookieDomain
		if err := settings.CheckCookieDomain(cdn.Domain, cookieDomain); err != nil {
			bad(settings.EnvCDNCookieDomain, "%q: %v", cookieDomain, err)
		}
		for _, v := range []struct{ name, val string }{
			{settings.EnvCDNDomain, cdn.Domain},
			{settings.EnvCDNKeyPairID, cdn.KeyPairID},
			{settings.EnvCDNKeySecretARN, cdn.PrivateKeySecretARN},
		} {
			if v.val == "" {
				bad(v.name, "required when any of %s, %s, %s is set", settings.EnvCDNDomain, settings.EnvCDNKeyPairID, settings.EnvCDNKeySecretARN)
			}
		}
		if cdn.Domain != "" && !settings.IsDomainName(cdn.Domain) {
			bad(settings.EnvCDNDomain, "%q is not a lower-case domain name (no scheme, no path)", cdn.Domain)
		}
		if cdn.KeyPairID != "" && !keyPairID().MatchString(cdn.KeyPairID) {
			bad(settings.EnvCDNKeyPairID, "%q is not a CloudFront public key id", cdn.KeyPairID)
		}
		if cdn.PrivateKeySecretARN != "" && !settings.IsSecretARN(cdn.PrivateKeySecretARN) {
			bad(settings.EnvCDNKeySecretARN, "%q is not a Secrets Manager secret ARN", cdn.PrivateKeySecretARN)
		}
		c.CDN = &cdn
	}

	if raw := getenv(settings.EnvAllowedOrigins); raw != "" {
		for o := range strings.SplitSeq(raw, ",") {
			o = strings.TrimSpace(o)
			if err := checkOrigin(o); err != nil {
				bad(settings.EnvAllowedOrigins, "%q: %v", o, err)
				continue
			}
			c.AllowedOrigins = append(c.AllowedOrigins, o)
		}
	}

	switch raw := getenv(settings.EnvActiveContent); raw {
	case "", "false":
	case "true":
		c.AllowActiveContent = true
	default:
		bad(settings.EnvActiveContent, "%q: want true or false", raw)
	}

	if len(errs) > 0 {
		return Config{}, fmt.Errorf("api: configuration: %w", errors.Join(errs...))
	}
	return c, nil
}

// checkOrigin accepts a serialised origin: scheme http or https, a host,
// an optional port, and nothing else. "*" and "null" are refused.
func checkOrigin(o string) error {
	if o == "" {
		return errors.New("empty origin")
	}
	u, err := url.Parse(o)
	if err != nil {
		return errors.New("not a URL")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return errors.New("want scheme https (or http)")
	case u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || strings.HasSuffix(o, "?") || strings.HasSuffix(o, "#"):
		return errors.New("want scheme://host[:port] and nothing else")
	case o != strings.ToLower(o):
		return errors.New("want lower case, as browsers send it")
	}
	return nil
}

// Validate checks a Config built by hand the way ConfigFromEnv checks the
// environment.
func (c Config) Validate() error {
	var errs []error
	if c.Bucket == "" {
		errs = append(errs, errors.New("field Bucket is empty"))
	}
	if err := access.Validate(c.Rules); err != nil {
		errs = append(errs, fmt.Errorf("field Rules: %w", err))
	}
	if c.MaxTTL < time.Second || c.MaxTTL > settings.MaxURLTTL || c.MaxTTL%time.Second != 0 {
		errs = append(errs, fmt.Errorf("field MaxTTL %v: want whole seconds from 1s to %v", c.MaxTTL, settings.MaxURLTTL))
	}
	if c.MaxUploadBytes < 1 || c.MaxUploadBytes > settings.MaxObjectBytes {
		errs = append(errs, fmt.Errorf("field MaxUploadBytes %d: want 1 to %d", c.MaxUploadBytes, settings.MaxObjectBytes))
	}
	if c.CDN != nil {
		if err := settings.CheckCookieDomain(c.CDN.Domain, c.CDN.CookieDomain); err != nil {
			errs = append(errs, fmt.Errorf("field CDN.CookieDomain: %w", err))
		}
	}
	for _, o := range c.AllowedOrigins {
		if err := checkOrigin(o); err != nil {
			errs = append(errs, fmt.Errorf("field AllowedOrigins %q: %w", o, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("api: config: %w", errors.Join(errs...))
	}
	return nil
}

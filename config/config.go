// Package config reads securestore's settings from CDK context into a typed,
// validated Config.
//
// Context comes from cdk.json and from `cdk synth -c key=value`. The key
// "env" names an environment; its block in "environments" supplies that
// environment's values; any other top-level key overrides the block (so a
// `-c` flag always wins), and every key left unset takes its default from
// Keys. Values may be JSON-typed (from cdk.json) or strings (from -c): lists
// are JSON arrays or comma-separated strings. An unknown key, or a value of
// the wrong type or out of range, is an error that names the key and what it
// accepts.
//
// Every fact has one home: a key's default is rendered from the constant
// of the construct, settings or compliance that applies it, and a value a
// construct checks (a bucket name, an origin, an alias, a threshold) is
// checked there alone, at synth; stacks.ContextError then names the key,
// as KeyError does, on the construct's message. Parse checks types, the
// combinations of keys, and what no construct sees.
package config

import (
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"

	"github.com/securestore/securestore/compliance"
	"github.com/securestore/securestore/constructs/malwarescan"
	"github.com/securestore/securestore/constructs/monitoring"
	"github.com/securestore/securestore/constructs/presignapi"
	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/constructs/privatecdn"
	"github.com/securestore/securestore/constructs/webacl"
	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/settings"
	"github.com/securestore/securestore/validation"
)

// Config is the validated configuration of one environment.
type Config struct {
	// Env is the environment's name; it names the CDK Stage.
	Env string
	// Account and Region pin the stack's environment; empty means environment-agnostic.
	Account, Region string

	BucketName                      string
	BucketNamePrefix                string
	KeyAlias                        string
	LogsKeyAlias                    string
	KeyAdminRoleArns                []string
	AccessLogRetentionDays          int
	AbortIncompleteUploadDays       int
	NoncurrentVersionExpirationDays int
	CorsAllowedOrigins              []string
	ObjectLockMode                  string
	ObjectLockDays                  int
	EventBridge                     bool
	AuditTrail                      bool
	MalwareScanning                 bool
	MalwareScanPrefixes             []string
	Monitoring                      bool
	AlarmEmails                     []string
	AlarmTopicArn                   string
	AlarmTopicKeyAlias              string
	AlarmAPI5xx                     int
	AlarmAPILatencyP99Ms            int
	AlarmAPI4xxPercent              float64
	AlarmFunctionErrors             int
	AlarmFunctionThrottles          int
	AlarmConcurrencyPercent         float64
	AlarmAccountConcurrency         int
	AlarmCDN5xxPercent              float64
	AlarmMinRequests                int
	AlarmCDN4xxPercent              float64
	AuditTrailKeyAlias              string
	AuditTrailReaderArns            []string

	CDNEnabled             bool
	CDNAccess              []string
	CDNPublicKeyPem        string
	CDNPrivateKeySecretArn string
	CDNCookieDomain        string
	CDNUnsafePublicReads   bool
	CDNDomainNames         []string
	CDNCertificateArn      string
	CDNWebACLArn           string
	CDNHostedZoneID        string
	CDNHostedZoneName      string
	CDNWAF                 bool
	CDNWAFRateLimit        int
	CDNGeoAllow            []string
	CDNGeoDeny             []string
	CDNPriceClass          string
	CDNCacheMaxTTLSeconds  int

	Tiers                     []string
	AccessRules               string
	URLTTLSeconds             int
	MaxUploadBytes            int
	AllowActiveContent        bool
	MFA                       string
	APIThrottleRate           float64
	APIThrottleBurst          int
	APIWebACLArn              string
	LogRetentionDays          int
	LambdaReservedConcurrency int
	TokenValidityMinutes      int
	APIGatewayCloudWatchRole  bool

	NagPacks []string

	// from names where each key's value came from, as errors name it: the
	// key (a -c flag or cdk.json's top level), environments.<env>.<key>,
	// or the key for its default.
	from map[string]string
}

// KeyError reports msg, a problem found in the value of the context key
// named key (by a construct, say), as Parse reports its own: naming the
// key where the user set it, and its type.
func (c *Config) KeyError(key, msg string) error {
	where, kind := key, Kind("")
	if w, ok := c.from[key]; ok {
		where = w
	}
	for _, k := range Keys {
		if k.Name == key {
			kind = k.Kind
		}
	}
	return fmt.Errorf("context key %q (%s): %s", where, kind, msg)
}

// Kind is a context value's type, as documented in the configuration reference.
type Kind string

// Kinds of context values.
const (
	String Kind = "string"
	Int    Kind = "integer"
	Number Kind = "number"
	Bool   Kind = "boolean"
	List   Kind = "list of strings"
	Object Kind = "object"
)

// Key documents one context key.
type Key struct {
	// Name is the context key.
	Name string
	// Kind is its type.
	Kind Kind
	// Default is the value used when neither the environment block nor a
	// top-level key sets it, as written in the reference table.
	Default string
	// Doc says what it does.
	Doc string

	set func(c *Config, raw any) error
}

// Keys lists every context key securestore reads, in reference order.
// The README's configuration table is checked against it.
var Keys = []Key{
	{Name: "env", Kind: String, Default: "dev", Doc: "Environment to synthesize; its block in `environments` supplies values, and it names the CDK Stage (`cdk deploy 'prod/*'`).",
		set: str(func(c *Config, v string) error { c.Env = v; return envName(v) })},
	{Name: "environments", Kind: Object, Default: "{}", Doc: "Per-environment values: `{\"prod\": {\"mfa\": \"required\", ...}}`. Top-level keys override them.",
		set: func(*Config, any) error { return nil }},
	{Name: "account", Kind: String, Default: "", Doc: "AWS account id to pin the stack to; empty leaves it environment-agnostic.",
		set: str(func(c *Config, v string) error {
			c.Account = v
			return match(v, `^(\d{12})?$`, "a 12-digit account id or empty")
		})},
	{Name: "region", Kind: String, Default: "", Doc: "AWS region of the data (bucket, key, API); empty leaves the stack environment-agnostic. With the CDN on and a region other than us-east-1, the distribution, its certificate, web ACL and log bucket go to a second stack, `<env>/Edge`, in us-east-1.",
		set: str(func(c *Config, v string) error {
			c.Region = v
			return match(v, `^([a-z]{2}(-[a-z]+)+-\d)?$`, "a region name such as eu-west-1, or empty")
		})},

	{Name: "bucketName", Kind: String, Default: "", Doc: "Full name of the data bucket; empty builds `<bucketNamePrefix>-<account>-<region>`.",
		set: str(func(c *Config, v string) error { c.BucketName = v; return nil })},
	{Name: "bucketNamePrefix", Kind: String, Default: "securestore-<env>-data", Doc: fmt.Sprintf("Prefix of the generated bucket name (at most %d characters).", privatebucket.MaxBucketNamePrefixLength),
		set: str(func(c *Config, v string) error { c.BucketNamePrefix = v; return nil })},
	{Name: "keyAlias", Kind: String, Default: "alias/securestore/<env>/data", Doc: "Alias of the customer-managed KMS key.",
		set: str(func(c *Config, v string) error { c.KeyAlias = v; return nil })},
	{Name: "logsKeyAlias", Kind: String, Default: "alias/securestore/<env>/logs", Doc: "Alias of the second customer-managed KMS key, which encrypts the data region's log groups (the API's access logs, the function's logs) and which CloudWatch Logs may use for those groups only.",
		set: str(func(c *Config, v string) error { c.LogsKeyAlias = v; return nil })},
	{Name: "keyAdminRoleArns", Kind: List, Default: "[]", Doc: "IAM role ARNs that may administer (never use) the KMS key, beside the account root.",
		set: list(func(c *Config, v []string) error { c.KeyAdminRoleArns = v; return nil })},
	{Name: "accessLogRetentionDays", Kind: Int, Default: itoa(privatebucket.DefaultAccessLogRetentionDays), Doc: "Days to keep S3 server access logs, CloudFront logs and the audit trail's files.",
		set: integer(0, 36500, func(c *Config, v int) { c.AccessLogRetentionDays = v })},
	{Name: "abortIncompleteUploadDays", Kind: Int, Default: itoa(privatebucket.DefaultAbortIncompleteUploadDays), Doc: "Days after which incomplete multipart uploads are aborted.",
		set: integer(0, 3650, func(c *Config, v int) { c.AbortIncompleteUploadDays = v })},
	{Name: "noncurrentVersionExpirationDays", Kind: Int, Default: itoa(privatebucket.DefaultNoncurrentVersionExpirationDays), Doc: "Days after which noncurrent object versions are deleted.",
		set: integer(0, 36500, func(c *Config, v int) { c.NoncurrentVersionExpirationDays = v })},
	{Name: "corsAllowedOrigins", Kind: List, Default: "[]", Doc: "Browser origins (`https://app.example.com`) allowed by the bucket, CloudFront and API CORS rules; none by default.",
		set: list(func(c *Config, v []string) error { c.CorsAllowedOrigins = v; return nil })},
	{Name: "objectLockMode", Kind: String, Default: "", Doc: "`GOVERNANCE` or `COMPLIANCE` turns on S3 Object Lock; empty leaves it off.",
		set: str(func(c *Config, v string) error {
			c.ObjectLockMode = v
			return nil
		})},
	{Name: "objectLockDays", Kind: Int, Default: "0", Doc: "Default Object Lock retention in days; required (at least 1) when objectLockMode is set.",
		set: integer(0, 36500, func(c *Config, v int) { c.ObjectLockDays = v })},
	{Name: "eventBridge", Kind: Bool, Default: "false", Doc: "Send the bucket's object events to Amazon EventBridge.",
		set: boolean(func(c *Config, v bool) { c.EventBridge = v })},
	{Name: "monitoring", Kind: Bool, Default: "true", Doc: "CloudWatch alarms (thresholds below) acting on an SNS topic, one dashboard, and the bucket's request metrics; the distribution's alarm lives in us-east-1 (the Edge stack when there is one).",
		set: boolean(func(c *Config, v bool) { c.Monitoring = v })},
	{Name: "alarmEmails", Kind: List, Default: "[]", Doc: "Email addresses subscribed to the alarm topic (each confirms by email); in both regions' topics with an Edge stack.",
		set: list(func(c *Config, v []string) error { c.AlarmEmails = v; return nil })},
	{Name: "alarmTopicArn", Kind: String, Default: "", Doc: "An existing SNS topic of the data region for the alarms, instead of the one the app creates (its key, if any, must let CloudWatch use it).",
		set: str(func(c *Config, v string) error {
			c.AlarmTopicArn = v
			if v != "" && TopicRegion(v) == "" {
				return fmt.Errorf("want an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), received %q", v)
			}
			return nil
		})},
	{Name: "alarmTopicKeyAlias", Kind: String, Default: "alias/securestore/<env>/alarms", Doc: "Alias of the KMS key that encrypts the alarm topic the app creates (one per region).",
		set: str(func(c *Config, v string) error { c.AlarmTopicKeyAlias = v; return nil })},
	{Name: "alarmApi5xx", Kind: Int, Default: itoa(monitoring.DefaultAPI5xx), Doc: "Alarm when the API answers this many 5XX in 5 minutes.",
		set: integer(0, noLimit, func(c *Config, v int) { c.AlarmAPI5xx = v })},
	{Name: "alarmApiLatencyP99Ms", Kind: Int, Default: itoa(monitoring.DefaultAPILatencyP99Millis), Doc: "Alarm when the API's p99 latency exceeds this many milliseconds for 15 minutes.",
		set: integer(0, noLimit, func(c *Config, v int) { c.AlarmAPILatencyP99Ms = v })},
	{Name: "alarmApi4xxPercent", Kind: Number, Default: ftoa(monitoring.DefaultAPI4xxPercent), Doc: "Alarm when more than this percent of the API's requests are answered 4XX for 15 minutes (abuse, or a client bug).",
		set: num(0, math.Inf(1), func(c *Config, v float64) { c.AlarmAPI4xxPercent = v })},
	{Name: "alarmFunctionErrors", Kind: Int, Default: itoa(monitoring.DefaultFunctionErrors), Doc: "Alarm when the function has this many errors (crashes, timeouts) in 5 minutes.",
		set: integer(0, noLimit, func(c *Config, v int) { c.AlarmFunctionErrors = v })},
	{Name: "alarmFunctionThrottles", Kind: Int, Default: itoa(monitoring.DefaultFunctionThrottles), Doc: "Alarm when this many invocations are throttled in 5 minutes.",
		set: integer(0, noLimit, func(c *Config, v int) { c.AlarmFunctionThrottles = v })},
	{Name: "alarmConcurrencyPercent", Kind: Number, Default: ftoa(monitoring.DefaultConcurrencyPercent), Doc: "Alarm when the function's concurrency reaches this percent of lambdaReservedConcurrency or, without a reservation, the region's claimed Lambda concurrency this percent of alarmAccountConcurrency.",
		set: num(0, math.Inf(1), func(c *Config, v float64) { c.AlarmConcurrencyPercent = v })},
	{Name: "alarmAccountConcurrency", Kind: Int, Default: itoa(monitoring.DefaultAccountConcurrency), Doc: "The account's Lambda concurrency quota in the region (Service Quotas: Concurrent executions), which alarmConcurrencyPercent applies to when the function reserves none.",
		set: integer(0, math.MaxInt32, func(c *Config, v int) { c.AlarmAccountConcurrency = v })},
	{Name: "alarmCdn5xxPercent", Kind: Number, Default: ftoa(monitoring.DefaultCDN5xxPercent), Doc: "Alarm when the distribution's 5xx error rate exceeds this percent for 15 minutes.",
		set: num(0, math.Inf(1), func(c *Config, v float64) { c.AlarmCDN5xxPercent = v })},
	{Name: "malwareScanning", Kind: Bool, Default: "false", Doc: "GuardDuty Malware Protection for S3 on the data bucket: new objects are scanned and tagged, and none is readable (presigned or through CloudFront) until tagged `NO_THREATS_FOUND`; turns the bucket's EventBridge notifications on.",
		set: boolean(func(c *Config, v bool) { c.MalwareScanning = v })},
	{Name: "malwareScanPrefixes", Kind: List, Default: "[]", Doc: fmt.Sprintf("Limit malwareScanning (and its read gate) to keys under these prefixes (each ending with `/`, at most %d); they must cover every prefix an access rule opens to PUT, and every key with cdnAccess write. Empty scans every new object.", malwarescan.MaxPrefixes),
		set: list(func(c *Config, v []string) error { c.MalwareScanPrefixes = v; return nil })},
	{Name: "alarmCdn4xxPercent", Kind: Number, Default: ftoa(monitoring.DefaultCDN4xxPercent), Doc: "Alarm when the distribution's 4xx error rate exceeds this percent for 15 minutes (unsigned or expired requests, or a policy refusing OAC).",
		set: num(0, math.Inf(1), func(c *Config, v float64) { c.AlarmCDN4xxPercent = v })},
	{Name: "alarmMinRequests", Kind: Int, Default: itoa(monitoring.DefaultMinRequests), Doc: "Requests a 5-minute period needs before the rate alarms (API 4XX, distribution 4xx and 5xx) count it; fewer count as 0%, so a lone probe is not an unusual rate.",
		set: integer(0, noLimit, func(c *Config, v int) { c.AlarmMinRequests = v })},
	{Name: "auditTrail", Kind: Bool, Default: "false", Doc: "A CloudTrail trail of the data bucket's object-level events (data events only, log file validation on) to a private bucket of its own, encrypted with a key of its own; on in `prod`. Turn it off where an organisation trail already records this bucket's data events (two trails bill each event twice).",
		set: boolean(func(c *Config, v bool) { c.AuditTrail = v })},
	{Name: "auditTrailKeyAlias", Kind: String, Default: "alias/securestore/<env>/trail", Doc: "Alias of the audit trail's customer-managed KMS key, which CloudTrail may use for this trail only.",
		set: str(func(c *Config, v string) error { c.AuditTrailKeyAlias = v; return nil })},
	{Name: "auditTrailReaderArns", Kind: List, Default: "[]", Doc: "IAM role ARNs that may decrypt the audit trail's files (through S3 only; they need s3:GetObject on the trail bucket in their own policies too); none by default.",
		set: list(func(c *Config, v []string) error { c.AuditTrailReaderArns = v; return nil })},

	{Name: "cdnEnabled", Kind: Bool, Default: "true", Doc: "Put a CloudFront distribution with Origin Access Control in front of the bucket.",
		set: boolean(func(c *Config, v bool) { c.CDNEnabled = v })},
	{Name: "cdnAccess", Kind: List, Default: jsonList(string(privatecdn.Read)), Doc: "What CloudFront may do at the origin: `read`, and opt-in `write` (PUT) and `delete` (DELETE); viewers always need signed URLs or cookies for writes.",
		set: list(func(c *Config, v []string) error { c.CDNAccess = v; return nil })},
	{Name: "cdnPublicKeyPem", Kind: String, Default: "", Doc: "Public key of the CloudFront trusted key group that signs viewer URLs: PEM, or its base64 body on one line (the CDK CLI's `-c` keeps only the first line of a value); required unless cdnUnsafePublicReads is true.",
		set: str(func(c *Config, v string) error {
			pemText, err := publicKeyPEM(v)
			c.CDNPublicKeyPem = pemText
			return err
		})},
	{Name: "cdnPrivateKeySecretArn", Kind: String, Default: "", Doc: "Secrets Manager ARN of the matching private key; when set, the presign API can return CloudFront signed URLs (`delivery=cdn`).",
		set: str(func(c *Config, v string) error {
			c.CDNPrivateKeySecretArn = v
			return nil
		})},
	{Name: "cdnCookieDomain", Kind: String, Default: "", Doc: "Parent domain for the CloudFront cookies of `POST /cdn-access` (`Domain=`), shared by the API's custom domain and the first of cdnDomainNames under it, which signed URLs then use. Empty: no cookies are set; the answer's query form works alone.",
		set: str(func(c *Config, v string) error { c.CDNCookieDomain = v; return nil })},
	{Name: "cdnUnsafePublicReads", Kind: Bool, Default: "false", Doc: "DANGER: lets anyone read every object through CloudFront without a signed URL. Writes stay signed.",
		set: boolean(func(c *Config, v bool) { c.CDNUnsafePublicReads = v })},
	{Name: "cdnDomainNames", Kind: List, Default: "[]", Doc: "Custom domain names for the distribution; served with cdnCertificateArn, or with a certificate the app requests in us-east-1.",
		set: list(func(c *Config, v []string) error { c.CDNDomainNames = v; return nil })},
	{Name: "cdnCertificateArn", Kind: String, Default: "", Doc: "ACM certificate ARN (us-east-1) for cdnDomainNames; empty with cdnDomainNames requests a DNS-validated certificate in us-east-1.",
		set: str(func(c *Config, v string) error { c.CDNCertificateArn = v; return nil })},
	{Name: "cdnHostedZoneId", Kind: String, Default: "", Doc: "Route 53 hosted zone holding cdnDomainNames: the requested certificate is validated there and alias records point the names at the distribution. Empty: add the validation and alias records yourself.",
		set: str(func(c *Config, v string) error {
			c.CDNHostedZoneID = v
			return match(v, `^(Z[A-Z0-9]{1,31})?$`, "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, or empty")
		})},
	{Name: "cdnHostedZoneName", Kind: String, Default: "", Doc: "Domain name of cdnHostedZoneId, such as `example.com`; required with it.",
		set: str(func(c *Config, v string) error {
			c.CDNHostedZoneName = v
			return match(v, `^(([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9])?$`, "a lowercase DNS name such as example.com, or empty")
		})},
	{Name: "cdnWebAclArn", Kind: String, Default: "", Doc: "WAFv2 web ACL ARN (CLOUDFRONT scope, us-east-1) to attach to the distribution; not with cdnWaf.",
		set: str(func(c *Config, v string) error { c.CDNWebACLArn = v; return nil })},
	{Name: "cdnWaf", Kind: Bool, Default: "false", Doc: "Create a CLOUDFRONT-scope web ACL in us-east-1 (AWS managed IP reputation, common and known-bad-inputs rules, a per-IP rate limit, logs with signatures redacted) and attach it.",
		set: boolean(func(c *Config, v bool) { c.CDNWAF = v })},
	{Name: "cdnWafRateLimit", Kind: Int, Default: itoa(webacl.DefaultRateLimit), Doc: "Requests one IP may make in 5 minutes before cdnWaf's web ACL blocks it.",
		set: integer(0, noLimit, func(c *Config, v int) { c.CDNWAFRateLimit = v })},
	{Name: "cdnGeoAllow", Kind: List, Default: "[]", Doc: "ISO 3166-1 alpha-2 country codes allowed to reach the distribution (not with cdnGeoDeny).",
		set: list(func(c *Config, v []string) error { c.CDNGeoAllow = v; return nil })},
	{Name: "cdnGeoDeny", Kind: List, Default: "[]", Doc: "ISO 3166-1 alpha-2 country codes refused by the distribution (not with cdnGeoAllow).",
		set: list(func(c *Config, v []string) error { c.CDNGeoDeny = v; return nil })},
	{Name: "cdnPriceClass", Kind: String, Default: priceClassName(privatecdn.DefaultPriceClass), Doc: "CloudFront price class: `PriceClass_100`, `PriceClass_200` or `PriceClass_All`.",
		set: str(func(c *Config, v string) error {
			c.CDNPriceClass = v
			return oneOf(v, slices.Sorted(maps.Keys(PriceClasses))...)
		})},

	{Name: "cdnCacheMaxTtlSeconds", Kind: Int, Default: itoa(privatecdn.DefaultCacheMaxTTLSeconds), Doc: "Longest an object stays cached at CloudFront's edges, whatever Cache-Control an uploader stored with it: how long a deleted or infected object may still be served (1 to 31536000).",
		set: integer(0, math.MaxInt32, func(c *Config, v int) { c.CDNCacheMaxTTLSeconds = v })},
	{Name: "tiers", Kind: List, Default: jsonList(presignapi.DefaultTiers...), Doc: "Cognito groups, lowest first; members of a tier read their tier's prefix (`tier-1/`) and every lower one.",
		set: list(func(c *Config, v []string) error { c.Tiers = v; return nil })},
	{Name: "accessRules", Kind: String, Default: "", Doc: "Presign access rules as JSON (`[{\"prefix\":\"reports/\",\"groups\":[\"tier-2\"],\"methods\":[\"GET\"]}]`); empty derives them from `tiers` plus a private `users/{sub}/` home.",
		set: str(func(c *Config, v string) error { c.AccessRules = v; return nil })},
	{Name: "urlTtlSeconds", Kind: Int, Default: itoa(int(settings.DefaultURLTTL / time.Second)), Doc: fmt.Sprintf("Default and maximum lifetime of a presigned URL, in seconds; at most %d, the %v hours a role session lasts at most.", int(settings.MaxURLTTL/time.Second), settings.MaxURLTTL.Hours()),
		set: integer(0, noLimit, func(c *Config, v int) { c.URLTTLSeconds = v })},
	{Name: "maxUploadBytes", Kind: Int, Default: itoa(int(settings.DefaultMaxUploadBytes)), Doc: fmt.Sprintf("Largest object a caller may upload, in bytes: in parts (`POST /multipart`) up to S3's largest object, %d (%.1f TiB); a single presigned PUT (its signed `contentLength`) or POST takes at most the smaller of this and %d GiB.", settings.MaxObjectBytes, float64(settings.MaxObjectBytes)/(1<<40), settings.MaxPutBytes>>30),
		set: integer(0, noLimit, func(c *Config, v int) { c.MaxUploadBytes = v })},
	{Name: "allowActiveContent", Kind: Bool, Default: "false", Doc: "Let uploads declare content types a browser runs (HTML, SVG, JavaScript, XML); refused with 400 by default, since the distribution would serve them on its origin.",
		set: boolean(func(c *Config, v bool) { c.AllowActiveContent = v })},
	{Name: "mfa", Kind: String, Default: "optional", Doc: "Cognito MFA (TOTP): `optional` or `required`.",
		set: str(func(c *Config, v string) error { c.MFA = v; return oneOf(v, "optional", "required") })},
	{Name: "apiThrottleRate", Kind: Number, Default: ftoa(presignapi.DefaultThrottleRateLimit), Doc: "API Gateway stage steady-state request rate (requests per second).",
		set: num(0, 10000, func(c *Config, v float64) { c.APIThrottleRate = v })},
	{Name: "apiThrottleBurst", Kind: Int, Default: itoa(presignapi.DefaultThrottleBurstLimit), Doc: "API Gateway stage burst limit.",
		set: integer(0, 5000, func(c *Config, v int) { c.APIThrottleBurst = v })},
	{Name: "apiWebAclArn", Kind: String, Default: "", Doc: "WAFv2 web ACL ARN (REGIONAL scope) to associate with the API stage.",
		set: str(func(c *Config, v string) error { c.APIWebACLArn = v; return nil })},
	{Name: "logRetentionDays", Kind: Int, Default: itoa(validation.RetentionDays(presignapi.DefaultLogRetention)), Doc: "Retention of the API access log and function log groups (a CloudWatch Logs retention value).",
		set: integer(validation.LogRetentionDays()[0], slices.Max(validation.LogRetentionDays()), func(c *Config, v int) { c.LogRetentionDays = v })},
	{Name: "lambdaReservedConcurrency", Kind: Int, Default: "0", Doc: "Reserved concurrency of the presign function; 0 reserves none. A reservation of N needs the account's Lambda concurrency quota in the region to be at least 100+N (new accounts often start at 10 or 50).",
		set: integer(0, 1000, func(c *Config, v int) { c.LambdaReservedConcurrency = v })},
	{Name: "tokenValidityMinutes", Kind: Int, Default: itoa(presignapi.IDTokenMinutes), Doc: "Validity of the ID and access tokens of the app's user pool client (5 to 1440): how long a user removed from a group, or disabled, keeps what the group allowed.",
		set: integer(0, math.MaxInt32, func(c *Config, v int) { c.TokenValidityMinutes = v })},
	{Name: "apiGatewayCloudWatchRole", Kind: Bool, Default: "true", Doc: "Create the role API Gateway logs with and set it in the region's API Gateway account settings (one per account and region); false leaves a platform team's own setting alone.",
		set: boolean(func(c *Config, v bool) { c.APIGatewayCloudWatchRole = v })},
	{Name: "nagPacks", Kind: List, Default: jsonList(compliance.Packs...), Doc: "cdk-nag rule packs applied at synth; any unsuppressed error fails it.",
		set: list(func(c *Config, v []string) error {
			c.NagPacks = v
			for _, p := range v {
				if err := oneOf(p, compliance.Packs...); err != nil {
					return err
				}
			}
			return nil
		})},
}

// Ignored reports whether a context key belongs to the CDK or its CLI rather
// than to securestore (feature flags, lookups, toolkit settings).
func Ignored(key string) bool {
	return strings.HasPrefix(key, "@") || strings.HasPrefix(key, "aws:") || strings.HasPrefix(key, "aws-cdk") ||
		strings.HasPrefix(key, "cdk") || key == "acknowledged-issue-numbers"
}

// Parse builds the Config from a context map: the CDK node's context (cdk.json
// plus -c flags) or a test's own map.
func Parse(context map[string]any) (*Config, error) {
	var errs []error
	byName := map[string]*Key{}
	for i := range Keys {
		byName[Keys[i].Name] = &Keys[i]
	}
	for k := range context {
		if !Ignored(k) && byName[k] == nil {
			errs = append(errs, fmt.Errorf("unknown context key %q: %s", k, suggest(k)))
		}
	}

	env := "dev"
	if raw, ok := context["env"]; ok {
		if s, ok := raw.(string); ok {
			env = s
		}
	}
	envBlock := map[string]any{}
	var envNames []string // the environments defined, sorted
	knownEnv := false
	if raw, ok := context["environments"]; ok {
		envs, err := asObject(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("context key \"environments\": %w", err))
		}
		envNames = slices.Sorted(maps.Keys(envs))
		if b, ok := envs[env]; ok {
			knownEnv = true
			block, err := asObject(b)
			if err != nil {
				errs = append(errs, fmt.Errorf("context key \"environments.%s\": %w", env, err))
			}
			envBlock = block
		}
		for name, b := range envs {
			block, _ := asObject(b)
			for k := range block {
				switch {
				case k == "env" || k == "environments":
					errs = append(errs, fmt.Errorf("key %q in environments.%s: not allowed in an environment's block", k, name))
				case byName[k] == nil:
					errs = append(errs, fmt.Errorf("unknown key %q in environments.%s: %s", k, name, suggest(k)))
				}
			}
		}
	}

	c := &Config{from: map[string]string{}}
	for _, k := range Keys {
		// A default naming <env> is the environment's own (keys are set
		// in order, env first).
		var value any = strings.ReplaceAll(k.Default, "<env>", c.Env)
		where := "default"
		if v, ok := envBlock[k.Name]; ok && k.Name != "env" {
			value, where = v, "environments."+env+"."+k.Name
		}
		if v, ok := context[k.Name]; ok {
			value, where = v, k.Name
		}
		if where == "default" {
			where = k.Name
		}
		c.from[k.Name] = where
		if err := k.set(c, value); err != nil {
			errs = append(errs, fmt.Errorf("context key %q (%s): %w", where, k.Kind, err))
		}
	}
	errs = append(errs, c.crossCheck()...)
	if len(errs) > 0 && !knownEnv && len(envNames) > 0 {
		// Other problems are most likely the block this environment lacks.
		errs = append([]error{fmt.Errorf("unknown environment %s (%s): add it to environments in cdk.json, or set every key it needs with -c", env, strings.Join(envNames, ", "))}, errs...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

func (c *Config) crossCheck() []error {
	var errs []error
	if c.ObjectLockMode == "" && c.ObjectLockDays != 0 {
		errs = append(errs, fmt.Errorf("context key \"objectLockDays\": set objectLockMode too, or leave objectLockDays at 0 (received %d)", c.ObjectLockDays))
	}
	if _, ok := validation.LogRetentions[c.LogRetentionDays]; !ok {
		errs = append(errs, fmt.Errorf("context key \"logRetentionDays\": must be one of the CloudWatch Logs retention values %v, received %d", validation.LogRetentionDays(), c.LogRetentionDays))
	}
	if len(c.Tiers) == 0 {
		errs = append(errs, errors.New("context key \"tiers\": needs at least one tier"))
	}
	rules, err := c.Rules()
	if err != nil {
		errs = append(errs, fmt.Errorf("context key \"accessRules\": %w", err))
	} else {
		errs = append(errs, c.scanCheck(rules)...)
	}
	return append(errs, c.cdnCheck()...)
}

// Rules are the access rules the function gets: accessRules parsed, or
// with none the tiered defaults for tiers.
func (c *Config) Rules() ([]access.Rule, error) {
	if c.AccessRules == "" {
		return access.Tiered(c.Tiers), nil
	}
	return access.Parse([]byte(c.AccessRules))
}

// scanCheck reports malwareScanPrefixes that leave a place uploads land
// unscanned: a prefix an access rule opens to PUT, or with cdnAccess write
// every key (CloudFront writes wherever a viewer's signature allows). An
// object written there would be readable without a scan.
func (c *Config) scanCheck(rules []access.Rule) []error {
	if len(c.MalwareScanPrefixes) == 0 {
		return nil
	}
	if !c.MalwareScanning {
		return []error{errors.New("context key \"malwareScanPrefixes\": needs malwareScanning")}
	}
	scanned := func(prefix string) bool {
		return slices.ContainsFunc(c.MalwareScanPrefixes, func(s string) bool { return strings.HasPrefix(prefix, s) })
	}
	var unscanned []string
	for _, r := range rules {
		if slices.Contains(r.Methods, "PUT") && !scanned(r.Prefix) {
			unscanned = append(unscanned, fmt.Sprintf("%q (an access rule opens it to PUT)", r.Prefix))
		}
	}
	if c.CDNEnabled && slices.Contains(c.CDNAccess, "write") {
		unscanned = append(unscanned, "every key (cdnAccess write: CloudFront writes wherever a signature allows)")
	}
	if len(unscanned) == 0 {
		return nil
	}
	return []error{fmt.Errorf("context key \"malwareScanPrefixes\": %v leaves uploads unscanned, and readable without a scan, under %s: add those prefixes, or leave malwareScanPrefixes empty to scan every new object",
		c.MalwareScanPrefixes, strings.Join(unscanned, ", "))}
}

// cdnCheck reports CDN settings that contradict each other, naming the
// context keys; the privatecdn construct checks each value itself.
func (c *Config) cdnCheck() []error {
	if !c.CDNEnabled {
		return nil
	}
	var errs []error
	if c.CDNPublicKeyPem == "" && !c.CDNUnsafePublicReads {
		errs = append(errs, errors.New("context key \"cdnPublicKeyPem\": required while cdnEnabled is true: the PEM public key that verifies viewers' signed URLs "+
			"(README: \"Viewer signing keys\"); or set cdnEnabled to false"))
	}
	if c.AuditTrail && (c.AuditTrailKeyAlias == c.KeyAlias || c.AuditTrailKeyAlias == c.LogsKeyAlias) {
		errs = append(errs, errors.New("context key \"auditTrailKeyAlias\": must differ from keyAlias and logsKeyAlias: the trail's key is a key of its own"))
	}
	if c.AlarmTopicArn != "" && c.Region != "" && TopicRegion(c.AlarmTopicArn) != c.Region {
		errs = append(errs, fmt.Errorf("context key \"alarmTopicArn\": the topic is in %s, the data in %s: an alarm acts only on a topic of its own region", TopicRegion(c.AlarmTopicArn), c.Region))
	}
	if c.LogsKeyAlias == c.KeyAlias {
		errs = append(errs, errors.New("context key \"logsKeyAlias\": must differ from keyAlias: the logs key is a second key, whose policy CloudWatch Logs may use"))
	}
	if c.CDNCookieDomain != "" {
		// Every prerequisite at once.
		if c.CDNPrivateKeySecretArn == "" {
			errs = append(errs, errors.New("context key \"cdnCookieDomain\": needs cdnPrivateKeySecretArn (the CDN signing key of POST /cdn-access)"))
		}
		if _, err := c.CookieDomainName(); err != nil {
			errs = append(errs, fmt.Errorf("context key \"cdnCookieDomain\": %w", err))
		}
	}
	errs = append(errs, c.zoneCheck()...)
	if c.CDNWAF && c.CDNWebACLArn != "" {
		errs = append(errs, errors.New("context key \"cdnWaf\": not with cdnWebAclArn: either the app creates the web ACL or you bring one"))
	}
	return errs
}

// topicArn matches an SNS topic ARN; its second group is the region.
var topicArn = regexp.MustCompile(`^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$`)

// TopicRegion is the region of the SNS topic ARN arn, "" when arn is not
// one.
func TopicRegion(arn string) string {
	if m := topicArn.FindStringSubmatch(arn); m != nil {
		return m[1]
	}
	return ""
}

// CookieDomainName is the first of cdnDomainNames that cdnCookieDomain
// covers: the distribution's name in the presign function's signed URLs
// and folder policies, so that the cookies reach it.
func (c *Config) CookieDomainName() (string, error) {
	for _, n := range c.CDNDomainNames {
		if settings.CheckCookieDomain(n, c.CDNCookieDomain) == nil {
			return n, nil
		}
	}
	if len(c.CDNDomainNames) == 0 {
		return "", errors.New("needs cdnDomainNames: browsers send cookies for a domain of yours only to names under it, never to the distribution's cloudfront.net name")
	}
	return "", fmt.Errorf("none of cdnDomainNames is under %q: %w", c.CDNCookieDomain, settings.CheckCookieDomain(c.CDNDomainNames[0], c.CDNCookieDomain))
}

// zoneCheck reports a hosted zone that is half given or does not hold the
// domain names.
func (c *Config) zoneCheck() []error {
	var errs []error
	if (c.CDNHostedZoneID == "") != (c.CDNHostedZoneName == "") {
		errs = append(errs, errors.New("context key \"cdnHostedZoneName\": give cdnHostedZoneId and cdnHostedZoneName together (the zone's id and its domain name)"))
	}
	if c.CDNHostedZoneID != "" && len(c.CDNDomainNames) == 0 {
		errs = append(errs, errors.New("context key \"cdnHostedZoneId\": needs cdnDomainNames (the names to validate and point at the distribution)"))
	}
	if c.CDNHostedZoneName == "" {
		return errs
	}
	for _, n := range c.CDNDomainNames {
		if n != c.CDNHostedZoneName && !strings.HasSuffix(n, "."+c.CDNHostedZoneName) {
			errs = append(errs, fmt.Errorf("context key \"cdnDomainNames\": %q is not in the hosted zone %q (cdnHostedZoneName)", n, c.CDNHostedZoneName))
		}
	}
	return errs
}

// SplitEdge reports whether the CloudFront side (distribution, certificate,
// web ACL, CloudFront log bucket) goes to its own stack in us-east-1: the
// CDN is on and the data is pinned to another region. CloudFront takes
// certificates and CLOUDFRONT-scope web ACLs from us-east-1 only, and its
// log delivery source exists only there.
func (c *Config) SplitEdge() bool {
	return c.CDNEnabled && c.Region != "" && c.Region != EdgeRegion
}

// EdgeRegion is the region of CloudFront's control plane: certificates, web
// ACLs of CLOUDFRONT scope and the log delivery source live there.
const EdgeRegion = validation.CloudFrontRegion

// publicKeyPEM returns v as PEM: v itself when it is PEM text, else v read
// as the base64 DER body of a public key (what is left of a PEM without its
// armour lines and line breaks), wrapped into PEM.
func publicKeyPEM(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if strings.HasPrefix(v, "-----BEGIN") {
		if !strings.Contains(v, "\n") {
			return "", fmt.Errorf("must be a whole PEM public key, received only %q: the CDK CLI keeps only the first line of a -c value, so pass the base64 body on one line: -c cdnPublicKeyPem=$(grep -v -- ----- key.pub.pem | tr -d '\\n')", v)
		}
		return v + "\n", nil
	}
	der, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return "", fmt.Errorf("must be a PEM public key or its base64 body on one line, received %q", v)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// suggest names the key closest to the unknown key k (case aside, at
// most a third of its letters apart), or lists every key when none is.
func suggest(k string) string {
	best, bestDist := "", len(k)/3+1
	for _, key := range Keys {
		if d := distance(strings.ToLower(k), strings.ToLower(key.Name)); d < bestDist {
			best, bestDist = key.Name, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return "securestore accepts " + keyNames()
}

// distance is the Levenshtein distance of a and b, counting an exchange of
// two neighbouring letters as one edit (the optimal string alignment
// distance), in bytes: keys are ASCII.
func distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func keyNames() string {
	names := make([]string, len(Keys))
	for i, k := range Keys {
		names[i] = k.Name
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

var envPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)

func envName(v string) error {
	if !envPattern.MatchString(v) {
		return fmt.Errorf("must be 1 to 20 lowercase letters, digits or '-', starting with a letter, received %q", v)
	}
	return nil
}

func match(v, pattern, what string) error {
	if !regexp.MustCompile(pattern).MatchString(v) {
		return fmt.Errorf("must be %s, received %q", what, v)
	}
	return nil
}

func oneOf(v string, accepted ...string) error {
	if slices.Contains(accepted, v) {
		return nil
	}
	quoted := make([]string, len(accepted))
	for i, a := range accepted {
		quoted[i] = strconv.Quote(a)
	}
	return fmt.Errorf("must be one of %s, received %q", strings.Join(quoted, ", "), v)
}

func str(set func(*Config, string) error) func(*Config, any) error {
	return func(c *Config, raw any) error {
		s, ok := raw.(string)
		if !ok {
			return fmt.Errorf("must be a string, received %v (%T)", raw, raw)
		}
		return set(c, s)
	}
}

func boolean(set func(*Config, bool)) func(*Config, any) error {
	return func(c *Config, raw any) error {
		switch v := raw.(type) {
		case bool:
			set(c, v)
			return nil
		case string:
			switch v {
			case "true":
				set(c, true)
				return nil
			case "false":
				set(c, false)
				return nil
			}
		}
		return fmt.Errorf("must be true or false, received %v", raw)
	}
}

func num(lo, hi float64, set func(*Config, float64)) func(*Config, any) error {
	return func(c *Config, raw any) error {
		var f float64
		switch v := raw.(type) {
		case float64:
			f = v
		case int:
			f = float64(v)
		case string:
			var err error
			if f, err = strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
				return fmt.Errorf("must be a number, received %q", v)
			}
		default:
			return fmt.Errorf("must be a number, received %v (%T)", raw, raw)
		}
		if math.IsNaN(f) || f < lo || f > hi {
			return fmt.Errorf("must be %s, received %v", bounds(lo, hi), f)
		}
		set(c, f)
		return nil
	}
}

// noLimit is the upper bound of an integer key whose value a construct
// checks: config checks only that it is a whole number, at least its lower
// bound (0 where a negative value could not even be passed on).
const noLimit = math.MaxInt

// bounds describes the range lo to hi (hi noLimit or +Inf: no upper bound).
func bounds(lo, hi float64) string {
	if hi >= noLimit || math.IsInf(hi, 1) {
		return fmt.Sprintf("at least %v", lo)
	}
	return fmt.Sprintf("between %v and %v", lo, hi)
}

func integer(lo, hi int, set func(*Config, int)) func(*Config, any) error {
	return func(c *Config, raw any) error {
		var n int
		switch v := raw.(type) {
		case float64:
			if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
				return fmt.Errorf("must be a whole number, received %v", v)
			}
			n = int(v)
		case int:
			n = v
		case string:
			var err error
			if n, err = strconv.Atoi(strings.TrimSpace(v)); err != nil {
				return fmt.Errorf("must be a whole number, received %q", v)
			}
		default:
			return fmt.Errorf("must be a whole number, received %v (%T)", raw, raw)
		}
		if n < lo || n > hi {
			return fmt.Errorf("must be %s, received %d", bounds(float64(lo), float64(hi)), n)
		}
		set(c, n)
		return nil
	}
}

func list(set func(*Config, []string) error) func(*Config, any) error {
	return func(c *Config, raw any) error {
		var out []string
		switch v := raw.(type) {
		case []any:
			for i, e := range v {
				s, ok := e.(string)
				if !ok {
					return fmt.Errorf("element %d must be a string, received %v (%T)", i, e, e)
				}
				out = append(out, s)
			}
		case []string:
			out = append(out, v...)
		case string:
			t := strings.TrimSpace(v)
			if strings.HasPrefix(t, "[") {
				if err := json.Unmarshal([]byte(t), &out); err != nil {
					return fmt.Errorf("must be a JSON array of strings or a comma-separated list, received %q: %v", v, err)
				}
			} else if t != "" {
				for _, part := range strings.Split(t, ",") {
					out = append(out, strings.TrimSpace(part))
				}
			}
		default:
			return fmt.Errorf("must be a list of strings, received %v (%T)", raw, raw)
		}
		for i, s := range out {
			if s == "" {
				return fmt.Errorf("element %d is empty", i)
			}
		}
		return set(c, out)
	}
}

func asObject(raw any) (map[string]any, error) {
	switch v := raw.(type) {
	case map[string]any:
		return v, nil
	case string:
		var m map[string]any
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			return nil, fmt.Errorf("must be a JSON object, received %q: %v", v, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("must be an object, received %v (%T)", raw, raw)
}

// PriceClasses maps each cdnPriceClass value (CloudFormation's name of a
// price class) to CDK's.
var PriceClasses = map[string]awscloudfront.PriceClass{
	"PriceClass_100": awscloudfront.PriceClass_PRICE_CLASS_100,
	"PriceClass_200": awscloudfront.PriceClass_PRICE_CLASS_200,
	"PriceClass_All": awscloudfront.PriceClass_PRICE_CLASS_ALL,
}

// priceClassName is the cdnPriceClass value of pc.
func priceClassName(pc awscloudfront.PriceClass) string {
	for name, v := range PriceClasses {
		if v == pc {
			return name
		}
	}
	panic(fmt.Sprintf("config: price class %q has no cdnPriceClass name", pc))
}

// itoa, ftoa and jsonList write a construct's or settings' default as
// Keys shows and parses it.
func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func jsonList(items ...string) string {
	b, err := json.Marshal(items)
	if err != nil {
		panic(err) // strings always marshal
	}
	return string(b)
}

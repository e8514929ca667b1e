package stacks

import (
	"errors"
	"regexp"
	"sort"
	"strings"

	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/validation"
)

// PropKeys names, for each construct the stacks build (by its path in its
// stack), the context key each prop is set from. config checks what only
// it can (types, combinations of keys); a value the construct checks is
// checked there alone, and ContextError puts the key the user typed on the
// construct's message.
var PropKeys = map[string]map[string]string{
	"Bucket": {
		"BucketName":                  "bucketName",
		"BucketNamePrefix":            "bucketNamePrefix",
		"AccessLogRetention":          "accessLogRetentionDays",
		"AbortIncompleteUploadAfter":  "abortIncompleteUploadDays",
		"NoncurrentVersionExpiration": "noncurrentVersionExpirationDays",
		"CorsAllowedOrigins":          "corsAllowedOrigins",
		"ObjectLock.Mode":             "objectLockMode",
		"ObjectLock.Retention":        "objectLockDays",
	},
	"Bucket/Key":     {"Alias": "keyAlias", "AdminRoleArns": "keyAdminRoleArns"},
	"LogsKey":        {"Alias": "logsKeyAlias", "AdminRoleArns": "keyAdminRoleArns"},
	"MalwareScan":    {"Prefixes": "malwareScanPrefixes"},
	"AuditTrail":     {"Retention": "accessLogRetentionDays"},
	"AuditTrail/Key": {"Alias": "auditTrailKeyAlias", "AdminRoleArns": "keyAdminRoleArns"},
	"Monitoring": {
		"Emails":                        "alarmEmails",
		"Thresholds.API5xx":             "alarmApi5xx",
		"Thresholds.APILatencyP99":      "alarmApiLatencyP99Ms",
		"Thresholds.API4xxPercent":      "alarmApi4xxPercent",
		"Thresholds.FunctionErrors":     "alarmFunctionErrors",
		"Thresholds.FunctionThrottles":  "alarmFunctionThrottles",
		"Thresholds.ConcurrencyPercent": "alarmConcurrencyPercent",
		"Thresholds.AccountConcurrency": "alarmAccountConcurrency",
		"Thresholds.CDN5xxPercent":      "alarmCdn5xxPercent",
		"Thresholds.CDN4xxPercent":      "alarmCdn4xxPercent",
		"Thresholds.MinRequests":        "alarmMinRequests",
	},
	"Monitoring/TopicKey": {"Alias": "alarmTopicKeyAlias", "AdminRoleArns": "keyAdminRoleArns"},
	"CDN": {
		"Access":                   "cdnAccess",
		"ViewerPublicKeyPems":      "cdnPublicKeyPem",
		"UnsafeAllowUnsignedReads": "cdnUnsafePublicReads",
		"CorsAllowedOrigins":       "corsAllowedOrigins",
		"DomainNames":              "cdnDomainNames",
		"CertificateArn":           "cdnCertificateArn",
		"WebACLArn":                "cdnWebAclArn",
		"GeoAllowList":             "cdnGeoAllow",
		"GeoDenyList":              "cdnGeoDeny",
		"CacheMaxTTL":              "cdnCacheMaxTtlSeconds",
	},
	"WebAcl": {"RateLimit": "cdnWafRateLimit"},
	"Api": {
		"Tiers":                   "tiers",
		"Rules":                   "accessRules",
		"URLTTL":                  "urlTtlSeconds",
		"MaxUploadBytes":          "maxUploadBytes",
		"ThrottleRateLimit":       "apiThrottleRate",
		"ThrottleBurstLimit":      "apiThrottleBurst",
		"CorsAllowedOrigins":      "corsAllowedOrigins",
		"ReservedConcurrency":     "lambdaReservedConcurrency",
		"WebACLArn":               "apiWebAclArn",
		"LogRetention":            "logRetentionDays",
		"MFARequired":             "mfa",
		"TokenValidity":           "tokenValidityMinutes",
		"CDN.PrivateKeySecretArn": "cdnPrivateKeySecretArn",
		"CDN.CookieDomain":        "cdnCookieDomain",
		// The distribution's access levels, which CDN delivery needs to be
		// [read]: the key the function signs with must not write.
		"CDN.Access": "cdnAccess",
	},
}

// ContextError rewrites err, raised by a construct that Build made from
// cfg, in the terms of the configuration: a problem with a prop set from a
// context key names that key where the user set it (a -c flag, cdk.json, an
// environment's block), and other props in its message are named by their
// keys too. A problem with a prop that no key sets keeps the construct's
// path and prop. The problems are joined (errors.Join), one error each.
func ContextError(cfg *config.Config, err *validation.Error) error {
	path := err.Path
	for _, stack := range []string{StackID, EdgeStackID} {
		path = strings.TrimPrefix(path, cfg.Env+"/"+stack+"/")
	}
	keys := PropKeys[path]
	var errs []error
	var unmapped []string
	for _, problem := range err.Problems {
		prop, msg := validation.Prop(problem)
		key, ok := keys[prop]
		if !ok {
			unmapped = append(unmapped, problem)
			continue
		}
		errs = append(errs, cfg.KeyError(key, renameProps(msg, keys)))
	}
	if len(unmapped) > 0 {
		errs = append(errs, &validation.Error{Path: err.Path, Problems: unmapped})
	}
	return errors.Join(errs...)
}

// renameProps replaces the props of keys named in msg by their keys,
// longest first (so "CDN.Access" goes before "Access").
func renameProps(msg string, keys map[string]string) string {
	props := make([]string, 0, len(keys))
	for p := range keys {
		props = append(props, p)
	}
	sort.Slice(props, func(i, j int) bool { return len(props[i]) > len(props[j]) })
	for _, p := range props {
		msg = regexp.MustCompile(`\b`+regexp.QuoteMeta(p)+`\b`).ReplaceAllString(msg, keys[p])
	}
	return msg
}

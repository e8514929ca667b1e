// Package presignapi provides securestore's presign API: a Cognito user pool
// whose signed-in users call an API Gateway REST API with their ID token and
// get a short-lived presigned URL for one object and one method from the
// presign Lambda (lambdas/presign).
//
// # What it builds
//
//   - A user pool with no self sign-up, email sign-in, a 12-character
//     password with every character class, TOTP MFA (optional by default,
//     required with Props.MFARequired), email-only account recovery, threat
//     protection enforced (Plus feature plan), deletion protection, retained;
//     one group per tier; an app client for SRP and refresh tokens only, with
//     no secret, one-hour ID and access tokens and one-day refresh tokens, and
//     user-existence errors hidden.
//   - A regional REST API with the routes of routes.All (package
//     lambdas/presign/routes; those that need CDN delivery only with
//     Props.CDN), each behind the Cognito authorizer, with request
//     validation (the required query and path parameters, a JSON schema
//     model for every body, its bounds from URLTTL and MaxUploadBytes),
//     JSON access logs to a log group with retention, error-level
//     execution logs without request or response data (a response carries
//     a presigned URL, a bearer credential), X-Ray tracing, stage
//     throttling, CORS for the configured origins (preflight
//     and the DEFAULT_4XX and DEFAULT_5XX gateway responses) and an optional
//     regional WAF web ACL.
//   - The function: Go on provided.al2023 for arm64, built at synth by go
//     build on the synthesizing machine (no Docker), reproducibly, with its
//     asset hash taken from the binary; its own log group with retention,
//     X-Ray active, reserved concurrency when asked for, and the environment of the presign
//     Lambda contract.
//   - The function's role: s3:GetObject, s3:PutObject (with
//     s3:AbortMultipartUpload and s3:ListMultipartUploadParts, for
//     multipart uploads) and s3:DeleteObject on exactly the prefixes the
//     access rules name, per method, through privatebucket's grants (the KMS side goes into the key policy with
//     kms:ViaService), and an explicit Deny (Sid RulesNarrow<n>) of each
//     method that a longer prefix removes from a shorter one (access.Role);
//     s3:ListBucket with s3:prefix limited to the readable prefixes; secretsmanager:GetSecretValue on the one CDN signing
//     secret when CDN delivery is on; its own log group's streams; X-Ray.
//     No AWS managed policy and no wildcard action.
//
// # Building the function
//
// The asset is the lambdas/presign directory of module
// github.com/securestore/securestore, bundled by a Go implementation of
// awscdk.ILocalBundling that runs
//
//	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -trimpath -buildvcs=false \
//	    -tags lambda.norpc -ldflags "-s -w -buildid=" -o <out>/bootstrap ./lambdas/presign
//
// in the module's root. The root is Props.ModuleDir or, by default, what
// `go list -m -f {{.Dir}} github.com/securestore/securestore` says in the
// synthesizing process's directory: this repository here, the module cache
// in another team's module that requires this one. Synth therefore needs the
// Go toolchain, which a Go CDK app has anyway. The Docker image that CDK's
// bundling options require is never used: a failed build fails synth.
package presignapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/constructs/privatecdn"
	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/routes"
	"github.com/securestore/securestore/lambdas/presign/settings"
	"github.com/securestore/securestore/validation"
)

// Defaults applied when the matching Props field is nil. URLTTL's and
// MaxUploadBytes' defaults and bounds are the function's own, in package
// settings (DefaultURLTTL, MaxURLTTL, DefaultMaxUploadBytes, MaxPutBytes).
const (
	DefaultThrottleRateLimit  = 50
	DefaultThrottleBurstLimit = 100
	DefaultLogRetention       = awslogs.RetentionDays_ONE_YEAR
	// StageName is the API's one stage; the API URL ends with it.
	StageName = "v1"
)

// DefaultTiers are the tiers (and Cognito groups) when Props.Tiers is nil.
var DefaultTiers = []string{"tier-1", "tier-2"}

// Function settings.
const (
	FunctionMemoryMB       = 256
	FunctionTimeoutSeconds = 10
)

// Token lifetimes of the app client. IDTokenMinutes is Props.TokenValidity's
// default (for the ID and the access token); MinTokenMinutes and
// MaxTokenMinutes are Cognito's bounds.
const (
	IDTokenMinutes      = 60
	RefreshTokenMinutes = 24 * 60
	MinTokenMinutes     = 5
	MaxTokenMinutes     = 24 * 60
)

// Props configures an API. Bucket is required; every other field has a
// default.
type Props struct {
	// Bucket is the private bucket the function presigns for. Its role gets
	// the rules' prefixes through Bucket's GrantRead, GrantWrite and
	// GrantDelete (S3 in the role's policy, KMS in the key policy via S3
	// only). Required.
	Bucket *privatebucket.PrivateBucket
	// Rules decide who may presign what (ACCESS_RULES). They are checked
	// with access.Validate at synth.
	// Default: - access.Tiered(Tiers): tier i's prefix readable by tiers i
	// and above, and a private users/{sub}/ home for every signed-in user.
	Rules []access.Rule
	// Tiers are the tier names, lowest first. Each becomes a Cognito group
	// (and, when Rules is nil, a key prefix "<tier>/"). A name is 1 to 128
	// characters without whitespace, '/', ',', '[' or ']'.
	// Default: - DefaultTiers ("tier-1", "tier-2").
	Tiers []string
	// URLTTL is both the default and the longest lifetime of a presigned
	// URL (URL_TTL_SECONDS), whole seconds from 1 second to
	// settings.MaxURLTTL (12 hours).
	// Default: - 300 seconds.
	URLTTL awscdk.Duration
	// MaxUploadBytes is the largest object a caller may upload
	// (MAX_UPLOAD_BYTES), 1 byte to settings.MaxObjectBytes (48.8 TiB, in
	// parts through POST /multipart); a single PUT or POST /uploads stays
	// at most 5 GiB.
	// Default: - 100 MiB.
	MaxUploadBytes *float64
	// AllowActiveContent lets uploads declare content types a browser runs
	// (HTML, SVG, JavaScript, XML: api.IsActiveContent), which a
	// distribution in front of the bucket would serve on its origin
	// (ALLOW_ACTIVE_CONTENT).
	// Default: - false: such uploads are refused with 400.
	AllowActiveContent *bool
	// UserPool is an existing Cognito user pool (the team's own) whose
	// users call the API: the authorizer accepts its ID tokens, the tiers'
	// groups are created in it (their names must not exist there yet), and
	// no pool and no app client are created. Bring an app client of the
	// pool that issues ID tokens to your sign-in flow; the API accepts the
	// ID token of any client of the pool.
	// Default: - a new user pool (child id "UserPool") and an SRP app
	// client (child id "Client").
	UserPool awscognito.IUserPool
	// TokenValidity is how long the ID and access tokens of the pool's app
	// client stay valid, whole minutes from 5 minutes to 1 day: group
	// membership comes from the ID token, so removing a user from a group,
	// or disabling the user, takes effect only when the tokens issued
	// before expire (the refresh token then fails for a disabled user).
	// Only for the pool this construct creates (UserPool nil).
	// Default: - IDTokenMinutes (60 minutes).
	TokenValidity awscdk.Duration
	// MFARequired makes TOTP MFA required for every user instead of optional.
	// Default: - false: MFA (TOTP only, never SMS) is optional.
	MFARequired *bool
	// UnsafeDisableThreatProtection runs the user pool on the Essentials
	// feature plan without threat protection (compromised-credential checks
	// and adaptive authentication), to save the Plus plan's per-user price.
	// Emits a synth warning.
	// Default: - false: Plus plan, threat protection enforced (FULL_FUNCTION).
	UnsafeDisableThreatProtection *bool
	// ThrottleRateLimit is the stage's steady-state request rate (requests per second).
	// Default: - 50.
	ThrottleRateLimit *float64
	// ThrottleBurstLimit is the stage's burst limit (requests), a whole number.
	// Default: - 100.
	ThrottleBurstLimit *float64
	// CorsAllowedOrigins lets browsers on these origins (https://host[:port],
	// or http://localhost[:port] for development) call the API: preflight,
	// the gateway's own error responses and the function's answers carry
	// CORS headers for them (ALLOWED_ORIGINS).
	// Default: - no CORS; browsers on other origins cannot call the API.
	CorsAllowedOrigins *[]*string
	// WebACLArn is a WAFv2 web ACL of REGIONAL scope in the stack's region
	// (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>),
	// associated with the API's stage.
	// Default: - no web ACL.
	WebACLArn *string
	// LogsKey is a customer-managed KMS key in the stack's region that
	// encrypts the function's and the API's log groups (access and
	// execution logs). The first two then get fixed names
	// (/securestore/<stack>/<path>/function and .../access), and the key's
	// policy a statement (Sid LogsFor<construct address>) that lets
	// CloudWatch Logs in this region use the key for these three groups
	// only (encryptionkey.AllowLogs). A fixed name and RemovalPolicy RETAIN
	// mean that a stack deleted (or a first create rolled back) leaves the
	// groups behind: delete or import them before deploying the stack
	// again under the same name. Use a key of its own, not the data
	// key, whose policy is kept to the distribution and the function.
	// Default: - none: CloudWatch Logs' own encryption at rest.
	LogsKey awskms.IKey
	// LogRetention is how long the function's logs and the API's access
	// logs are kept; INFINITE is refused.
	// Default: - one year (RetentionDays_ONE_YEAR).
	LogRetention awslogs.RetentionDays
	// ReservedConcurrency reserves concurrency for the function, a whole
	// number of at least 1: a cap on what the API can cost and a share of
	// the account's concurrency that other functions cannot take. Lambda
	// keeps 100 of the account's concurrency unreserved, so a reservation
	// of N needs a quota of at least 100+N in the region; new accounts
	// often start at 10 or 50, and CloudFormation then fails ("decreases
	// account's UnreservedConcurrentExecution below its minimum value").
	// Default: - none: the function shares the account's unreserved pool.
	ReservedConcurrency *float64
	// CDN turns on delivery=cdn: CloudFront signed URLs signed with the
	// private key in a Secrets Manager secret.
	// Default: - nil: delivery=cdn is refused.
	CDN *CDNDelivery
	// CloudWatchRole creates the role API Gateway uses to write logs to
	// CloudWatch and sets it in the region's API Gateway account settings
	// (one setting per account and region, retained when the stack is
	// deleted). Set it false where the account is already set up, for
	// example by a platform team; without a role in the account settings
	// the stage cannot log.
	// Default: - true.
	CloudWatchRole *bool
	// ModuleDir is the root directory of module
	// github.com/securestore/securestore, whose lambdas/presign is built.
	// Default: - the output of `go list -m -f {{.Dir}} github.com/securestore/securestore` in the current directory.
	ModuleDir *string
}

// CDNDelivery names the CloudFront distribution and the key that signs its
// URLs. All fields are required; CDNDeliveryFor fills them from a
// privatecdn.Distribution.
type CDNDelivery struct {
	// Domain is the distribution's domain name, such as
	// d111111abcdef8.cloudfront.net (CDN_DOMAIN); a token is fine
	// (privatecdn.Distribution.Distribution.DistributionDomainName()).
	Domain *string
	// KeyPairID is the CloudFront public key id of the signing key
	// (CDN_KEY_PAIR_ID); a token is fine (PublicKeys[i].PublicKeyId()).
	KeyPairID *string
	// PrivateKeySecretArn is the complete ARN (with its six-character
	// suffix) of the Secrets Manager secret holding the PEM private key
	// (CDN_PRIVATE_KEY_SECRET_ARN). The function may read this secret and no
	// other. Encrypt the secret with the aws/secretsmanager key, or let the
	// function's role decrypt with its key through Secrets Manager.
	PrivateKeySecretArn *string
	// CookieDomain is the Domain of POST /cdn-access's CloudFront cookies
	// (CDN_COOKIE_DOMAIN): Domain itself or a parent of it that the API's
	// own domain shares, so that the browser keeps cookies from the API
	// and sends them to the distribution (settings.CheckCookieDomain).
	// With it, the preflight, the gateway's own error responses and every
	// answer of the function to a configured origin allow credentials.
	// Default: - none: no Set-Cookie; the query form works alone.
	CookieDomain *string
	// Access is what the distribution lets a viewer with a valid signature
	// do (privatecdn.Distribution.Access). It must be exactly
	// []privatecdn.Access{privatecdn.Read}: a CloudFront signature names a
	// resource and an expiry, never a method, so a URL the function signs
	// for a reader would be good for every method the distribution
	// enables. Sign CloudFront writes, if you enable them, with a key the
	// function never holds.
	Access []privatecdn.Access
}

// CDNDeliveryFor returns the CDNDelivery of d, signed with the private key
// of its first viewer public key, held in the Secrets Manager secret
// privateKeySecretArn.
func CDNDeliveryFor(d *privatecdn.Distribution, privateKeySecretArn *string) *CDNDelivery {
	c := &CDNDelivery{
		Domain:              d.Distribution.DistributionDomainName(),
		PrivateKeySecretArn: privateKeySecretArn,
		Access:              d.Access,
	}
	if len(d.PublicKeys) > 0 {
		c.KeyPairID = d.PublicKeys[0].PublicKeyId()
	}
	return c
}

// LogGroups are the API's log groups.
type LogGroups struct {
	// Function holds the function's logs (child id "FunctionLogs").
	Function awslogs.ILogGroup
	// Access holds the API stage's JSON access logs (child id "AccessLogs").
	Access awslogs.ILogGroup
	// Execution holds the stage's execution logs (errors only), under the
	// name API Gateway writes to, API-Gateway-Execution-Logs_<api id>/v1
	// (child id "ExecutionLogs").
	Execution awslogs.ILogGroup
}

// API is the presign API: user pool, REST API and function.
type API struct {
	constructs.Construct
	// UserPool is the Cognito user pool (child id "UserPool"), or
	// Props.UserPool.
	UserPool awscognito.IUserPool
	// UserPoolClient is the app client for SRP sign-in (child id "Client");
	// nil with Props.UserPool.
	UserPoolClient awscognito.IUserPoolClient
	// Groups are the tiers' Cognito groups, in Tiers order.
	Groups []awscognito.CfnUserPoolGroup
	// RestAPI is the REST API (child id "Resource").
	RestAPI awsapigateway.RestApi
	// Authorizer is the Cognito user pools authorizer on every method.
	Authorizer awsapigateway.IAuthorizer
	// Function is the presign function (child id "Function").
	Function awslambda.IFunction
	// Role is the function's role (child id "Role").
	Role awsiam.IRole
	// LogGroups are the function's and the stage's log groups.
	LogGroups LogGroups
	// URL is the stage's invoke URL, https://<id>.execute-api.<region>.<suffix>/v1/.
	URL *string
	// Rules are the effective access rules.
	Rules []access.Rule
}

// New creates the presign API under scope. It panics with a
// *validation.Error naming each invalid prop.
func New(scope constructs.Construct, id *string, props *Props) *API {
	c := constructs.NewConstruct(scope, id)
	var p Props
	if props != nil {
		p = *props
	}
	s := check(c, &p)
	a := &API{Construct: c, Rules: s.rules}

	a.userPool(c, &p, s)
	a.function(c, &p, s)
	a.restAPI(c, &p, s)

	awscdk.NewCfnOutput(c, jsii.String("ApiUrl"), &awscdk.CfnOutputProps{
		Description: jsii.String("securestore presign API URL (GET presign, POST uploads, GET objects, multipart, cdn-access)"),
		Value:       a.URL,
	})
	awscdk.NewCfnOutput(c, jsii.String("UserPoolId"), &awscdk.CfnOutputProps{
		Description: jsii.String("securestore Cognito user pool id"),
		Value:       a.UserPool.UserPoolId(),
	})
	if a.UserPoolClient != nil {
		awscdk.NewCfnOutput(c, jsii.String("UserPoolClientId"), &awscdk.CfnOutputProps{
			Description: jsii.String("securestore Cognito app client id (SRP sign-in, no secret)"),
			Value:       a.UserPoolClient.UserPoolClientId(),
		})
	}
	return a
}

// groups creates the tiers' groups in the user pool (child ids
// "Groups/<tier>").
func (a *API) groups(c constructs.Construct, s *effective) {
	groups := constructs.NewConstruct(c, jsii.String("Groups"))
	for i, tier := range s.tiers {
		a.Groups = append(a.Groups, awscognito.NewCfnUserPoolGroup(groups, jsii.String(tier), &awscognito.CfnUserPoolGroupProps{
			UserPoolId:  a.UserPool.UserPoolId(),
			GroupName:   jsii.String(tier),
			Description: jsii.String(fmt.Sprintf("securestore tier %d of %d", i+1, len(s.tiers))),
		}))
	}
}

// effective are the props with defaults applied, as check returns them.
type effective struct {
	rules          []access.Rule
	role           access.RolePolicy
	origins        []string
	tiers          []string
	ttlSeconds     int64
	maxUploadBytes int64
	rate, burst    float64
	concurrency    *float64 // nil: no reservation
	tokenValidity  awscdk.Duration
	retention      awslogs.RetentionDays
	moduleDir      string
}

func (a *API) userPool(c constructs.Construct, p *Props, s *effective) {
	if p.UserPool != nil {
		a.UserPool = p.UserPool
		a.groups(c, s)
		return
	}
	mfa := awscognito.Mfa_OPTIONAL
	if validation.IsTrue(p.MFARequired) {
		mfa = awscognito.Mfa_REQUIRED
	}
	poolProps := &awscognito.UserPoolProps{
		SelfSignUpEnabled:   jsii.Bool(false),
		SignInAliases:       &awscognito.SignInAliases{Email: jsii.Bool(true)},
		SignInCaseSensitive: jsii.Bool(false),
		AutoVerify:          &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(true)},
		// A pending email change does not replace the verified address
		// until the user proves the new one.
		KeepOriginal: &awscognito.KeepOriginalAttrs{Email: jsii.Bool(true)},
		PasswordPolicy: &awscognito.PasswordPolicy{
			MinLength:            jsii.Number(12),
			RequireLowercase:     jsii.Bool(true),
			RequireUppercase:     jsii.Bool(true),
			RequireDigits:        jsii.Bool(true),
			RequireSymbols:       jsii.Bool(true),
			TempPasswordValidity: awscdk.Duration_Days(jsii.Number(3)),
		},
		Mfa:                mfa,
		MfaSecondFactor:    &awscognito.MfaSecondFactor{Otp: jsii.Bool(true), Sms: jsii.Bool(false), Email: jsii.Bool(false)},
		AccountRecovery:    awscognito.AccountRecovery_EMAIL_ONLY,
		DeletionProtection: jsii.Bool(true),
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN_ON_UPDATE_OR_DELETE,
	}
	if validation.IsTrue(p.UnsafeDisableThreatProtection) {
		poolProps.FeaturePlan = awscognito.FeaturePlan_ESSENTIALS
		awscdk.Annotations_Of(c).AddWarningV2(jsii.String("securestore:presignapi:noThreatProtection"),
			jsii.String("UnsafeDisableThreatProtection is set: the user pool does not check for compromised credentials nor block risky sign-ins"))
	} else {
		poolProps.FeaturePlan = awscognito.FeaturePlan_PLUS
		poolProps.StandardThreatProtectionMode = awscognito.StandardThreatProtectionMode_FULL_FUNCTION
	}
	pool := awscognito.NewUserPool(c, jsii.String("UserPool"), poolProps)
	a.UserPool = pool
	a.groups(c, s)

	a.UserPoolClient = pool.AddClient(jsii.String("Client"), &awscognito.UserPoolClientOptions{
		// SRP only; the refresh-token flow is always on.
		AuthFlows:                  &awscognito.AuthFlow{UserSrp: jsii.Bool(true)},
		GenerateSecret:             jsii.Bool(false),
		DisableOAuth:               jsii.Bool(true),
		SupportedIdentityProviders: &[]awscognito.UserPoolClientIdentityProvider{awscognito.UserPoolClientIdentityProvider_COGNITO()},
		IdTokenValidity:            s.tokenValidity,
		AccessTokenValidity:        s.tokenValidity,
		RefreshTokenValidity:       awscdk.Duration_Minutes(jsii.Number(RefreshTokenMinutes)),
		AuthSessionValidity:        awscdk.Duration_Minutes(jsii.Number(3)),
		EnableTokenRevocation:      jsii.Bool(true),
		PreventUserExistenceErrors: jsii.Bool(true),
	})
}

// logGroup creates the log group id ("FunctionLogs" or "AccessLogs"),
// named and encrypted with Props.LogsKey when there is one.
func logGroup(c constructs.Construct, id string, p *Props, s *effective) awslogs.LogGroup {
	props := &awslogs.LogGroupProps{Retention: s.retention, RemovalPolicy: awscdk.RemovalPolicy_RETAIN_ON_UPDATE_OR_DELETE}
	if p.LogsKey != nil {
		props.LogGroupName = jsii.String(logGroupName(c, strings.TrimSuffix(strings.ToLower(id), "logs")))
		props.EncryptionKey = p.LogsKey
	}
	return awslogs.NewLogGroup(c, jsii.String(id), props)
}

// logGroupName is /securestore/<stack>/<the construct's path in the
// stack>/<suffix>, every character a log group name cannot hold turned
// into '-': the same in every synthesis, and unique in the account and
// region, as stack names are (a stack named by a token gives its unique id
// in the app instead).
func logGroupName(c constructs.Construct, suffix string) string {
	stack := awscdk.Stack_Of(c)
	stackName := *stack.StackName()
	if !validation.Literal(&stackName) {
		stackName = *awscdk.Names_UniqueId(stack)
	}
	path := strings.TrimPrefix(*c.Node().Path(), *stack.Node().Path()+"/")
	return logNameUnsafe.ReplaceAllString("/securestore/"+stackName+"/"+path+"/"+suffix, "-")
}

// apiName names the REST API: the stack's name and the construct's path
// in it, as logGroupName writes them, without the leading "/securestore/"
// and with '/' turned into '-' (API names are free text, but they are
// metric dimensions: keep them readable).
func apiName(c constructs.Construct) string {
	return "securestore-" + strings.ReplaceAll(strings.TrimPrefix(logGroupName(c, "presign"), "/securestore/"), "/", "-")
}

// logNameUnsafe matches what a log group name cannot hold.
var logNameUnsafe = regexp.MustCompile(`[^A-Za-z0-9._/#-]`)

func (a *API) function(c constructs.Construct, p *Props, s *effective) {
	logs := logGroup(c, "FunctionLogs", p, s)
	role := awsiam.NewRole(c, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("securestore presign function: presigns for the access rules' prefixes only"),
	})
	// Instead of AWSLambdaBasicExecutionRole (logs:* on every log group):
	// write streams of this function's log group only. The group exists
	// (it is created here), so no logs:CreateLogGroup.
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteOwnLogGroup"),
		Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: &[]*string{logs.LogGroupArn()},
	}))
	bucketGrant := map[string]func(awsiam.IGrantable, string) awsiam.Grant{
		"GET": p.Bucket.GrantRead, "PUT": p.Bucket.GrantMultipartUpload, "DELETE": p.Bucket.GrantDelete,
	}
	var readable []string
	for _, g := range s.role.Allow {
		bucketGrant[g.Method](role, strings.TrimSuffix(g.Pattern, "*"))
		if g.Method == "GET" {
			readable = append(readable, strings.TrimSuffix(g.Pattern, "*"))
		}
	}
	if len(readable) > 0 {
		// GET /objects lists only under prefixes the caller may read.
		p.Bucket.GrantList(role, readable...)
	}
	for i, g := range s.role.Deny {
		// A longer rule prefix removes a method that a shorter one's grant
		// covers: only an explicit Deny takes it away (access.Role).
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String(fmt.Sprintf("RulesNarrow%d", i+1)),
			Effect:    awsiam.Effect_DENY,
			Actions:   jsii.Strings(s3Actions[g.Method]...),
			Resources: &[]*string{awscdk.Fn_Join(jsii.String(""), &[]*string{p.Bucket.BucketArn, jsii.String("/" + g.Pattern)})},
		}))
	}
	if p.CDN != nil {
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("ReadCDNSigningKey"),
			Actions:   jsii.Strings("secretsmanager:GetSecretValue"),
			Resources: &[]*string{p.CDN.PrivateKeySecretArn},
		}))
	}
	a.Role = role
	a.LogGroups.Function = logs

	rules, err := json.Marshal(s.rules)
	if err != nil {
		panic(fmt.Errorf("presignapi: encoding access rules: %w", err))
	}
	env := map[string]*string{
		settings.EnvBucket:         p.Bucket.BucketName,
		settings.EnvAccessRules:    jsii.String(string(rules)),
		settings.EnvURLTTL:         jsii.String(strconv.FormatInt(s.ttlSeconds, 10)),
		settings.EnvMaxUploadBytes: jsii.String(strconv.FormatInt(s.maxUploadBytes, 10)),
	}
	if p.CDN != nil {
		env[settings.EnvCDNDomain] = p.CDN.Domain
		env[settings.EnvCDNKeyPairID] = p.CDN.KeyPairID
		env[settings.EnvCDNKeySecretARN] = p.CDN.PrivateKeySecretArn
		if p.CDN.CookieDomain != nil {
			env[settings.EnvCDNCookieDomain] = p.CDN.CookieDomain
		}
	}
	if len(s.origins) > 0 {
		env[settings.EnvAllowedOrigins] = jsii.String(strings.Join(s.origins, ","))
	}
	if validation.IsTrue(p.AllowActiveContent) {
		env[settings.EnvActiveContent] = jsii.String("true")
	}

	code := awslambda.Code_FromAsset(jsii.String(s.moduleDir+"/lambdas/presign"), &awss3assets.AssetOptions{
		AssetHashType: awscdk.AssetHashType_OUTPUT,
		DisplayName:   jsii.String("presign function (linux/arm64 bootstrap)"),
		Bundling: &awscdk.BundlingOptions{
			// Required by the API, never used: goBuild.TryBundle builds
			// locally or fails synth, so CDK never falls back to Docker.
			Image: awscdk.DockerImage_FromRegistry(jsii.String("public.ecr.aws/docker/library/golang:unused")),
			Local: &goBuild{moduleDir: s.moduleDir},
		},
	})
	fn := awslambda.NewFunction(c, jsii.String("Function"), &awslambda.FunctionProps{
		Description:                  jsii.String("securestore presign: short-lived S3 (or CloudFront) URLs for signed-in users, by access rule"),
		Runtime:                      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:                 awslambda.Architecture_ARM_64(),
		Handler:                      jsii.String("bootstrap"),
		Code:                         code,
		MemorySize:                   jsii.Number(FunctionMemoryMB),
		Timeout:                      awscdk.Duration_Seconds(jsii.Number(FunctionTimeoutSeconds)),
		Role:                         role,
		LogGroup:                     logs,
		Tracing:                      awslambda.Tracing_ACTIVE,
		ReservedConcurrentExecutions: s.concurrency,
		Environment:                  &env,
	})
	a.Function = fn
}

func (a *API) restAPI(c constructs.Construct, p *Props, s *effective) {
	accessLogs := logGroup(c, "AccessLogs", p, s)
	a.LogGroups.Access = accessLogs

	authorizer := awsapigateway.NewCognitoUserPoolsAuthorizer(c, jsii.String("Authorizer"), &awsapigateway.CognitoUserPoolsAuthorizerProps{
		CognitoUserPools: &[]awscognito.IUserPool{a.UserPool},
		AuthorizerName:   jsii.String("securestore-cognito"),
	})
	a.Authorizer = authorizer

	cloudWatchRole := p.CloudWatchRole == nil || *p.CloudWatchRole
	apiProps := &awsapigateway.RestApiProps{
		// API Gateway's metrics are keyed by the API's name: one name per
		// API, so that two environments in one account never share them.
		RestApiName:   jsii.String(apiName(c)),
		Description:   jsii.String("securestore presign API: presigned URLs for Cognito users"),
		EndpointTypes: &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL},
		// Every method gets the authorizer unless it says otherwise; none
		// here does (CORS preflight OPTIONS excepted: browsers send it
		// without credentials).
		DefaultMethodOptions: &awsapigateway.MethodOptions{
			AuthorizationType: awsapigateway.AuthorizationType_COGNITO,
			Authorizer:        authorizer,
		},
		CloudWatchRole: jsii.Bool(cloudWatchRole),
		DeployOptions: &awsapigateway.StageOptions{
			StageName:            jsii.String(StageName),
			AccessLogDestination: awsapigateway.NewLogGroupLogDestination(accessLogs),
			AccessLogFormat: awsapigateway.AccessLogFormat_JsonWithStandardFields(&awsapigateway.JsonWithStandardFieldProps{
				Caller: jsii.Bool(true), HttpMethod: jsii.Bool(true), Ip: jsii.Bool(true), Protocol: jsii.Bool(true),
				RequestTime: jsii.Bool(true), ResourcePath: jsii.Bool(true), ResponseLength: jsii.Bool(true),
				Status: jsii.Bool(true), User: jsii.Bool(true),
			}),
			TracingEnabled:       jsii.Bool(true),
			ThrottlingRateLimit:  jsii.Number(s.rate),
			ThrottlingBurstLimit: jsii.Number(s.burst),
			// Errors only, and never request or response data: a response
			// body holds a presigned URL.
			LoggingLevel:     awsapigateway.MethodLoggingLevel_ERROR,
			DataTraceEnabled: jsii.Bool(false),
			MetricsEnabled:   jsii.Bool(true),
		},
	}
	if cloudWatchRole {
		// The role is the region's account setting, which other APIs use too.
		apiProps.CloudWatchRoleRemovalPolicy = awscdk.RemovalPolicy_RETAIN_ON_UPDATE_OR_DELETE
	}
	if len(s.origins) > 0 {
		apiProps.DefaultCorsPreflightOptions = &awsapigateway.CorsOptions{
			AllowOrigins: jsii.Strings(s.origins...),
			AllowMethods: jsii.Strings(corsMethods(p)...),
			AllowHeaders: jsii.Strings("Authorization", "Content-Type"),
			MaxAge:       awscdk.Duration_Minutes(jsii.Number(10)),
		}
		if p.CDN != nil && p.CDN.CookieDomain != nil {
			// POST /cdn-access sets cookies, which a browser keeps from
			// a credentialed request only.
			apiProps.DefaultCorsPreflightOptions.AllowCredentials = jsii.Bool(true)
		}
	}
	api := awsapigateway.NewRestApi(c, jsii.String("Resource"), apiProps)
	// The URL is this construct's ApiUrl output; drop the library's
	// unnamed duplicate.
	api.Node().TryRemoveChild(jsii.String("Endpoint"))
	a.RestAPI = api
	a.URL = api.Url()

	// API Gateway writes the stage's execution logs (errors) to a group
	// it names after the API and the stage, and would create it itself
	// with no retention and no key: create it first, with both.
	execName := awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("API-Gateway-Execution-Logs_"), api.RestApiId(), jsii.String("/" + StageName)})
	execLogs := awslogs.NewLogGroup(c, jsii.String("ExecutionLogs"), &awslogs.LogGroupProps{
		LogGroupName:  execName,
		Retention:     s.retention,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN_ON_UPDATE_OR_DELETE,
		EncryptionKey: p.LogsKey,
	})
	api.DeploymentStage().Node().AddDependency(execLogs)
	a.LogGroups.Execution = execLogs
	if p.LogsKey != nil {
		// The names as written, not the groups' Refs: the groups name the
		// key, so the key's policy naming the groups would be a cycle (the
		// execution log group's name holds the API's id, which does not
		// depend on the key).
		encryptionkey.AllowLogs(p.LogsKey, "LogsFor"+*c.Node().Addr(), []*string{
			encryptionkey.LogGroupArn(jsii.String(logGroupName(c, "function"))),
			encryptionkey.LogGroupArn(jsii.String(logGroupName(c, "access"))),
			encryptionkey.LogGroupArn(execName),
		})
	}

	validator := api.AddRequestValidator(jsii.String("Validator"), &awsapigateway.RequestValidatorOptions{
		RequestValidatorName:      jsii.String("parameters-and-body"),
		ValidateRequestParameters: jsii.Bool(true),
		ValidateRequestBody:       jsii.Bool(true),
	})
	integration := awsapigateway.NewLambdaIntegration(a.Function, &awsapigateway.LambdaIntegrationOptions{
		Proxy:           jsii.Bool(true),
		AllowTestInvoke: jsii.Bool(false),
	})

	a.addRoutes(api, integration, validator, p, s)

	if len(s.origins) > 0 {
		headers := corsGatewayHeaders(s.origins)
		if p.CDN != nil && p.CDN.CookieDomain != nil {
			// Credentialed requests (for POST /cdn-access's cookies) read
			// the gateway's own errors too.
			headers["Access-Control-Allow-Credentials"] = jsii.String("'true'")
		}
		api.AddGatewayResponse(jsii.String("Default4XX"), &awsapigateway.GatewayResponseOptions{
			Type:            awsapigateway.ResponseType_DEFAULT_4XX(),
			ResponseHeaders: &headers,
		})
		api.AddGatewayResponse(jsii.String("Default5XX"), &awsapigateway.GatewayResponseOptions{
			Type:            awsapigateway.ResponseType_DEFAULT_5XX(),
			ResponseHeaders: &headers,
		})
	}

	if p.WebACLArn != nil {
		// The stage ARN's Ref orders the association after the stage.
		awswafv2.NewCfnWebACLAssociation(c, jsii.String("WebACL"), &awswafv2.CfnWebACLAssociationProps{
			ResourceArn: api.DeploymentStage().StageArn(),
			WebAclArn:   p.WebACLArn,
		})
	}
}

// served are the routes of routes.All this API serves: those that need
// CDN delivery only with Props.CDN.
func served(p *Props) []routes.Route {
	var rs []routes.Route
	for _, r := range routes.All {
		if r.Needs == routes.CDN && p.CDN == nil {
			continue
		}
		rs = append(rs, r)
	}
	return rs
}

// corsMethods are the methods of the served routes, in routes.All's order,
// and OPTIONS: the preflight's Access-Control-Allow-Methods.
func corsMethods(p *Props) []string {
	var methods []string
	for _, r := range served(p) {
		if !slices.Contains(methods, r.Method) {
			methods = append(methods, r.Method)
		}
	}
	return append(methods, http.MethodOptions)
}

// addRoutes adds a method for each served route, in routes.All's order, on
// the resource of its path (created on first use): API Gateway validates
// its required query and path parameters and, for a route with a body,
// the body against the route's model before the function runs. CDK hashes
// what is added, in the order added, into the deployment's logical id:
// resources, then model, then method, route by route.
func (a *API) addRoutes(api awsapigateway.RestApi, integration awsapigateway.Integration, validator awsapigateway.IRequestValidator, p *Props, s *effective) {
	limits := routes.Limits{MaxUploadBytes: s.maxUploadBytes, URLTTLSeconds: s.ttlSeconds}
	for _, r := range served(p) {
		resource := api.Root().ResourceForPath(jsii.String(r.Path))
		opts := &awsapigateway.MethodOptions{RequestValidator: validator}
		if params := requestParameters(r); len(params) > 0 {
			opts.RequestParameters = &params
		}
		if r.Body != nil {
			opts.RequestModels = &map[string]awsapigateway.IModel{"application/json": model(api, r.Body, limits)}
		}
		resource.AddMethod(jsii.String(r.Method), integration, opts)
	}
}

// requestParameters are r's required parameters as API Gateway names them
// (method.request.querystring.<name>, method.request.path.<name>), each
// required.
func requestParameters(r routes.Route) map[string]*bool {
	params := map[string]*bool{}
	for _, prm := range r.Params {
		if !prm.Required {
			continue
		}
		in := "querystring"
		if prm.In == routes.InPath {
			in = "path"
		}
		params["method.request."+in+"."+prm.Name] = jsii.Bool(true)
	}
	return params
}

// model adds body's JSON schema model (draft 4) to api, titled and named
// body.Model, with bounds from limits.
func model(api awsapigateway.RestApi, body *routes.Body, limits routes.Limits) awsapigateway.IModel {
	schema := jsonSchema(body.Schema, limits)
	schema.Schema = awsapigateway.JsonSchemaVersion_DRAFT4
	schema.Title = jsii.String(body.Model)
	return api.AddModel(jsii.String(body.Model), &awsapigateway.ModelOptions{
		ContentType: jsii.String("application/json"),
		Description: jsii.String(body.Doc),
		Schema:      schema,
	})
}

// jsonTypes are the JSON schema types of routes' types.
var jsonTypes = map[routes.Type]awsapigateway.JsonSchemaType{
	routes.String:  awsapigateway.JsonSchemaType_STRING,
	routes.Integer: awsapigateway.JsonSchemaType_INTEGER,
	routes.Boolean: awsapigateway.JsonSchemaType_BOOLEAN,
	routes.Array:   awsapigateway.JsonSchemaType_ARRAY,
	routes.Object:  awsapigateway.JsonSchemaType_OBJECT,
}

// jsonSchema is s as API Gateway's JsonSchema: an object takes its fields
// and no other property (a map, any property of type string), and bounds
// are resolved with limits. Docs stay out: the model's description says
// what the body is.
func jsonSchema(s routes.Schema, limits routes.Limits) *awsapigateway.JsonSchema {
	j := &awsapigateway.JsonSchema{Type: jsonTypes[s.Type]}
	if s.Nullable {
		j.Type = &[]awsapigateway.JsonSchemaType{jsonTypes[s.Type], awsapigateway.JsonSchemaType_NULL}
	}
	if s.MinLength > 0 {
		j.MinLength = jsii.Number(s.MinLength)
	}
	if s.MaxLength > 0 {
		j.MaxLength = jsii.Number(s.MaxLength)
	}
	if s.Pattern != "" {
		j.Pattern = jsii.String(s.Pattern)
	}
	if len(s.Enum) > 0 {
		enum := make([]any, len(s.Enum))
		for i, v := range s.Enum {
			enum[i] = v
		}
		j.Enum = &enum
	}
	if s.Minimum.IsSet() {
		j.Minimum = jsii.Number(float64(s.Minimum.Value(limits)))
	}
	if s.Maximum.IsSet() {
		j.Maximum = jsii.Number(float64(s.Maximum.Value(limits)))
	}
	if s.Items != nil {
		j.Items = jsonSchema(*s.Items, limits)
	}
	if s.MinItems > 0 {
		j.MinItems = jsii.Number(s.MinItems)
	}
	if s.MaxItems > 0 {
		j.MaxItems = jsii.Number(s.MaxItems)
	}
	if s.Type == routes.Object {
		if s.Map {
			j.AdditionalProperties = &awsapigateway.JsonSchema{Type: awsapigateway.JsonSchemaType_STRING}
			return j
		}
		props := map[string]*awsapigateway.JsonSchema{}
		for _, f := range s.Fields {
			props[f.Name] = jsonSchema(f.Schema, limits)
		}
		j.Properties = &props
		if required := s.Required(); len(required) > 0 {
			j.Required = jsii.Strings(required...)
		}
		j.AdditionalProperties = false
	}
	return j
}

// corsGatewayHeaders are the CORS headers of the gateway's own error
// responses (a missing or expired token, throttling, a failed validation).
// With one origin the header names it. With several, a gateway response
// cannot choose among them, so it echoes the request's Origin: only those
// error bodies (generic messages such as "Unauthorized") become readable to
// any origin; a real call carries an Authorization header, so the browser
// sends it only after a preflight, which answers the configured origins
// only.
func corsGatewayHeaders(origins []string) map[string]*string {
	allow := "'" + origins[0] + "'"
	if len(origins) > 1 {
		allow = "method.request.header.Origin"
	}
	return map[string]*string{
		"Access-Control-Allow-Origin": jsii.String(allow),
		"Vary":                        jsii.String("'Origin'"),
	}
}

// s3Actions are the S3 actions of each method the rules name: PUT is a
// single PUT, a POST form or a multipart upload.
var s3Actions = map[string][]string{"GET": {"s3:GetObject"}, "PUT": privatebucket.MultipartUploadActions, "DELETE": {"s3:DeleteObject"}}

package validation

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
)

// Literal reports whether v is a value known at synth time: not nil and not
// an unresolved CDK token (a Ref, a pseudo-parameter, an attribute, a
// number token). Checks apply only to literals; tokens are resolved by
// CloudFormation. It is the one "is this a token" test of the constructs:
// pass &s for a plain string.
func Literal[T any](v *T) bool {
	return v != nil && !*awscdk.Token_IsUnresolved(*v)
}

// IsTrue reports whether an optional boolean prop is set and true; nil is
// false, the default of every boolean prop of the securestore constructs.
func IsTrue(b *bool) bool { return b != nil && *b }

// RequireRegion keeps the stack of scope in region at deployment: when the
// stack is environment-agnostic (its region a token) it adds, under scope,
// a CloudFormation rule (child id "RegionIs" plus the region in camel case,
// such as "RegionIsUsEast1") that stops a deployment to any other region
// with why before anything is created. A stack pinned to a region is the
// caller's to check at synth, naming its prop.
func RequireRegion(scope constructs.Construct, region, why string) {
	if Literal(awscdk.Stack_Of(scope).Region()) {
		return
	}
	id := "RegionIs"
	for _, part := range strings.Split(region, "-") {
		if part != "" {
			id += strings.ToUpper(part[:1]) + part[1:]
		}
	}
	awscdk.NewCfnRule(scope, &id, &awscdk.CfnRuleProps{
		Assertions: &[]*awscdk.CfnRuleAssertion{{
			Assert:            awscdk.Fn_ConditionEquals(awscdk.Aws_REGION(), &region),
			AssertDescription: &why,
		}},
	})
}

// CloudFrontRegion is the region of CloudFront's regional resources: its
// ACM certificates, its WAF web ACLs (CLOUDFRONT scope) and the log
// delivery source of its standard logs.
const CloudFrontRegion = "us-east-1"

// originPattern is a browser origin a construct lets in: https with a
// host and an optional port, or http://localhost for development.
var originPattern = regexp.MustCompile(`^(https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?|http://localhost(:\d{1,5})?)$`)

// IsOrigin reports whether s is an origin the constructs accept for CORS:
// https://host[:port], or http://localhost[:port], without a path or
// wildcard.
func IsOrigin(s string) bool { return originPattern.MatchString(s) }

// LogRetentions maps each finite retention CloudWatch Logs accepts, in
// days, to CDK's awslogs.RetentionDays.
var LogRetentions = map[int]awslogs.RetentionDays{
	1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
	7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
	60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 120: awslogs.RetentionDays_FOUR_MONTHS,
	150: awslogs.RetentionDays_FIVE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS, 365: awslogs.RetentionDays_ONE_YEAR,
	400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS, 731: awslogs.RetentionDays_TWO_YEARS,
	1096: awslogs.RetentionDays_THREE_YEARS, 1827: awslogs.RetentionDays_FIVE_YEARS, 2192: awslogs.RetentionDays_SIX_YEARS,
	2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS, 3288: awslogs.RetentionDays_NINE_YEARS,
	3653: awslogs.RetentionDays_TEN_YEARS,
}

// LogRetentionDays are LogRetentions' days, ascending.
func LogRetentionDays() []int {
	days := make([]int, 0, len(LogRetentions))
	for d := range LogRetentions {
		days = append(days, d)
	}
	sort.Ints(days)
	return days
}

// IsFiniteLogRetention reports whether r is one of LogRetentions' values.
func IsFiniteLogRetention(r awslogs.RetentionDays) bool { return RetentionDays(r) != 0 }

// Strings returns the strings of a CDK-style list prop (*[]*string), nil
// for nil, with a nil element as "".
func Strings(list *[]*string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(*list))
	for i, s := range *list {
		if s != nil {
			out[i] = *s
		}
	}
	return out
}

// PhysicalName names a resource that needs a name of its own (a web ACL, a
// trail): the stack's name and c's path in the stack, with every character
// unsafe matches turned into '-', cut to fit maxLen, then '-' and 8 hex
// digits of a hash of the two. It is the same in every synthesis, and two
// constructs never share it in one account and region: stack names are
// unique there (a stack named by a token gives its unique id in the app
// instead).
func PhysicalName(c constructs.IConstruct, unsafe *regexp.Regexp, maxLen int) string {
	stack := awscdk.Stack_Of(c)
	stackName := *stack.StackName()
	if !Literal(&stackName) {
		stackName = *awscdk.Names_UniqueId(stack)
	}
	full := stackName + "/" + strings.TrimPrefix(*c.Node().Path(), *stack.Node().Path()+"/")
	readable := unsafe.ReplaceAllString(full, "-")
	if limit := maxLen - 9; len(readable) > limit {
		readable = readable[:limit]
	}
	sum := sha256.Sum256([]byte(full))
	return strings.TrimRight(readable, "-") + "-" + hex.EncodeToString(sum[:4])
}

// WholeDays reports whether d is a whole number of days, at least one.
func WholeDays(d awscdk.Duration) bool {
	h := *d.ToHours(nil)
	return h >= 24 && h == float64(int64(h)) && int64(h)%24 == 0
}

// RetentionDays is the number of days of r, one of LogRetentions' values,
// or 0 when r is not one.
func RetentionDays(r awslogs.RetentionDays) int {
	for d, v := range LogRetentions {
		if v == r {
			return d
		}
	}
	return 0
}

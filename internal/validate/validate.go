// Package validate collects the problems found in one construct's props so
// that a user sees every one of them at once, each naming the prop, the value
// received and the construct path, before anything is synthesized.
package validate

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/securestore/securestore/validation"
)

// Problems gathers prop problems for the construct at Path.
// The zero value is not usable: create one with For.
type Problems struct {
	path     string
	problems []string
}

// For starts a problem list for the construct at path (its node path).
func For(path string) *Problems {
	return &Problems{path: path}
}

// Addf records a problem with prop. The message should say what was received
// and what is accepted.
func (p *Problems) Addf(prop, format string, args ...any) {
	p.problems = append(p.problems, prop+": "+fmt.Sprintf(format, args...))
}

// Err returns nil when no problem was recorded, or an *Error listing them all.
func (p *Problems) Err() error {
	if len(p.problems) == 0 {
		return nil
	}
	return &Error{Path: p.path, Problems: append([]string(nil), p.problems...)}
}

// PanicIfAny panics with an *Error when a problem was recorded. Constructs
// follow the CDK convention of failing synth on invalid props; main recovers
// an *Error and prints it without a stack trace.
func (p *Problems) PanicIfAny() {
	if err := p.Err(); err != nil {
		panic(err)
	}
}

// Error is the failure raised for invalid construct props: the exported
// validation.Error, which callers outside this module can errors.As.
type Error = validation.Error

// Literal reports whether s is a value known at synth time: not nil and not
// an unresolved CDK token (a Ref, a pseudo-parameter, an attribute). Checks
// apply only to literals; tokens are resolved by CloudFormation.
func Literal(s *string) bool {
	return s != nil && !*awscdk.Token_IsUnresolved(s)
}

// RequireRegion keeps the stack of scope in region at deployment: when the
// stack is environment-agnostic (its region a token) it adds, under scope,
// a CloudFormation rule (child id "RegionIs" plus the region in camel case,
// such as "RegionIsUsEast1") that stops a deployment to any other region
// with why before anything is created. A stack pinned to a region is the
// caller's to check at synth, naming its prop.
func RequireRegion(scope constructs.Construct, region, why string) {
	if !*awscdk.Token_IsUnresolved(awscdk.Stack_Of(scope).Region()) {
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

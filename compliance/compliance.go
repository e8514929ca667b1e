// Package compliance applies the cdk-nag rule packs to an app and reads their
// findings back after synthesis. Suppressions live in suppressions.go, each
// with its reason; nothing else in the project suppresses a rule.
package compliance

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Pack names accepted by Apply, as cdk-nag names its packs' rule ids.
const (
	AwsSolutions  = "AwsSolutions"
	Serverless    = "Serverless"
	NIST80053R5   = "NIST.800.53.R5"
	HIPAASecurity = "HIPAA.Security"
	PCIDSS321     = "PCI.DSS.321"
)

// Packs lists every pack Apply accepts, in the order the app applies them
// by default.
var Packs = []string{AwsSolutions, Serverless, NIST80053R5, HIPAASecurity, PCIDSS321}

// InApp reports whether the pack runs inside the Go app. The Serverless pack
// is not in cdk-nag-go v2.35.0 (the newest the Go proxy serves); it runs over
// the synthesized templates instead (internal/gates/nagserverless), honouring the
// same suppressions, which reach it as template metadata.
func InApp(pack string) bool {
	return pack != Serverless
}

// Apply adds the named cdk-nag packs to scope as aspects and registers every
// suppression from suppressions.go on the resources under it. Call it after
// the stacks are built and before synthesis. It returns how many resources
// each entry of Suppressions matched, so tests can catch a stale entry.
func Apply(scope constructs.IConstruct, packs []string) []int {
	aspects := awscdk.Aspects_Of(scope)
	props := &cdknag.NagPackProps{Verbose: jsii.Bool(true)}
	for _, p := range packs {
		switch p {
		case AwsSolutions:
			aspects.Add(cdknag.NewAwsSolutionsChecks(props), nil)
		case NIST80053R5:
			aspects.Add(cdknag.NewNIST80053R5Checks(props), nil)
		case HIPAASecurity:
			aspects.Add(cdknag.NewHIPAASecurityChecks(props), nil)
		case PCIDSS321:
			aspects.Add(cdknag.NewPCIDSS321Checks(props), nil)
		case Serverless:
			// Runs over the synthesized templates; see InApp.
		default:
			panic(fmt.Sprintf("compliance: unknown cdk-nag pack %q", p))
		}
	}
	return suppress(scope)
}

// Finding is one unsuppressed cdk-nag result.
type Finding struct {
	// Path is the construct path of the resource.
	Path string
	// Level is "error" or "warning".
	Level string
	// Message is cdk-nag's text, starting with the rule id.
	Message string
}

// String formats the finding on one line.
func (f Finding) String() string {
	return fmt.Sprintf("[%s] %s: %s", f.Level, f.Path, f.Message)
}

var packPrefixes = []string{AwsSolutions + "-", NIST80053R5 + "-", HIPAASecurity + "-", PCIDSS321 + "-", Serverless + "-"}

// Findings returns the unsuppressed cdk-nag errors and warnings recorded on
// the constructs under scope. Call it after the app has been synthesized.
func Findings(scope constructs.IConstruct) []Finding {
	var out []Finding
	for _, c := range *scope.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		for _, m := range *c.Node().Metadata() {
			var level string
			switch *m.Type {
			case "aws:cdk:error":
				level = "error"
			case "aws:cdk:warning":
				level = "warning"
			default:
				continue
			}
			msg, ok := m.Data.(string)
			if !ok || !hasPackPrefix(msg) {
				continue
			}
			out = append(out, Finding{Path: *c.Node().Path(), Level: level, Message: msg})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func hasPackPrefix(msg string) bool {
	for _, p := range packPrefixes {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

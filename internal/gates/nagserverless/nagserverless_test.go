package nagserverless

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func rulesOn(findings []Finding, logicalID string, suppressed bool) []string {
	var rules []string
	for _, f := range findings {
		if f.LogicalID == logicalID && f.Suppressed == suppressed {
			rules = append(rules, f.Rule)
		}
	}
	slices.Sort(rules)
	return rules
}

// One Node process for all templates of the passing cases.
func TestRun(t *testing.T) {
	plain := filepath.Join("testdata", "function.json")
	supp := filepath.Join("testdata", "suppressed.json")
	findings, err := Run(plain, supp)
	if err != nil {
		t.Fatal(err)
	}
	byTemplate := map[string][]Finding{}
	for _, f := range findings {
		byTemplate[f.Template] = append(byTemplate[f.Template], f)
	}
	absPlain, _ := filepath.Abs(plain)
	absSupp, _ := filepath.Abs(supp)

	want := []string{"Serverless-LambdaDLQ", "Serverless-LambdaDefaultMemorySize", "Serverless-LambdaDefaultTimeout", "Serverless-LambdaTracing"}
	if got := rulesOn(byTemplate[absPlain], "Fn", false); !slices.Equal(got, want) {
		t.Errorf("function findings = %v, want %v", got, want)
	}
	if got := rulesOn(byTemplate[absPlain], "Logs", false); !slices.Equal(got, []string{"Serverless-CloudWatchLogGroupRetentionPeriod"}) {
		t.Errorf("log group findings = %v", got)
	}
	for _, f := range byTemplate[absPlain] {
		if f.Level != "error" && f.Level != "warning" {
			t.Errorf("%s: level %q", f.Rule, f.Level)
		}
		if f.Rule == "Serverless-LambdaTracing" && f.Level != "warning" {
			t.Errorf("LambdaTracing level = %q, want warning", f.Level)
		}
		if f.Rule == "Serverless-LambdaDLQ" && f.Level != "error" {
			t.Errorf("LambdaDLQ level = %q, want error", f.Level)
		}
	}

	wantSupp := []string{"Serverless-LambdaDefaultMemorySize", "Serverless-LambdaDefaultTimeout", "Serverless-LambdaTracing"}
	if got := rulesOn(byTemplate[absSupp], "Fn", false); !slices.Equal(got, wantSupp) {
		t.Errorf("suppressed-template findings = %v, want %v", got, wantSupp)
	}
	sup := rulesOn(byTemplate[absSupp], "Fn", true)
	if !slices.Equal(sup, []string{"Serverless-LambdaDLQ"}) {
		t.Errorf("suppressed = %v, want [Serverless-LambdaDLQ]", sup)
	}
	for _, f := range byTemplate[absSupp] {
		if f.Suppressed && f.Reason != "invoked synchronously by API Gateway only" {
			t.Errorf("suppression reason = %q", f.Reason)
		}
	}
	if n := len(Unsuppressed(findings)); n != 5+4 {
		t.Errorf("unsuppressed = %d, want 9", n)
	}
}

func TestRunErrors(t *testing.T) {
	for name, want := range map[string]string{
		"malformed.json":      "Unexpected end of JSON input",
		"shortreason.json":    "must have a 'reason' of 10 characters or more",
		"missing.json":        "no such file",
		"badintrinsic.json":   "Unsupported CloudFormation function 'Fn::Nope'",
		"badstackoutput.json": "Fn::GetStackOutput without literal StackName and OutputName",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Run(filepath.Join("testdata", "function.json"), filepath.Join("testdata", name))
			if err == nil {
				t.Fatal("want error")
			}
			if !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %s and %q", err, name, want)
			}
		})
	}
	if _, err := Run(); err == nil {
		t.Fatal("Run() without templates: want error")
	}
}

// A template that reads another stack's output with Fn::GetStackOutput (the
// storage stack of a split environment) is checked like any other: the rules
// still see the function and the log group.
func TestRunStackOutput(t *testing.T) {
	findings, err := Run(filepath.Join("testdata", "stackoutput.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Serverless-LambdaDLQ", "Serverless-LambdaDefaultMemorySize", "Serverless-LambdaDefaultTimeout", "Serverless-LambdaTracing"}
	if got := rulesOn(findings, "Fn", false); !slices.Equal(got, want) {
		t.Errorf("function findings = %v, want %v", got, want)
	}
	if got := rulesOn(findings, "Logs", false); !slices.Equal(got, []string{"Serverless-CloudWatchLogGroupRetentionPeriod"}) {
		t.Errorf("log group findings = %v", got)
	}
}

// A REST API stage without access logs, throttling or X-Ray, and the cdk-nag 2.37.55
// APIGWStructuredLogging crash on a Deployment without StageDescription (cdklabs/cdk-nag#2267),
// reported as a validation failure unless suppressed through CdkNagValidationFailure + applies_to.
func TestRunAPIGateway(t *testing.T) {
	findings, err := Run(filepath.Join("testdata", "api.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Serverless-APIGWAccessLogging", "Serverless-APIGWDefaultThrottling", "Serverless-APIGWXrayEnabled"}
	if got := rulesOn(findings, "Stage", false); !slices.Equal(got, want) {
		t.Errorf("stage findings = %v, want %v", got, want)
	}
	if got := rulesOn(findings, "Deployment", false); !slices.Equal(got, []string{"CdkNagValidationFailure[Serverless-APIGWStructuredLogging]"}) {
		t.Errorf("deployment findings = %v", got)
	}
	if got := rulesOn(findings, "SuppressedDeployment", false); len(got) != 0 {
		t.Errorf("suppressed deployment findings = %v, want none", got)
	}
	if got := rulesOn(findings, "SuppressedDeployment", true); !slices.Equal(got, []string{"CdkNagValidationFailure[Serverless-APIGWStructuredLogging]"}) {
		t.Errorf("suppressed deployment suppressions = %v", got)
	}
}

// A template shaped like cdk synth output: bootstrap-version parameter and rule, CDKMetadata
// with its condition; the checking stack must not add its own copies.
func TestRunSynthesizedShape(t *testing.T) {
	findings, err := Run(filepath.Join("testdata", "synthesized.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := rulesOn(findings, "Logs", false); !slices.Equal(got, []string{"Serverless-CloudWatchLogGroupRetentionPeriod"}) {
		t.Errorf("log group findings = %v", got)
	}
	if got := rulesOn(findings, "Retained", false); len(got) != 0 {
		t.Errorf("log group with retention: findings = %v", got)
	}
}

package nagserverless

import (
	"path/filepath"
	"slices"
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
	for _, name := range []string{"malformed.json", "shortreason.json", "missing.json"} {
		t.Run(name, func(t *testing.T) {
			if _, err := Run(filepath.Join("testdata", "function.json"), filepath.Join("testdata", name)); err == nil {
				t.Fatal("want error")
			} else {
				t.Log(err)
			}
		})
	}
	if _, err := Run(); err == nil {
		t.Fatal("Run() without templates: want error")
	}
}

package cfncheck

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// lintOrSkip runs Lint and skips the test when cfn-lint is not installed
// outside CI (Lint fails instead under CI=true).
func lintOrSkip(t *testing.T, path string) []Finding {
	t.Helper()
	findings, err := Lint(path)
	if errors.Is(err, ErrToolMissing) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return findings
}

func writeTemplate(t *testing.T, doc string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "template.json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLint_FlagsAnInvalidProperty(t *testing.T) {
	path := writeTemplate(t, `{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"Bogus": 1},
	  "Metadata": {"aws:cdk:path": "s/B/Resource"}}}}`)
	findings := lintOrSkip(t, path)
	f := requireFinding(t, findings, "E3002", "B")
	if f.Level != LevelError || f.Type != "AWS::S3::Bucket" || f.Path != "s/B/Resource" || f.Message == "" {
		t.Errorf("finding %+v: want error level, type, cdk path and message", f)
	}
	if len(Failures(findings)) != 1 {
		t.Errorf("want one failure, got:\n%s", joinFindings(Failures(findings)))
	}
}

func TestLint_WarningsFail(t *testing.T) {
	path := writeTemplate(t, `{"Parameters": {"Unused": {"Type": "String"}},
	  "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}`)
	findings := lintOrSkip(t, path)
	f := requireFinding(t, findings, "W2001", "")
	if f.Level != LevelWarning {
		t.Errorf("level %q, want warning", f.Level)
	}
	if len(Failures(findings)) == 0 {
		t.Error("a warning must fail")
	}
}

func TestLint_InformationalFindingsAreReportedNotFailed(t *testing.T) {
	path := writeTemplate(t, `{"Resources": {"T": {"Type": "AWS::SNS::Topic",
	  "Properties": {"TopicName": {"Fn::Join": ["", ["a", {"Ref": "AWS::Region"}]]}}}}}`)
	findings := lintOrSkip(t, path)
	f := requireFinding(t, findings, "I1022", "T")
	if f.Level != LevelInformational {
		t.Errorf("level %q, want informational", f.Level)
	}
	if fails := Failures(findings); len(fails) != 0 {
		t.Errorf("informational findings must not fail, got:\n%s", joinFindings(fails))
	}
}

func TestLint_PassesACleanTemplate(t *testing.T) {
	path := writeTemplate(t, `{"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "t"}}}}`)
	if findings := lintOrSkip(t, path); len(findings) != 0 {
		t.Fatalf("want no findings, got:\n%s", joinFindings(findings))
	}
}

func TestLint_MissingToolSkipsOutsideCIAndFailsInCI(t *testing.T) {
	path := writeTemplate(t, `{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}`)
	t.Setenv("PATH", t.TempDir())

	t.Setenv("CI", "")
	_, err := Lint(path)
	if !errors.Is(err, ErrToolMissing) {
		t.Fatalf("outside CI: want ErrToolMissing, got %v", err)
	}

	t.Setenv("CI", "true")
	_, err = Lint(path)
	if err == nil || errors.Is(err, ErrToolMissing) {
		t.Fatalf("with CI=true: want a plain error, got %v", err)
	}
}

package cdktest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestContext_ReadsTheProjectsCdkJSON(t *testing.T) {
	ctx, err := Context("../../../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	if ctx["env"] != "dev" || ctx["environments"] == nil {
		t.Errorf("context lacks env/environments: %v", ctx["env"])
	}
}

func TestContext_Errors(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"bad.json": "{", "empty.json": "{}"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Context(p); err == nil {
			t.Errorf("Context(%s) succeeded", name)
		}
	}
	if _, err := Context(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("Context of a missing file succeeded")
	}
}

func TestResourcesAndOnly(t *testing.T) {
	tpl := map[string]any{"Resources": map[string]any{
		"A": map[string]any{"Type": "AWS::S3::Bucket"},
		"B": map[string]any{"Type": "AWS::S3::Bucket"},
		"K": map[string]any{"Type": "AWS::KMS::Key"},
	}}
	if got := Resources(tpl, "AWS::S3::Bucket"); len(got) != 2 {
		t.Errorf("Resources = %v", got)
	}
	if id, _, err := Only(tpl, "AWS::KMS::Key"); err != nil || id != "K" {
		t.Errorf("Only(key) = %q, %v", id, err)
	}
	if _, _, err := Only(tpl, "AWS::S3::Bucket"); err == nil || !strings.Contains(err.Error(), "[A B]") {
		t.Errorf("Only(bucket) = %v, want an error listing A and B", err)
	}
	if _, _, err := Only(tpl, "AWS::SQS::Queue"); err == nil {
		t.Error("Only of a missing type succeeded")
	}
}

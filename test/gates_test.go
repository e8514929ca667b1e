package test

import (
	"testing"

	"github.com/securestore/securestore/internal/gates/cfncheck"
	"github.com/securestore/securestore/internal/gates/nagserverless"
)

// The policy gates, run over every protected configuration's template:
// rule sets nobody on the team wrote (AWS Control Tower proactive controls
// through cfn-guard, cfn-lint, the CloudFormation registry schemas, cdk-nag's
// Serverless pack) and the dependency-graph check that proves the OAC/KMS
// design has no cycle.

func TestGates_ControlTowerAndLint(t *testing.T) {
	var all []cfncheck.Finding
	for _, name := range sortedNames() {
		s := configs[name]
		guard, err := cfncheck.Guard(s.path)
		if err != nil {
			t.Fatalf("%s: cfn-guard: %v", name, err)
		}
		lint, err := cfncheck.Lint(s.path)
		if err != nil {
			t.Fatalf("%s: cfn-lint: %v", name, err)
		}
		all = append(all, guard...)
		all = append(all, lint...)
		for _, f := range cfncheck.Failures(append(guard, lint...)) {
			t.Errorf("%s: %v", name, f)
		}
	}
	for _, e := range cfncheck.StaleExemptions(all) {
		t.Errorf("exemption %s (%v %v) matches no finding in any protected configuration: remove it", e.ID, e.Resources, e.ResourceTypes)
	}
}

func TestGates_RegistrySchemas(t *testing.T) {
	for _, name := range sortedNames() {
		for _, err := range cfncheck.Schema(configs[name].raw) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestGates_NoDependencyCycle(t *testing.T) {
	for _, name := range sortedNames() {
		if err := cfncheck.Cycle(configs[name].raw); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestGates_NagServerless(t *testing.T) {
	paths := make([]string, 0, len(configs))
	for _, name := range sortedNames() {
		paths = append(paths, configs[name].path)
	}
	findings, err := nagserverless.Run(paths...)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range nagserverless.Unsuppressed(findings) {
		t.Errorf("%+v", f)
	}
}

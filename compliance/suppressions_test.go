package compliance

import (
	"path"
	"regexp"
	"strings"
	"testing"
)

// TestSuppressions_WellFormed: every entry names a rule of a pack the app
// runs (or cdk-nag's own validation failure), a valid construct-path
// pattern and a reason of substance; no entry repeats another. Whether each
// entry still matches something is checked over the synthesized app
// (test/gates_test.go).
func TestSuppressions_WellFormed(t *testing.T) {
	seen := map[string]bool{}
	for i, s := range Suppressions {
		known := s.Rule == "CdkNagValidationFailure"
		for _, p := range packPrefixes {
			known = known || strings.HasPrefix(s.Rule, p)
		}
		if !known {
			t.Errorf("entry %d: rule %q is not from a pack the app runs", i, s.Rule)
		}
		if _, err := path.Match(s.Path, ""); s.Path == "" || err != nil {
			t.Errorf("entry %d (%s): path %q is not a valid pattern: %v", i, s.Rule, s.Path, err)
		}
		if len(strings.Fields(s.Reason)) < 12 {
			t.Errorf("entry %d (%s on %s): the reason %q is too short to say why the rule does not apply or what compensates", i, s.Rule, s.Path, s.Reason)
		}
		for _, a := range s.AppliesTo {
			if len(a) > 1 && strings.HasPrefix(a, "/") && strings.HasSuffix(a, "/") {
				if _, err := regexp.Compile(a[1 : len(a)-1]); err != nil {
					t.Errorf("entry %d (%s): AppliesTo %s is not a regular expression: %v", i, s.Rule, a, err)
				}
			}
		}
		key := s.Rule + "|" + s.Path + "|" + strings.Join(s.AppliesTo, ",")
		if seen[key] {
			t.Errorf("entry %d: %s on %s listed twice", i, s.Rule, s.Path)
		}
		seen[key] = true
	}
}

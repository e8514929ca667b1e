package test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/securestore/securestore/internal/cdktest"
)

// TestLogsKey_OnlyTheDataRegionsGroups: in every configuration each log
// group of the storage stack is encrypted with the logs key (a key that is
// not the data bucket's), and the logs key's policy lets CloudWatch Logs
// use it for exactly those groups, by name.
func TestLogsKey_OnlyTheDataRegionsGroups(t *testing.T) {
	for _, name := range []string{"default", "prod", "maximal", "regional"} {
		s := configs[name]
		groups := cdktest.Resources(s.template, "AWS::Logs::LogGroup")
		if len(groups) < 2 {
			t.Fatalf("%s: %d log groups, want the API's and the function's at least", name, len(groups))
		}
		var key string
		var names []string
		for id, g := range groups {
			p, _ := g["Properties"].(map[string]any)
			ref := fmt.Sprint(p["KmsKeyId"])
			if !strings.HasPrefix(ref, "map[Fn::GetAtt:[") || (key != "" && ref != key) {
				t.Errorf("%s: log group %s encrypted with %s, want the one logs key (%s)", name, id, ref, key)
			}
			key = ref
			n, _ := p["LogGroupName"].(string)
			names = append(names, n)
		}
		keyID := strings.Fields(strings.TrimPrefix(key, "map[Fn::GetAtt:["))[0]
		for id, b := range cdktest.Resources(s.template, "AWS::S3::Bucket") {
			if strings.Contains(fmt.Sprint(b["Properties"]), keyID) {
				t.Errorf("%s: the logs key %s also encrypts bucket %s", name, keyID, id)
			}
		}
		k := cdktest.Resources(s.template, "AWS::KMS::Key")[keyID]
		var granted []string
		for _, st := range k["Properties"].(map[string]any)["KeyPolicy"].(map[string]any)["Statement"].([]any) {
			st := st.(map[string]any)
			if !strings.Contains(fmt.Sprint(st["Principal"]), "logs.") {
				continue
			}
			cond := st["Condition"].(map[string]any)["ArnEquals"].(map[string]any)["kms:EncryptionContext:aws:logs:arn"].([]any)
			for _, c := range cond {
				// arn:<partition>:logs:<region>:<account>:log-group:<name>
				parts := c.(map[string]any)["Fn::Join"].([]any)[1].([]any)
				last, _ := parts[len(parts)-1].(string)
				group, ok := strings.CutPrefix(last, ":log-group:")
				if fmt.Sprint(parts[:len(parts)-1]) != "[arn: map[Ref:AWS::Partition] :logs: map[Ref:AWS::Region] : map[Ref:AWS::AccountId]]" || !ok {
					t.Errorf("%s: logs key grants %v", name, parts)
				}
				granted = append(granted, group)
			}
		}
		slices.Sort(names)
		slices.Sort(granted)
		if !slices.Equal(names, granted) || slices.Contains(names, "") {
			t.Errorf("%s: the logs key's policy names %q, the stack's log groups are %q", name, granted, names)
		}
	}
}

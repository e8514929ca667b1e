package test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/securestore/securestore/internal/testkit/cdktest"
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
			names = append(names, fmt.Sprint(p["LogGroupName"]))
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
				// arn:<partition>:logs:<region>:<account>:log-group:<name>,
				// the name a literal or (API Gateway's execution logs) a
				// join of the API's id.
				parts := c.(map[string]any)["Fn::Join"].([]any)[1].([]any)
				first, _ := parts[6].(string)
				group, ok := strings.CutPrefix(first, ":log-group:")
				if fmt.Sprint(parts[:6]) != "[arn: map[Ref:AWS::Partition] :logs: map[Ref:AWS::Region] : map[Ref:AWS::AccountId]]" || !ok {
					t.Errorf("%s: logs key grants %v", name, parts)
				}
				if len(parts) == 7 {
					granted = append(granted, group)
				} else {
					granted = append(granted, fmt.Sprint(map[string]any{"Fn::Join": []any{"", append([]any{group}, parts[7:]...)}}))
				}
			}
		}
		slices.Sort(names)
		slices.Sort(granted)
		if !slices.Equal(names, granted) || slices.Contains(names, "<nil>") {
			t.Errorf("%s: the logs key's policy names %q, the stack's log groups are %q", name, granted, names)
		}
	}
}

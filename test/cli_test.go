package test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestApp_RejectsBadContext runs the app as the CDK CLI does (context in
// CDK_CONTEXT_JSON) and checks that bad configuration fails synth with a
// message naming the key, before any stack is built.
func TestApp_RejectsBadContext(t *testing.T) {
	cases := []struct {
		name, context string
		want          []string
	}{
		{"unknown key", `{"bucketNmae":"x"}`, []string{`unknown context key "bucketNmae"`, "bucketName"}},
		{"zero lifecycle days", `{"abortIncompleteUploadDays":"0","cdnEnabled":false}`, []string{`context key "abortIncompleteUploadDays"`, "received 0"}},
		{"invalid bucket name", `{"bucketName":"Not_A_Bucket","cdnEnabled":false}`, []string{`context key "bucketName"`, `"Not_A_Bucket"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command("go", "run", "-trimpath", ".")
			cmd.Dir = ".."
			cmd.Env = append(os.Environ(), "CDK_CONTEXT_JSON="+tc.context, "CDK_OUTDIR="+t.TempDir())
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("synth succeeded with context %s:\n%s", tc.context, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(string(out), "goroutine ") {
				t.Errorf("synth failed with a stack trace instead of a message:\n%s", out)
			}
		})
	}
}

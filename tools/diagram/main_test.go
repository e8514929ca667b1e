package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const template = `{"Resources": {
  "P": {"Type": "AWS::S3::BucketPolicy", "Metadata": {"aws:cdk:path": "S/Data/Policy/Resource"}, "Properties": {"Bucket": {"Ref": "B"}}},
  "B": {"Type": "AWS::S3::Bucket", "Metadata": {"aws:cdk:path": "S/Data/Resource"}}}}`

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "t.json")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(in, []byte(template), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("digraph {}"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		args    []string
		wantErr string
		outFile string // where the DOT should be, "" for stdout
	}{
		{name: "to stdout", args: []string{in}},
		{name: "to a file", args: []string{"-o", filepath.Join(dir, "a.dot"), in}, outFile: filepath.Join(dir, "a.dot")},
		{name: "no template", args: nil, wantErr: "want one template file"},
		{name: "two templates", args: []string{in, in}, wantErr: "want one template file"},
		{name: "missing file", args: []string{filepath.Join(dir, "none.json")}, wantErr: "read template"},
		{name: "not a template", args: []string{bad}, wantErr: "parse template"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(tc.args, &stdout, &stderr)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			dot := stdout.Bytes()
			if tc.outFile != "" {
				if stdout.Len() != 0 {
					t.Errorf("wrote %q to stdout with -o", stdout.String())
				}
				if dot, err = os.ReadFile(tc.outFile); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Contains(dot, []byte(`"P" -> "B";`)) || !bytes.HasPrefix(dot, []byte("digraph architecture {")) {
				t.Errorf("DOT lacks the policy -> bucket edge:\n%s", dot)
			}
		})
	}
}

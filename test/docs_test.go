package test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/securestore/securestore/constructs/privatecdn"
)

// TestDocs_ErrorPagesMatchTheConstruct keeps docs/errors, which the README
// tells users to upload, equal to the bodies the distribution expects.
func TestDocs_ErrorPagesMatchTheConstruct(t *testing.T) {
	files, err := filepath.Glob("../docs/errors/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(privatecdn.ErrorPages) {
		t.Errorf("docs/errors has %d files, privatecdn.ErrorPages %d", len(files), len(privatecdn.ErrorPages))
	}
	for code, body := range privatecdn.ErrorPages {
		got, err := os.ReadFile(fmt.Sprintf("../docs/errors/%d.json", code))
		if err != nil {
			t.Errorf("error page %d: %v", code, err)
			continue
		}
		if string(got) != body+"\n" {
			t.Errorf("docs/errors/%d.json = %q, want %q (privatecdn.ErrorPages)", code, got, body+"\n")
		}
	}
}

package test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/securestore/securestore/config"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the configuration table in ../README.md")

const (
	tableStart = "<!-- config-table:start -->\n"
	tableEnd   = "<!-- config-table:end -->"
)

// TestReadmeTableMatchesKeys keeps the README's configuration reference true:
// it must be exactly config.ReferenceTable(). `go test ./test -run TestReadmeTableMatchesKeys -update-readme`
// rewrites it.
func TestReadmeTableMatchesKeys(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i := strings.Index(readme, tableStart)
	j := strings.Index(readme, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q ... %q markers", strings.TrimSpace(tableStart), tableEnd)
	}
	got := readme[i+len(tableStart) : j]
	want := config.ReferenceTable()
	if got == want {
		return
	}
	if *updateReadme {
		if err := os.WriteFile("../README.md", []byte(readme[:i+len(tableStart)]+want+readme[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's configuration table differs from config.Keys; run `go test ./test -run TestReadmeTableMatchesKeys -update-readme`.\nwant:\n%s\ngot:\n%s", want, got)
}

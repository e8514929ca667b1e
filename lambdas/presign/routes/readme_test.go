package routes

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the route table in ../../../README.md")

const (
	readme     = "../../../README.md"
	tableStart = "<!-- route-table:start -->\n"
	tableEnd   = "<!-- route-table:end -->"
)

// TestReadmeRouteTable keeps the README's route table true: it must be
// exactly MarkdownTable(). `go test ./lambdas/presign/routes -update-readme`
// (or `make test-update`) rewrites it.
func TestReadmeRouteTable(t *testing.T) {
	b, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, tableStart)
	j := strings.Index(text, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q ... %q markers", strings.TrimSpace(tableStart), tableEnd)
	}
	got := text[i+len(tableStart) : j]
	want := MarkdownTable()
	if got == want {
		return
	}
	if *updateReadme {
		if err := os.WriteFile(readme, []byte(text[:i+len(tableStart)]+want+text[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's route table differs from routes.All; run `go test ./lambdas/presign/routes -update-readme`.\nwant:\n%s\ngot:\n%s", want, got)
}

// TestMarkdownTable_OneRowPerRoute checks that every route has its row,
// in All's order, and that bounds from the deployment name their keys.
func TestMarkdownTable_OneRowPerRoute(t *testing.T) {
	rows := strings.Split(strings.TrimSuffix(MarkdownTable(), "\n"), "\n")[2:]
	if len(rows) != len(All) {
		t.Fatalf("%d rows, want one per route (%d)", len(rows), len(All))
	}
	for i, r := range All {
		if !strings.HasPrefix(rows[i], "| `"+r.String()+"`") {
			t.Errorf("row %d is %q, want %s", i, rows[i], r)
		}
		if strings.Count(rows[i], " | ") != 4 {
			t.Errorf("row %d does not have 5 cells: %q", i, rows[i])
		}
	}
	presign := rows[0]
	for _, want := range []string{"`key` (required): string, 1 to 1024 bytes", "`method`: `GET` \\| `PUT` \\| `DELETE`", "1 to `urlTtlSeconds`", "`maxUploadBytes` (5 GiB at most)", "`200 {\"url\", \"method\", \"headers\", \"expiresAt\"}`"} {
		if !strings.Contains(presign, want) {
			t.Errorf("GET /presign's row lacks %q: %s", want, presign)
		}
	}
}

package browser_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/securestore/securestore/lambdas/presign/multipart"
	"github.com/securestore/securestore/lambdas/presign/routes"
)

// TestReadmeSetUpIsThePages checks that the README's Uppy 6 set-up is the
// one the browser test runs: the js block of "Uppy 6 in the browser", less
// its imports and comments, is the test page's block between "readme:
// begin" and "readme: end".
func TestReadmeSetUpIsThePages(t *testing.T) {
	root := repoRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(root, "test", "browser", "page", "page.js"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Uppy 6 in the browser\n")
	if !ok {
		t.Fatal(`README.md has no section "## Uppy 6 in the browser"`)
	}
	_, block, ok := strings.Cut(section, "\n```js\n")
	if !ok {
		t.Fatal(`README.md's "Uppy 6 in the browser" has no js block`)
	}
	block, _, _ = strings.Cut(block, "\n```\n")
	_, pageBlock, ok := strings.Cut(string(page), "// readme: begin\n")
	if !ok {
		t.Fatal("page.js has no // readme: begin")
	}
	pageBlock, _, ok = strings.Cut(pageBlock, "// readme: end\n")
	if !ok {
		t.Fatal("page.js has no // readme: end")
	}
	code := func(s string) string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "//") && !strings.HasPrefix(l, "import ") {
				out = append(out, l)
			}
		}
		return strings.Join(out, "\n")
	}
	if got, want := code(block), code(pageBlock); got != want {
		t.Errorf("README.md's Uppy 6 set-up is not the test page's:\nREADME:\n%s\n\npage.js:\n%s", got, want)
	}
	for _, imp := range []string{"from '@uppy/core'", "from '@uppy/aws-s3'", "import { createSignRequest, shouldUseMultipart, getChunkSize } from"} {
		if !strings.Contains(block, imp) || !strings.Contains(string(page), imp) {
			t.Errorf("README.md's block and page.js must both import %q", imp)
		}
	}
}

// TestReadmeBatchFiguresAreTheAPIs checks the figures "Uppy 6 in the
// browser" gives for the module's batches of part URLs against the API's
// route table and plan: the batch size, and the calls a 1 GiB file costs.
func TestReadmeBatchFiguresAreTheAPIs(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Uppy 6 in the browser\n")
	if !ok {
		t.Fatal(`README.md has no section "## Uppy 6 in the browser"`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	section = strings.Join(strings.Fields(section), " ") // the sentence may wrap
	plan, err := multipart.PlanFor(1 << 30)
	if err != nil {
		t.Fatal(err)
	}
	calls := (plan.Parts + routes.MaxBatchParts - 1) / routes.MaxBatchParts
	for _, want := range []string{
		fmt.Sprintf("signs parts in batches of up to %d, one API call per %d parts", routes.MaxBatchParts, routes.MaxBatchParts),
		fmt.Sprintf("a 1 GiB file's %d parts of %d MiB take %d calls", plan.Parts, plan.PartSize>>20, calls),
		fmt.Sprintf("&count=%d` signs up to %d parts in one call", routes.MaxBatchParts, routes.MaxBatchParts),
	} {
		if !strings.Contains(section, want) {
			t.Errorf("README.md's \"Uppy 6 in the browser\" does not say %q", want)
		}
	}
}

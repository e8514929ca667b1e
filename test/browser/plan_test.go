package browser_test

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/securestore/securestore/lambdas/presign/multipart"
	"github.com/securestore/securestore/lambdas/presign/routes"
	"github.com/securestore/securestore/lambdas/presign/settings"
)

// TestModulePlanIsTheAPIs checks clients/uppy's copy of the multipart plan
// (partSize, which Uppy's getChunkSize uses to cut the file), its limits and
// its batch of part URLs (BATCH_PARTS, the count it asks GET
// /multipart/{uploadId}/parts for) against the API's: each part's URL signs
// the plan's exact length, so a part cut otherwise would be refused by S3,
// and a batch over the route's most is refused by the API.
func TestModulePlanIsTheAPIs(t *testing.T) {
	root := repoRoot(t)
	const mib = 1 << 20
	sizes := []int64{1, mib, settings.MinPartBytes - 1, settings.MinPartBytes, settings.MinPartBytes + 1,
		50_000 * mib, 50_000*mib + 1, 52_428_800_000, 52_428_800_001, settings.MaxPutBytes, settings.MaxPutBytes + 1,
		1 << 40, 3<<40 + 12345, settings.MaxObjectBytes - 1, settings.MaxObjectBytes}
	for n := int64(1); n <= 40; n++ {
		sizes = append(sizes, n*10_000*mib-1, n*10_000*mib, n*10_000*mib+1)
	}
	list := make([]string, len(sizes))
	for i, s := range sizes {
		list[i] = strconv.FormatInt(s, 10)
	}
	script := `const m = await import(process.argv[1]);
const sizes = JSON.parse(process.argv[2]);
console.log(JSON.stringify({parts: sizes.map((s) => m.getChunkSize({size: s})), maxPut: m.MAX_PUT_BYTES,
  minPart: m.MIN_PART_BYTES, maxParts: m.MAX_PARTS, batchParts: m.BATCH_PARTS, multipart: sizes.map((s) => m.shouldUseMultipart({size: s}))}))`
	out, err := exec.Command("node", "--input-type=module", "-e", script,
		filepath.Join(root, "clients", "uppy", "index.js"), "["+strings.Join(list, ",")+"]").CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got struct {
		Parts      []int64 `json:"parts"`
		MaxPut     int64   `json:"maxPut"`
		MinPart    int64   `json:"minPart"`
		MaxParts   int     `json:"maxParts"`
		BatchParts int     `json:"batchParts"`
		Multipart  []bool  `json:"multipart"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node's answer %q: %v", out, err)
	}
	if got.MaxPut != settings.MaxPutBytes || got.MinPart != settings.MinPartBytes || got.MaxParts != settings.MaxParts {
		t.Errorf("clients/uppy's limits: MAX_PUT_BYTES %d, MIN_PART_BYTES %d, MAX_PARTS %d; settings: %d, %d, %d",
			got.MaxPut, got.MinPart, got.MaxParts, settings.MaxPutBytes, settings.MinPartBytes, settings.MaxParts)
	}
	if got.BatchParts != routes.MaxBatchParts {
		t.Errorf("clients/uppy's BATCH_PARTS %d, routes.MaxBatchParts %d", got.BatchParts, routes.MaxBatchParts)
	}
	for i, size := range sizes {
		plan, err := multipart.PlanFor(size)
		if err != nil {
			t.Fatal(err)
		}
		if got.Parts[i] != plan.PartSize {
			t.Errorf("size %d: clients/uppy cuts parts of %d bytes, the API plans %d", size, got.Parts[i], plan.PartSize)
		}
		if want := size > settings.MaxPutBytes; got.Multipart[i] != want {
			t.Errorf("size %d: shouldUseMultipart %v, want %v (one PUT up to %d bytes)", size, got.Multipart[i], want, settings.MaxPutBytes)
		}
	}
}

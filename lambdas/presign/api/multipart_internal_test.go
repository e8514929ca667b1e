package api

import (
	"strings"
	"testing"

	"github.com/securestore/securestore/lambdas/presign/multipart"
)

// TestCompleteChecks: what S3 holds against the plan (a mismatch aborts),
// and the caller's list against what S3 holds (a mismatch keeps the
// upload).
func TestCompleteChecks(t *testing.T) {
	plan, err := multipart.PlanFor(10<<20 + 7) // 5 MiB, 5 MiB, 7 bytes
	if err != nil {
		t.Fatal(err)
	}
	full := []partEntry{{1, `"a"`, 5 << 20}, {2, `"b"`, 5 << 20}, {3, `"c"`, 7}}
	for _, c := range []struct {
		name string
		held []partEntry
		want string // "" = matches
	}{
		{"the plan", full, ""},
		{"none", nil, "part 1 is missing (0 of 3"},
		{"a missing middle part", []partEntry{full[0], full[2]}, "part 2 is missing"},
		{"a missing last part", full[:2], "part 3 is missing (2 of 3"},
		{"a short part", []partEntry{full[0], {2, `"b"`, 5<<20 - 1}, full[2]}, "part 2 is 5242879 bytes, the plan's is 5242880"},
		{"a long last part", []partEntry{full[0], full[1], {3, `"c"`, 8}}, "part 3 is 8 bytes, the plan's is 7"},
		{"a part beyond the plan", append(append([]partEntry{}, full...), partEntry{4, `"d"`, 1}), "part 4 is beyond the plan's 3 parts"},
		{"only a part beyond the plan", []partEntry{{9, `"d"`, 1}}, "part 9 is beyond"},
	} {
		err := heldMatchPlan(plan, c.held)
		if (err == nil) != (c.want == "") || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	for _, c := range []struct {
		name   string
		listed []partETag
		want   string
	}{
		{"every part, quoted as S3 gives them", []partETag{{1, `"a"`}, {2, `"b"`}, {3, `"c"`}}, ""},
		{"every part, unquoted", []partETag{{1, "a"}, {2, "b"}, {3, "c"}}, ""},
		{"a wrong ETag", []partETag{{1, "a"}, {2, "x"}, {3, "c"}}, "part 2: the request's ETag"},
		{"one part fewer", []partETag{{1, "a"}, {2, "b"}}, "lists 2 parts, the upload has 3"},
		{"another part's number", []partETag{{1, "a"}, {3, "b"}, {4, "c"}}, "part 2: the request's ETag"},
	} {
		err := listMatchesHeld(c.listed, full)
		if (err == nil) != (c.want == "") || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

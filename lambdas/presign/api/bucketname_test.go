package api

import (
	"regexp"
	"strings"
	"testing"
)

// TestIsBucketName: the hand-written check is the pattern it replaced.
func TestIsBucketName(t *testing.T) {
	pattern := regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	cases := []string{"", "a", "ab", "abc", "a.b", "a-b", ".ab", "ab.", "-ab", "ab-", "Abc", "a_b", "a..b", "a b",
		strings.Repeat("a", 63), strings.Repeat("a", 64), "securestore-data-123456789012-eu-west-1", "é.bc", "ab\n"}
	for _, c := range cases {
		if got, want := isBucketName(c), pattern.MatchString(c); got != want {
			t.Errorf("isBucketName(%q) = %v, want %v", c, got, want)
		}
	}
}

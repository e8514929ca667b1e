package privatebucket

import "testing"

func TestValidGrantPrefix(t *testing.T) {
	for prefix, want := range map[string]bool{
		"":                  true,
		"reports/":          true,
		"reports/2026/q3-":  true,
		"users/*/":          true,
		"team/*/inbox/":     true,
		"/reports/":         false,
		"users/*":           false, // a trailing "*" would be the grant's own
		"users/a*/":         false,
		"*/":                false, // any first segment: a whole-bucket grant in all but name
		"users/?/":          false,
		"users/${aws:sub}/": false,
		"users/{sub}/":      false,
	} {
		if got := validGrantPrefix(prefix); got != want {
			t.Errorf("validGrantPrefix(%q) = %v, want %v", prefix, got, want)
		}
	}
}

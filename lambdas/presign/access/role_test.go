package access

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// rule opens prefix to every signed-in caller for methods.
func rule(prefix string, methods ...string) Rule {
	return Rule{Prefix: prefix, Groups: []string{"*"}, Methods: methods}
}

func TestRole(t *testing.T) {
	cases := []struct {
		name        string
		rules       []Rule
		allow, deny []Grant
	}{
		{"default tiers", Tiered([]string{"tier-1", "tier-2"}), []Grant{
			{"DELETE", "users/*/*"}, {"GET", "tier-1/*"}, {"GET", "tier-2/*"}, {"GET", "users/*/*"}, {"PUT", "users/*/*"},
		}, nil},
		{"narrower prefix of the same method is covered", []Rule{rule("a/", "GET", "PUT"), rule("a/b/", "GET", "PUT")}, []Grant{
			{"GET", "a/*"}, {"PUT", "a/*"},
		}, nil},
		{"a longer prefix that removes a method denies it", []Rule{rule("reports/", "GET", "PUT"), rule("reports/final/", "GET")}, []Grant{
			{"GET", "reports/*"}, {"PUT", "reports/*"},
		}, []Grant{{"PUT", "reports/final/*"}}},
		{"a longer prefix that adds a method allows it", []Rule{rule("a/", "GET"), rule("a/b/", "GET", "PUT")}, []Grant{
			{"GET", "a/*"}, {"PUT", "a/b/*"},
		}, nil},
		{"sibling with a longer name is not covered", []Rule{rule("tier-1/", "GET"), rule("tier-10/", "GET")}, []Grant{
			{"GET", "tier-1/*"}, {"GET", "tier-10/*"},
		}, nil},
		{"{sub} in the middle", []Rule{rule("team/", "GET"), rule("team/{sub}/inbox/", "PUT")}, []Grant{
			{"GET", "team/*"}, {"PUT", "team/*/inbox/*"},
		}, []Grant{{"GET", "team/*/inbox/*"}}},
		{"narrowing under a home", []Rule{rule("users/{sub}/", "GET", "PUT", "DELETE"), rule("users/{sub}/published/", "GET")}, []Grant{
			{"DELETE", "users/*/*"}, {"GET", "users/*/*"}, {"PUT", "users/*/*"},
		}, []Grant{{"DELETE", "users/*/published/*"}, {"PUT", "users/*/published/*"}}},
		{"a fixed name under a home is narrowed for everyone", []Rule{rule("users/{sub}/", "GET", "PUT"), rule("users/shared/", "GET")}, []Grant{
			{"GET", "users/*/*"}, {"PUT", "users/*/*"},
		}, []Grant{{"PUT", "users/shared/*"}}},
		// IAM's "*" spans "/": a/*/b/* reaches a/x/y/b/, whose rule
		// allows no GET, so the role denies it there.
		{"an Allow that reaches across segments is denied where its rule does not reach", []Rule{rule("a/{sub}/b/", "GET"), rule("a/x/y/b/", "PUT")}, []Grant{
			{"GET", "a/*/b/*"}, {"PUT", "a/x/y/b/*"},
		}, []Grant{{"GET", "a/x/y/b/*"}}},
		{"no Deny under a Deny", []Rule{rule("r/", "GET", "PUT"), rule("r/f/", "GET"), rule("r/f/x/", "GET")}, []Grant{
			{"GET", "r/*"}, {"PUT", "r/*"},
		}, []Grant{{"PUT", "r/f/*"}}},
		{"same prefix twice", []Rule{rule("a/", "GET"), {Prefix: "a/", Groups: []string{"g"}, Methods: []string{"GET", "DELETE"}}}, []Grant{
			{"DELETE", "a/*"}, {"GET", "a/*"},
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Role(c.rules)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got.Allow) != fmt.Sprint(c.allow) || fmt.Sprint(got.Deny) != fmt.Sprint(c.deny) {
				t.Errorf("Role = allow %v deny %v, want allow %v deny %v", got.Allow, got.Deny, c.allow, c.deny)
			}
		})
	}
}

func TestGlobMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"a/*", "a/b/c", true}, {"a/*/x/*", "a/b/c/x/k", true}, {"a/*/x/*", "a/x/k", false},
		{"users/*/*", "users/u/k", true}, {"users/*/*", "users/k", false}, {"*", "", true},
		{"tier-1/*", "tier-10/k", false}, {"a/*b*", "a/xbyb", true}, {"abc", "abc", true}, {"abc", "abcd", false},
	} {
		if got := globMatch(c.p, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}

func TestRole_RefusesWhatIAMCannotMirror(t *testing.T) {
	cases := []struct {
		name  string
		rules []Rule
		want  string
	}{
		{"{sub} first", []Rule{rule("x/", "GET"), rule("{sub}/", "GET")}, `rule 1: prefix "{sub}/": {sub} must not be the first segment`},
		{"a method opened again under a Deny", []Rule{rule("reports/", "GET", "PUT"), rule("reports/final/", "GET"), rule("reports/final/drafts/", "GET", "PUT")},
			`prefix "reports/final/drafts/" allows PUT, but the role denies PUT on reports/final/*`},
		// IAM's "*" spans "/": the Deny for a/{sub}/x/ also covers a/b/c/x/.
		{"a method opened again under a Deny that reaches across segments", []Rule{rule("a/", "PUT"), rule("a/{sub}/x/", "GET"), rule("a/b/c/x/", "PUT")},
			`prefix "a/b/c/x/" allows PUT, but the role denies PUT on a/*/x/*`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Role(c.rules)
			if !errors.Is(err, ErrNotMirrored) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Role error = %v, want ErrNotMirrored saying %q", err, c.want)
			}
		})
	}
}

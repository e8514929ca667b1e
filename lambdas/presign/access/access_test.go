package access

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

var defaults = Tiered([]string{"tier-1", "tier-2"})

func TestTiered(t *testing.T) {
	want := []Rule{
		{Prefix: "tier-1/", Groups: []string{"tier-1", "tier-2"}, Methods: []string{"GET"}},
		{Prefix: "tier-2/", Groups: []string{"tier-2"}, Methods: []string{"GET"}},
		{Prefix: "users/{sub}/", Groups: []string{"*"}, Methods: []string{"GET", "PUT", "DELETE"}},
	}
	if !reflect.DeepEqual(defaults, want) {
		t.Fatalf("Tiered = %+v, want %+v", defaults, want)
	}
	if err := Validate(defaults); err != nil {
		t.Fatalf("Validate(Tiered) = %v", err)
	}
}

func TestTiered_GroupsDoNotShareBacking(t *testing.T) {
	tiers := []string{"a", "b"}
	rules := Tiered(tiers)
	rules[0].Groups[1] = "changed"
	if tiers[1] != "b" || rules[1].Groups[0] != "b" {
		t.Fatalf("Tiered aliases its input: tiers=%v rules=%+v", tiers, rules)
	}
}

func TestDecide(t *testing.T) {
	alice := Caller{Sub: "alice-sub", Groups: []string{"tier-1"}}
	bob := Caller{Sub: "bob-sub", Groups: []string{"tier-2"}}
	nobody := Caller{Sub: "carol-sub"}
	narrowed := append(Tiered([]string{"tier-1", "tier-2"}),
		Rule{Prefix: "tier-1/secret/", Groups: []string{"admins"}, Methods: []string{"GET"}},
		Rule{Prefix: "tier-2/inbox/", Groups: []string{"tier-2"}, Methods: []string{"GET", "PUT"}},
		Rule{Prefix: "shared/", Groups: []string{"readers"}, Methods: []string{"GET"}},
		Rule{Prefix: "shared/", Groups: []string{"writers"}, Methods: []string{"GET", "PUT"}},
	)
	cases := []struct {
		name       string
		rules      []Rule
		caller     Caller
		key        string
		method     string
		allowed    bool
		rulePrefix string // "" = no rule
		reason     string // substring
	}{
		{"tier-2 reads tier-1", defaults, bob, "tier-1/a.pdf", "GET", true, "tier-1/", "allows"},
		{"tier-2 reads tier-2", defaults, bob, "tier-2/a.pdf", "GET", true, "tier-2/", "allows"},
		{"tier-1 reads tier-1", defaults, alice, "tier-1/a.pdf", "GET", true, "tier-1/", "allows"},
		{"tier-1 refused tier-2", defaults, alice, "tier-2/a.pdf", "GET", false, "tier-2/", "not open to the caller's groups"},
		{"no group refused tier-1", defaults, nobody, "tier-1/a.pdf", "GET", false, "tier-1/", "not open"},
		{"tier-1 cannot write tier-1", defaults, alice, "tier-1/a.pdf", "PUT", false, "tier-1/", "method PUT is not allowed"},
		{"tier-2 cannot write tier-2", defaults, bob, "tier-2/a.pdf", "PUT", false, "tier-2/", "method PUT"},
		{"tier-2 cannot delete tier-1", defaults, bob, "tier-1/a.pdf", "DELETE", false, "tier-1/", "method DELETE"},
		{"own home read", defaults, alice, "users/alice-sub/notes.txt", "GET", true, "users/{sub}/", "allows"},
		{"own home write", defaults, nobody, "users/carol-sub/a/b.txt", "PUT", true, "users/{sub}/", "allows"},
		{"own home delete", defaults, bob, "users/bob-sub/x", "DELETE", true, "users/{sub}/", "allows"},
		{"other home refused", defaults, alice, "users/bob-sub/notes.txt", "GET", false, "", "no rule covers"},
		{"other home write refused", defaults, bob, "users/alice-sub/x", "PUT", false, "", "no rule covers"},
		{"sub prefix of other sub", defaults, Caller{Sub: "bob"}, "users/bob-sub/x", "GET", false, "", "no rule covers"},
		{"sub with slash never matches", defaults, Caller{Sub: "bob-sub/x"}, "users/bob-sub/x/y", "GET", false, "", "no rule covers"},
		{"sub dotdot never matches", defaults, Caller{Sub: ".."}, "users/../x", "GET", false, "", "no rule covers"},
		{"empty sub refused", defaults, Caller{Groups: []string{"tier-2"}}, "tier-1/a", "GET", false, "", "not signed in"},
		{"tier-10 is not tier-1", defaults, alice, "tier-10/a.pdf", "GET", false, "", "no rule covers"},
		{"tier-1 prefix without slash", defaults, alice, "tier-1", "GET", false, "", "no rule covers"},
		{"tier-10 rule does not cover tier-1", []Rule{{Prefix: "tier-10/", Groups: []string{"tier-1"}, Methods: []string{"GET"}}}, alice, "tier-1/a", "GET", false, "", "no rule covers"},
		{"unknown prefix", defaults, bob, "other/a", "GET", false, "", "no rule covers"},
		{"unsupported method", defaults, bob, "tier-1/a", "POST", false, "", "not supported"},
		{"lower-case method", defaults, bob, "tier-1/a", "get", false, "", "not supported"},
		{"longer prefix narrows", narrowed, alice, "tier-1/secret/plan.pdf", "GET", false, "tier-1/secret/", "not open"},
		{"longer prefix narrows tier-2 too", narrowed, bob, "tier-1/secret/plan.pdf", "GET", false, "tier-1/secret/", "not open"},
		{"longer prefix admits its group", narrowed, Caller{Sub: "d", Groups: []string{"admins"}}, "tier-1/secret/plan.pdf", "GET", true, "tier-1/secret/", "allows"},
		{"shorter prefix still applies beside", narrowed, alice, "tier-1/public/a", "GET", true, "tier-1/", "allows"},
		{"longer prefix widens methods", narrowed, bob, "tier-2/inbox/a", "PUT", true, "tier-2/inbox/", "allows"},
		{"same prefix, first group reads", narrowed, Caller{Sub: "e", Groups: []string{"readers"}}, "shared/a", "GET", true, "shared/", "allows"},
		{"same prefix, reader cannot write", narrowed, Caller{Sub: "e", Groups: []string{"readers"}}, "shared/a", "PUT", false, "shared/", "method PUT"},
		{"same prefix, writer writes", narrowed, Caller{Sub: "e", Groups: []string{"readers", "writers"}}, "shared/a", "PUT", true, "shared/", "allows"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Decide(tc.rules, tc.caller, tc.key, tc.method)
			if d.Allowed != tc.allowed {
				t.Fatalf("Allowed = %v (%s), want %v", d.Allowed, d.Reason, tc.allowed)
			}
			got := ""
			if d.Rule != nil {
				got = d.Rule.Prefix
			}
			if got != tc.rulePrefix {
				t.Errorf("Rule.Prefix = %q, want %q", got, tc.rulePrefix)
			}
			if !strings.Contains(d.Reason, tc.reason) {
				t.Errorf("Reason = %q, want it to contain %q", d.Reason, tc.reason)
			}
		})
	}
}

func TestParse(t *testing.T) {
	good := `[
	  {"prefix": "tier-1/", "groups": ["tier-1", "tier-2"], "methods": ["GET"]},
	  {"prefix": "users/{sub}/", "groups": ["*"], "methods": ["GET", "PUT", "DELETE"]}
	]`
	cases := []struct {
		name string
		in   string
		want []string // substrings of the error; nil = accepted
	}{
		{"valid", good, nil},
		{"trailing whitespace", good + "\n\t ", nil},
		{"not an array", `{"prefix": "a/"}`, []string{"JSON array"}},
		{"empty input", ``, []string{"JSON array"}},
		{"null", `null`, []string{"JSON array"}},
		{"empty array", `[]`, []string{"no rules"}},
		{"syntax error", `[{"prefix": "a/",}]`, []string{"invalid character"}},
		{"trailing data", `[{"prefix":"a/","groups":["*"],"methods":["GET"]}] []`, []string{"after the array"}},
		{"trailing garbage", `[{"prefix":"a/","groups":["*"],"methods":["GET"]}]x`, []string{"after the array"}},
		{"unknown field", `[{"prefix":"a/","groups":["*"],"methods":["GET"]},{"prefix":"b/","groups":["*"],"methods":["GET"],"effect":"deny"}]`, []string{"rule 1", `unknown field "effect"`}},
		{"miscased field", `[{"Prefix":"a/","groups":["*"],"methods":["GET"]}]`, []string{"rule 0", `unknown field "Prefix"`}},
		{"repeated field", `[{"prefix":"a/","prefix":"b/","groups":["*"],"methods":["GET"]}]`, []string{"rule 0", `"prefix" appears twice`}},
		{"rule not an object", `[["a/"]]`, []string{"rule 0", "JSON object"}},
		{"groups wrong type", `[{"prefix":"a/","groups":"tier-1","methods":["GET"]}]`, []string{"rule 0", "groups"}},
		{"method wrong type", `[{"prefix":"a/","groups":["*"],"methods":[1]}]`, []string{"rule 0", "methods"}},
		{"missing groups", `[{"prefix":"a/","methods":["GET"]}]`, []string{"rule 0: groups: must not be empty"}},
		{"missing methods", `[{"prefix":"a/","groups":["*"]}]`, []string{"rule 0: methods: must not be empty"}},
		{"bad second rule", `[{"prefix":"a/","groups":["*"],"methods":["GET"]},{"prefix":"b","groups":["*"],"methods":["GET"]}]`, []string{`rule 1: prefix "b": must end with "/"`}},
		{"every problem reported", `[{"prefix":"","groups":[],"methods":["POST"]}]`, []string{"rule 0: prefix", "rule 0: groups", `rule 0: methods: method "POST"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rules, err := Parse([]byte(tc.in))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Parse = %v", err)
				}
				if len(rules) != 2 || rules[1].Prefix != "users/{sub}/" || len(rules[1].Methods) != 3 {
					t.Fatalf("Parse = %+v", rules)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse accepted %s", tc.in)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	rule := func(prefix string, groups, methods []string) []Rule {
		return []Rule{{Prefix: prefix, Groups: groups, Methods: methods}}
	}
	anyone, get := []string{"*"}, []string{"GET"}
	cases := []struct {
		name  string
		rules []Rule
		want  string // substring of the error; "" = accepted
	}{
		{"defaults", defaults, ""},
		{"nested placeholder", rule("teams/x/{sub}/drafts/", anyone, get), ""},
		{"all methods", rule("a/", []string{"g1", "g2"}, []string{"DELETE", "PUT", "GET"}), ""},
		{"nil rules", nil, "no rules"},
		{"empty prefix", rule("", anyone, get), "prefix \"\": must not be empty"},
		{"leading slash", rule("/a/", anyone, get), "must not start with"},
		{"no trailing slash", rule("tier-1", anyone, get), "must end with"},
		{"star", rule("a/*/", anyone, get), "wildcards"},
		{"question mark", rule("a?/", anyone, get), "wildcards"},
		{"partial placeholder", rule("users/u-{sub}/", anyone, get), "whole segment"},
		{"other placeholder", rule("users/{user}/", anyone, get), "whole segment"},
		{"double slash", rule("a//", anyone, get), "segment"},
		{"dotdot", rule("a/../", anyone, get), "segment"},
		{"control char", rule("a\n/", anyone, get), "control"},
		{"bidi", rule("a\u202e/", anyone, get), "deceptive"},
		{"no groups", rule("a/", nil, get), "groups: must not be empty"},
		{"empty group", rule("a/", []string{""}, get), "group 0 is empty"},
		{"group with comma", rule("a/", []string{"a,b"}, get), "must not contain"},
		{"group with space", rule("a/", []string{"a b"}, get), "must not contain"},
		{"duplicate group", rule("a/", []string{"g", "g"}, get), "appears twice"},
		{"no methods", rule("a/", anyone, nil), "methods: must not be empty"},
		{"post", rule("a/", anyone, []string{"POST"}), `method "POST"`},
		{"lower case", rule("a/", anyone, []string{"get"}), `method "get"`},
		{"duplicate method", rule("a/", anyone, []string{"GET", "GET"}), "appears twice"},
		{"index of later rule", append(Tiered([]string{"t1"}), Rule{Prefix: "x", Groups: anyone, Methods: get}), `rule 2: prefix "x"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.rules)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want an ErrInvalid containing %q", err, tc.want)
			}
		})
	}
}

func TestDecideFolder(t *testing.T) {
	alice := Caller{Sub: "alice-sub", Groups: []string{"tier-1"}}
	bob := Caller{Sub: "bob-sub", Groups: []string{"tier-2"}}
	admin := Caller{Sub: "d", Groups: []string{"tier-1", "admins"}}
	rules := append(Tiered([]string{"tier-1", "tier-2"}),
		Rule{Prefix: "tier-1/secret/", Groups: []string{"admins"}, Methods: []string{"GET"}},
		Rule{Prefix: "team/", Groups: []string{"*"}, Methods: []string{"GET"}},
		Rule{Prefix: "team/{sub}/inbox/", Groups: []string{"*"}, Methods: []string{"PUT"}},
	)
	cases := []struct {
		name    string
		caller  Caller
		prefix  string
		allowed bool
		reason  string
	}{
		{"own home", alice, "users/alice-sub/", true, "allows"},
		{"own album", alice, "users/alice-sub/album/", true, "allows"},
		{"another's home", alice, "users/bob-sub/", false, "no rule covers"},
		{"all homes", alice, "users/", false, "no rule covers"},
		{"the tier, but a narrower rule under it", alice, "tier-1/", false, `under "tier-1/secret/"`},
		{"beside the narrower rule", alice, "tier-1/public/", true, "allows"},
		{"the tier, with the narrower rule's group", admin, "tier-1/", true, "allows"},
		{"tier-2 reads tier-1 but not its secret", bob, "tier-1/", false, "tier-1/secret/"},
		{"a {sub} rule under the folder, for the caller", alice, "team/", false, `under "team/alice-sub/inbox/"`},
		{"another's inbox is the team's", alice, "team/bob-sub/", true, "allows"},
		{"whole bucket", admin, "", false, "no rule covers"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := DecideFolder(rules, tc.caller, tc.prefix, "GET")
			if d.Allowed != tc.allowed || !strings.Contains(d.Reason, tc.reason) {
				t.Fatalf("DecideFolder(%q) = %v %q, want %v and %q", tc.prefix, d.Allowed, d.Reason, tc.allowed, tc.reason)
			}
		})
	}
	// Property: a folder DecideFolder allows holds no key that Decide
	// refuses, among keys at and under every rule prefix.
	var keys []string
	for _, c := range []Caller{alice, bob, admin} {
		for _, r := range rules {
			p, _ := expand(r.Prefix, c.Sub)
			keys = append(keys, p+"k", p+"x/k", p+"secret/k", p+"inbox/k")
		}
	}
	for _, c := range []Caller{alice, bob, admin} {
		for _, k := range keys {
			for i := strings.Index(k, "/"); i >= 0; i = nextSlash(k, i) {
				folder := k[:i+1]
				if !DecideFolder(rules, c, folder, "GET").Allowed {
					continue
				}
				for _, other := range keys {
					if strings.HasPrefix(other, folder) && !Decide(rules, c, other, "GET").Allowed {
						t.Errorf("%s: folder %q allowed, but not its key %q", c.Sub, folder, other)
					}
				}
			}
		}
	}
}

func nextSlash(s string, i int) int {
	j := strings.Index(s[i+1:], "/")
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

package access

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Grant is one S3 permission of the function's role: Method on every key
// matching Pattern, an IAM resource pattern relative to the bucket (the
// role's resource is "<bucket ARN>/<Pattern>").
type Grant struct {
	// Method is GET, PUT or DELETE.
	Method string
	// Pattern is the keys the grant covers, such as "users/*".
	Pattern string
}

// RolePolicy is what the function's IAM role allows and denies so that
// IAM's decision follows the rules: it allows what the rules allow some
// caller, and denies each method a longer prefix removes. It is not exact:
// IAM has no "one segment" wildcard, so a {sub} pattern's "*" also matches
// keys several segments deep (team/*/inbox/* matches team/a/b/inbox/k),
// which the rules allow no caller and the function refuses before it
// signs. The reverse never happens: Role refuses rules whose keys a Deny
// would take away.
type RolePolicy struct {
	// Allow are the grants the rules need, sorted by method, then pattern,
	// leaving out a pattern that a shorter one of the same method covers.
	Allow []Grant
	// Deny are the methods a longer prefix removes where an Allow's
	// pattern reaches, sorted as Allow. IAM has no subtraction but an
	// explicit Deny, which nothing can lift; Role refuses a rule that
	// would need one lifted.
	Deny []Grant
}

// ErrNotMirrored is wrapped by the errors of Role: rules the function
// follows but that an IAM role cannot mirror.
var ErrNotMirrored = errors.New("access rules the function's IAM role cannot mirror")

// Role returns the role policy that mirrors rules (valid rules: run
// Validate first).
//
// Each rule prefix becomes the pattern "<prefix>*" with its {sub} segments
// as "*" (users/{sub}/ grants users/*/*). IAM's "*" also spans "/", so a
// pattern with {sub} covers a little more than the rule (users/*/public/*
// also matches users/a/b/public/x): in an Allow the function's own decision
// still narrows it per caller; in a Deny it can only refuse more. A Deny
// under a prefix with {sub} applies to every caller's expansion, where the
// function's applies to the caller's own: with team/ GET for everyone and
// team/{sub}/inbox/ PUT for its owner, the role denies GET on
// team/*/inbox/*, so another user's GET there, which the function would
// sign, is refused by S3. Such rules fail closed.
//
// Role refuses, with errors naming the rule:
//   - a prefix whose first segment is {sub}, which would grant every key of
//     the bucket;
//   - a method that a longer prefix opens again under one that removed it
//     (reports/ PUT, reports/final/ GET only, reports/final/drafts/ PUT),
//     because the role's Deny under reports/final/ cannot be lifted.
func Role(rules []Rule) (RolePolicy, error) {
	var errs []error
	// methods are the methods the rules with each exact prefix allow,
	// whatever the group: the role serves every caller.
	methods := map[string][]string{}
	var prefixes []string
	for i, r := range rules {
		if strings.HasPrefix(r.Prefix, Placeholder+"/") {
			errs = append(errs, fmt.Errorf("rule %d: prefix %q: %s must not be the first segment: the role would need every key of the bucket (start with a fixed segment, such as users/%s/)", i, r.Prefix, Placeholder, Placeholder))
			continue
		}
		if _, ok := methods[r.Prefix]; !ok {
			prefixes = append(prefixes, r.Prefix)
		}
		for _, m := range r.Methods {
			if !slices.Contains(methods[r.Prefix], m) {
				methods[r.Prefix] = append(methods[r.Prefix], m)
			}
		}
	}
	if len(errs) > 0 {
		return RolePolicy{}, fmt.Errorf("%w: %w", ErrNotMirrored, errors.Join(errs...))
	}
	// Shorter prefixes first, and {sub} before a fixed segment, so that a
	// covering prefix comes before what it covers.
	sortKey := func(p string) string { return strings.ReplaceAll(p, Placeholder, "\x00") }
	sort.Slice(prefixes, func(i, j int) bool {
		ni, nj := strings.Count(prefixes[i], "/"), strings.Count(prefixes[j], "/")
		if ni != nj {
			return ni < nj
		}
		return sortKey(prefixes[i]) < sortKey(prefixes[j])
	})

	var p RolePolicy
	allowed := map[string][]string{} // method -> prefixes with an Allow
	for _, pre := range prefixes {
		for _, m := range methods[pre] {
			if !coveredBy(pre, allowed[m]) {
				allowed[m] = append(allowed[m], pre)
				p.Allow = append(p.Allow, Grant{Method: m, Pattern: pattern(pre)})
			}
		}
	}
	// Under a rule prefix only the rules of that prefix (or longer) decide:
	// a method they leave out but an Allow's pattern matches there (IAM's
	// "*" spans "/", so a pattern may reach keys its rule does not) is
	// denied, unless a Deny already covers it.
	deny := map[string][]string{} // method -> Deny patterns
	for _, pre := range prefixes {
		key := sampleKey(pre)
		for _, m := range allowedMethods {
			if slices.Contains(methods[pre], m) || !matchesAny(p.patterns(m), key) || matchesAny(deny[m], key) {
				continue
			}
			deny[m] = append(deny[m], pattern(pre))
			p.Deny = append(p.Deny, Grant{Method: m, Pattern: pattern(pre)})
		}
	}
	// A method a rule allows must not fall under a Deny: nothing lifts one.
	for _, pre := range prefixes {
		key := sampleKey(pre)
		for _, m := range methods[pre] {
			for _, d := range deny[m] {
				if globMatch(d, key) {
					errs = append(errs, fmt.Errorf("prefix %q allows %s, but the role denies %s on %s, for a shorter prefix that does not allow it: nothing lifts a Deny (allow %s on the shorter prefix too, or not under it)",
						pre, m, m, d, m))
				}
			}
		}
	}
	if len(errs) > 0 {
		return RolePolicy{}, fmt.Errorf("%w: %w", ErrNotMirrored, errors.Join(errs...))
	}
	sortGrants(p.Allow)
	sortGrants(p.Deny)
	return p, nil
}

// patterns are the Allow patterns of method m.
func (p *RolePolicy) patterns(m string) []string {
	var out []string
	for _, g := range p.Allow {
		if g.Method == m {
			out = append(out, g.Pattern)
		}
	}
	return out
}

// sampleKey is a key under the rule prefix pre, its {sub} segments a user
// id: the key the function decides by pre's rules.
func sampleKey(pre string) string {
	return strings.ReplaceAll(pre, Placeholder, "sub") + "key"
}

func matchesAny(patterns []string, key string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return globMatch(p, key) })
}

// globMatch reports whether the IAM resource pattern p, whose "*" matches
// any run of characters ("/" included), matches s.
func globMatch(p, s string) bool {
	star, mark := -1, 0
	i, j := 0, 0
	for j < len(s) {
		switch {
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case i < len(p) && p[i] == s[j]:
			i++
			j++
		case star >= 0:
			i, mark = star+1, mark+1
			j = mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}

// pattern is the IAM resource pattern, relative to the bucket, of the keys
// under a rule prefix.
func pattern(prefix string) string {
	return strings.ReplaceAll(prefix, Placeholder, "*") + "*"
}

// coveredBy reports whether every key under pre lies under one of bases.
func coveredBy(pre string, bases []string) bool {
	return slices.ContainsFunc(bases, func(b string) bool { return under(pre, b) })
}

// under reports whether every key under the rule prefix pre lies under the
// rule prefix base, segment by segment: a {sub} segment of base matches
// any segment, a {sub} of pre only base's {sub}.
func under(pre, base string) bool {
	ps := strings.Split(strings.TrimSuffix(pre, "/"), "/")
	bs := strings.Split(strings.TrimSuffix(base, "/"), "/")
	if len(bs) > len(ps) {
		return false
	}
	for i, b := range bs {
		if b != Placeholder && b != ps[i] {
			return false
		}
	}
	return true
}

func sortGrants(g []Grant) {
	sort.Slice(g, func(i, j int) bool {
		if g[i].Method != g[j].Method {
			return g[i].Method < g[j].Method
		}
		return g[i].Pattern < g[j].Pattern
	})
}

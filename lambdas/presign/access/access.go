// Package access decides which callers may presign which object keys.
//
// Access rules are data: a list of key prefixes, each open to some Cognito
// groups for some methods. A prefix may contain the placeholder {sub} as a
// whole path segment; it expands to the caller's user id, which gives every
// user a private home such as users/{sub}/.
//
// A decision looks only at the rules whose expanded prefix is the longest
// one the key starts with, so a longer prefix overrides (narrows or widens)
// a shorter one. Prefixes end with "/" and are compared as strings, so the
// key tier-10/x never falls under a tier-1/ rule.
package access

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

// Placeholder is the prefix segment that expands to the caller's user id.
const Placeholder = "{sub}"

// AnyCaller is the group name that stands for every signed-in caller.
const AnyCaller = "*"

// HomePrefix is the per-user prefix that Tiered opens to its owner.
const HomePrefix = "users/" + Placeholder + "/"

// allowedMethods are the methods a rule may name. A presigned POST upload
// counts as PUT.
var allowedMethods = []string{"GET", "PUT", "DELETE"}

// ErrInvalid is wrapped by every error Parse and Validate return.
var ErrInvalid = errors.New("invalid access rules")

// Rule opens the keys under Prefix to the members of Groups for Methods.
type Rule struct {
	// Prefix is the key prefix the rule covers. It ends with "/", does
	// not start with "/", and may contain {sub} as a whole segment.
	Prefix string `json:"prefix"`
	// Groups are the Cognito groups whose members the rule admits;
	// "*" admits any signed-in caller.
	Groups []string `json:"groups"`
	// Methods are the allowed methods, a non-empty subset of GET, PUT
	// and DELETE (POST /uploads counts as PUT).
	Methods []string `json:"methods"`
}

// Caller is the signed-in user a decision is made for.
type Caller struct {
	// Sub is the caller's user id (the Cognito sub claim).
	Sub string
	// Groups are the Cognito groups the caller belongs to.
	Groups []string
}

// Decision is the outcome of Decide.
type Decision struct {
	// Allowed reports whether the caller may use the method on the key.
	Allowed bool
	// Rule is the rule that decided: the granting rule when Allowed, else
	// the first rule with the longest matching prefix; nil when no rule
	// covers the key. It points into the slice passed to Decide.
	Rule *Rule
	// Reason says why, in words fit for a 403 message and a log line.
	Reason string
}

// Parse reads rules from strict JSON: an array of objects with exactly the
// fields prefix, groups and methods (spelled in lower case, each at most
// once), and nothing after the array. It then validates every rule.
// Errors name the index of the offending rule and the field.
func Parse(data []byte) ([]Rule, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, fmt.Errorf("%w: want a JSON array of rules", ErrInvalid)
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	var raws []json.RawMessage
	if err := dec.Decode(&raws); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: unexpected data after the array of rules", ErrInvalid)
	}
	rules := make([]Rule, 0, len(raws))
	for i, raw := range raws {
		r, err := parseRule(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: rule %d: %w", ErrInvalid, i, err)
		}
		rules = append(rules, r)
	}
	if err := Validate(rules); err != nil {
		return nil, err
	}
	return rules, nil
}

// parseRule decodes one rule object, refusing unknown, miscased and
// repeated fields (encoding/json alone accepts all three).
func parseRule(raw json.RawMessage) (Rule, error) {
	var r Rule
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return r, errors.New("want a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return r, err
		}
		name, _ := tok.(string)
		if seen[name] {
			return r, fmt.Errorf("field %q appears twice", name)
		}
		seen[name] = true
		var dst any
		switch name {
		case "prefix":
			dst = &r.Prefix
		case "groups":
			dst = &r.Groups
		case "methods":
			dst = &r.Methods
		default:
			return r, fmt.Errorf("unknown field %q (want prefix, groups, methods)", name)
		}
		if err := dec.Decode(dst); err != nil {
			return r, fmt.Errorf("%s: %w", name, err)
		}
	}
	return r, nil
}

// Validate checks every rule and reports all problems at once, each naming
// the rule index and field. A prefix must be non-empty, end with "/", not
// start with "/", contain {sub} only as a whole segment, contain no "*",
// "?", "{" or "}" otherwise, and otherwise be the start of a key that
// objectkey.Validate accepts. Groups must be non-empty, without duplicates,
// each a name Cognito allows and the claim formats can carry (no
// whitespace, ",", "[" or "]"), or "*". Methods must be a non-empty subset
// of GET, PUT and DELETE without duplicates. An empty list is invalid.
func Validate(rules []Rule) error {
	if len(rules) == 0 {
		return fmt.Errorf("%w: no rules", ErrInvalid)
	}
	var errs []error
	for i, r := range rules {
		if err := validatePrefix(r.Prefix); err != nil {
			errs = append(errs, fmt.Errorf("rule %d: prefix %q: %w", i, r.Prefix, err))
		}
		if err := validateGroups(r.Groups); err != nil {
			errs = append(errs, fmt.Errorf("rule %d: groups: %w", i, err))
		}
		if err := validateMethods(r.Methods); err != nil {
			errs = append(errs, fmt.Errorf("rule %d: methods: %w", i, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

func validatePrefix(p string) error {
	switch {
	case p == "":
		return errors.New("must not be empty")
	case strings.HasPrefix(p, "/"):
		return errors.New("must not start with \"/\"")
	case !strings.HasSuffix(p, "/"):
		return errors.New("must end with \"/\"")
	case strings.ContainsAny(p, "*?"):
		return errors.New("wildcards \"*\" and \"?\" are not supported; a prefix already covers every key under it")
	}
	segs := strings.Split(strings.TrimSuffix(p, "/"), "/")
	for i, seg := range segs {
		if seg == Placeholder {
			segs[i] = "x" // any valid segment stands in for a user id
			continue
		}
		if strings.ContainsAny(seg, "{}") {
			return fmt.Errorf("segment %q: %s may only stand as a whole segment, and no other placeholder exists", seg, Placeholder)
		}
	}
	if err := objectkey.Validate(strings.Join(segs, "/")); err != nil {
		return err
	}
	return nil
}

func validateGroups(groups []string) error {
	if len(groups) == 0 {
		return errors.New("must not be empty (use \"*\" for any signed-in caller)")
	}
	for i, g := range groups {
		switch {
		case g == "":
			return fmt.Errorf("group %d is empty", i)
		case strings.ContainsAny(g, ",[] \t\r\n"):
			return fmt.Errorf("group %q: must not contain whitespace, \",\", \"[\" or \"]\"", g)
		case slices.Contains(groups[:i], g):
			return fmt.Errorf("group %q appears twice", g)
		}
	}
	return nil
}

func validateMethods(methods []string) error {
	if len(methods) == 0 {
		return errors.New("must not be empty")
	}
	for i, m := range methods {
		switch {
		case !slices.Contains(allowedMethods, m):
			return fmt.Errorf("method %q: want one of %s", m, strings.Join(allowedMethods, ", "))
		case slices.Contains(methods[:i], m):
			return fmt.Errorf("method %q appears twice", m)
		}
	}
	return nil
}

// Tiered returns the default rules for tiers named lowest first: the prefix
// "<tier>/" of tier i is readable (GET) by the members of tier i and of
// every higher tier, so a tier-2 member reads tier-1/ and tier-2/ while a
// tier-1 member reads tier-1/ only. Nobody may write or delete under a tier
// prefix. It adds users/{sub}/, where every signed-in caller may GET, PUT
// and DELETE their own keys. Tier names are not checked here; pass the
// result to Validate when they come from configuration.
func Tiered(tiers []string) []Rule {
	rules := make([]Rule, 0, len(tiers)+1)
	for i, tier := range tiers {
		rules = append(rules, Rule{
			Prefix:  tier + "/",
			Groups:  slices.Clone(tiers[i:]),
			Methods: []string{"GET"},
		})
	}
	return append(rules, Rule{
		Prefix:  HomePrefix,
		Groups:  []string{AnyCaller},
		Methods: []string{"GET", "PUT", "DELETE"},
	})
}

// Decide reports whether caller may use method on key under rules.
//
// Only the rules whose expanded prefix is the longest prefix of key take
// part; the caller is allowed when one of them admits one of the caller's
// groups (or "*") and lists method. {sub} expands to caller.Sub; a rule
// with {sub} never matches when Sub is empty, ".", "..", or contains "/"
// or a control character, so one user id can never reach into another
// user's prefix. A caller with an empty Sub is not signed in and is always
// refused. Decide does not validate the key: run objectkey.Validate first.
func Decide(rules []Rule, caller Caller, key, method string) Decision {
	if caller.Sub == "" {
		return Decision{Reason: "the caller is not signed in"}
	}
	if !slices.Contains(allowedMethods, method) {
		return Decision{Reason: fmt.Sprintf("method %q is not supported", method)}
	}
	best := -1
	var matches []int
	for i := range rules {
		p, ok := expand(rules[i].Prefix, caller.Sub)
		if !ok || !strings.HasPrefix(key, p) {
			continue
		}
		switch {
		case len(p) > best:
			best, matches = len(p), []int{i}
		case len(p) == best:
			matches = append(matches, i)
		}
	}
	if len(matches) == 0 {
		return Decision{Reason: "no rule covers the key"}
	}
	groupOK := false
	for _, i := range matches {
		r := &rules[i]
		if !admits(r.Groups, caller.Groups) {
			continue
		}
		groupOK = true
		if slices.Contains(r.Methods, method) {
			return Decision{Allowed: true, Rule: r, Reason: fmt.Sprintf("rule %q allows %s", r.Prefix, method)}
		}
	}
	r := &rules[matches[0]]
	if !groupOK {
		return Decision{Rule: r, Reason: fmt.Sprintf("prefix %q is not open to the caller's groups", r.Prefix)}
	}
	return Decision{Rule: r, Reason: fmt.Sprintf("method %s is not allowed under prefix %q", method, r.Prefix)}
}

// expand replaces every {sub} segment of prefix with sub; ok is false when
// prefix has one and sub cannot stand as a single key segment.
func expand(prefix, sub string) (string, bool) {
	if !strings.Contains(prefix, Placeholder) {
		return prefix, true
	}
	if sub == "" || sub == "." || sub == ".." || strings.ContainsFunc(sub, func(r rune) bool {
		return r == '/' || r < 0x20 || (r >= 0x7F && r <= 0x9F)
	}) {
		return "", false
	}
	return strings.ReplaceAll(prefix, Placeholder, sub), true
}

func admits(ruleGroups, callerGroups []string) bool {
	for _, g := range ruleGroups {
		if g == AnyCaller || slices.Contains(callerGroups, g) {
			return true
		}
	}
	return false
}

// DecideFolder reports whether caller may use method on every key under
// prefix: the rule that decides prefix itself (as Decide) must allow it,
// and so must every rule whose prefix, expanded for the caller, lies
// deeper under prefix, since the keys there are its to decide. A folder
// credential (a CloudFront policy for "prefix*") is only as wide as this
// allows. Decide's other rules apply: run objectkey.Validate on the
// prefix first.
func DecideFolder(rules []Rule, caller Caller, prefix, method string) Decision {
	d := Decide(rules, caller, prefix, method)
	if !d.Allowed {
		return d
	}
	for i := range rules {
		p, ok := expand(rules[i].Prefix, caller.Sub)
		if !ok || len(p) <= len(prefix) || !strings.HasPrefix(p, prefix) {
			continue
		}
		if inner := Decide(rules, caller, p, method); !inner.Allowed {
			return Decision{Rule: inner.Rule, Reason: fmt.Sprintf("%s under %q: %s", method, p, inner.Reason)}
		}
	}
	return d
}

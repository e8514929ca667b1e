// Package identity reads the caller's identity from the claims the API
// Gateway Cognito authorizer puts in requestContext.authorizer.claims.
//
// Identity comes only from these claims; nothing identity-like in a query
// string or body is ever consulted.
package identity

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Claim names read by FromClaims.
const (
	ClaimSub    = "sub"
	ClaimEmail  = "email"
	ClaimGroups = "cognito:groups"
)

// Sentinel errors wrapped by FromClaims.
var (
	// ErrNoSubject reports a missing or empty sub claim.
	ErrNoSubject = errors.New("no subject in the claims")
	// ErrMalformed reports a claim of the wrong type or shape.
	ErrMalformed = errors.New("malformed claim")
)

// Caller is the signed-in user behind a request.
type Caller struct {
	// Sub is the user's stable id (the sub claim).
	Sub string
	// Email is the user's email address, "" when the claim is absent.
	Email string
	// Groups are the user's Cognito groups, trimmed, without empty
	// names or duplicates, in the order they arrived.
	Groups []string
}

// FromClaims builds a Caller from authorizer claims.
//
// sub is required: a non-empty string without surrounding whitespace, "/"
// or control characters (it expands into an object key segment). email is
// optional and must be a string when present. cognito:groups is optional
// and may arrive as a string "a,b", a string "[a b]" (how API Gateway
// renders a list), a string holding a JSON array of strings, or a JSON
// array of strings ([]any or []string); names are trimmed, empty names
// dropped and duplicates removed. Any other type, an unbalanced bracket or
// a non-string element is an error wrapping ErrMalformed.
func FromClaims(claims map[string]any) (Caller, error) {
	var c Caller
	raw, ok := claims[ClaimSub]
	if !ok || raw == nil {
		return c, fmt.Errorf("identity: %w", ErrNoSubject)
	}
	sub, ok := raw.(string)
	if !ok {
		return c, fmt.Errorf("identity: %w: %s is a %T, want a string", ErrMalformed, ClaimSub, raw)
	}
	if sub == "" {
		return c, fmt.Errorf("identity: %w", ErrNoSubject)
	}
	if strings.TrimSpace(sub) != sub || strings.ContainsFunc(sub, func(r rune) bool { return r == '/' || unicode.IsControl(r) }) {
		return c, fmt.Errorf("identity: %w: %s has surrounding space, a \"/\" or a control character", ErrMalformed, ClaimSub)
	}
	c.Sub = sub

	if raw, ok := claims[ClaimEmail]; ok && raw != nil {
		email, ok := raw.(string)
		if !ok {
			return Caller{}, fmt.Errorf("identity: %w: %s is a %T, want a string", ErrMalformed, ClaimEmail, raw)
		}
		c.Email = strings.TrimSpace(email)
	}

	groups, err := parseGroups(claims[ClaimGroups])
	if err != nil {
		return Caller{}, fmt.Errorf("identity: %w: %s: %w", ErrMalformed, ClaimGroups, err)
	}
	c.Groups = groups
	return c, nil
}

// parseGroups accepts the shapes listed on FromClaims.
func parseGroups(raw any) ([]string, error) {
	var names []string
	switch v := raw.(type) {
	case nil:
		return nil, nil
	case []string:
		names = v
	case []any:
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("element %d is a %T, want a string", i, e)
			}
			names = append(names, s)
		}
	case string:
		var err error
		if names, err = splitGroups(v); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("is a %T, want a string or a list of strings", raw)
	}
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// splitGroups splits the string forms "a,b", "[a b]" and `["a","b"]`.
func splitGroups(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") {
		if strings.ContainsAny(s, "[]") {
			return nil, fmt.Errorf("unbalanced bracket in %q", s)
		}
		return strings.Split(s, ","), nil
	}
	if !strings.HasSuffix(s, "]") {
		return nil, fmt.Errorf("unbalanced bracket in %q", s)
	}
	var list []string
	if json.Unmarshal([]byte(s), &list) == nil {
		return list, nil
	}
	inner := s[1 : len(s)-1]
	if strings.ContainsAny(inner, "[]\"") {
		return nil, fmt.Errorf("unexpected bracket or quote in %q", s)
	}
	return strings.FieldsFunc(inner, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }), nil
}

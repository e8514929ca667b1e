// Package identity reads the caller's identity from what the API Gateway
// Cognito authorizer verified: the claims it puts in
// requestContext.authorizer.claims and, for group membership, the ID token
// itself (FromToken).
//
// Identity comes only from these; nothing identity-like in a query string
// or body is ever consulted.
package identity

import (
	"encoding/base64"
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
	c, err := subject(claims)
	if err != nil {
		return Caller{}, err
	}
	groups, err := parseGroups(claims[ClaimGroups])
	if err != nil {
		return Caller{}, fmt.Errorf("identity: %w: %s: %w", ErrMalformed, ClaimGroups, err)
	}
	c.Groups = groups
	return c, nil
}

// subject reads sub and email, as FromClaims documents them.
func subject(claims map[string]any) (Caller, error) {
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

// ErrToken reports an ID token that does not decode, is not a Cognito ID
// token, or belongs to another subject than the authorizer's claims.
var ErrToken = errors.New("bad identity token")

// FromToken builds a Caller from the authorizer's claims and the ID token
// the authorizer has just verified (the request's Authorization header,
// with or without a "Bearer " prefix): sub and email come from the claims
// (FromClaims), group membership from the token's own cognito:groups JSON
// array, never from the claims' cognito:groups, which API Gateway flattens
// into one string ("a,b" or "[a b]") that a group named "guests,tier-2" or
// "[tier-2]" would forge.
//
// The token's signature is not checked again (the authorizer did); its
// payload must decode as base64url JSON, say token_use "id", and carry the
// claims' sub. cognito:groups, when present, must be an array of strings;
// names are kept exactly, without trimming or splitting, duplicates
// removed. Errors wrap ErrNoSubject, ErrMalformed or ErrToken.
func FromToken(claims map[string]any, authorization string) (Caller, error) {
	c, err := subject(claims)
	if err != nil {
		return Caller{}, err
	}
	payload, err := tokenPayload(authorization)
	if err != nil {
		return Caller{}, fmt.Errorf("identity: %w: %w", ErrToken, err)
	}
	if payload.TokenUse == nil || *payload.TokenUse != "id" {
		return Caller{}, fmt.Errorf("identity: %w: token_use is not \"id\": not an ID token", ErrToken)
	}
	if payload.Sub == nil || *payload.Sub != c.Sub {
		return Caller{}, fmt.Errorf("identity: %w: the token's sub differs from the authorizer's", ErrToken)
	}
	for _, name := range payload.Groups {
		if name != "" && !slices.Contains(c.Groups, name) {
			c.Groups = append(c.Groups, name)
		}
	}
	return c, nil
}

// idToken is what FromToken reads of an ID token's payload, by the
// claims' exact names (encoding/json's struct fields would also take
// "SUB" or "Cognito:Groups").
type idToken struct {
	Sub      *string
	TokenUse *string
	Groups   []string
}

// stringClaim decodes the claim name, when present, into dst: a JSON
// string, or null.
func stringClaim(claims map[string]json.RawMessage, name string, dst **string) error {
	if v, ok := claims[name]; ok && json.Unmarshal(v, dst) != nil {
		return fmt.Errorf("the token's %s is not a string", name)
	}
	return nil
}

// maxToken bounds the Authorization header read (a Cognito ID token is a
// few kilobytes).
const maxToken = 16 << 10

// tokenPayload decodes the payload of a JWT: the second of three
// base64url parts, a JSON object.
func tokenPayload(authorization string) (*idToken, error) {
	tok := authorization
	if len(tok) > 7 && strings.EqualFold(tok[:7], "Bearer ") {
		tok = tok[7:]
	}
	switch {
	case tok == "":
		return nil, errors.New("no token in the Authorization header")
	case len(tok) > maxToken:
		return nil, fmt.Errorf("the token is longer than %d bytes", maxToken)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("the token is not a JWT (three dot-separated parts)")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, errors.New("the token's payload is not base64url")
	}
	var claims map[string]json.RawMessage
	if err := json.Unmarshal(raw, &claims); err != nil || claims == nil {
		return nil, errors.New("the token's payload is not a JSON object")
	}
	var payload idToken
	if err := stringClaim(claims, ClaimSub, &payload.Sub); err != nil {
		return nil, err
	}
	if err := stringClaim(claims, "token_use", &payload.TokenUse); err != nil {
		return nil, err
	}
	if v, ok := claims[ClaimGroups]; ok {
		var groups []*string
		if err := json.Unmarshal(v, &groups); err != nil {
			return nil, fmt.Errorf("the token's %s is not an array of strings", ClaimGroups)
		}
		for i, g := range groups {
			if g == nil {
				return nil, fmt.Errorf("the token's %s element %d is null", ClaimGroups, i)
			}
			payload.Groups = append(payload.Groups, *g)
		}
	}
	return &payload, nil
}

package identity

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestFromClaims(t *testing.T) {
	const sub = "8f3c1a2e-1111-4a5b-9c0d-0123456789ab"
	cases := []struct {
		name   string
		claims map[string]any
		want   Caller
		err    error // nil = accepted
	}{
		{"sub only", map[string]any{"sub": sub}, Caller{Sub: sub}, nil},
		{"sub and email", map[string]any{"sub": sub, "email": " a@example.com "}, Caller{Sub: sub, Email: "a@example.com"}, nil},
		{"comma form", map[string]any{"sub": sub, "cognito:groups": "tier-1,tier-2"}, Caller{Sub: sub, Groups: []string{"tier-1", "tier-2"}}, nil},
		{"comma form spaces and empties", map[string]any{"sub": sub, "cognito:groups": " tier-1 , ,tier-2,"}, Caller{Sub: sub, Groups: []string{"tier-1", "tier-2"}}, nil},
		{"single group", map[string]any{"sub": sub, "cognito:groups": "tier-1"}, Caller{Sub: sub, Groups: []string{"tier-1"}}, nil},
		{"bracket form", map[string]any{"sub": sub, "cognito:groups": "[tier-1 tier-2]"}, Caller{Sub: sub, Groups: []string{"tier-1", "tier-2"}}, nil},
		{"bracket form one", map[string]any{"sub": sub, "cognito:groups": "[tier-2]"}, Caller{Sub: sub, Groups: []string{"tier-2"}}, nil},
		{"bracket form extra spaces", map[string]any{"sub": sub, "cognito:groups": " [ tier-1   tier-2 ] "}, Caller{Sub: sub, Groups: []string{"tier-1", "tier-2"}}, nil},
		{"bracket form with commas", map[string]any{"sub": sub, "cognito:groups": "[tier-1, tier-2]"}, Caller{Sub: sub, Groups: []string{"tier-1", "tier-2"}}, nil},
		{"empty brackets", map[string]any{"sub": sub, "cognito:groups": "[]"}, Caller{Sub: sub}, nil},
		{"empty string", map[string]any{"sub": sub, "cognito:groups": ""}, Caller{Sub: sub}, nil},
		{"json array in string", map[string]any{"sub": sub, "cognito:groups": `["tier-1","tier-2"]`}, Caller{Sub: sub, Groups: []string{"tier-1", "tier-2"}}, nil},
		{"json array", map[string]any{"sub": sub, "cognito:groups": []any{"tier-1", " tier-2 ", ""}}, Caller{Sub: sub, Groups: []string{"tier-1", "tier-2"}}, nil},
		{"string slice", map[string]any{"sub": sub, "cognito:groups": []string{"b", "a"}}, Caller{Sub: sub, Groups: []string{"b", "a"}}, nil},
		{"dedupe keeps order", map[string]any{"sub": sub, "cognito:groups": "b,a,b, a"}, Caller{Sub: sub, Groups: []string{"b", "a"}}, nil},
		{"null groups", map[string]any{"sub": sub, "cognito:groups": nil}, Caller{Sub: sub}, nil},
		{"other claims ignored", map[string]any{"sub": sub, "username": "admin", "custom:groups": "admins"}, Caller{Sub: sub}, nil},

		{"no claims", nil, Caller{}, ErrNoSubject},
		{"missing sub", map[string]any{"email": "a@example.com"}, Caller{}, ErrNoSubject},
		{"empty sub", map[string]any{"sub": ""}, Caller{}, ErrNoSubject},
		{"null sub", map[string]any{"sub": nil}, Caller{}, ErrNoSubject},
		{"sub not string", map[string]any{"sub": 42.0}, Caller{}, ErrMalformed},
		{"sub padded", map[string]any{"sub": " " + sub}, Caller{}, ErrMalformed},
		{"sub with slash", map[string]any{"sub": "a/b"}, Caller{}, ErrMalformed},
		{"sub with newline", map[string]any{"sub": "a\nb"}, Caller{}, ErrMalformed},
		{"email not string", map[string]any{"sub": sub, "email": true}, Caller{}, ErrMalformed},
		{"groups number", map[string]any{"sub": sub, "cognito:groups": 3.0}, Caller{}, ErrMalformed},
		{"groups object", map[string]any{"sub": sub, "cognito:groups": map[string]any{"a": "b"}}, Caller{}, ErrMalformed},
		{"groups array with number", map[string]any{"sub": sub, "cognito:groups": []any{"a", 1.0}}, Caller{}, ErrMalformed},
		{"groups array with null", map[string]any{"sub": sub, "cognito:groups": []any{nil}}, Caller{}, ErrMalformed},
		{"unclosed bracket", map[string]any{"sub": sub, "cognito:groups": "[tier-1 tier-2"}, Caller{}, ErrMalformed},
		{"unopened bracket", map[string]any{"sub": sub, "cognito:groups": "tier-1 tier-2]"}, Caller{}, ErrMalformed},
		{"nested brackets", map[string]any{"sub": sub, "cognito:groups": "[[tier-1]]"}, Caller{}, ErrMalformed},
		{"bracket inside comma form", map[string]any{"sub": sub, "cognito:groups": "a,[b]"}, Caller{}, ErrMalformed},
		{"stray quote", map[string]any{"sub": sub, "cognito:groups": `["a" b]`}, Caller{}, ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FromClaims(tc.claims)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("FromClaims = %+v, %v; want an error wrapping %v", got, err, tc.err)
				}
				if !reflect.DeepEqual(got, Caller{}) {
					t.Errorf("FromClaims returned %+v with its error, want the zero Caller", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromClaims = %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("FromClaims = %#v, want %#v", got, tc.want)
			}
		})
	}
}

func jwt(t *testing.T, payload map[string]any) string {
	t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(b) + ".c2ln"
}

// The attack FromToken closes: one group whose name holds the claim
// string's delimiters reads, from the flattened claim, as membership of
// a tier.
func TestFromClaims_FlattenedGroupsForgeMembership(t *testing.T) {
	for _, flat := range []string{"guests,tier-2", "[tier-2]"} {
		c, err := FromClaims(map[string]any{"sub": "u1", "cognito:groups": flat})
		if err != nil || !slices.Contains(c.Groups, "tier-2") {
			t.Errorf("FromClaims(%q) = %v, %v: the claim alone reads as tier-2", flat, c.Groups, err)
		}
	}
}

func TestFromToken(t *testing.T) {
	claims := map[string]any{"sub": "u1", "email": "u1@example.com", "cognito:groups": "guests,tier-2"}
	id := func(over map[string]any) map[string]any {
		p := map[string]any{"sub": "u1", "token_use": "id", "cognito:groups": []string{"guests,tier-2"}}
		for k, v := range over {
			if v == nil {
				delete(p, k)
			} else {
				p[k] = v
			}
		}
		return p
	}
	t.Run("groups are the token's names, delimiters and all", func(t *testing.T) {
		for _, auth := range []string{jwt(t, id(nil)), "Bearer " + jwt(t, id(nil))} {
			c, err := FromToken(claims, auth)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"guests,tier-2"}; !slices.Equal(c.Groups, want) || c.Sub != "u1" || c.Email != "u1@example.com" {
				t.Errorf("FromToken = %+v, want sub u1, groups %q", c, want)
			}
		}
	})
	// Claim names are exact: a miscased one is another claim, ignored.
	t.Run("claim names are matched exactly", func(t *testing.T) {
		c, err := FromToken(claims, jwt(t, id(map[string]any{"COGNITO:GROUPS": []string{"tier-2"}})))
		if err != nil || slices.Contains(c.Groups, "tier-2") {
			t.Errorf("FromToken = %+v, %v; a COGNITO:GROUPS claim must not count", c, err)
		}
		if _, err := FromToken(claims, jwt(t, id(map[string]any{"token_use": nil, "TOKEN_USE": "id"}))); !errors.Is(err, ErrToken) {
			t.Errorf("a TOKEN_USE claim made an ID token: %v", err)
		}
	})
	t.Run("no groups", func(t *testing.T) {
		c, err := FromToken(claims, jwt(t, id(map[string]any{"cognito:groups": nil})))
		if err != nil || len(c.Groups) != 0 {
			t.Errorf("FromToken = %+v, %v; want no groups", c, err)
		}
	})
	t.Run("several groups, duplicates dropped", func(t *testing.T) {
		c, err := FromToken(claims, jwt(t, id(map[string]any{"cognito:groups": []string{"tier-1", "[x]", "tier-1"}})))
		if want := []string{"tier-1", "[x]"}; err != nil || !slices.Equal(c.Groups, want) {
			t.Errorf("FromToken = %v, %v; want %q", c.Groups, err, want)
		}
	})
	for _, tc := range []struct {
		name, auth string
		want       error
	}{
		{"empty header", "", ErrToken},
		{"Bearer alone", "Bearer ", ErrToken},
		{"not three parts", "a.b", ErrToken},
		{"payload not base64url", "a.%%%.c", ErrToken},
		{"payload not JSON", "a." + base64.RawURLEncoding.EncodeToString([]byte("{")) + ".c", ErrToken},
		{"payload an array", "a." + base64.RawURLEncoding.EncodeToString([]byte(`["tier-2"]`)) + ".c", ErrToken},
		{"an access token", jwt(t, id(map[string]any{"token_use": "access"})), ErrToken},
		{"no token_use", jwt(t, id(map[string]any{"token_use": nil})), ErrToken},
		{"another subject", jwt(t, id(map[string]any{"sub": "u2"})), ErrToken},
		{"no subject", jwt(t, id(map[string]any{"sub": nil})), ErrToken},
		{"groups a string", jwt(t, id(map[string]any{"cognito:groups": "tier-2"})), ErrToken},
		{"groups with a number", jwt(t, id(map[string]any{"cognito:groups": []any{"tier-2", 1}})), ErrToken},
		{"over-long token", "a." + strings.Repeat("A", 17<<10) + ".c", ErrToken},
		{"a null group", jwt(t, id(map[string]any{"cognito:groups": []any{"tier-1", nil}})), ErrToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := FromToken(claims, tc.auth); !errors.Is(err, tc.want) {
				t.Errorf("FromToken error = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := FromToken(map[string]any{}, jwt(t, id(nil))); !errors.Is(err, ErrNoSubject) {
		t.Errorf("no claims: error = %v, want ErrNoSubject", err)
	}
}

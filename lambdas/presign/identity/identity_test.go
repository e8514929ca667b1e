package identity

import (
	"errors"
	"reflect"
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

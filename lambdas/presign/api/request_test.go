package api

import (
	"strconv"
	"testing"
)

func TestQuote(t *testing.T) {
	cases := []struct{ in, want string }{
		{"abc", `"abc"`},
		{"a\nb", `"a\nb"`},
		{string(make([]byte, 100)), strconv.Quote(string(make([]byte, 64))) + "..."},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\u00e9x", `"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"...`},
	}
	for _, tc := range cases {
		if got := quote(tc.in); got != tc.want {
			t.Errorf("quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestWholeNumber: canonical decimal only, a "-" allowed so that bounds
// word the refusal.
func TestWholeNumber(t *testing.T) {
	for raw, want := range map[string]int64{"0": 0, "1": 1, "300": 300, "-60": -60, "999999999999999999": 999999999999999999} {
		if n, ok := wholeNumber(raw); !ok || n != want {
			t.Errorf("wholeNumber(%q) = %d, %v; want %d", raw, n, ok, want)
		}
	}
	for _, raw := range []string{"", "-", "+5", "05", "-05", "00", " 5", "5 ", "1e3", "0x10", "1.0", "1_000", "9223372036854775808", "1234567890123456789", "\uFF16\uFF10"} {
		if n, ok := wholeNumber(raw); ok {
			t.Errorf("wholeNumber(%q) = %d, want a refusal", raw, n)
		}
	}
}

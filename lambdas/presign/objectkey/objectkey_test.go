package objectkey

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		key  string
		want error // nil = accepted
	}{
		{"simple", "tier-1/report.pdf", nil},
		{"single segment", "a", nil},
		{"deep path", "users/0f1e/photos/2026/cat.jpg", nil},
		{"dots inside names", "a/.hidden/..more/x..y/file.tar.gz", nil},
		{"spaces and punctuation", "docs/Q3 plan (final) #2!.txt", nil},
		{"unicode letters", "users/abc/résumé/日本語.txt", nil},
		{"emoji with joiner", "users/abc/👨\u200d👩\u200d👧.png", nil},
		{"harmless escape", "a/file%20name", nil},
		{"percent not an escape", "a/50%off", nil},
		{"percent at end", "a/100%", nil},
		{"max length", strings.Repeat("a", MaxLen), nil},

		{"empty", "", ErrLength},
		{"too long", strings.Repeat("a", MaxLen+1), ErrLength},
		{"too long multibyte", strings.Repeat("é", MaxLen/2+1), ErrLength},
		{"invalid utf8", "a/\xff\xfe", ErrInvalidUTF8},
		{"encoded surrogate", "a/\xed\xa0\x80", ErrInvalidUTF8},
		{"overlong slash", "a\xc0\xafb", ErrInvalidUTF8},
		{"leading slash", "/tier-1/x", ErrLeadingSlash},
		{"only slash", "/", ErrLeadingSlash},
		{"double slash", "a//b", ErrSegment},
		{"trailing slash", "a/b/", ErrSegment},
		{"dot segment", "a/./b", ErrSegment},
		{"dotdot segment", "users/alice/../bob/x", ErrSegment},
		{"dotdot alone", "..", ErrSegment},
		{"dot alone", ".", ErrSegment},
		{"nul", "a\x00b", ErrControl},
		{"newline", "a/b\nc", ErrControl},
		{"tab", "a\tb", ErrControl},
		{"del", "a\x7fb", ErrControl},
		{"c1 nel", "a\u0085b", ErrControl},
		{"c1 csi", "a\u009bb", ErrControl},
		{"line separator", "a\u2028b", ErrControl},
		{"bidi override", "users/abc/evil\u202Etxt.exe", ErrConfusable},
		{"bidi isolate", "a\u2066b", ErrConfusable},
		{"bidi pop isolate", "a\u2069b", ErrConfusable},
		{"lrm", "a\u200Eb", ErrConfusable},
		{"rlm", "a\u200Fb", ErrConfusable},
		{"arabic letter mark", "a\u061Cb", ErrConfusable},
		{"zero width space", "tier\u200B-1/x", ErrConfusable},
		{"bom", "\uFEFFa", ErrConfusable},
		{"fullwidth solidus", "users\uFF0Fbob/x", ErrConfusable},
		{"division slash", "a\u2215b", ErrConfusable},
		{"fraction slash", "a\u2044b", ErrConfusable},
		{"big solidus", "a\u29F8b", ErrConfusable},
		{"backslash", `a\..\b`, ErrConfusable},
		{"fullwidth reverse solidus", "a\uFF3Cb", ErrConfusable},
		{"fullwidth dots", "a/\uFF0E\uFF0E/b", ErrConfusable},
		{"two dot leader", "a/\u2025/b", ErrConfusable},
		{"POST policy variable", "users/u/${filename}", ErrVariable},
		{"noncharacter U+FFFF, which XML cannot carry", "reports/a\uFFFF", ErrControl},
		{"noncharacter U+FDD0", "a/\uFDD0b", ErrControl},
		{"noncharacter U+10FFFE", "a/\U0010FFFEb", ErrControl},
		{"variable after text", "a/b${x}", ErrVariable},
		{"encoded dotdot", "a/%2e%2e/b", ErrEncoded},
		{"encoded dotdot upper", "a/%2E%2E/b", ErrEncoded},
		{"encoded slash", "users%2Fbob/x", ErrEncoded},
		{"encoded slash lower", "users%2fbob/x", ErrEncoded},
		{"encoded nul", "a%00", ErrEncoded},
		{"encoded newline", "a%0ab", ErrEncoded},
		{"encoded backslash", "a%5cb", ErrEncoded},
		{"double encoded dot", "a/%252e%252e/b", ErrEncoded},
		{"encoded utf8 bidi", "a%E2%80%AEb", ErrEncoded},
		{"encoded overlong slash", "a%c0%afb", ErrEncoded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.key)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate(%q) = %v, want nil", tc.key, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Validate(%q) = %v, want an error wrapping %v", tc.key, err, tc.want)
			}
		})
	}
}

func TestValidate_ErrorNamesPosition(t *testing.T) {
	err := Validate("ab\u202Ec")
	if err == nil || !strings.Contains(err.Error(), "U+202E") || !strings.Contains(err.Error(), "byte 2") {
		t.Fatalf("got %v, want the rune and its byte offset", err)
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"tier-1/a.txt", "a/../b", "/x", "a%2e%2e", "a\u202Eb", "users/x/y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if Validate(key) != nil {
			return
		}
		if !utf8.ValidString(key) {
			t.Fatalf("accepted invalid UTF-8 %q", key)
		}
		if len(key) == 0 || len(key) > MaxLen {
			t.Fatalf("accepted %d-byte key", len(key))
		}
		if strings.HasPrefix(key, "/") {
			t.Fatalf("accepted leading slash %q", key)
		}
		for _, seg := range strings.Split(key, "/") {
			if seg == "" || seg == "." || seg == ".." {
				t.Fatalf("accepted segment %q in %q", seg, key)
			}
		}
		for _, r := range key {
			if r < 0x20 || (r >= 0x7F && r <= 0x9F) || r == '\\' {
				t.Fatalf("accepted %U in %q", r, key)
			}
		}
		if l := strings.ToLower(key); strings.Contains(l, "%2e") || strings.Contains(l, "%2f") || strings.Contains(l, "%00") {
			t.Fatalf("accepted dangerous escape in %q", key)
		}
	})
}

func TestEscape(t *testing.T) {
	cases := map[string]string{
		"users/u/report.pdf":  "users/u/report.pdf",
		"a b+c&d=e?f#g":       "a%20b%2Bc%26d%3De%3Ff%23g",
		"ünï/日本":              "%C3%BCn%C3%AF/%E6%97%A5%E6%9C%AC",
		"%41-_.~":             "%2541-_.~",
		"x:y@z;(1)!$'*,":      "x%3Ay%40z%3B%281%29%21%24%27%2A%2C",
		"tier-1/sub/dir/file": "tier-1/sub/dir/file",
	}
	for in, want := range cases {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

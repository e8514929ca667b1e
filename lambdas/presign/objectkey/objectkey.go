// Package objectkey decides whether a string is safe to use as an S3 object
// key before anything is signed for it.
//
// The rules are deliberately narrower than what S3 itself accepts. A key is
// refused when it could address something other than what it appears to
// name, once it passes through a browser, a proxy, CloudFront, a shell or a
// terminal:
//
//   - it must be valid UTF-8 and 1 to 1024 bytes long (the S3 limit);
//   - it must not start with "/" and no segment between slashes may be
//     empty, "." or "..": this also refuses "//" and a trailing "/";
//   - it must not contain control characters: C0 (U+0000 to U+001F), DEL
//     (U+007F), C1 (U+0080 to U+009F) and the line and paragraph separators
//     U+2028 and U+2029, which break logs and headers, nor Unicode
//     noncharacters (U+FDD0 to U+FDEF, U+xFFFE, U+xFFFF), which XML, and so
//     an S3 listing, cannot carry;
//   - it must not contain Unicode that hides or fakes structure: bidi
//     controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to
//     U+2069), invisible characters (U+200B, U+2060, U+FEFF), the backslash
//     and characters that look like or normalise to a slash, a backslash or
//     a dot (for example U+2215, U+2044, U+29F8, U+FF0F, U+FF3C, U+2024,
//     U+2025, U+FF0E). The zero-width joiners U+200C and U+200D stay
//     allowed: emoji sequences and several scripts need them;
//   - it must not contain "${", which S3 substitutes in a POST form's key
//     (${filename}) and IAM in policies;
//   - it must not contain a percent escape ("%" and two hex digits) that
//     decodes to "/", ".", "\", "%" (which would allow double encoding such
//     as "%252e"), a control byte, or a byte of 0x80 and above (which could
//     spell an overlong "/" or any of the characters above in encoded
//     UTF-8). Harmless escapes such as "%20" and a "%" not followed by two
//     hex digits are allowed.
//
// Every error wraps exactly one of the sentinel errors below, so callers
// can tell the reasons apart with errors.Is.
package objectkey

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxLen is the longest key accepted, in bytes (the S3 limit).
const MaxLen = 1024

// Sentinel errors wrapped by Validate.
var (
	// ErrInvalidUTF8 reports a key that is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("key is not valid UTF-8")
	// ErrLength reports a key that is empty or longer than MaxLen bytes.
	ErrLength = errors.New("key length out of range")
	// ErrLeadingSlash reports a key that starts with "/".
	ErrLeadingSlash = errors.New("key starts with a slash")
	// ErrSegment reports an empty, "." or ".." path segment.
	ErrSegment = errors.New("key has an empty, \".\" or \"..\" segment")
	// ErrControl reports a control character.
	ErrControl = errors.New("key contains a control character")
	// ErrConfusable reports a bidi control, an invisible character, a
	// backslash or a look-alike of a slash, backslash or dot.
	ErrConfusable = errors.New("key contains a deceptive character")
	// ErrEncoded reports a percent escape of a character that is refused
	// or that could change how the key is split into segments.
	ErrEncoded = errors.New("key contains a dangerous percent escape")
	// ErrVariable reports "${", which starts a variable in a POST policy
	// (${filename}) and in IAM policies.
	ErrVariable = errors.New("key contains \"${\"")
)

// confusables lists the refused runes that are neither ASCII nor controls,
// with a short name for the error message.
var confusables = map[rune]string{
	'\\':     "backslash",
	'\u061C': "bidi control",
	'\u200B': "zero-width space",
	'\u200E': "bidi control",
	'\u200F': "bidi control",
	'\u202A': "bidi control",
	'\u202B': "bidi control",
	'\u202C': "bidi control",
	'\u202D': "bidi control",
	'\u202E': "bidi control",
	'\u2060': "word joiner",
	'\u2066': "bidi control",
	'\u2067': "bidi control",
	'\u2068': "bidi control",
	'\u2069': "bidi control",
	'\uFEFF': "byte order mark",
	'\u2044': "slash look-alike",
	'\u2215': "slash look-alike",
	'\u2571': "slash look-alike",
	'\u29F8': "slash look-alike",
	'\uFF0F': "slash look-alike",
	'\u2216': "backslash look-alike",
	'\u29F5': "backslash look-alike",
	'\u29F9': "backslash look-alike",
	'\uFE68': "backslash look-alike",
	'\uFF3C': "backslash look-alike",
	'\u2024': "dot look-alike",
	'\u2025': "dot look-alike",
	'\u2026': "dot look-alike",
	'\uFE52': "dot look-alike",
	'\uFF0E': "dot look-alike",
}

// Validate returns nil when key is safe to sign, or an error wrapping one
// of the sentinel errors that says why not. The checks are listed in the
// package documentation.
func Validate(key string) error {
	if !utf8.ValidString(key) {
		return fmt.Errorf("objectkey: %w", ErrInvalidUTF8)
	}
	if len(key) == 0 || len(key) > MaxLen {
		return fmt.Errorf("objectkey: %w: %d bytes, want 1 to %d", ErrLength, len(key), MaxLen)
	}
	for i, r := range key {
		if isControl(r) {
			return fmt.Errorf("objectkey: %w: %U at byte %d", ErrControl, r, i)
		}
		if name, ok := confusables[r]; ok {
			return fmt.Errorf("objectkey: %w: %s %U at byte %d", ErrConfusable, name, r, i)
		}
	}
	if strings.HasPrefix(key, "/") {
		return fmt.Errorf("objectkey: %w", ErrLeadingSlash)
	}
	if i := strings.Index(key, "${"); i >= 0 {
		return fmt.Errorf("objectkey: %w at byte %d", ErrVariable, i)
	}
	for i, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("objectkey: %w: segment %d is %q", ErrSegment, i+1, seg)
		}
	}
	for i := 0; i+2 < len(key); i++ {
		if key[i] != '%' {
			continue
		}
		hi, ok1 := unhex(key[i+1])
		lo, ok2 := unhex(key[i+2])
		if !ok1 || !ok2 {
			continue
		}
		if b := hi<<4 | lo; dangerousByte(b) {
			return fmt.Errorf("objectkey: %w: %q at byte %d", ErrEncoded, key[i:i+3], i)
		}
	}
	return nil
}

// isControl reports C0, DEL, C1 and the Unicode line and paragraph separators.
func isControl(r rune) bool {
	// Noncharacters (U+FDD0 to U+FDEF, U+xFFFE and U+xFFFF): XML 1.0
	// forbids U+FFFE and U+FFFF, so such a key would break every S3
	// listing that holds it.
	if (r >= 0xFDD0 && r <= 0xFDEF) || r&0xFFFE == 0xFFFE {
		return true
	}
	return r < 0x20 || (r >= 0x7F && r <= 0x9F) || r == '\u2028' || r == '\u2029'
}

// dangerousByte reports whether a percent-decoded byte is refused.
func dangerousByte(b byte) bool {
	switch {
	case b < 0x20, b >= 0x7F:
		return true
	case b == '/', b == '.', b == '\\', b == '%':
		return true
	}
	return false
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// Escape returns key as it appears in a URL path, the way S3 and the AWS SDKs
// write it: every byte except the RFC 3986 unreserved characters
// (A-Z a-z 0-9 - . _ ~) and "/" is percent-encoded, upper-case hex.
func Escape(key string) string {
	const hex = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(key); i++ {
		if !unreservedOrSlash(key[i]) {
			n++
		}
	}
	if n == 0 {
		return key
	}
	b := make([]byte, 0, len(key)+2*n)
	for i := 0; i < len(key); i++ {
		c := key[i]
		if unreservedOrSlash(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	return string(b)
}

func unreservedOrSlash(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/'
}

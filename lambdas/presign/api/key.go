package api

import (
	"fmt"
	"strings"

	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

// validateKey runs objectkey.Validate and words its reason for a 400; it
// also refuses U+FFFD (checkReplacement).
func validateKey(key string) error {
	if err := objectkey.Validate(key); err != nil {
		return fmt.Errorf("invalid key: %s", strings.TrimPrefix(err.Error(), "objectkey: "))
	}
	return checkReplacement("key", key)
}

// validatePrefix checks a prefix as the start of a key: it must be one
// once anything follows it.
func validatePrefix(prefix string) error {
	if err := objectkey.Validate(prefix + "x"); err != nil {
		return fmt.Errorf("invalid prefix: %s", strings.TrimPrefix(err.Error(), "objectkey: "))
	}
	return checkReplacement("prefix", prefix)
}

// checkReplacement refuses a key or prefix holding U+FFFD, the
// replacement character. The Lambda runtime decodes the event with
// encoding/json, which turns every byte of invalid UTF-8 into U+FFFD, so
// a key of invalid bytes would otherwise arrive as, and be signed as,
// another key than the one sent. The replacement cannot be told from a
// U+FFFD the caller wrote, so both are refused: no real key needs it.
// (Through Handle called directly, invalid bytes reach objectkey as they
// are, and it refuses them.)
func checkReplacement(what, s string) error {
	if strings.ContainsRune(s, '\uFFFD') {
		return fmt.Errorf("invalid %s: it holds U+FFFD, the replacement character, which stands for bytes that were not UTF-8", what)
	}
	return nil
}

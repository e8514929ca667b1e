package api

import (
	"fmt"
	"strings"

	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

// validateKey runs objectkey.Validate and words its reason for a 400.
func validateKey(key string) error {
	if err := objectkey.Validate(key); err != nil {
		return fmt.Errorf("invalid key: %s", strings.TrimPrefix(err.Error(), "objectkey: "))
	}
	return nil
}

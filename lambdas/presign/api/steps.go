package api

import (
	"errors"
	"fmt"
	"strings"

	"github.com/securestore/securestore/lambdas/presign/identity"
	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

// callerFrom reads the caller from requestContext.authorizer.claims, the
// only place identity is taken from.
func callerFrom(ev *event) (identity.Caller, error) {
	raw := ev.claims
	if raw == nil {
		return identity.Caller{}, errors.New("the caller is not signed in")
	}
	claims, ok := raw.(map[string]any)
	if !ok || len(claims) == 0 {
		return identity.Caller{}, errors.New("the caller is not signed in")
	}
	c, err := identity.FromClaims(claims)
	switch {
	case errors.Is(err, identity.ErrNoSubject):
		return identity.Caller{}, errors.New("the caller is not signed in")
	case err != nil:
		return identity.Caller{}, errors.New("the caller's identity claims are malformed")
	}
	return c, nil
}

// validateKey runs objectkey.Validate and words its reason for a 400.
func validateKey(key string) error {
	if err := objectkey.Validate(key); err != nil {
		return fmt.Errorf("invalid key: %s", strings.TrimPrefix(err.Error(), "objectkey: "))
	}
	return nil
}

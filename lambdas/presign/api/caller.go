package api

import (
	"errors"

	"github.com/securestore/securestore/lambdas/presign/codec"
	"github.com/securestore/securestore/lambdas/presign/identity"
)

// callerFrom reads the caller from requestContext.authorizer.claims and,
// for its groups, the ID token in the Authorization header that the
// authorizer verified: the only places identity is taken from.
func callerFrom(ev *codec.Event) (identity.Caller, error) {
	raw := ev.Claims
	if raw == nil {
		return identity.Caller{}, errors.New("the caller is not signed in")
	}
	claims, ok := raw.(map[string]any)
	if !ok || len(claims) == 0 {
		return identity.Caller{}, errors.New("the caller is not signed in")
	}
	tokens := ev.Authorization.Values()
	if len(tokens) != 1 {
		return identity.Caller{}, errors.New("want exactly one Authorization header with the ID token")
	}
	c, err := identity.FromToken(claims, tokens[0])
	switch {
	case errors.Is(err, identity.ErrNoSubject):
		return identity.Caller{}, errors.New("the caller is not signed in")
	case errors.Is(err, identity.ErrToken):
		return identity.Caller{}, errors.New("the Authorization header does not hold the caller's ID token")
	case err != nil:
		return identity.Caller{}, errors.New("the caller's identity claims are malformed")
	}
	return c, nil
}

package api

import (
	"errors"

	"github.com/aws/aws-lambda-go/events"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/identity"
)

// callerFrom reads the caller from requestContext.authorizer.claims and,
// for its groups, the ID token in the Authorization header that the
// authorizer verified: the only places identity is taken from.
func callerFrom(ev *events.APIGatewayProxyRequest) (identity.Caller, error) {
	claims, ok := ev.RequestContext.Authorizer["claims"].(map[string]any)
	if !ok || len(claims) == 0 {
		return identity.Caller{}, errors.New("the caller is not signed in")
	}
	tokens := headerValues(ev, "Authorization")
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

// decide is the access decision for key: the caller may do c.method on
// it. A refusal is a 403 with the rules' reason.
func (h *Handler) decide(c *call, key string) *outcome {
	d := access.Decide(h.cfg.Rules, c.caller, key, c.method)
	c.rec.decide(d)
	if !d.Allowed {
		fail := forbidden(errors.New(d.Reason))
		return &fail
	}
	return nil
}

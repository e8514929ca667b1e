package devapi

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// ErrExpired is wrapped by Authorize's error for an expired token, which
// API Gateway answers 401 {"message": "The incoming token has expired"}.
var ErrExpired = errors.New("the incoming token has expired")

// CognitoAuthorizer verifies ID tokens as API Gateway's Cognito user-pool
// authorizer does: the RS256 signature against the pool's JWKS, the
// issuer (the pool), the audience (the app client), the expiry, and
// token_use "id" (the authorizer of a method without OAuth scopes takes ID
// tokens only).
type CognitoAuthorizer struct {
	issuer, clientID string
	keys             keyfunc.Keyfunc
	cancel           context.CancelFunc
}

// NewCognitoAuthorizer fetches the JWKS of the pool whose issuer is
// issuer ("http://127.0.0.1:9229/local_abc"), at issuer +
// "/.well-known/jwks.json", and refreshes it in the background until
// Close.
func NewCognitoAuthorizer(ctx context.Context, issuer, clientID string) (*CognitoAuthorizer, error) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	k, err := keyfunc.NewDefaultCtx(ctx, []string{issuer + "/.well-known/jwks.json"})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("devapi: the user pool's JWKS: %w", err)
	}
	return &CognitoAuthorizer{issuer: issuer, clientID: clientID, keys: k, cancel: cancel}, nil
}

// Close stops the JWKS refresh.
func (a *CognitoAuthorizer) Close() { a.cancel() }

// Authorize verifies the token in authorization (with or without a Bearer
// prefix) and returns its claims as API Gateway passes them in
// requestContext.authorizer.claims: every value a string, exp and iat as
// "Mon Jan 02 15:04:05 UTC 2006", arrays (cognito:groups) comma-joined.
func (a *CognitoAuthorizer) Authorize(ctx context.Context, authorization string) (map[string]any, error) {
	tok := strings.TrimSpace(authorization)
	if len(tok) > 7 && strings.EqualFold(tok[:7], "Bearer ") {
		tok = strings.TrimSpace(tok[7:])
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, a.keys.KeyfuncCtx(ctx),
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(a.issuer),
		jwt.WithAudience(a.clientID),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	)
	if errors.Is(err, jwt.ErrTokenExpired) {
		return nil, fmt.Errorf("devapi: token: %w (%v)", ErrExpired, err)
	}
	if err != nil {
		return nil, fmt.Errorf("devapi: token: %w", err)
	}
	if use, _ := claims["token_use"].(string); use != "id" {
		return nil, errors.New("devapi: token: token_use is not id (the authorizer takes ID tokens)")
	}
	return flatten(claims), nil
}

// flatten turns a token's claims into API Gateway's string map.
func flatten(claims jwt.MapClaims) map[string]any {
	out := make(map[string]any, len(claims))
	for k, v := range claims {
		switch x := v.(type) {
		case string:
			out[k] = x
		case bool:
			out[k] = strconv.FormatBool(x)
		case float64:
			if k == "exp" || k == "iat" {
				out[k] = time.Unix(int64(x), 0).UTC().Format("Mon Jan 02 15:04:05 UTC 2006")
			} else {
				out[k] = strconv.FormatFloat(x, 'f', -1, 64)
			}
		case []any:
			parts := make([]string, 0, len(x))
			for _, e := range x {
				parts = append(parts, fmt.Sprint(e))
			}
			out[k] = strings.Join(parts, ",")
		default:
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}

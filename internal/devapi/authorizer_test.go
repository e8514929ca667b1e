package devapi_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/securestore/securestore/internal/devapi"
)

// pool is a user pool's signing side: an RSA key whose JWKS an HTTP server
// publishes where Cognito does, /<pool>/.well-known/jwks.json.
type pool struct {
	key    *rsa.PrivateKey
	issuer string
}

func newPool(t *testing.T) *pool {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := json.Marshal(map[string]any{"keys": []any{map[string]any{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "k1",
		"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /local_pool/.well-known/jwks.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwks)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &pool{key: key, issuer: srv.URL + "/local_pool"}
}

// idToken is an ID token as Cognito issues them, changed by edit.
func (p *pool) idToken(t *testing.T, edit func(jwt.MapClaims)) string {
	t.Helper()
	now := time.Now()
	claims := jwt.MapClaims{
		"sub": "7d3f6c1e-2b4a-4e8f-9c0d-1a2b3c4d5e6f", "aud": "client1", "iss": p.issuer, "token_use": "id",
		"email": "alice@example.com", "email_verified": true, "cognito:groups": []any{"tier-1", "tier-2"},
		"auth_time": now.Unix(), "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	if edit != nil {
		edit(claims)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString(p.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authorizer(t *testing.T, p *pool) *devapi.CognitoAuthorizer {
	t.Helper()
	a, err := devapi.NewCognitoAuthorizer(t.Context(), p.issuer, "client1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

func TestCognitoAuthorizer_PassesClaimsAsAPIGatewayDoes(t *testing.T) {
	p := newPool(t)
	a := authorizer(t, p)
	for _, prefix := range []string{"", "Bearer "} {
		claims, err := a.Authorize(t.Context(), prefix+p.idToken(t, nil))
		if err != nil {
			t.Fatalf("%q: %v", prefix, err)
		}
		want := map[string]string{"sub": "7d3f6c1e-2b4a-4e8f-9c0d-1a2b3c4d5e6f", "cognito:groups": "tier-1,tier-2", "email_verified": "true", "token_use": "id"}
		for k, v := range want {
			if claims[k] != v {
				t.Errorf("%s = %#v, want %q", k, claims[k], v)
			}
		}
		exp, ok := claims["exp"].(string)
		if _, err := time.Parse("Mon Jan 02 15:04:05 UTC 2006", exp); !ok || err != nil {
			t.Errorf("exp = %#v, want API Gateway's date string", claims["exp"])
		}
		if _, ok := claims["auth_time"].(string); !ok {
			t.Errorf("auth_time = %#v, want a string", claims["auth_time"])
		}
	}
}

func TestCognitoAuthorizer_Refuses(t *testing.T) {
	p := newPool(t)
	a := authorizer(t, p)
	other := newPool(t)
	other.issuer = p.issuer // same claims, another key
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "x", "aud": "client1", "iss": p.issuer, "token_use": "id", "exp": time.Now().Add(time.Hour).Unix()})
	hsToken, err := hs.SignedString([]byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"another app client's token":    p.idToken(t, func(c jwt.MapClaims) { c["aud"] = "client2" }),
		"another pool's token":          p.idToken(t, func(c jwt.MapClaims) { c["iss"] = p.issuer + "x" }),
		"an expired token":              p.idToken(t, func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Minute).Unix() }),
		"a token without expiry":        p.idToken(t, func(c jwt.MapClaims) { delete(c, "exp") }),
		"an access token":               p.idToken(t, func(c jwt.MapClaims) { c["token_use"] = "access" }),
		"a token signed by another key": other.idToken(t, nil),
		"an HS256 token":                hsToken,
		"a tampered payload": func() string {
			parts := strings.Split(p.idToken(t, nil), ".")
			parts[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"someone-else","aud":"client1","token_use":"id"}`))
			return strings.Join(parts, ".")
		}(),
		"not a JWT": "hello",
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			if claims, err := a.Authorize(t.Context(), tok); err == nil {
				t.Fatalf("accepted, claims %v", claims)
			}
		})
	}
}

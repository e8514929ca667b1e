package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/securestore/securestore/lambdas/presign/api"
	"github.com/securestore/securestore/lambdas/presign/cdnsign"
)

// TestCDNAccess_SignsTheFolder: POST /cdn-access answers a custom policy
// for exactly the prefix, whose signature verifies with the public key,
// as a query and as cookies, and Set-Cookie headers only with a cookie
// domain.
func TestCDNAccess_SignsTheFolder(t *testing.T) {
	home := "users/" + alice + "/album 1/"
	for _, cookieDomain := range []string{"", "example.com"} {
		t.Run("cookie domain "+cookieDomain, func(t *testing.T) {
			domain := testCDNDomain
			f := newFixture(t, func(c *api.Config) {
				if cookieDomain != "" {
					domain = "media.example.com"
					c.CDN.Domain, c.CDN.CookieDomain = domain, cookieDomain
				}
			})
			ev := routeEvent(t, "POST", "/cdn-access", nil, nil, `{"prefix":"`+home+`","expiresIn":120}`, claims(alice, "tier-1"))
			ev.Headers["Origin"] = "https://app.example.com"
			resp, err := f.h.Handle(context.Background(), ev)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, %v: %s", resp.StatusCode, err, resp.Body)
			}
			var body struct {
				Resource, ExpiresAt, Query string
				Cookies                    map[string]string
			}
			if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
				t.Fatal(err)
			}
			expires := testNow.Add(120 * time.Second)
			wantResource := "https://" + domain + "/users/" + alice + "/album%201/*"
			if body.Resource != wantResource || body.ExpiresAt != expires.Format(time.RFC3339) {
				t.Errorf("resource %s, expiresAt %s; want %s, %s", body.Resource, body.ExpiresAt, wantResource, expires.Format(time.RFC3339))
			}
			doc, err := cdnsign.Verify(&realCDNKey(t).PublicKey, body.Cookies[cdnsign.CookiePolicy], body.Cookies[cdnsign.CookieSignature])
			if err != nil {
				t.Fatal(err)
			}
			if want := string(cdnsign.FolderPolicy(wantResource, expires)); string(doc) != want {
				t.Errorf("policy %s, want %s", doc, want)
			}
			if want := "Policy=" + body.Cookies[cdnsign.CookiePolicy] + "&Signature=" + body.Cookies[cdnsign.CookieSignature] + "&Key-Pair-Id=" + testKeyPairID; body.Query != want {
				t.Errorf("query %s, want %s", body.Query, want)
			}
			cookies := resp.MultiValueHeaders["Set-Cookie"]
			if cookieDomain == "" {
				if len(cookies) != 0 || resp.Headers["Access-Control-Allow-Credentials"] != "" {
					t.Errorf("cookies %q and credentials %q without a cookie domain", cookies, resp.Headers["Access-Control-Allow-Credentials"])
				}
				return
			}
			if len(cookies) != 3 || resp.Headers["Access-Control-Allow-Credentials"] != "true" {
				t.Fatalf("Set-Cookie %q, credentials %q", cookies, resp.Headers["Access-Control-Allow-Credentials"])
			}
			for _, c := range cookies {
				parsed, err := http.ParseSetCookie(c)
				if err != nil {
					t.Fatal(err)
				}
				if body.Cookies[parsed.Name] != parsed.Value || parsed.Path != "/users/"+alice+"/album%201/" || parsed.Domain != cookieDomain ||
					!parsed.Secure || !parsed.HttpOnly || parsed.SameSite != http.SameSiteStrictMode || parsed.MaxAge != 120 || !parsed.Expires.Equal(expires) {
					t.Errorf("cookie %s", c)
				}
			}
		})
	}
}

// TestCDNAccess_CredentialsOnEveryAnswer: with a cookie domain, a
// browser calls with credentials, so every answer to an allowed origin,
// a refusal included, allows them; without one, none does.
func TestCDNAccess_CredentialsOnEveryAnswer(t *testing.T) {
	for _, cookieDomain := range []string{"", "example.com"} {
		f := newFixture(t, func(c *api.Config) {
			if cookieDomain != "" {
				c.CDN.Domain, c.CDN.CookieDomain = "media.example.com", cookieDomain
			}
		})
		ev := routeEvent(t, "POST", "/cdn-access", nil, nil, `{"prefix":"tier-2/"}`, claims(alice, "tier-1"))
		ev.Headers["Origin"] = "https://app.example.com"
		resp, _ := f.h.Handle(context.Background(), ev)
		if got, want := resp.Headers["Access-Control-Allow-Credentials"], map[bool]string{true: "true"}[cookieDomain != ""]; resp.StatusCode != http.StatusForbidden || got != want {
			t.Errorf("cookie domain %q: %d with credentials %q, want 403 with %q", cookieDomain, resp.StatusCode, got, want)
		}
	}
}

// TestCDNAccess_WithoutCDN: no distribution, no folder access.
func TestCDNAccess_WithoutCDN(t *testing.T) {
	f := newFixture(t, withoutCDN)
	resp, _ := f.h.Handle(context.Background(), routeEvent(t, "POST", "/cdn-access", nil, nil, `{"prefix":"users/`+alice+`/"}`, claims(alice, "tier-1")))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(resp.Body, "no CDN") {
		t.Errorf("status %d: %s", resp.StatusCode, resp.Body)
	}
}

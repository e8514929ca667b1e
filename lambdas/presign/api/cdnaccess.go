package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/cdnsign"
	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

// folderRequest is POST /cdn-access's request.
type folderRequest struct {
	prefix    string
	expiresIn optInt
}

func (r folderRequest) subject() subject { return subject{key: r.prefix, delivery: deliveryCDN} }

// parseCDNAccess reads the POST /cdn-access body: exactly the table's
// prefix (required) and expiresIn (optional, whole seconds).
func parseCDNAccess(in *input) (folderRequest, error) {
	var r folderRequest
	fields, err := in.object(MaxBodyBytes)
	if err != nil {
		return r, err
	}
	if err := stringField(fields, "prefix", &r.prefix); err != nil {
		return r, err
	}
	n, has, err := intField(fields, "expiresIn")
	if err != nil {
		return r, fmt.Errorf("field expiresIn: want a whole number of seconds")
	}
	r.expiresIn = optInt{n, has}
	return r, nil
}

// cdnAccess answers POST /cdn-access: a CloudFront custom policy for every
// key under the prefix, as a query string and as the three CloudFront
// cookies. The prefix must match the table's pattern (end with "/") and
// the caller must be able to GET every key under it (access.DecideFolder).
// The route needs a CDN (routes.CDN: without one it is refused before
// this). The distribution is read-only for the key the function signs
// with: the construct and the app's config refuse CDN delivery otherwise,
// since a CloudFront signature names no method.
func (h *Handler) cdnAccess(_ context.Context, c *call, req folderRequest) outcome {
	s, _ := c.route.Lookup("prefix")
	if !lengthWithin(s, req.prefix) || !matches(s, req.prefix) {
		return badRequest(fmt.Errorf("prefix %s must end with \"/\": folder access covers the keys under a prefix", quote(req.prefix)))
	}
	if err := validatePrefix(req.prefix); err != nil {
		return badRequest(err)
	}
	ttl, err := h.expiry(c.route, req.expiresIn)
	if err != nil {
		return badRequest(err)
	}
	d := access.DecideFolder(h.cfg.Rules, c.caller, req.prefix, c.method)
	c.rec.decide(d)
	if !d.Allowed {
		return forbidden(fmt.Errorf("prefix %s: %s", quote(req.prefix), d.Reason))
	}
	expires := ceilSecond(h.now().Add(ttl))
	f, err := h.cdn.SignFolder(req.prefix, expires)
	if err != nil {
		c.rec.err = fmt.Errorf("sign CDN folder: %w", err)
		return serverError()
	}
	out := ok(folderBody{
		Resource:  f.Resource,
		ExpiresAt: expires.UTC().Format(time.RFC3339),
		Query:     f.Query(),
		Cookies: map[string]string{
			cdnsign.CookiePolicy:    f.Policy,
			cdnsign.CookieSignature: f.Signature,
			cdnsign.CookieKeyPairID: f.KeyPairID,
		},
	})
	if h.cfg.CDN.CookieDomain != "" {
		out.cookies = folderCookies(f, "/"+objectkey.Escape(req.prefix), h.cfg.CDN.CookieDomain, h.now())
	}
	return out
}

// folderCookies are the Set-Cookie headers of f: for path on domain, until
// f expires, Secure (HTTPS only), HttpOnly (no script reads them) and
// SameSite=Strict (sent only on requests from the same site, which a
// shared parent domain is).
func folderCookies(f cdnsign.Folder, path, domain string, now time.Time) []string {
	attrs := "; Path=" + path + "; Domain=" + domain +
		"; Expires=" + f.Expires.UTC().Format(http.TimeFormat) +
		"; Max-Age=" + strconv.FormatInt(int64(f.Expires.Sub(now)/time.Second), 10) +
		"; Secure; HttpOnly; SameSite=Strict"
	return []string{
		cdnsign.CookiePolicy + "=" + f.Policy + attrs,
		cdnsign.CookieSignature + "=" + f.Signature + attrs,
		cdnsign.CookieKeyPairID + "=" + f.KeyPairID + attrs,
	}
}

// folderBody answers POST /cdn-access.
type folderBody struct {
	Resource  string            `json:"resource"`
	ExpiresAt string            `json:"expiresAt"`
	Query     string            `json:"query"`
	Cookies   map[string]string `json:"cookies"`
}

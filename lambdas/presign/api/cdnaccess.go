package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/cdnsign"
	"github.com/securestore/securestore/lambdas/presign/codec"
	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

// cdnAccess answers POST /cdn-access: a CloudFront custom policy for every
// key under the prefix, as a query string and as the three CloudFront
// cookies. The prefix must end with "/" and the caller must be able to GET
// every key under it (access.DecideFolder). The distribution is read-only
// for the key the function signs with: the construct and the app's config
// refuse CDN delivery otherwise, since a CloudFront signature names no
// method.
func (h *Handler) cdnAccess(ev *codec.Event, req request, caller access.Caller, rec *record) outcome {
	if h.cdn == nil {
		return badRequest(errors.New("CDN access is not available: no CDN is configured"))
	}
	if req.prefix == "" || !strings.HasSuffix(req.prefix, "/") {
		return badRequest(fmt.Errorf("prefix %s must end with \"/\": folder access covers the keys under a prefix", quote(req.prefix)))
	}
	if err := objectkey.Validate(req.prefix + "x"); err != nil {
		return badRequest(fmt.Errorf("invalid prefix: %s", strings.TrimPrefix(err.Error(), "objectkey: ")))
	}
	ttl, err := h.expiry(req)
	if err != nil {
		return badRequest(err)
	}
	d := access.DecideFolder(h.cfg.Rules, caller, req.prefix, http.MethodGet)
	rec.decide(d)
	if !d.Allowed {
		return forbidden(fmt.Errorf("prefix %s: %s", quote(req.prefix), d.Reason))
	}
	expires := ceilSecond(h.now().Add(ttl))
	f, err := h.cdn.SignFolder(req.prefix, expires)
	if err != nil {
		rec.err = fmt.Errorf("sign CDN folder: %w", err)
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

func (b folderBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"resource":`...)
	dst = codec.AppendString(dst, b.Resource)
	dst = append(dst, `,"expiresAt":`...)
	dst = codec.AppendString(dst, b.ExpiresAt)
	dst = append(dst, `,"query":`...)
	dst = codec.AppendString(dst, b.Query)
	dst = append(dst, `,"cookies":`...)
	dst = codec.AppendStringMap(dst, b.Cookies)
	return append(dst, '}')
}

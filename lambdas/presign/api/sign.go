package api

import (
	"context"
	"fmt"
	"time"

	"github.com/securestore/securestore/lambdas/presign/signer"
)

func (h *Handler) signURL(ctx context.Context, req request, ttl time.Duration, rec *record) outcome {
	u, err := h.presigner.Presign(ctx, signer.Request{
		Method:         req.method,
		Key:            req.key,
		ContentType:    req.contentType,
		ContentLength:  req.contentLength,
		ChecksumSHA256: req.checksumSHA256,
		Expires:        ttl,
	})
	if err != nil {
		rec.err = fmt.Errorf("presign %s: %w", req.method, err)
		return serverError()
	}
	headers := u.Headers
	if headers == nil {
		headers = map[string]string{}
	}
	return ok(urlBody{
		URL:       u.URL,
		Method:    req.method,
		Headers:   headers,
		ExpiresAt: h.expiresAt(u.ExpiresAt, ttl),
	})
}

func (h *Handler) signCDN(req request, ttl time.Duration, rec *record) outcome {
	// CloudFront's canned policy counts whole seconds: round up, so that
	// the expiry stays after the moment the signer checks it, however
	// close to a second's boundary the request came (rounded down, an
	// expiresIn of 1 could land in the signer's past and fail).
	expires := ceilSecond(h.now().Add(ttl))
	u, err := h.cdn.Sign(req.key, expires)
	if err != nil {
		rec.err = fmt.Errorf("sign CDN URL: %w", err)
		return serverError()
	}
	return ok(urlBody{
		URL:       u,
		Method:    req.method,
		Headers:   map[string]string{},
		ExpiresAt: expires.UTC().Format(time.RFC3339),
	})
}

func (h *Handler) signPost(ctx context.Context, req request, ttl time.Duration, maxBytes int64, rec *record) outcome {
	p, err := h.presigner.PresignPost(ctx, signer.PostRequest{
		Key:         req.key,
		ContentType: req.contentType,
		MaxBytes:    maxBytes,
		Expires:     ttl,
	})
	if err != nil {
		rec.err = fmt.Errorf("presign POST: %w", err)
		return serverError()
	}
	fields := p.Fields
	if fields == nil {
		fields = map[string]string{}
	}
	return ok(postBody{
		URL:       p.URL,
		Fields:    fields,
		ExpiresAt: h.expiresAt(p.ExpiresAt, ttl),
	})
}

// ceilSecond rounds t up to a whole second.
func ceilSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); !r.Equal(t) {
		return r.Add(time.Second)
	}
	return t
}

// expiresAt formats the signer's expiry, or now+ttl when it gave none.
func (h *Handler) expiresAt(t time.Time, ttl time.Duration) string {
	if t.IsZero() {
		t = h.now().Add(ttl)
	}
	return t.UTC().Format(time.RFC3339)
}

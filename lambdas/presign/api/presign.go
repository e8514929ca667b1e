package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/securestore/securestore/lambdas/presign/signer"
)

// Delivery values of GET /presign.
const (
	deliveryS3  = "s3"
	deliveryCDN = "cdn"
)

// presignRequest is GET /presign's request.
type presignRequest struct {
	key            string
	method         string // GET, PUT or DELETE
	contentType    string // PUT only
	contentLength  int64  // PUT only: the body's exact size, bounded by the size step
	checksumSHA256 string // PUT only, optional
	expiresIn      optInt
	delivery       string
}

func (r presignRequest) subject() subject {
	return subject{key: r.key, method: r.method, delivery: r.delivery}
}

// parsePresign reads GET /presign's query: method one of the table's
// (default GET); contentType and contentLength required for a PUT and
// refused otherwise, as is checksumSha256; expiresIn a whole number;
// delivery s3 (default) or cdn, cdn for GET only.
func parsePresign(in *input) (presignRequest, error) {
	r := presignRequest{}
	r.key, _ = in.param("key")
	var err error
	if r.method, err = in.enumParam("method", http.MethodGet); err != nil {
		return r, err
	}

	ct, hasCT := in.param("contentType")
	sum, hasSum := in.param("checksumSha256")
	length, hasLength, err := in.intParam("contentLength")
	if err != nil {
		return r, err
	}
	if r.method == http.MethodPut {
		if !hasCT {
			return r, errors.New("PUT needs parameter contentType")
		}
		s, _ := in.route.Lookup("contentType")
		if err := checkContentType(s, ct); err != nil {
			return r, fmt.Errorf("contentType: %w", err)
		}
		if !hasLength {
			return r, errors.New("PUT needs parameter contentLength, the body's exact size in bytes")
		}
		if hasSum {
			s, _ := in.route.Lookup("checksumSha256")
			if err := checkChecksum(s, sum); err != nil {
				return r, fmt.Errorf("checksumSha256: %w", err)
			}
		}
		r.contentType, r.contentLength, r.checksumSHA256 = ct, length, sum
	} else if hasCT || hasSum || hasLength {
		return r, fmt.Errorf("contentType, contentLength and checksumSha256 are for PUT only, not %s", r.method)
	}

	n, has, err := in.intParam("expiresIn")
	if err != nil {
		return r, err
	}
	r.expiresIn = optInt{n, has}

	if r.delivery, err = in.enumParam("delivery", deliveryS3); err != nil {
		return r, err
	}
	if r.delivery == deliveryCDN && r.method != http.MethodGet {
		return r, fmt.Errorf("delivery=cdn is for GET only: a CloudFront signature does not bind the method, so %s goes to S3", r.method)
	}
	return r, nil
}

// presign answers GET /presign: an S3 URL for the method, or for a GET
// with delivery=cdn a CloudFront one.
func (h *Handler) presign(ctx context.Context, c *call, req presignRequest) outcome {
	if err := validateKey(req.key); err != nil {
		return badRequest(err)
	}
	ttl, err := h.expiry(c.route, req.expiresIn)
	if err != nil {
		return badRequest(err)
	}
	if req.delivery == deliveryCDN && h.cdn == nil {
		return badRequest(errors.New("delivery=cdn is not available: no CDN is configured"))
	}
	if req.method == http.MethodPut {
		if err := h.checkActiveContent(req.contentType); err != nil {
			return badRequest(err)
		}
		if err := within(c.route, "contentLength", req.contentLength, h.limits, " bytes (maxUploadBytes, at most 5 GiB in one PUT: larger objects go up in parts, POST /multipart)"); err != nil {
			return badRequest(err)
		}
	}
	if fail := h.decide(c, req.key); fail != nil {
		return *fail
	}
	if req.delivery == deliveryCDN {
		return h.signCDN(req, ttl, c.rec)
	}
	return h.signURL(ctx, req, ttl, c.rec)
}

// urlBody answers GET /presign.
type urlBody struct {
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt string            `json:"expiresAt"`
}

func (h *Handler) signURL(ctx context.Context, req presignRequest, ttl time.Duration, rec *record) outcome {
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
	return ok(urlBody{
		URL:       u.URL,
		Method:    req.method,
		Headers:   nonNil(u.Headers),
		ExpiresAt: h.expiresAt(u.ExpiresAt, ttl),
	})
}

func (h *Handler) signCDN(req presignRequest, ttl time.Duration, rec *record) outcome {
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

// nonNil is m, or an empty map for nil: a JSON object, never null.
func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

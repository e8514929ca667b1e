package api

import (
	"context"
	"fmt"
	"time"

	"github.com/securestore/securestore/lambdas/presign/signer"
)

// uploadRequest is POST /uploads' request.
type uploadRequest struct {
	key         string
	contentType string
	maxBytes    optInt
}

func (r uploadRequest) subject() subject { return subject{key: r.key, delivery: deliveryS3} }

// parseUpload reads the POST /uploads body: a JSON object of the table's
// fields (key, contentType, optional maxBytes), each at most once, and
// nothing after it.
func parseUpload(in *input) (uploadRequest, error) {
	var r uploadRequest
	fields, err := in.object(MaxBodyBytes)
	if err != nil {
		return r, err
	}
	if err := stringField(fields, "key", &r.key); err != nil {
		return r, err
	}
	if err := stringField(fields, "contentType", &r.contentType); err != nil {
		return r, err
	}
	n, has, err := intField(fields, "maxBytes")
	if err != nil {
		return r, err
	}
	r.maxBytes = optInt{n, has}
	s, _ := in.route.Lookup("contentType")
	if err := checkContentType(s, r.contentType); err != nil {
		return r, fmt.Errorf("field contentType: %w", err)
	}
	return r, nil
}

// upload answers POST /uploads: a presigned POST form whose policy bounds
// the file's size by maxBytes, itself at most the single-upload limit.
func (h *Handler) upload(ctx context.Context, c *call, req uploadRequest) outcome {
	if err := validateKey(req.key); err != nil {
		return badRequest(err)
	}
	ttl := h.cfg.MaxTTL // the route takes no expiresIn
	if err := h.checkActiveContent(req.contentType); err != nil {
		return badRequest(err)
	}
	if fail := h.decide(c, req.key); fail != nil {
		return *fail
	}
	maxBytes := h.putLimit()
	if req.maxBytes.set {
		if err := within(c.route, "maxBytes", req.maxBytes.n, h.limits, ""); err != nil {
			return badRequest(err)
		}
		maxBytes = req.maxBytes.n
	}
	return h.signPost(ctx, req, ttl, maxBytes, c.rec)
}

// postBody answers POST /uploads.
type postBody struct {
	URL       string            `json:"url"`
	Fields    map[string]string `json:"fields"`
	ExpiresAt string            `json:"expiresAt"`
}

func (h *Handler) signPost(ctx context.Context, req uploadRequest, ttl time.Duration, maxBytes int64, rec *record) outcome {
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
	return ok(postBody{
		URL:       p.URL,
		Fields:    nonNil(p.Fields),
		ExpiresAt: h.expiresAt(p.ExpiresAt, ttl),
	})
}

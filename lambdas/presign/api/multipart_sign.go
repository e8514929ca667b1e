package api

import (
	"context"
	"fmt"
)

// signRequest is GET /multipart/{uploadId}/parts/{partNumber}'s request.
type signRequest struct {
	uploadRef
	partNumber int
	expiresIn  optInt
}

// parseMultipartSign reads the upload id, the key, the part number (the
// table's bounds; the upload's plan bounds it further) and expiresIn.
func parseMultipartSign(in *input) (signRequest, error) {
	r := signRequest{uploadRef: parseUploadRef(in)}
	raw := in.path["partNumber"]
	n, ok := wholeNumber(raw)
	lo, hi := bounds(in.route, "partNumber", in.limits)
	if !ok || n < lo || n > hi {
		return r, fmt.Errorf("partNumber %s must be a whole number from %d to %d", quote(raw), lo, hi)
	}
	r.partNumber = int(n)
	n, has, err := in.intParam("expiresIn")
	if err != nil {
		return r, err
	}
	r.expiresIn = optInt{n, has}
	return r, nil
}

// multipartSign answers GET /multipart/{uploadId}/parts/{partNumber}: a
// PUT URL for the part that signs its exact length from the plan, once S3
// confirms the upload is the key's.
func (h *Handler) multipartSign(ctx context.Context, c *call, req signRequest) outcome {
	up, fail := h.openForParts(c, req.uploadRef, req.expiresIn)
	if fail != nil {
		return *fail
	}
	if req.partNumber > up.plan.Parts {
		return badRequest(fmt.Errorf("partNumber must be from 1 to %d for this upload (%d bytes in parts of %d)", up.plan.Parts, up.plan.Size, up.plan.PartSize))
	}
	if fail := h.confirmParts(ctx, up, c.rec); fail != nil {
		return *fail
	}
	u, err := h.presignPart(ctx, up, req.partNumber)
	if err != nil {
		c.rec.err = fmt.Errorf("presign part %d: %w", req.partNumber, err)
		return serverError()
	}
	return ok(partURLBody{URL: u.URL, Headers: nonNil(u.Headers), ExpiresAt: h.expiresAt(u.ExpiresAt, up.ttl)})
}

// partURLBody answers GET /multipart/{uploadId}/parts/{partNumber}: the
// part's URL is always for PUT.
type partURLBody struct {
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt string            `json:"expiresAt"`
}

package api

import (
	"context"
	"fmt"
	"time"

	"github.com/securestore/securestore/lambdas/presign/routes"
)

// batchRequest is GET /multipart/{uploadId}/parts' request.
type batchRequest struct {
	uploadRef
	from, count int
	expiresIn   optInt
}

// parseMultipartBatch reads the upload id, the key, from (default 1)
// and count (default routes.MaxBatchParts), each within the table's
// bounds (the upload's plan bounds them further), and expiresIn.
func parseMultipartBatch(in *input) (batchRequest, error) {
	r := batchRequest{uploadRef: parseUploadRef(in), from: 1, count: routes.MaxBatchParts}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"from", &r.from}, {"count", &r.count}} {
		n, has, err := in.intParam(p.name)
		if err != nil {
			return r, err
		}
		if !has {
			continue
		}
		if err := within(in.route, p.name, n, in.limits, ""); err != nil {
			return r, err
		}
		*p.dst = int(n)
	}
	n, has, err := in.intParam("expiresIn")
	if err != nil {
		return r, err
	}
	r.expiresIn = optInt{n, has}
	return r, nil
}

// multipartBatch answers GET /multipart/{uploadId}/parts: a PUT URL
// for each part from from to from+count-1 (clipped to the plan's last
// part), each signing its exact length from the plan, as GET
// /multipart/{uploadId}/parts/{partNumber} does for one part, after one
// ListParts call confirms the upload is the key's. A client uploading
// many parts makes one API call per MaxBatchParts parts instead of one
// per part.
func (h *Handler) multipartBatch(ctx context.Context, c *call, req batchRequest) outcome {
	up, fail := h.openForParts(c, req.uploadRef, req.expiresIn)
	if fail != nil {
		return *fail
	}
	if req.from > up.plan.Parts {
		return badRequest(fmt.Errorf("from must be from 1 to %d for this upload (%d bytes in parts of %d)", up.plan.Parts, up.plan.Size, up.plan.PartSize))
	}
	last := min(req.from+req.count-1, up.plan.Parts)
	if fail := h.confirmParts(ctx, up, c.rec); fail != nil {
		return *fail
	}
	body := batchBody{Parts: make([]batchPart, 0, last-req.from+1)}
	var earliest time.Time
	for n := req.from; n <= last; n++ {
		u, err := h.presignPart(ctx, up, n)
		if err != nil {
			c.rec.err = fmt.Errorf("presign part %d of %d to %d: %w", n, req.from, last, err)
			return serverError()
		}
		if earliest.IsZero() || u.ExpiresAt.Before(earliest) {
			earliest = u.ExpiresAt
		}
		body.Parts = append(body.Parts, batchPart{PartNumber: n, URL: u.URL, Headers: nonNil(u.Headers)})
	}
	body.ExpiresAt = h.expiresAt(earliest, up.ttl)
	return ok(body)
}

// batchBody answers GET /multipart/{uploadId}/parts: every URL is for
// PUT, and expiresAt is the earliest of their expiries.
type batchBody struct {
	Parts     []batchPart `json:"parts"`
	ExpiresAt string      `json:"expiresAt"`
}

// batchPart is one part's URL in batchBody.
type batchPart struct {
	PartNumber int               `json:"partNumber"`
	URL        string            `json:"url"`
	Headers    map[string]string `json:"headers"`
}

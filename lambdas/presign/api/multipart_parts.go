package api

import "context"

// partsRequest is GET /multipart/{uploadId}'s request.
type partsRequest struct{ uploadRef }

// parseMultipartParts reads the upload id and the key.
func parseMultipartParts(in *input) (partsRequest, error) {
	return partsRequest{parseUploadRef(in)}, nil
}

// multipartParts answers GET /multipart/{uploadId}: the parts S3 holds of
// the upload, so that a client can resume it or complete it with their
// ETags.
func (h *Handler) multipartParts(ctx context.Context, c *call, req partsRequest) outcome {
	if err := validateKey(req.key); err != nil {
		return badRequest(err)
	}
	if fail := h.decide(c, req.key); fail != nil {
		return *fail
	}
	id, _, fail := h.openUpload(req.uploadRef)
	if fail != nil {
		return *fail
	}
	parts, fail := h.listParts(ctx, req.key, id, c.rec)
	if fail != nil {
		return *fail
	}
	return ok(partsBody{Parts: parts})
}

// partsBody answers GET /multipart/{uploadId}.
type partsBody struct {
	Parts []partEntry `json:"parts"`
}

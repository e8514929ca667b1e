package api

import (
	"context"
	"net/http"
)

// abortRequest is DELETE /multipart/{uploadId}'s request.
type abortRequest struct{ uploadRef }

// parseMultipartAbort reads the upload id and the key.
func parseMultipartAbort(in *input) (abortRequest, error) {
	return abortRequest{parseUploadRef(in)}, nil
}

// multipartAbort answers DELETE /multipart/{uploadId}: S3 aborts the
// upload and drops its parts; 204.
func (h *Handler) multipartAbort(ctx context.Context, c *call, req abortRequest) outcome {
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
	if fail := h.abort(ctx, req.key, id, c.rec); fail != nil {
		return *fail
	}
	return outcome{status: http.StatusNoContent}
}

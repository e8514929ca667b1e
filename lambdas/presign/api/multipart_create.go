package api

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/securestore/securestore/lambdas/presign/multipart"
)

// createRequest is POST /multipart's request.
type createRequest struct {
	key         string
	contentType string
	size        int64 // the whole object's, bounded by the size step
}

func (r createRequest) subject() subject { return subject{key: r.key, delivery: deliveryS3} }

// parseMultipartCreate reads the POST /multipart body: exactly the
// table's key, contentType and size, all required, strictly as
// parseUpload reads its body.
func parseMultipartCreate(in *input) (createRequest, error) {
	var r createRequest
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
	if r.size, _, err = intField(fields, "size"); err != nil {
		return r, err
	}
	s, _ := in.route.Lookup("contentType")
	if err := checkContentType(s, r.contentType); err != nil {
		return r, fmt.Errorf("field contentType: %w", err)
	}
	return r, nil
}

// multipartCreate answers POST /multipart: the size within the upload
// limit, the server's plan for it, and S3's CreateMultipartUpload.
func (h *Handler) multipartCreate(ctx context.Context, c *call, req createRequest) outcome {
	if err := validateKey(req.key); err != nil {
		return badRequest(err)
	}
	if err := h.checkActiveContent(req.contentType); err != nil {
		return badRequest(err)
	}
	if fail := h.decide(c, req.key); fail != nil {
		return *fail
	}
	if h.uploads == nil {
		return multipartOff()
	}
	if err := within(c.route, "size", req.size, h.limits, " bytes (maxUploadBytes)"); err != nil {
		return badRequest(err)
	}
	plan, err := multipart.PlanFor(req.size)
	if err != nil {
		return badRequest(fmt.Errorf("size: %w", err))
	}
	out, err := h.uploads.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:      aws.String(h.cfg.Bucket),
		Key:         aws.String(req.key),
		ContentType: aws.String(req.contentType),
	})
	if err != nil || aws.ToString(out.UploadId) == "" {
		c.rec.err = fmt.Errorf("create multipart upload: %w", errors.Join(err, errors.New("no upload id")))
		return serverError()
	}
	b := createBody{
		UploadID: multipart.ID{Upload: *out.UploadId, Size: req.size}.String(),
		Key:      req.key,
		PartSize: plan.PartSize,
		Parts:    plan.Parts,
	}
	if out.AbortDate != nil {
		b.ExpiresAt = aws.String(out.AbortDate.UTC().Format(time.RFC3339))
	}
	return ok(b)
}

// createBody answers POST /multipart; expiresAt is when S3's lifecycle
// rule aborts the upload if it is not completed (null when S3 does not
// say).
type createBody struct {
	UploadID  string  `json:"uploadId"`
	Key       string  `json:"key"`
	PartSize  int64   `json:"partSize"`
	Parts     int     `json:"partCount"`
	ExpiresAt *string `json:"expiresAt"`
}

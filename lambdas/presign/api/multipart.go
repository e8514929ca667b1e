package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/securestore/securestore/lambdas/presign/multipart"
	"github.com/securestore/securestore/lambdas/presign/settings"
	"github.com/securestore/securestore/lambdas/presign/signer"
)

// Multipart is the part of the S3 API the /multipart routes call.
// *s3.Client implements it.
type Multipart interface {
	CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	ListParts(ctx context.Context, in *s3.ListPartsInput, optFns ...func(*s3.Options)) (*s3.ListPartsOutput, error)
	CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
}

var _ Multipart = (*s3.Client)(nil)

// listPartsPage is the page size of ListParts (S3's maximum).
const listPartsPage = 1000

// uploadRef is what every route under /multipart/{uploadId} names: the
// API's upload id, unchecked, and the key the upload was made for.
type uploadRef struct {
	key      string
	uploadID string
}

func (r uploadRef) subject() subject { return subject{key: r.key, delivery: deliveryS3} }

// parseUploadRef reads the upload id from the path and the key from the
// query (the router and the table have made both present).
func parseUploadRef(in *input) uploadRef {
	key, _ := in.param("key")
	return uploadRef{key: key, uploadID: in.path["uploadId"]}
}

// multipartOff answers the /multipart routes when the handler has no
// Multipart client.
func multipartOff() outcome {
	return outcome{status: http.StatusNotFound, body: errorBody{Message: "multipart uploads are not available"}}
}

// openUpload runs what every route under /multipart/{uploadId} does once
// the caller may PUT the key (the upload id is not a credential, so every
// call is decided again for its key and caller): the upload id must be one
// this API issued (404 otherwise) of a size within maxUploadBytes; it
// returns the id and the server's plan for its size. S3 later answers
// NoSuchUpload (404) for an id that is not one of the key's.
func (h *Handler) openUpload(ref uploadRef) (multipart.ID, multipart.Plan, *outcome) {
	if h.uploads == nil {
		return multipart.ID{}, multipart.Plan{}, ptr(multipartOff())
	}
	id, err := multipart.ParseID(ref.uploadID)
	if err != nil {
		return multipart.ID{}, multipart.Plan{}, &outcome{status: http.StatusNotFound, body: errorBody{Message: fmt.Sprintf("upload id %s is not one this API issued", quote(ref.uploadID))}}
	}
	if id.Size > h.cfg.MaxUploadBytes {
		// An id from before the limit was lowered, or edited.
		return multipart.ID{}, multipart.Plan{}, ptr(badRequest(fmt.Errorf("the upload's size %d is over maxUploadBytes (%d)", id.Size, h.cfg.MaxUploadBytes)))
	}
	plan, _ := multipart.PlanFor(id.Size) // ParseID checked the size
	return id, plan, nil
}

// partSigning is what signing part URLs of an upload needs once the
// request has passed every check: the upload, its plan and the URLs'
// lifetime.
type partSigning struct {
	key  string
	id   multipart.ID
	plan multipart.Plan
	ttl  time.Duration
}

// openForParts runs the steps both part-signing routes take, in the
// pipeline's order: the key, the URLs' lifetime, the access decision for
// PUT and the upload's id and plan. The caller then bounds its part
// numbers by the plan and confirms the upload with S3 (confirmParts).
func (h *Handler) openForParts(c *call, ref uploadRef, expiresIn optInt) (partSigning, *outcome) {
	if err := validateKey(ref.key); err != nil {
		return partSigning{}, ptr(badRequest(err))
	}
	ttl, err := h.expiry(c.route, expiresIn)
	if err != nil {
		return partSigning{}, ptr(badRequest(err))
	}
	if fail := h.decide(c, ref.key); fail != nil {
		return partSigning{}, fail
	}
	id, plan, fail := h.openUpload(ref)
	if fail != nil {
		return partSigning{}, fail
	}
	return partSigning{key: ref.key, id: id, plan: plan, ttl: ttl}, nil
}

// confirmParts asks S3 for one part of the upload: an id that is not one of
// the key's uploads is 404 before any URL is signed.
func (h *Handler) confirmParts(ctx context.Context, s partSigning, rec *record) *outcome {
	_, fail := h.partsPage(ctx, s.key, s.id, 0, 1, rec)
	return fail
}

// presignPart signs a PUT of part n for its exact length in the plan.
func (h *Handler) presignPart(ctx context.Context, s partSigning, n int) (signer.URL, error) {
	return h.presigner.Presign(ctx, signer.Request{
		Method:        http.MethodPut,
		Key:           s.key,
		UploadID:      s.id.Upload,
		PartNumber:    int32(n),
		ContentLength: s.plan.PartLength(n),
		Expires:       s.ttl,
	})
}

// listParts returns every part S3 holds of the upload, page by page.
func (h *Handler) listParts(ctx context.Context, key string, id multipart.ID, rec *record) ([]partEntry, *outcome) {
	parts := []partEntry{}
	marker := 0
	for range (settings.MaxParts + listPartsPage - 1) / listPartsPage {
		out, fail := h.partsPage(ctx, key, id, marker, listPartsPage, rec)
		if fail != nil {
			return nil, fail
		}
		for _, p := range out.Parts {
			parts = append(parts, partEntry{PartNumber: int(aws.ToInt32(p.PartNumber)), ETag: aws.ToString(p.ETag), Size: aws.ToInt64(p.Size)})
		}
		next, err := strconv.Atoi(aws.ToString(out.NextPartNumberMarker))
		if !aws.ToBool(out.IsTruncated) || err != nil || next <= marker {
			return parts, nil
		}
		marker = next
	}
	return parts, nil
}

// partsPage is one ListParts call after marker.
func (h *Handler) partsPage(ctx context.Context, key string, id multipart.ID, marker int, size int32, rec *record) (*s3.ListPartsOutput, *outcome) {
	in := &s3.ListPartsInput{
		Bucket:   aws.String(h.cfg.Bucket),
		Key:      aws.String(key),
		UploadId: aws.String(id.Upload),
		MaxParts: aws.Int32(size),
	}
	if marker > 0 {
		in.PartNumberMarker = aws.String(strconv.Itoa(marker))
	}
	out, err := h.uploads.ListParts(ctx, in)
	if err != nil {
		fail := h.s3Failure(err, "list parts", rec)
		return nil, &fail
	}
	return out, nil
}

// abort aborts the upload; nil when S3 did.
func (h *Handler) abort(ctx context.Context, key string, id multipart.ID, rec *record) *outcome {
	_, err := h.uploads.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket:   aws.String(h.cfg.Bucket),
		Key:      aws.String(key),
		UploadId: aws.String(id.Upload),
	})
	if err != nil {
		fail := h.s3Failure(err, "abort multipart upload", rec)
		return &fail
	}
	return nil
}

// s3Failure answers an S3 error: NoSuchUpload is 404 (the id is not one of
// the key's uploads, or it is over), a part S3 refuses is 400, anything
// else a 500 with the cause in the log line.
func (h *Handler) s3Failure(err error, what string, rec *record) outcome {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchUpload":
			return outcome{status: http.StatusNotFound, body: errorBody{Message: "no such upload of this key: it was completed or aborted, or its id belongs to another key"}}
		case "InvalidPart", "InvalidPartOrder", "EntityTooSmall":
			return badRequest(fmt.Errorf("S3 refused the parts: %s", ae.ErrorCode()))
		}
	}
	rec.err = fmt.Errorf("%s: %w", what, err)
	return serverError()
}

// partEntry is a part S3 holds.
type partEntry struct {
	PartNumber int    `json:"partNumber"`
	ETag       string `json:"etag"`
	Size       int64  `json:"size"`
}

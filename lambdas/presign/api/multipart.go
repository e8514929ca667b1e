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
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/securestore/securestore/lambdas/presign/codec"
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

// multipart answers the /multipart routes, once the caller may PUT the key
// (serve has decided): the upload id is not a credential, so every call is
// decided again for its key and caller, and S3 answers NoSuchUpload (404)
// for an upload id that is not one of the key's.
func (h *Handler) multipart(ctx context.Context, o op, req request, ttl time.Duration, rec *record) outcome {
	if h.uploads == nil {
		return outcome{status: http.StatusNotFound, body: errorBody{Message: "multipart uploads are not available"}}
	}
	if o == opMultipartCreate {
		return h.createUpload(ctx, req, rec)
	}
	id, err := multipart.ParseID(req.uploadID)
	if err != nil {
		return outcome{status: http.StatusNotFound, body: errorBody{Message: fmt.Sprintf("upload id %s is not one this API issued", quote(req.uploadID))}}
	}
	if id.Size > h.cfg.MaxUploadBytes {
		// An id from before the limit was lowered, or edited.
		return badRequest(fmt.Errorf("the upload's size %d is over maxUploadBytes (%d)", id.Size, h.cfg.MaxUploadBytes))
	}
	plan, _ := multipart.PlanFor(id.Size) // ParseID checked the size
	switch o {
	case opMultipartSign:
		return h.signPart(ctx, req, id, plan, ttl, rec)
	case opMultipartParts:
		parts, fail := h.listParts(ctx, req.key, id, rec)
		if fail != nil {
			return *fail
		}
		return ok(partsBody{Parts: parts})
	case opMultipartComplete:
		return h.completeUpload(ctx, req, id, plan, rec)
	default:
		if fail := h.abort(ctx, req.key, id, rec); fail != nil {
			return *fail
		}
		return outcome{status: http.StatusNoContent, body: noBody{}}
	}
}

// createUpload answers POST /multipart: the size within the upload limit,
// the server's plan for it, and S3's CreateMultipartUpload.
func (h *Handler) createUpload(ctx context.Context, req request, rec *record) outcome {
	if req.size < 1 || req.size > h.cfg.MaxUploadBytes {
		return badRequest(fmt.Errorf("size must be from 1 to %d bytes (maxUploadBytes)", h.cfg.MaxUploadBytes))
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
		rec.err = fmt.Errorf("create multipart upload: %w", errors.Join(err, errors.New("no upload id")))
		return serverError()
	}
	b := createBody{
		UploadID: multipart.ID{Upload: *out.UploadId, Size: req.size}.String(),
		Key:      req.key,
		PartSize: plan.PartSize,
		Parts:    plan.Parts,
	}
	if out.AbortDate != nil {
		b.ExpiresAt = out.AbortDate.UTC().Format(time.RFC3339)
	}
	return ok(b)
}

// signPart answers GET /multipart/{uploadId}/parts/{partNumber}: a PUT URL
// for the part that signs its exact length, once S3 confirms the upload is
// the key's.
func (h *Handler) signPart(ctx context.Context, req request, id multipart.ID, plan multipart.Plan, ttl time.Duration, rec *record) outcome {
	if req.partNumber > plan.Parts {
		return badRequest(fmt.Errorf("partNumber must be from 1 to %d for this upload (%d bytes in parts of %d)", plan.Parts, plan.Size, plan.PartSize))
	}
	if _, fail := h.partsPage(ctx, req.key, id, 0, 1, rec); fail != nil {
		return *fail
	}
	u, err := h.presigner.Presign(ctx, signer.Request{
		Method:        http.MethodPut,
		Key:           req.key,
		UploadID:      id.Upload,
		PartNumber:    int32(req.partNumber),
		ContentLength: plan.PartLength(req.partNumber),
		Expires:       ttl,
	})
	if err != nil {
		rec.err = fmt.Errorf("presign part %d: %w", req.partNumber, err)
		return serverError()
	}
	return ok(urlBody{URL: u.URL, Method: http.MethodPut, Headers: u.Headers, ExpiresAt: h.expiresAt(u.ExpiresAt, ttl)})
}

// completeUpload answers POST /multipart/{uploadId}/complete. The parts S3
// holds must be exactly the plan's, each of its planned length; otherwise
// the upload is aborted (what was sent is not the declared object) and the
// answer is 400. The caller's list must then name each part with S3's
// ETag; a list that does not is refused with 400 and the upload kept, so
// that the caller can read the parts again (GET /multipart/{uploadId}) and
// retry.
func (h *Handler) completeUpload(ctx context.Context, req request, id multipart.ID, plan multipart.Plan, rec *record) outcome {
	held, fail := h.listParts(ctx, req.key, id, rec)
	if fail != nil {
		return *fail
	}
	if err := heldMatchPlan(plan, held); err != nil {
		if fail := h.abort(ctx, req.key, id, rec); fail != nil && fail.status != http.StatusNotFound {
			return *fail
		}
		return badRequest(fmt.Errorf("%w; the upload is aborted", err))
	}
	if err := listMatchesHeld(req.parts, held); err != nil {
		return badRequest(fmt.Errorf("%w; the upload is kept: read its parts (GET /multipart/{uploadId}) and complete again", err))
	}
	done := make([]types.CompletedPart, len(held))
	for i, p := range held {
		done[i] = types.CompletedPart{PartNumber: aws.Int32(int32(p.PartNumber)), ETag: aws.String(p.ETag)}
	}
	out, err := h.uploads.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(h.cfg.Bucket),
		Key:             aws.String(req.key),
		UploadId:        aws.String(id.Upload),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done},
	})
	if err != nil {
		return h.s3Failure(err, "complete multipart upload", rec)
	}
	return ok(completeBody{Key: req.key, ETag: aws.ToString(out.ETag)})
}

// heldMatchPlan checks the parts S3 holds (ascending, as ListParts gives
// them) against the plan: parts 1 to plan.Parts, each its planned length,
// and nothing beyond.
func heldMatchPlan(plan multipart.Plan, held []partEntry) error {
	for i, p := range held {
		if p.PartNumber > plan.Parts {
			return fmt.Errorf("part %d is beyond the plan's %d parts", p.PartNumber, plan.Parts)
		}
		if n := i + 1; p.PartNumber != n {
			return fmt.Errorf("part %d is missing", n)
		}
		if want := plan.PartLength(p.PartNumber); p.Size != want {
			return fmt.Errorf("part %d is %d bytes, the plan's is %d", p.PartNumber, p.Size, want)
		}
	}
	if len(held) < plan.Parts {
		return fmt.Errorf("part %d is missing (%d of %d parts uploaded)", len(held)+1, len(held), plan.Parts)
	}
	return nil
}

// listMatchesHeld checks the caller's list against the parts S3 holds.
func listMatchesHeld(listed []partETag, held []partEntry) error {
	if len(listed) != len(held) {
		return fmt.Errorf("the request lists %d parts, the upload has %d", len(listed), len(held))
	}
	for i, p := range listed {
		if p.number != held[i].PartNumber || unquote(p.etag) != unquote(held[i].ETag) {
			return fmt.Errorf("part %d: the request's ETag is not the uploaded part's", held[i].PartNumber)
		}
	}
	return nil
}

// unquote drops the quotes around an ETag, which clients keep or strip.
func unquote(etag string) string {
	if len(etag) >= 2 && etag[0] == '"' && etag[len(etag)-1] == '"' {
		return etag[1 : len(etag)-1]
	}
	return etag
}

// listParts returns every part S3 holds of the upload, page by page.
func (h *Handler) listParts(ctx context.Context, key string, id multipart.ID, rec *record) ([]partEntry, *outcome) {
	var parts []partEntry
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

// createBody answers POST /multipart; expiresAt is when S3's lifecycle
// rule aborts the upload if it is not completed (null when S3 does not
// say).
type createBody struct {
	UploadID  string `json:"uploadId"`
	Key       string `json:"key"`
	PartSize  int64  `json:"partSize"`
	Parts     int    `json:"partCount"`
	ExpiresAt string `json:"expiresAt"`
}

func (b createBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"uploadId":`...)
	dst = codec.AppendString(dst, b.UploadID)
	dst = append(dst, `,"key":`...)
	dst = codec.AppendString(dst, b.Key)
	dst = append(dst, `,"partSize":`...)
	dst = strconv.AppendInt(dst, b.PartSize, 10)
	dst = append(dst, `,"partCount":`...)
	dst = strconv.AppendInt(dst, int64(b.Parts), 10)
	dst = append(dst, `,"expiresAt":`...)
	if b.ExpiresAt == "" {
		dst = append(dst, "null"...)
	} else {
		dst = codec.AppendString(dst, b.ExpiresAt)
	}
	return append(dst, '}')
}

// partEntry is a part S3 holds.
type partEntry struct {
	PartNumber int    `json:"partNumber"`
	ETag       string `json:"etag"`
	Size       int64  `json:"size"`
}

// partsBody answers GET /multipart/{uploadId}.
type partsBody struct {
	Parts []partEntry `json:"parts"`
}

func (b partsBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"parts":[`...)
	for i, p := range b.Parts {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"partNumber":`...)
		dst = strconv.AppendInt(dst, int64(p.PartNumber), 10)
		dst = append(dst, `,"etag":`...)
		dst = codec.AppendString(dst, p.ETag)
		dst = append(dst, `,"size":`...)
		dst = strconv.AppendInt(dst, p.Size, 10)
		dst = append(dst, '}')
	}
	return append(dst, "]}"...)
}

// completeBody answers POST /multipart/{uploadId}/complete.
type completeBody struct {
	Key  string `json:"key"`
	ETag string `json:"etag"`
}

func (b completeBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"key":`...)
	dst = codec.AppendString(dst, b.Key)
	dst = append(dst, `,"etag":`...)
	dst = codec.AppendString(dst, b.ETag)
	return append(dst, '}')
}

// noBody is the empty body of a 204.
type noBody struct{}

func (noBody) appendJSON(dst []byte) []byte { return dst }

package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/securestore/securestore/lambdas/presign/multipart"
)

// completeRequest is POST /multipart/{uploadId}/complete's request.
type completeRequest struct {
	uploadRef
	parts []partETag
}

// partETag is a part of a complete request: its number and the ETag S3
// answered its upload with.
type partETag struct {
	number int
	etag   string
}

// parseMultipartComplete reads the upload id, the key and the body:
// {"parts": [{"partNumber": N, "etag": E}, ...]}, as many parts as the
// table allows, each with exactly those two fields in the table's bounds
// (the ETag printable ASCII), numbers ascending without repeats (the
// order S3 completes in).
func parseMultipartComplete(in *input) (completeRequest, error) {
	r := completeRequest{uploadRef: parseUploadRef(in)}
	fields, err := in.object(MaxCompleteBodyBytes)
	if err != nil {
		return r, err
	}
	list, _ := in.route.Body.Field("parts")
	var items []json.RawMessage
	if raw := fields["parts"]; len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		return r, errors.New("field parts: want an array")
	}
	if len(items) < list.MinItems || len(items) > list.MaxItems {
		return r, fmt.Errorf("field parts: want %d to %d parts, received %d", list.MinItems, list.MaxItems, len(items))
	}
	part := *list.Items
	numbers, _ := part.Field("partNumber")
	lo, hi := boundsOf(numbers.Schema, in.limits)
	etags, _ := part.Field("etag")
	r.parts = make([]partETag, 0, len(items))
	for i, item := range items {
		at := fmt.Sprintf("parts[%d]", i)
		members, err := strictObject(item, at, part)
		if err != nil {
			return r, err
		}
		n, _, err := intField(members, "partNumber")
		if err != nil || n < lo || n > hi {
			return r, fmt.Errorf("%s.partNumber: want a whole number from %d to %d", at, lo, hi)
		}
		var e string
		if err := stringField(members, "etag", &e); err != nil || !lengthWithin(etags.Schema, e) || !printable(e) {
			return r, fmt.Errorf("%s.etag: want the ETag S3 answered the part's upload with, %d to %d printable ASCII characters", at, etags.MinLength, etags.MaxLength)
		}
		if i > 0 && int(n) <= r.parts[i-1].number {
			return r, fmt.Errorf("%s.partNumber %d: part numbers must ascend without repeats", at, n)
		}
		r.parts = append(r.parts, partETag{number: int(n), etag: e})
	}
	return r, nil
}

// multipartComplete answers POST /multipart/{uploadId}/complete. The
// parts S3 holds must be exactly the plan's, each of its planned length;
// otherwise the upload is aborted (what was sent is not the declared
// object) and the answer is 400. The caller's list must then name each
// part with S3's ETag; a list that does not is refused with 400 and the
// upload kept, so that the caller can read the parts again (GET
// /multipart/{uploadId}) and retry.
func (h *Handler) multipartComplete(ctx context.Context, c *call, req completeRequest) outcome {
	if err := validateKey(req.key); err != nil {
		return badRequest(err)
	}
	if fail := h.decide(c, req.key); fail != nil {
		return *fail
	}
	id, plan, fail := h.openUpload(req.uploadRef)
	if fail != nil {
		return *fail
	}
	held, fail := h.listParts(ctx, req.key, id, c.rec)
	if fail != nil {
		return *fail
	}
	if err := heldMatchPlan(plan, held); err != nil {
		if fail := h.abort(ctx, req.key, id, c.rec); fail != nil && fail.status != http.StatusNotFound {
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
		return h.s3Failure(err, "complete multipart upload", c.rec)
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

// completeBody answers POST /multipart/{uploadId}/complete.
type completeBody struct {
	Key  string `json:"key"`
	ETag string `json:"etag"`
}

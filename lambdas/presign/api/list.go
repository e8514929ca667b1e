package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/codec"
	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

// Lister lists a bucket's objects (ListObjectsV2). *s3.Client implements
// it.
type Lister interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

var _ Lister = (*s3.Client)(nil)

// list answers GET /objects: the prefix must lie at or under a rule
// prefix that lets the caller GET (its longest rule decides, as for a key),
// and only the keys the caller may GET are answered, each decided by its
// own longest rule. A page may so hold fewer than maxKeys objects; the
// continuation token goes on while S3 has more.
func (h *Handler) list(ctx context.Context, req request, caller access.Caller, rec *record) outcome {
	if req.prefix == "" {
		return badRequest(errors.New("prefix must not be empty: list under a prefix you may read, such as your home"))
	}
	// A prefix is the start of a key: it must be one once anything follows.
	if err := objectkey.Validate(req.prefix + "x"); err != nil {
		return badRequest(fmt.Errorf("invalid prefix: %s", strings.TrimPrefix(err.Error(), "objectkey: ")))
	}
	d := access.Decide(h.cfg.Rules, caller, req.prefix, http.MethodGet)
	rec.decide(d)
	if !d.Allowed {
		return forbidden(fmt.Errorf("prefix %s: %s", quote(req.prefix), d.Reason))
	}
	if h.lister == nil {
		return outcome{status: http.StatusNotFound, body: errorBody{Message: "listing is not available"}}
	}
	in := &s3.ListObjectsV2Input{
		Bucket:  aws.String(h.cfg.Bucket),
		Prefix:  aws.String(req.prefix),
		MaxKeys: aws.Int32(req.maxKeys),
	}
	if req.token != "" {
		in.ContinuationToken = aws.String(req.token)
	}
	out, err := h.lister.ListObjectsV2(ctx, in)
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "InvalidArgument" && req.token != "" {
			return badRequest(errors.New("continuationToken is not one S3 gave for this prefix"))
		}
		rec.err = fmt.Errorf("list %q: %w", req.prefix, err)
		return serverError()
	}
	body := listBody{Objects: make([]listEntry, 0, len(out.Contents))}
	for _, o := range out.Contents {
		key := aws.ToString(o.Key)
		// A key written around the API (the console, another role) that
		// GET /presign would refuse is not listed either.
		if objectkey.Validate(key) != nil || !access.Decide(h.cfg.Rules, caller, key, http.MethodGet).Allowed {
			continue
		}
		e := listEntry{Key: key, Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag)}
		if o.LastModified != nil {
			e.LastModified = o.LastModified.UTC().Format(time.RFC3339)
		}
		body.Objects = append(body.Objects, e)
	}
	if aws.ToBool(out.IsTruncated) {
		body.NextContinuationToken = out.NextContinuationToken
	}
	return ok(body)
}

// listBody answers GET /objects; nextContinuationToken is null on the
// last page.
type listBody struct {
	Objects               []listEntry `json:"objects"`
	NextContinuationToken *string     `json:"nextContinuationToken"`
}

// listEntry is one object of a listing.
type listEntry struct {
	Key          string `json:"key"`
	Size         int64  `json:"size"`
	LastModified string `json:"lastModified"`
	ETag         string `json:"etag"`
}

func (b listBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"objects":[`...)
	for i, e := range b.Objects {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"key":`...)
		dst = codec.AppendString(dst, e.Key)
		dst = append(dst, `,"size":`...)
		dst = strconv.AppendInt(dst, e.Size, 10)
		dst = append(dst, `,"lastModified":`...)
		dst = codec.AppendString(dst, e.LastModified)
		dst = append(dst, `,"etag":`...)
		dst = codec.AppendString(dst, e.ETag)
		dst = append(dst, '}')
	}
	dst = append(dst, `],"nextContinuationToken":`...)
	if b.NextContinuationToken == nil {
		dst = append(dst, "null"...)
	} else {
		dst = codec.AppendString(dst, *b.NextContinuationToken)
	}
	return append(dst, '}')
}

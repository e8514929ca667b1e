package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/routes"
)

// Lister lists a bucket's objects (ListObjectsV2). *s3.Client implements
// it.
type Lister interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

var _ Lister = (*s3.Client)(nil)

// listRequest is GET /objects' request.
type listRequest struct {
	prefix  string
	token   string
	maxKeys int32
}

func (r listRequest) subject() subject { return subject{key: r.prefix} }

// parseList reads GET /objects' query: prefix (required; the handler
// checks it as the start of a key), continuationToken (printable ASCII of
// the table's length) and maxKeys (the table's bounds, routes.DefaultListKeys
// when absent).
func parseList(in *input) (listRequest, error) {
	r := listRequest{maxKeys: routes.DefaultListKeys}
	r.prefix, _ = in.param("prefix")
	if t, ok := in.param("continuationToken"); ok {
		s, _ := in.route.Lookup("continuationToken")
		if !lengthWithin(s, t) || !printable(t) {
			return r, fmt.Errorf("continuationToken must be %d to %d printable ASCII characters, as the last answer gave it", s.MinLength, s.MaxLength)
		}
		r.token = t
	}
	n, has, err := in.intParam("maxKeys")
	if err != nil {
		return r, err
	}
	if has {
		if err := within(in.route, "maxKeys", n, in.limits, ""); err != nil {
			return r, err
		}
		r.maxKeys = int32(n)
	}
	return r, nil
}

// list answers GET /objects: the prefix must lie at or under a rule
// prefix that lets the caller GET (its longest rule decides, as for a key),
// and only the keys the caller may GET are answered, each decided by its
// own longest rule. A page may so hold fewer than maxKeys objects; the
// continuation token goes on while S3 has more.
func (h *Handler) list(ctx context.Context, c *call, req listRequest) outcome {
	if req.prefix == "" {
		return badRequest(errors.New("prefix must not be empty: list under a prefix you may read, such as your home"))
	}
	if err := validatePrefix(req.prefix); err != nil {
		return badRequest(err)
	}
	d := access.Decide(h.cfg.Rules, c.caller, req.prefix, c.method)
	c.rec.decide(d)
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
		c.rec.err = fmt.Errorf("list %q: %w", req.prefix, err)
		return serverError()
	}
	body := listBody{Objects: make([]listEntry, 0, len(out.Contents))}
	for _, o := range out.Contents {
		key := aws.ToString(o.Key)
		// A key written around the API (the console, another role) that
		// GET /presign would refuse is not listed either.
		if validateKey(key) != nil || !access.Decide(h.cfg.Rules, c.caller, key, c.method).Allowed {
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

// Package signer presigns S3 requests for one bucket: GET, PUT and DELETE
// URLs, UploadPart URLs of multipart uploads, and browser POST forms with a
// policy, all through the SDK's s3.PresignClient (PresignGetObject,
// PresignPutObject, PresignDeleteObject, PresignUploadPart and
// PresignPostObject). This package adds only the checks of the request,
// the list of headers a client must send, and the expiry as a time.
//
// Where the object lives and how it is signed (addressing style, a custom
// endpoint, FIPS, dual-stack, acceleration, access points, SigV4a for
// Multi-Region Access Points) are the client's: whatever its endpoint rules
// give.
//
// Headers that a signature covers are never hoisted into the query string:
// a PUT's Content-Type, Content-Length and x-amz-checksum-sha256 stay signed
// headers, so the uploader must send exactly those values, and URL.Headers
// lists them; Presign refuses to return a URL where the SDK did not sign
// them so (SigV4a hoists the checksum). The SDK adds no checksum of its own
// to presigned PUTs (PresignPutObject in s3 v1.114.8 forces
// RequestChecksumCalculation WhenRequired, and the function's client,
// lambdaenv.Env.S3, sets it too), so a plain curl PUT works.
package signer

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/securestore/securestore/lambdas/presign/settings"
)

// MaxExpires is the longest expiry SigV4 query authentication allows.
const MaxExpires = 7 * 24 * time.Hour

// MaxPutBytes is the largest body of a single PUT S3 accepts (5 GiB).
const MaxPutBytes = settings.MaxPutBytes

// Methods a Request may use.
const (
	MethodGet    = http.MethodGet
	MethodPut    = http.MethodPut
	MethodDelete = http.MethodDelete
)

// HeaderChecksumSHA256 is the header that carries a PUT's base64 SHA-256.
const HeaderChecksumSHA256 = "X-Amz-Checksum-Sha256"

// amzDate is the layout of X-Amz-Date.
const amzDate = "20060102T150405Z"

// ErrInvalid is wrapped by every error about a Request or PostRequest.
var ErrInvalid = errors.New("invalid presign request")

// Request is one presigned single-object request.
type Request struct {
	// Method is MethodGet, MethodPut or MethodDelete.
	Method string
	// Key is the object key, already validated (objectkey.Validate).
	Key string
	// ContentType is the Content-Type a PUT must be sent with; required for
	// PUT, signed. Not allowed with other methods.
	ContentType string
	// ChecksumSHA256 is the base64 SHA-256 of a PUT's body, signed as
	// x-amz-checksum-sha256 so that S3 refuses any other body. Optional.
	ChecksumSHA256 string
	// ContentLength is the exact size of a PUT's body, 1 to MaxPutBytes,
	// signed as Content-Length so that S3 refuses a body of any other
	// size; required for PUT, not allowed with other methods.
	ContentLength int64
	// Expires is how long the URL is valid, 1 s to MaxExpires.
	Expires time.Duration
	// UploadID and PartNumber, given together, make a PUT an UploadPart of
	// the multipart upload UploadID: part PartNumber, 1 to
	// settings.MaxParts, whose exact length is ContentLength. Such a PUT
	// takes no ContentType (the upload's creation fixed it) and no
	// checksum.
	UploadID   string
	PartNumber int32
}

// URL is a presigned request.
type URL struct {
	// URL is the presigned URL, a bearer credential until ExpiresAt.
	URL string
	// Method is the HTTP method the URL is signed for.
	Method string
	// Headers are every header the client must send, with these values, for
	// the signature to hold (Host aside, which the client's HTTP stack sets).
	Headers map[string]string
	// ExpiresAt is when the URL stops working.
	ExpiresAt time.Time
}

// PostRequest is a presigned POST: a browser form upload of one object.
type PostRequest struct {
	// Key is the object key, already validated.
	Key string
	// ContentType is the Content-Type the form must declare; required.
	ContentType string
	// MaxBytes bounds the upload: the policy's content-length-range is 1 to MaxBytes.
	MaxBytes int64
	// Expires is how long the form may be posted, 1 s to MaxExpires.
	Expires time.Duration
}

// Post is what a client needs to build the multipart form: POST to URL with
// every field of Fields, then the file as the last field, named "file".
type Post struct {
	// URL is where the form is posted: the bucket's endpoint.
	URL string
	// Fields are the form's fields: the key, the policy and its signature.
	Fields map[string]string
	// ExpiresAt is when the policy stops allowing the upload.
	ExpiresAt time.Time
}

// S3 presigns requests for one bucket.
type S3 struct {
	bucket  string
	presign *s3.PresignClient
}

// Option configures an S3 presigner.
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock sets the clock that stamps single-object signatures (default:
// the SDK's, time.Now). POST policies are stamped by the SDK's clock.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// clocked is the SigV4 presigner the S3 client builds for itself (a
// v4.Signer that does not escape S3 paths twice) with another clock.
type clocked struct {
	v4  *v4.Signer
	now func() time.Time
}

func (c clocked) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	_ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return c.v4.PresignHTTP(ctx, creds, r, payloadHash, service, region, c.now().UTC(), optFns...)
}

// probeKey is the key New presigns once to check the client's configuration.
const probeKey = "securestore-signer-probe"

// New returns a presigner for bucket that signs with client's credentials
// and region, at the endpoint the client's own endpoint resolver gives for
// bucket. It presigns one GET, with placeholder credentials, to report a
// configuration the SDK cannot sign for (a bucket or endpoint its endpoint
// rules refuse) now rather than on the first request.
func New(client *s3.Client, bucket string, opts ...Option) (*S3, error) {
	if client == nil {
		return nil, fmt.Errorf("signer: no S3 client")
	}
	if bucket == "" {
		return nil, fmt.Errorf("signer: empty bucket name")
	}
	o := client.Options()
	if o.Region == "" {
		return nil, fmt.Errorf("signer: the S3 client has no region (set AWS_REGION)")
	}
	if o.Credentials == nil {
		return nil, fmt.Errorf("signer: the S3 client has no credentials")
	}
	var set options
	for _, opt := range opts {
		opt(&set)
	}
	s := &S3{bucket: bucket, presign: s3.NewPresignClient(client, func(po *s3.PresignOptions) {
		if _, cached := o.Credentials.(*aws.CredentialsCache); !cached {
			// Retrieve is called on every signature: never fetch each time.
			cache := aws.NewCredentialsCache(o.Credentials)
			po.ClientOptions = append(po.ClientOptions, func(so *s3.Options) { so.Credentials = cache })
		}
		if set.now != nil {
			po.Presigner = clocked{v4: v4.NewSigner(func(so *v4.SignerOptions) { so.DisableURIPathEscaping = true }), now: set.now}
		}
	})}
	// The probe signs with placeholder credentials: the real ones are
	// fetched when the first request is signed.
	probe := func(po *s3.PresignOptions) {
		po.ClientOptions = append(po.ClientOptions, func(so *s3.Options) {
			so.Credentials = credentials.NewStaticCredentialsProvider("AKIAPROBE", "probe", "")
		})
	}
	if _, err := s.presign.PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(probeKey)}, probe); err != nil {
		return nil, fmt.Errorf("signer: bucket %q: %w", bucket, err)
	}
	return s, nil
}

// Bucket is the bucket the presigner signs for.
func (s *S3) Bucket() string { return s.bucket }

// Presign returns a presigned URL for r.
func (s *S3) Presign(ctx context.Context, r Request) (URL, error) {
	if err := r.check(); err != nil {
		return URL{}, err
	}
	expires := func(o *s3.PresignOptions) { o.Expires = r.Expires }
	var (
		req *v4.PresignedHTTPRequest
		err error
	)
	switch {
	case r.Method == MethodGet:
		req, err = s.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(r.Key)}, expires)
	case r.Method == MethodDelete:
		req, err = s.presign.PresignDeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(r.Key)}, expires)
	case r.UploadID != "":
		req, err = s.presign.PresignUploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String(s.bucket), Key: aws.String(r.Key), UploadId: aws.String(r.UploadID),
			PartNumber: aws.Int32(r.PartNumber), ContentLength: aws.Int64(r.ContentLength),
		}, expires)
	default:
		in := &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(r.Key), ContentType: aws.String(r.ContentType), ContentLength: aws.Int64(r.ContentLength)}
		if r.ChecksumSHA256 != "" {
			in.ChecksumSHA256 = aws.String(r.ChecksumSHA256)
		}
		req, err = s.presign.PresignPutObject(ctx, in, expires)
	}
	if err != nil {
		return URL{}, fmt.Errorf("signer: presign %s: %w", r.Method, err)
	}
	headers := clientHeaders(req.SignedHeader)
	if r.Method == MethodPut && headers["Content-Length"] != strconv.FormatInt(r.ContentLength, 10) {
		return URL{}, fmt.Errorf("signer: presign PUT: the SDK does not sign Content-Length for bucket %q", s.bucket)
	}
	if r.ChecksumSHA256 != "" && headers[HeaderChecksumSHA256] != r.ChecksumSHA256 {
		// SigV4a hoists it into the query, where S3 does not promise to
		// check it against the body.
		return URL{}, fmt.Errorf("signer: presign %s: the SDK does not sign %s as a header for bucket %q", r.Method, HeaderChecksumSHA256, s.bucket)
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return URL{}, fmt.Errorf("signer: presign %s: the SDK's URL: %w", r.Method, err)
	}
	signedAt, err := time.Parse(amzDate, u.Query().Get("X-Amz-Date"))
	if err != nil {
		return URL{}, fmt.Errorf("signer: presign %s: the SDK's X-Amz-Date: %w", r.Method, err)
	}
	return URL{URL: req.URL, Method: req.Method, Headers: headers, ExpiresAt: signedAt.Add(r.Expires)}, nil
}

// clientHeaders are the signed headers a client must send itself: all but
// Host, which its HTTP stack derives from the URL.
func clientHeaders(signed http.Header) map[string]string {
	out := make(map[string]string, len(signed))
	for name, values := range signed {
		if strings.EqualFold(name, "Host") {
			continue
		}
		out[http.CanonicalHeaderKey(name)] = strings.Join(values, ",")
	}
	return out
}

// PresignPost returns a presigned POST form for r: its policy fixes the
// bucket, the key, the Content-Type and a content-length-range of 1 to
// r.MaxBytes bytes.
func (s *S3) PresignPost(ctx context.Context, r PostRequest) (Post, error) {
	if err := r.check(); err != nil {
		return Post{}, err
	}
	res, err := s.presign.PresignPostObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(s.bucket),
		Key:         aws.String(r.Key),
		ContentType: aws.String(r.ContentType),
	}, func(o *s3.PresignPostOptions) {
		o.Expires = r.Expires
		o.Conditions = []any{
			[]any{"content-length-range", 1, r.MaxBytes},
			map[string]string{"Content-Type": r.ContentType},
		}
	})
	if err != nil {
		return Post{}, fmt.Errorf("signer: presign POST: %w", err)
	}
	fields := make(map[string]string, len(res.Values)+1)
	for k, v := range res.Values {
		fields[k] = v
	}
	fields["Content-Type"] = r.ContentType
	// The SDK stamps the policy with its own clock: its expiration is the
	// X-Amz-Date field plus r.Expires.
	signedAt, err := time.Parse(amzDate, fields["X-Amz-Date"])
	if err != nil {
		return Post{}, fmt.Errorf("signer: presign POST: the SDK's X-Amz-Date field %q: %w", fields["X-Amz-Date"], err)
	}
	return Post{URL: res.URL, Fields: fields, ExpiresAt: signedAt.Add(r.Expires)}, nil
}

func (r Request) check() error {
	var problems []string
	switch r.Method {
	case MethodGet, MethodDelete:
		if r.ContentType != "" || r.ChecksumSHA256 != "" || r.ContentLength != 0 {
			problems = append(problems, "content type, checksum and content length apply to PUT only")
		}
	case MethodPut:
		switch {
		case r.UploadID != "" || r.PartNumber != 0:
			if r.UploadID == "" || r.PartNumber < 1 || r.PartNumber > settings.MaxParts {
				problems = append(problems, fmt.Sprintf("an upload part needs an upload id and a part number from 1 to %d, received %q and %d", settings.MaxParts, r.UploadID, r.PartNumber))
			}
			if r.ContentType != "" || r.ChecksumSHA256 != "" {
				problems = append(problems, "an upload part takes no content type and no checksum")
			}
		case r.ContentType == "":
			problems = append(problems, "PUT needs a content type")
		}
		if r.ContentLength < 1 || r.ContentLength > MaxPutBytes {
			problems = append(problems, fmt.Sprintf("PUT needs a content length from 1 to %d bytes, received %d", int64(MaxPutBytes), r.ContentLength))
		}
		if r.ChecksumSHA256 != "" && !isSHA256(r.ChecksumSHA256) {
			problems = append(problems, "checksum must be the base64 encoding of 32 bytes")
		}
	default:
		problems = append(problems, fmt.Sprintf("method must be GET, PUT or DELETE, received %q", r.Method))
	}
	if r.Method != MethodPut && (r.UploadID != "" || r.PartNumber != 0) {
		problems = append(problems, "an upload id and a part number apply to PUT only")
	}
	problems = append(problems, checkCommon(r.Key, r.Expires)...)
	return joinProblems(problems)
}

func (r PostRequest) check() error {
	problems := checkCommon(r.Key, r.Expires)
	if r.ContentType == "" {
		problems = append(problems, "POST needs a content type")
	}
	if r.MaxBytes <= 0 {
		problems = append(problems, fmt.Sprintf("max bytes must be positive, received %d", r.MaxBytes))
	}
	return joinProblems(problems)
}

func checkCommon(key string, expires time.Duration) []string {
	var problems []string
	if key == "" {
		problems = append(problems, "empty key")
	}
	if expires < time.Second || expires > MaxExpires || expires%time.Second != 0 {
		problems = append(problems, fmt.Sprintf("expiry must be whole seconds from 1 s to %s, received %s", MaxExpires, expires))
	}
	return problems
}

func joinProblems(problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(problems, "; "))
}

func isSHA256(b64 string) bool {
	raw, err := base64.StdEncoding.DecodeString(b64)
	return err == nil && len(raw) == 32
}

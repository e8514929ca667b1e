// Package signer presigns S3 requests for one bucket: GET, PUT and DELETE
// URLs, UploadPart URLs of multipart uploads, and browser POST forms with a
// policy.
//
// Single-object URLs are signed with SigV4 query authentication directly
// (the SDK's v4.Signer over a request built here), not through the S3
// client's presign middleware stack: the result is the URL the SDK's
// PresignClient produces (the tests compare them byte for byte in every
// addressing style, partition and endpoint option), at a quarter of the
// cost. Where the object lives comes from the client's own endpoint
// resolver, asked once in New. Buckets whose endpoint needs more than plain
// SigV4 for "s3" (S3 Express, Multi-Region Access Points, endpoint headers)
// are signed by the SDK's PresignClient instead. POST forms always go
// through the SDK's PresignPostObject.
//
// Headers that a signature covers are never hoisted into the query string:
// a PUT's Content-Type and x-amz-checksum-sha256 stay signed headers, so the
// uploader must send exactly those values, and URL.Headers lists them. The
// SDK adds no checksum of its own to presigned PUTs (PresignPutObject in
// s3 v1.114.8 forces RequestChecksumCalculation WhenRequired, and the
// function's client, lambdaenv.Env.S3, sets it too), so a plain curl PUT works.
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
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/securestore/securestore/lambdas/presign/objectkey"
	"github.com/securestore/securestore/lambdas/presign/settings"
)

// MaxExpires is the longest expiry SigV4 query authentication allows.
const MaxExpires = 7 * 24 * time.Hour

// MaxPutBytes is the largest body of a single PUT S3 accepts (5 GiB).
const MaxPutBytes = settings.MaxPutBytes

// UnsignedPayload is the payload hash of presigned S3 requests: the body is
// not part of the signature (a PUT's integrity comes from its checksum header).
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// Methods a Request may use.
const (
	MethodGet    = http.MethodGet
	MethodPut    = http.MethodPut
	MethodDelete = http.MethodDelete
)

// HeaderChecksumSHA256 is the header that carries a PUT's base64 SHA-256.
const HeaderChecksumSHA256 = "X-Amz-Checksum-Sha256"

// operations are the S3 operation names the SDK marks its presigned URLs
// with (x-id), kept so that a URL from here equals the SDK's.
var operations = map[string]string{MethodGet: "GetObject", MethodPut: "PutObject", MethodDelete: "DeleteObject"}

// operationUploadPart is the x-id of a presigned UploadPart.
const operationUploadPart = "UploadPart"

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
	URL       string
	Fields    map[string]string
	ExpiresAt time.Time
}

// S3 presigns requests for one bucket.
type S3 struct {
	bucket  string
	region  string // signing region
	creds   aws.CredentialsProvider
	v4      *v4.Signer
	presign *s3.PresignClient
	now     func() time.Time
	// direct is true when single-object URLs are signed here on v4.Signer;
	// false when the bucket's endpoint needs more than plain SigV4 for the
	// "s3" service (SigV4a, S3 Express, endpoint headers, a legacy endpoint
	// resolver), and the SDK's PresignClient signs them.
	direct      bool
	scheme      string
	objectsHost string // host of object URLs
	objectsPath string // path prefix of object URLs: "" or "/<bucket>"
}

// Option configures an S3 presigner.
type Option func(*S3)

// WithClock sets the clock that stamps single-object signatures (default
// time.Now). POST policies, and the URLs of buckets the SDK signs itself,
// are stamped by the SDK's clock.
func WithClock(now func() time.Time) Option {
	return func(s *S3) { s.now = now }
}

// New returns a presigner for bucket that signs with client's credentials
// and region, at the endpoint the client's own endpoint resolver gives for
// bucket (so the addressing style, a custom endpoint, FIPS, dual-stack,
// acceleration and the partition's domain are the SDK's).
func New(client *s3.Client, bucket string, opts ...Option) (*S3, error) {
	if client == nil {
		return nil, fmt.Errorf("signer: no S3 client")
	}
	o := client.Options()
	if bucket == "" {
		return nil, fmt.Errorf("signer: empty bucket name")
	}
	if o.Region == "" {
		return nil, fmt.Errorf("signer: the S3 client has no region (set AWS_REGION)")
	}
	if o.Credentials == nil {
		return nil, fmt.Errorf("signer: the S3 client has no credentials")
	}
	creds := o.Credentials
	if _, cached := creds.(*aws.CredentialsCache); !cached {
		// Retrieve is called on every signature: never fetch each time.
		creds = aws.NewCredentialsCache(creds)
	}
	s := &S3{
		bucket: bucket,
		region: o.Region,
		creds:  creds,
		v4: v4.NewSigner(func(so *v4.SignerOptions) {
			so.DisableURIPathEscaping = true
			so.DisableHeaderHoisting = true
		}),
		presign: s3.NewPresignClient(client),
		now:     time.Now,
	}
	for _, opt := range opts {
		opt(s)
	}
	if err := s.resolveEndpoint(o); err != nil {
		return nil, err
	}
	return s, nil
}

// resolveEndpoint asks the client's endpoint resolver, with the parameters
// the SDK binds for an object operation on the bucket, where the bucket's
// objects are and how requests to them are signed. The result does not
// depend on the object key.
func (s *S3) resolveEndpoint(o s3.Options) error {
	//lint:ignore SA1019 a client configured with the deprecated resolver is signed by the SDK, which honours it.
	if o.EndpointResolver != nil || strings.Contains(o.Region, "fips") || o.EndpointResolverV2 == nil {
		return nil
	}
	params := s3.EndpointParameters{
		Bucket:                         aws.String(s.bucket),
		Region:                         aws.String(o.Region),
		UseFIPS:                        aws.Bool(o.EndpointOptions.UseFIPSEndpoint == aws.FIPSEndpointStateEnabled),
		UseDualStack:                   aws.Bool(o.EndpointOptions.UseDualStackEndpoint == aws.DualStackEndpointStateEnabled),
		Endpoint:                       o.BaseEndpoint,
		ForcePathStyle:                 aws.Bool(o.UsePathStyle),
		Accelerate:                     aws.Bool(o.UseAccelerate),
		DisableMultiRegionAccessPoints: aws.Bool(o.DisableMultiRegionAccessPoints),
		UseArnRegion:                   aws.Bool(o.UseARNRegion),
		DisableS3ExpressSessionAuth:    o.DisableS3ExpressSessionAuth,
	}
	endpoint, err := o.EndpointResolverV2.ResolveEndpoint(context.Background(), params)
	if err != nil {
		return fmt.Errorf("signer: S3 endpoint for bucket %q: %w", s.bucket, err)
	}
	u := endpoint.URI
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("signer: S3 endpoint %q for bucket %q is not an http(s) URL", u.String(), s.bucket)
	}
	if len(endpoint.Headers) > 0 || u.RawQuery != "" {
		return nil
	}
	if schemes, ok := smithyauth.GetAuthOptions(&endpoint.Properties); ok && len(schemes) > 0 {
		first := schemes[0]
		// Endpoint rules name schemes "sigv4", "sigv4a", "sigv4-s3express".
		if first.SchemeID != "sigv4" && first.SchemeID != smithyauth.SchemeIDSigV4 {
			return nil
		}
		if name, ok := smithyhttp.GetSigV4SigningName(&first.SignerProperties); ok && name != "s3" {
			return nil
		}
		if region, ok := smithyhttp.GetSigV4SigningRegion(&first.SignerProperties); ok && region != "" {
			s.region = region
		}
	}
	s.direct = true
	s.scheme, s.objectsHost, s.objectsPath = u.Scheme, u.Host, strings.TrimSuffix(u.Path, "/")
	return nil
}

// Bucket is the bucket the presigner signs for.
func (s *S3) Bucket() string { return s.bucket }

// Presign returns a presigned URL for r.
func (s *S3) Presign(ctx context.Context, r Request) (URL, error) {
	if err := r.check(); err != nil {
		return URL{}, err
	}
	if !s.direct {
		return s.presignSDK(ctx, r)
	}
	creds, err := s.creds.Retrieve(ctx)
	if err != nil {
		return URL{}, fmt.Errorf("signer: credentials: %w", err)
	}
	path := s.objectsPath + "/" + r.Key
	var secs [20]byte
	query := "X-Amz-Expires=" + string(strconv.AppendInt(secs[:0], int64(r.Expires/time.Second), 10)) + "&x-id=" + operations[r.Method]
	if r.UploadID != "" {
		// The signer sorts the query, so the order here does not matter.
		query = "X-Amz-Expires=" + string(strconv.AppendInt(secs[:0], int64(r.Expires/time.Second), 10)) +
			"&partNumber=" + strconv.Itoa(int(r.PartNumber)) + "&uploadId=" + url.QueryEscape(r.UploadID) + "&x-id=" + operationUploadPart
	}
	u := &url.URL{
		Scheme:   s.scheme,
		Host:     s.objectsHost,
		Path:     path,
		RawQuery: query,
	}
	if !unreservedPath(path) {
		// Else the path is its own escaping, objectkey's and net/url's
		// alike, and EscapedPath returns it without checking a RawPath.
		u.RawPath = s.objectsPath + "/" + objectkey.Escape(r.Key)
	}
	req := &http.Request{
		Method: r.Method,
		URL:    u,
		Host:   s.objectsHost,
		Header: http.Header{},
	}
	if r.ContentType != "" {
		req.Header["Content-Type"] = []string{r.ContentType}
	}
	if r.ChecksumSHA256 != "" {
		req.Header[HeaderChecksumSHA256] = []string{r.ChecksumSHA256}
	}
	// The signer signs Content-Length from the request's length.
	req.ContentLength = r.ContentLength
	now := s.now().UTC()
	signed, headers, err := s.v4.PresignHTTP(ctx, creds, req, UnsignedPayload, "s3", s.region, now)
	if err != nil {
		return URL{}, fmt.Errorf("signer: presign %s: %w", r.Method, err)
	}
	return URL{URL: signed, Method: r.Method, Headers: clientHeaders(headers), ExpiresAt: now.Add(r.Expires).Truncate(time.Second)}, nil
}

// unreservedPath reports whether p holds only RFC 3986 unreserved
// characters and slashes, which no URI encoding changes.
func unreservedPath(p string) bool {
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/':
		default:
			return false
		}
	}
	return true
}

// presignSDK presigns r with the SDK's PresignClient, for buckets whose
// endpoint needs more than plain SigV4.
func (s *S3) presignSDK(ctx context.Context, r Request) (URL, error) {
	expires := func(o *s3.PresignOptions) { o.Expires = r.Expires }
	var (
		req *v4.PresignedHTTPRequest
		err error
	)
	switch r.Method {
	case MethodGet:
		req, err = s.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(r.Key)}, expires)
	case MethodDelete:
		req, err = s.presign.PresignDeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(r.Key)}, expires)
	case MethodPut:
		if r.UploadID != "" {
			req, err = s.presign.PresignUploadPart(ctx, &s3.UploadPartInput{
				Bucket: aws.String(s.bucket), Key: aws.String(r.Key), UploadId: aws.String(r.UploadID),
				PartNumber: aws.Int32(r.PartNumber), ContentLength: aws.Int64(r.ContentLength),
			}, expires)
			break
		}
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
	signedAt := time.Now().UTC()
	if u, err := url.Parse(req.URL); err == nil {
		if t, err := time.Parse(amzDate, u.Query().Get("X-Amz-Date")); err == nil {
			signedAt = t
		}
	}
	return URL{URL: req.URL, Method: req.Method, Headers: headers, ExpiresAt: signedAt.Add(r.Expires).Truncate(time.Second)}, nil
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
	if len(b64) > 64 {
		raw, err := base64.StdEncoding.DecodeString(b64)
		return err == nil && len(raw) == 32
	}
	// Decoded on the stack: the same bytes as DecodeString's.
	var src [64]byte
	var dst [48]byte
	n, err := base64.StdEncoding.Decode(dst[:], src[:copy(src[:], b64)])
	return err == nil && n == 32
}

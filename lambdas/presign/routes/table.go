package routes

import (
	"net/http"

	"github.com/securestore/securestore/lambdas/presign/settings"
)

// Bounds of values the routes share.
const (
	// MaxKeyBytes is the longest object key (S3's limit).
	MaxKeyBytes = 1024
	// MaxContentTypeBytes is the longest content type.
	MaxContentTypeBytes = 255
	// MaxETagBytes bounds a part's ETag (S3's are a quoted MD5, 34
	// characters).
	MaxETagBytes = 128
	// MaxTokenBytes bounds a listing's continuation token (S3's are a few
	// hundred bytes).
	MaxTokenBytes = 2048
	// DefaultListKeys is a listing page's size when maxKeys is absent.
	DefaultListKeys = 100
	// MaxListKeys is the largest listing page (S3's).
	MaxListKeys = 1000
	// ChecksumSHA256Bytes is the length of the base64 of a SHA-256 digest.
	ChecksumSHA256Bytes = 44
	// MaxBatchParts is the most part URLs one GET
	// /multipart/{uploadId}/parts signs, and its default count.
	MaxBatchParts = 100
)

// Values shared by several routes.
var (
	key         = Schema{Type: String, MinLength: 1, MaxLength: MaxKeyBytes, Doc: "the object's key"}
	contentType = Schema{Type: String, MinLength: 1, MaxLength: MaxContentTypeBytes, Doc: "the object's media type; active content (HTML, SVG, JavaScript, XML) is refused unless allowActiveContent"}
	expiresIn   = Schema{Type: Integer, Minimum: N(1), Maximum: Bound{From: FromURLTTL}, Doc: "the URL's lifetime in seconds (default and most: urlTtlSeconds)"}
	expiresAt   = Schema{Type: String, Doc: "when the URL stops working (RFC 3339)"}
	url         = Schema{Type: String, Doc: "the signed URL (a bearer credential: never log it)"}
	headers     = Schema{Type: Object, Map: true, Doc: "every header the client must send for the signature to hold"}
	uploadID    = Param{Name: "uploadId", In: InPath, Required: true, Schema: Schema{Type: String, MinLength: 1, Doc: "the upload id POST /multipart answered"}}
	keyQuery    = Param{Name: "key", In: InQuery, Required: true, Schema: key}
	uploadKey   = Param{Name: "key", In: InQuery, Required: true, Schema: withDoc(key, "the key the upload was created for")}
	etag        = Schema{Type: String, MinLength: 1, MaxLength: MaxETagBytes, Doc: "the ETag S3 answered the part's upload with"}
	partNumber  = Schema{Type: Integer, Minimum: N(1), Maximum: N(settings.MaxParts), Doc: "the part's number"}
)

// All is every route of the API, in the order the README lists them and
// the construct creates their API Gateway resources, models and methods.
// That order is part of the API Gateway deployment's logical id: moving a
// route changes it (a new deployment), as adding one does.
var All = []Route{
	{
		Name: "presign", Method: http.MethodGet, Path: "/presign",
		Summary: "a presigned URL for one GET, PUT or DELETE of one object",
		Params: []Param{
			keyQuery,
			{Name: "method", In: InQuery, Schema: Schema{Type: String, Enum: []string{http.MethodGet, http.MethodPut, http.MethodDelete}, Doc: "the request the URL is for (default GET)"}},
			{Name: "contentType", In: InQuery, Schema: withDoc(contentType, "PUT only, required: the object's media type, signed")},
			{Name: "contentLength", In: InQuery, Schema: Schema{Type: Integer, Minimum: N(1), Maximum: Bound{From: FromPutLimit}, Doc: "PUT only, required: the body's exact size in bytes, signed"}},
			{Name: "checksumSha256", In: InQuery, Schema: Schema{Type: String, MinLength: ChecksumSHA256Bytes, MaxLength: ChecksumSHA256Bytes, Doc: "PUT only: the base64 SHA-256 of the body, signed"}},
			{Name: "expiresIn", In: InQuery, Schema: expiresIn},
			{Name: "delivery", In: InQuery, Schema: Schema{Type: String, Enum: []string{"s3", "cdn"}, Doc: "GET only: s3 (default) or cdn, a CloudFront signed URL"}},
		},
		Access: AccessFromMethod,
		Status: http.StatusOK,
		Response: &Body{Model: "PresignResponse", Doc: "a presigned URL", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "url", Required: true, Schema: url},
			{Name: "method", Required: true, Schema: Schema{Type: String, Doc: "the HTTP method to send"}},
			{Name: "headers", Required: true, Schema: headers},
			{Name: "expiresAt", Required: true, Schema: expiresAt},
		}}},
	},
	{
		Name: "list", Method: http.MethodGet, Path: "/objects",
		Summary: "the keys under a prefix that the caller may read, a page at a time",
		Params: []Param{
			{Name: "prefix", In: InQuery, Required: true, Schema: Schema{Type: String, MinLength: 1, MaxLength: MaxKeyBytes - 1, Doc: "the start of the keys listed, at or under a prefix the caller may read"}},
			{Name: "continuationToken", In: InQuery, Schema: Schema{Type: String, MinLength: 1, MaxLength: MaxTokenBytes, Doc: "the previous page's nextContinuationToken"}},
			{Name: "maxKeys", In: InQuery, Schema: Schema{Type: Integer, Minimum: N(1), Maximum: N(MaxListKeys), Doc: "the page's size (default 100)"}},
		},
		Access: AccessGet,
		Status: http.StatusOK,
		Response: &Body{Model: "ListResponse", Doc: "a page of readable keys", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "objects", Required: true, Schema: Schema{Type: Array, Items: &Schema{Type: Object, Fields: []Field{
				{Name: "key", Required: true, Schema: key},
				{Name: "size", Required: true, Schema: Schema{Type: Integer, Doc: "the object's size in bytes"}},
				{Name: "lastModified", Required: true, Schema: Schema{Type: String, Doc: "RFC 3339"}},
				{Name: "etag", Required: true, Schema: Schema{Type: String}},
			}}}},
			{Name: "nextContinuationToken", Required: true, Schema: Schema{Type: String, Nullable: true, Doc: "the next page's token, null on the last page"}},
		}}},
	},
	{
		Name: "upload", Method: http.MethodPost, Path: "/uploads",
		Summary: "a presigned POST form for a browser upload, its size bounded by the policy",
		Body: &Body{Model: "UploadRequest", Doc: "POST /uploads body: the key, its content type and an optional size limit", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "key", Required: true, Schema: key},
			{Name: "contentType", Required: true, Schema: contentType},
			{Name: "maxBytes", Schema: Schema{Type: Integer, Minimum: N(1), Maximum: Bound{From: FromPutLimit}, Doc: "the largest file the form accepts (default and most: the single-upload limit)"}},
		}}},
		Access: AccessPut,
		Status: http.StatusOK,
		Response: &Body{Model: "UploadResponse", Doc: "a presigned POST form", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "url", Required: true, Schema: url},
			{Name: "fields", Required: true, Schema: Schema{Type: Object, Map: true, Doc: "the form fields to send before the file"}},
			{Name: "expiresAt", Required: true, Schema: expiresAt},
		}}},
	},
	{
		Name: "multipartCreate", Method: http.MethodPost, Path: "/multipart",
		Summary: "starts a multipart upload and plans its parts",
		Body: &Body{Model: "MultipartRequest", Doc: "POST /multipart body: the key, its content type and the whole object's size", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "key", Required: true, Schema: key},
			{Name: "contentType", Required: true, Schema: contentType},
			{Name: "size", Required: true, Schema: Schema{Type: Integer, Minimum: N(1), Maximum: Bound{From: FromMaxUploadBytes}, Doc: "the whole object's size in bytes"}},
		}}},
		Access: AccessPut,
		Status: http.StatusOK,
		Response: &Body{Model: "MultipartResponse", Doc: "the upload and its plan", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "uploadId", Required: true, Schema: Schema{Type: String, Doc: "the API's upload id"}},
			{Name: "key", Required: true, Schema: key},
			{Name: "partSize", Required: true, Schema: Schema{Type: Integer, Doc: "every part's size but the last's"}},
			{Name: "partCount", Required: true, Schema: Schema{Type: Integer, Doc: "the number of parts"}},
			{Name: "expiresAt", Required: true, Schema: Schema{Type: String, Nullable: true, Doc: "when the bucket's lifecycle rule aborts the upload if it is not completed (RFC 3339); null when S3 does not say"}},
		}}},
	},
	{
		Name: "multipartParts", Method: http.MethodGet, Path: "/multipart/{uploadId}",
		Summary: "the parts S3 holds of an upload",
		Params:  []Param{uploadID, uploadKey},
		Access:  AccessPut,
		Status:  http.StatusOK,
		Response: &Body{Model: "PartsResponse", Doc: "the parts uploaded so far", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "parts", Required: true, Schema: Schema{Type: Array, Items: &Schema{Type: Object, Fields: []Field{
				{Name: "partNumber", Required: true, Schema: partNumber},
				{Name: "etag", Required: true, Schema: etag},
				{Name: "size", Required: true, Schema: Schema{Type: Integer, Doc: "the part's size in bytes"}},
			}}}},
		}}},
	},
	{
		Name: "multipartAbort", Method: http.MethodDelete, Path: "/multipart/{uploadId}",
		Summary: "aborts an upload and drops its parts",
		Params:  []Param{uploadID, uploadKey},
		Access:  AccessPut,
		Status:  http.StatusNoContent,
	},
	{
		Name: "multipartSign", Method: http.MethodGet, Path: "/multipart/{uploadId}/parts/{partNumber}",
		Summary: "a presigned URL for one part, its exact length signed",
		Params: []Param{
			uploadID,
			{Name: "partNumber", In: InPath, Required: true, Schema: partNumber},
			uploadKey,
			{Name: "expiresIn", In: InQuery, Schema: expiresIn},
		},
		Access: AccessPut,
		Status: http.StatusOK,
		Response: &Body{Model: "PartResponse", Doc: "a presigned URL for one part", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "url", Required: true, Schema: url},
			{Name: "headers", Required: true, Schema: headers},
			{Name: "expiresAt", Required: true, Schema: expiresAt},
		}}},
	},
	{
		Name: "multipartBatch", Method: http.MethodGet, Path: "/multipart/{uploadId}/parts",
		Summary: "presigned URLs for a run of parts in one call, each its exact length signed",
		Params: []Param{
			uploadID,
			uploadKey,
			{Name: "from", In: InQuery, Schema: withDoc(partNumber, "the first part's number (default 1); one beyond the upload's plan is refused")},
			{Name: "count", In: InQuery, Schema: Schema{Type: Integer, Minimum: N(1), Maximum: N(MaxBatchParts), Doc: "how many parts (default and most: 100), clipped to the upload's last part"}},
			{Name: "expiresIn", In: InQuery, Schema: expiresIn},
		},
		Access: AccessPut,
		Status: http.StatusOK,
		Response: &Body{Model: "PartBatchResponse", Doc: "a presigned URL for each part of the run", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "parts", Required: true, Schema: Schema{Type: Array, MinItems: 1, MaxItems: MaxBatchParts, Items: &Schema{Type: Object, Fields: []Field{
				{Name: "partNumber", Required: true, Schema: partNumber},
				{Name: "url", Required: true, Schema: url},
				{Name: "headers", Required: true, Schema: headers},
			}}}},
			{Name: "expiresAt", Required: true, Schema: expiresAt},
		}}},
	},
	{
		Name: "multipartComplete", Method: http.MethodPost, Path: "/multipart/{uploadId}/complete",
		Summary: "completes an upload whose parts match its plan",
		Params:  []Param{uploadID, uploadKey},
		Body: &Body{Model: "CompleteRequest", Doc: "POST /multipart/{uploadId}/complete body: every part's number and ETag", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "parts", Required: true, Schema: Schema{Type: Array, MinItems: 1, MaxItems: settings.MaxParts, Items: &Schema{Type: Object, Fields: []Field{
				{Name: "partNumber", Required: true, Schema: partNumber},
				{Name: "etag", Required: true, Schema: etag},
			}}}},
		}}},
		Access: AccessPut,
		Status: http.StatusOK,
		Response: &Body{Model: "CompleteResponse", Doc: "the object made", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "key", Required: true, Schema: key},
			{Name: "etag", Required: true, Schema: Schema{Type: String, Doc: "the object's ETag"}},
		}}},
	},
	{
		Name: "cdnAccess", Method: http.MethodPost, Path: "/cdn-access",
		Summary: "a CloudFront policy (query and cookies) for every key under a folder",
		Body: &Body{Model: "FolderRequest", Doc: "POST /cdn-access body: the folder's prefix and an optional lifetime", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "prefix", Required: true, Schema: Schema{Type: String, MinLength: 1, MaxLength: MaxKeyBytes, Pattern: "/$", Doc: "the folder, ending in /"}},
			{Name: "expiresIn", Schema: expiresIn},
		}}},
		Access: AccessGet,
		Needs:  CDN,
		Status: http.StatusOK,
		Response: &Body{Model: "FolderResponse", Doc: "a CloudFront custom policy for the folder", Schema: Schema{Type: Object, Fields: []Field{
			{Name: "resource", Required: true, Schema: Schema{Type: String, Doc: "https://<distribution>/<prefix>*"}},
			{Name: "expiresAt", Required: true, Schema: expiresAt},
			{Name: "query", Required: true, Schema: Schema{Type: String, Doc: "the query string to append to each URL under the folder"}},
			{Name: "cookies", Required: true, Schema: Schema{Type: Object, Map: true, Doc: "the CloudFront-* cookies, also set with Set-Cookie"}},
		}}},
	},
}

// ErrorBody is every error answer's body.
var ErrorBody = Body{Model: "Error", Doc: "why the request was refused", Schema: Schema{Type: Object, Fields: []Field{
	{Name: "message", Required: true, Schema: Schema{Type: String}},
}}}

func withDoc(s Schema, doc string) Schema {
	s.Doc = doc
	return s
}

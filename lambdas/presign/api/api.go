// Package api answers the presign API's requests: API Gateway REST proxy
// events in, proxy responses out.
//
// Routes (the Presign API contract in ARCHITECTURE.md):
//
//	GET  /presign?key=K&method=GET|PUT|DELETE[&contentType=T&contentLength=N][&checksumSha256=B64][&expiresIn=S][&delivery=s3|cdn]
//	POST /uploads   {"key": "...", "contentType": "...", "maxBytes": N}
//	GET  /objects?prefix=P[&continuationToken=T][&maxKeys=N]
//	POST /multipart  {"key": "...", "contentType": "...", "size": N}
//	GET  /multipart/{uploadId}/parts/{partNumber}?key=K[&expiresIn=S]
//	GET  /multipart/{uploadId}?key=K
//	POST /multipart/{uploadId}/complete?key=K  {"parts": [{"partNumber": N, "etag": "..."}]}
//	DELETE /multipart/{uploadId}?key=K
//	POST /cdn-access  {"prefix": "...", "expiresIn": S}
//
// Every request goes through the same steps, each in its own place and none
// reaching back: route, parse (strict: unknown or repeated parameters,
// unknown or repeated body fields, a body over MaxBodyBytes are refused),
// identity (only from the Cognito authorizer's claims), key validation
// (objectkey), expiry bounds, delivery, access decision (access.Decide; a
// POST upload counts as PUT), upload size bounds, and only then signing.
// Each step has its file: route.go, parse.go, caller.go, key.go,
// limits.go, sign.go, then response.go and log.go; the JSON of events and
// responses is package codec's.
//
// Caller mistakes are answered 400 and refusals 403, both with a JSON
// {"message": "..."}; an unknown route is 404 and a known route with
// another HTTP method 405. 500 is kept for real server-side failures (the
// signer failing) and says nothing more than that. Every response is JSON
// with Cache-Control: no-store.
//
// delivery=cdn returns a CloudFront signed URL instead of an S3 one. It is
// offered for GET only: a CloudFront canned-policy signature does not bind
// the HTTP method, so a CDN URL issued "for PUT" or "for DELETE" would be
// good for every method the distribution enables, which is more than the
// access decision granted. Uploads and deletes always go to S3, whose
// SigV4 signature does bind the method.
//
// One log line (JSON, via the injected slog.Logger) is written per request
// with the request ids, sub, key, method, decision and status. It never
// holds a URL, a signature, the query string or headers: a presigned URL is
// a bearer credential.
package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/cdnsign"
	"github.com/securestore/securestore/lambdas/presign/codec"
	"github.com/securestore/securestore/lambdas/presign/identity"
	"github.com/securestore/securestore/lambdas/presign/signer"
)

// MaxBodyBytes is the largest POST /uploads body accepted, after base64
// decoding when API Gateway encoded it.
const MaxBodyBytes = 4 << 10

// Presigner signs S3 requests. *signer.S3 implements it.
type Presigner interface {
	// Presign signs one GET, PUT or DELETE of one object.
	Presign(ctx context.Context, r signer.Request) (signer.URL, error)
	// PresignPost signs a browser form upload.
	PresignPost(ctx context.Context, r signer.PostRequest) (signer.Post, error)
}

// URLSigner signs CloudFront URLs for one distribution. *cdnsign.Signer
// implements it.
type URLSigner interface {
	// Sign returns a signed URL for key that expires at expires.
	Sign(key string, expires time.Time) (string, error)
	// SignFolder signs a custom policy for every key under prefix.
	SignFolder(prefix string, expires time.Time) (cdnsign.Folder, error)
}

// Deps are the handler's collaborators.
type Deps struct {
	// Presigner signs S3 URLs and POST policies. Required.
	Presigner Presigner
	// CDN signs CloudFront URLs. Required when Config.CDN is set, else
	// ignored.
	CDN URLSigner
	// Lister lists the bucket for GET /objects; *s3.Client is one.
	// Default: - nil: GET /objects answers 404.
	Lister Lister
	// Multipart creates, lists, completes and aborts the multipart
	// uploads of the /multipart routes; *s3.Client is one.
	// Default: - nil: the /multipart routes answer 404.
	Multipart Multipart
	// Logger receives one line per request. Default: - nothing is logged.
	Logger *slog.Logger
	// Now is the clock used for CDN expiry times and as a fallback for
	// expiresAt. Default: - time.Now.
	Now func() time.Time
}

// Handler answers presign API requests. Build it with New; it is safe for
// concurrent use.
type Handler struct {
	cfg       Config
	presigner Presigner
	cdn       URLSigner
	lister    Lister
	uploads   Multipart
	log       *slog.Logger
	now       func() time.Time
}

// New checks cfg and deps and returns a Handler.
func New(cfg Config, deps Deps) (*Handler, error) {
	var errs []error
	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	if deps.Presigner == nil {
		errs = append(errs, errors.New("api: no Presigner"))
	}
	if cfg.CDN != nil && deps.CDN == nil {
		errs = append(errs, errors.New("api: CDN delivery is configured but there is no CDN URL signer"))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	h := &Handler{
		cfg:       cfg,
		presigner: deps.Presigner,
		lister:    deps.Lister,
		uploads:   deps.Multipart,
		log:       deps.Logger,
		now:       deps.Now,
	}
	if cfg.CDN != nil {
		h.cdn = deps.CDN
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	return h, nil
}

// Handle answers one API Gateway REST proxy event. The returned error is
// always nil: every outcome, a server-side failure included, is a response.
func (h *Handler) Handle(ctx context.Context, pr events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	ev := codec.FromProxy(&pr)
	r := h.answer(ctx, &ev)
	resp := r.Proxy()
	r.Release()
	return resp, nil
}

// decoder decodes the proxy events of Invoke, the strings every request
// repeats (routes, methods, parameter and claim names) without allocating.
var decoder = codec.NewDecoder(resPresign, resUploads, "GET", "PUT", "POST", "DELETE",
	resObjects, resMultipart, resUpload, resPart, resComplete, resCDNAccess, pathUploadID, pathPartNumber, paramKey, paramMethod, paramContentType, paramLength, paramChecksum, paramExpiresIn, paramDelivery,
	paramPrefix, paramToken, paramMaxKeys,
	identity.ClaimSub, identity.ClaimEmail, identity.ClaimGroups)

// Invoke implements lambda.Handler, the path the Lambda runtime takes when
// main passes the Handler to lambda.Start: the API Gateway REST proxy
// event's JSON in, the proxy response's JSON out. It answers exactly as
// Handle does, without decoding the whole event: it reads only the fields
// the handler uses (see codec.Decoder.Decode for the rules, which are
// encoding/json's). A payload that is not such an event is an error, as
// the runtime's own decoding makes it for Handle; every other outcome is a
// response.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	// JSON between systems is UTF-8 (RFC 8259) and API Gateway sends
	// nothing else. encoding/json would quietly turn invalid bytes into
	// U+FFFD, and a key made of them into another key: refuse instead.
	if !utf8.Valid(payload) {
		return nil, errInvalidUTF8
	}
	ev, err := decoder.Decode(payload)
	if err != nil {
		return nil, err
	}
	r := h.answer(ctx, &ev)
	// Room for the body with its quotes and backslashes escaped, and the
	// status and headers around it.
	n := len(r.Body) + bytes.Count(r.Body, []byte{'"'}) + bytes.Count(r.Body, []byte{'\\'}) + 256
	out := r.AppendJSON(make([]byte, 0, n))
	r.Release()
	return out, nil
}

// errInvalidUTF8 is Invoke's answer to a payload that is not UTF-8.
var errInvalidUTF8 = errors.New("presign: the event is not valid UTF-8")

// answer runs the pipeline, writes the log line and builds the response.
func (h *Handler) answer(ctx context.Context, ev *codec.Event) codec.Response {
	rec := newRecord(ctx, ev)
	out := h.serve(ctx, ev, &rec)
	rec.status = out.status
	h.logRecord(ctx, &rec, out)
	return h.respond(ev, out)
}

// serve runs the pipeline. Each step either hands its result to the next
// or ends the request with an outcome.
func (h *Handler) serve(ctx context.Context, ev *codec.Event, rec *record) outcome {
	t, fail := route(ev)
	if fail != nil {
		return *fail
	}
	rec.op = t.op.String()

	req, err := parse(t, ev)
	if err != nil {
		return badRequest(err)
	}
	rec.key, rec.method, rec.delivery = req.key, req.method, req.delivery

	ident, err := callerFrom(ev)
	if err != nil {
		return forbidden(err)
	}
	rec.sub = ident.Sub
	caller := access.Caller{Sub: ident.Sub, Groups: ident.Groups}
	switch t.op {
	case opList:
		rec.key = req.prefix
		return h.list(ctx, req, caller, rec)
	case opCDNAccess:
		rec.key = req.prefix
		return h.cdnAccess(ev, req, caller, rec)
	}

	if err := validateKey(req.key); err != nil {
		return badRequest(err)
	}
	ttl, err := h.expiry(req)
	if err != nil {
		return badRequest(err)
	}
	if err := h.checkDelivery(req); err != nil {
		return badRequest(err)
	}
	if req.contentType != "" && !h.cfg.AllowActiveContent && IsActiveContent(req.contentType) {
		return badRequest(fmt.Errorf("contentType %s is active content (HTML, SVG, JavaScript or XML), which a browser would run on the distribution's origin; uploads of it are off (allowActiveContent)", quote(req.contentType)))
	}
	if req.contentLength > h.putLimit() {
		return badRequest(fmt.Errorf("contentLength must be from 1 to %d bytes (maxUploadBytes, at most 5 GiB in one PUT: larger objects go up in parts, POST /multipart)", h.putLimit()))
	}

	d := access.Decide(h.cfg.Rules, caller, req.key, req.method)
	rec.decide(d)
	if !d.Allowed {
		return forbidden(errors.New(d.Reason))
	}

	switch t.op {
	case opUpload:
		maxBytes, err := h.uploadLimit(req)
		if err != nil {
			return badRequest(err)
		}
		return h.signPost(ctx, req, ttl, maxBytes, rec)
	case opMultipartCreate, opMultipartParts, opMultipartAbort, opMultipartSign, opMultipartComplete:
		return h.multipart(ctx, t.op, req, ttl, rec)
	default:
		if req.delivery == deliveryCDN {
			return h.signCDN(req, ttl, rec)
		}
		return h.signURL(ctx, req, ttl, rec)
	}
}

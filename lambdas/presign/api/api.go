// Package api answers the presign API's requests: API Gateway REST proxy
// events in, proxy responses out.
//
// Routes (the Presign API contract in ARCHITECTURE.md):
//
//	GET  /presign?key=K&method=GET|PUT|DELETE[&contentType=T&contentLength=N][&checksumSha256=B64][&expiresIn=S][&delivery=s3|cdn]
//	POST /uploads   {"key": "...", "contentType": "...", "maxBytes": N}
//
// Every request goes through the same steps, each in its own place and none
// reaching back: route, parse (strict: unknown or repeated parameters,
// unknown or repeated body fields, a body over MaxBodyBytes are refused),
// identity (only from the Cognito authorizer's claims), key validation
// (objectkey), expiry bounds, delivery, access decision (access.Decide; a
// POST upload counts as PUT), upload size bounds, and only then signing.
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
}

// Deps are the handler's collaborators.
type Deps struct {
	// Presigner signs S3 URLs and POST policies. Required.
	Presigner Presigner
	// CDN signs CloudFront URLs. Required when Config.CDN is set, else
	// ignored.
	CDN URLSigner
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
	ev := fromProxy(&pr)
	r := h.answer(ctx, &ev)
	resp := r.proxy()
	r.release()
	return resp, nil
}

// Invoke implements lambda.Handler, the path the Lambda runtime takes when
// main passes the Handler to lambda.Start: the API Gateway REST proxy
// event's JSON in, the proxy response's JSON out. It answers exactly as
// Handle does, without decoding the whole event: it reads only the fields
// the handler uses (see decodeEvent for the rules, which are
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
	ev, err := decodeEvent(payload)
	if err != nil {
		return nil, err
	}
	r := h.answer(ctx, &ev)
	// Room for the body with its quotes and backslashes escaped, and the
	// status and headers around it.
	n := len(r.body) + bytes.Count(r.body, []byte{'"'}) + bytes.Count(r.body, []byte{'\\'}) + 256
	out := r.appendJSON(make([]byte, 0, n))
	r.release()
	return out, nil
}

// errInvalidUTF8 is Invoke's answer to a payload that is not UTF-8.
var errInvalidUTF8 = errors.New("presign: the event is not valid UTF-8")

// answer runs the pipeline, writes the log line and builds the response.
func (h *Handler) answer(ctx context.Context, ev *event) response {
	rec := newRecord(ctx, ev)
	out := h.serve(ctx, ev, &rec)
	rec.status = out.status
	h.logRecord(ctx, &rec, out)
	return h.respond(ev, out)
}

// serve runs the pipeline. Each step either hands its result to the next
// or ends the request with an outcome.
func (h *Handler) serve(ctx context.Context, ev *event, rec *record) outcome {
	op, fail := route(ev)
	if fail != nil {
		return *fail
	}
	rec.op = op.String()

	req, err := parse(op, ev)
	if err != nil {
		return badRequest(err)
	}
	rec.key, rec.method, rec.delivery = req.key, req.method, req.delivery

	caller, err := callerFrom(ev)
	if err != nil {
		return forbidden(err)
	}
	rec.sub = caller.Sub

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
	if req.contentLength > h.cfg.MaxUploadBytes {
		return badRequest(fmt.Errorf("contentLength must be from 1 to %d bytes (maxUploadBytes)", h.cfg.MaxUploadBytes))
	}

	d := access.Decide(h.cfg.Rules, access.Caller{Sub: caller.Sub, Groups: caller.Groups}, req.key, req.method)
	rec.decide(d)
	if !d.Allowed {
		return forbidden(errors.New(d.Reason))
	}

	switch op {
	case opUpload:
		maxBytes, err := h.uploadLimit(req)
		if err != nil {
			return badRequest(err)
		}
		return h.signPost(ctx, req, ttl, maxBytes, rec)
	default:
		if req.delivery == deliveryCDN {
			return h.signCDN(req, ttl, rec)
		}
		return h.signURL(ctx, req, ttl, rec)
	}
}

// expiry bounds the requested lifetime: default and maximum are
// Config.MaxTTL; the caller may ask for less, down to one second.
func (h *Handler) expiry(req request) (time.Duration, error) {
	maxSec := int64(h.cfg.MaxTTL / time.Second)
	if !req.hasExpiresIn {
		return time.Duration(maxSec) * time.Second, nil
	}
	if req.expiresIn < 1 || req.expiresIn > maxSec {
		return 0, fmt.Errorf("expiresIn must be from 1 to %d seconds", maxSec)
	}
	return time.Duration(req.expiresIn) * time.Second, nil
}

// checkDelivery refuses delivery=cdn when no distribution is configured.
func (h *Handler) checkDelivery(req request) error {
	if req.delivery == deliveryCDN && h.cdn == nil {
		return errors.New("delivery=cdn is not available: no CDN is configured")
	}
	return nil
}

// uploadLimit bounds maxBytes to 1..Config.MaxUploadBytes; an absent
// maxBytes means the configured maximum.
func (h *Handler) uploadLimit(req request) (int64, error) {
	if !req.hasMaxBytes {
		return h.cfg.MaxUploadBytes, nil
	}
	if req.maxBytes < 1 || req.maxBytes > h.cfg.MaxUploadBytes {
		return 0, fmt.Errorf("maxBytes must be from 1 to %d", h.cfg.MaxUploadBytes)
	}
	return req.maxBytes, nil
}

func (h *Handler) signURL(ctx context.Context, req request, ttl time.Duration, rec *record) outcome {
	u, err := h.presigner.Presign(ctx, signer.Request{
		Method:         req.method,
		Key:            req.key,
		ContentType:    req.contentType,
		ContentLength:  req.contentLength,
		ChecksumSHA256: req.checksumSHA256,
		Expires:        ttl,
	})
	if err != nil {
		rec.err = fmt.Errorf("presign %s: %w", req.method, err)
		return serverError()
	}
	headers := u.Headers
	if headers == nil {
		headers = map[string]string{}
	}
	return ok(urlBody{
		URL:       u.URL,
		Method:    req.method,
		Headers:   headers,
		ExpiresAt: h.expiresAt(u.ExpiresAt, ttl),
	})
}

func (h *Handler) signCDN(req request, ttl time.Duration, rec *record) outcome {
	// CloudFront's canned policy counts whole seconds: round up, so that
	// the expiry stays after the moment the signer checks it, however
	// close to a second's boundary the request came (rounded down, an
	// expiresIn of 1 could land in the signer's past and fail).
	expires := ceilSecond(h.now().Add(ttl))
	u, err := h.cdn.Sign(req.key, expires)
	if err != nil {
		rec.err = fmt.Errorf("sign CDN URL: %w", err)
		return serverError()
	}
	return ok(urlBody{
		URL:       u,
		Method:    req.method,
		Headers:   map[string]string{},
		ExpiresAt: expires.UTC().Format(time.RFC3339),
	})
}

func (h *Handler) signPost(ctx context.Context, req request, ttl time.Duration, maxBytes int64, rec *record) outcome {
	p, err := h.presigner.PresignPost(ctx, signer.PostRequest{
		Key:         req.key,
		ContentType: req.contentType,
		MaxBytes:    maxBytes,
		Expires:     ttl,
	})
	if err != nil {
		rec.err = fmt.Errorf("presign POST: %w", err)
		return serverError()
	}
	fields := p.Fields
	if fields == nil {
		fields = map[string]string{}
	}
	return ok(postBody{
		URL:       p.URL,
		Fields:    fields,
		ExpiresAt: h.expiresAt(p.ExpiresAt, ttl),
	})
}

// ceilSecond rounds t up to a whole second.
func ceilSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); !r.Equal(t) {
		return r.Add(time.Second)
	}
	return t
}

// expiresAt formats the signer's expiry, or now+ttl when it gave none.
func (h *Handler) expiresAt(t time.Time, ttl time.Duration) string {
	if t.IsZero() {
		t = h.now().Add(ttl)
	}
	return t.UTC().Format(time.RFC3339)
}

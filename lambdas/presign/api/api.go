// Package api answers the presign API's requests: API Gateway REST proxy
// events in, proxy responses out.
//
// The routes (the Presign API contract in ARCHITECTURE.md) are package
// routes' table, routes.All: each one's method, path, parameters and their
// bounds, body fields, the rule method it needs and its answer. router.go
// maps each route's Name to its handler and routes by the table; each
// route has its file (presign.go, upload.go, list.go, multipart_create.go,
// multipart_parts.go, multipart_abort.go, multipart_sign.go,
// multipart_complete.go, cdnaccess.go) with its own request type, parser
// and handler; multipart.go holds what the multipart routes share.
//
// Every request goes through the same steps, each in its own place and none
// reaching back: route (router.go), parse (the route's parser over the
// shared strict reading of request.go and content.go: unknown or
// repeated parameters, unknown or repeated body fields and a body over
// MaxBodyBytes are refused; syntax and the table's fixed bounds are
// checked here), identity
// (caller.go, only from the Cognito authorizer's claims and the ID token),
// key validation (key.go, objectkey), expiry (limits.go, the table's
// bounds for the deployment's routes.Limits), delivery, access decision
// (access.Decide for the method the table's Access names: a POST upload
// counts as PUT), size bounds (the table's, for the deployment), and only
// then signing; response.go writes the answer and log.go the log line. A
// route whose Needs feature the deployment lacks (POST /cdn-access without
// a CDN) is refused with 400 after identity.
//
// Events and responses are aws-lambda-go's types (main passes Handle to
// lambda.Start) and bodies go through encoding/json. The runtime decodes
// the event with encoding/json, which turns invalid UTF-8 into U+FFFD, so
// a key or prefix holding U+FFFD is refused (key.go): bytes that are not
// UTF-8 can never become another key.
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
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/cdnsign"
	"github.com/securestore/securestore/lambdas/presign/routes"
	"github.com/securestore/securestore/lambdas/presign/signer"
)

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
	limits    routes.Limits
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
		limits:    routes.Limits{MaxUploadBytes: cfg.MaxUploadBytes, URLTTLSeconds: int64(cfg.MaxTTL / time.Second)},
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

// Handle answers one API Gateway REST proxy event; main passes it to
// lambda.Start. The returned error is always nil: every outcome, a
// server-side failure included, is a response.
func (h *Handler) Handle(ctx context.Context, r events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	rec := newRecord(ctx, &r)
	out := h.serve(ctx, &r, &rec)
	rec.status = out.status
	h.logRecord(ctx, &rec, out)
	return h.respond(&r, out), nil
}

// serve routes the event and hands it to its route's endpoint.
func (h *Handler) serve(ctx context.Context, ev *events.APIGatewayProxyRequest, rec *record) outcome {
	rt, path, fail := route(ev)
	if fail != nil {
		return *fail
	}
	rec.op = rt.String()
	ep, ok := endpoints[rt.Name]
	if !ok {
		// Not in a tested build: TestEndpoints_MatchTable.
		return notFound()
	}
	in, err := newInput(rt, ev, path, h.limits)
	if err != nil {
		return badRequest(err)
	}
	return ep(ctx, h, in, rec)
}

// request is a route's parsed request: syntax and fixed bounds checked,
// nothing decided yet.
type request interface {
	// subject is what the request is about.
	subject() subject
}

// subject is what a request is about, for the access decision and the log
// line.
type subject struct {
	// key is the object key, or the prefix of GET /objects and POST
	// /cdn-access.
	key string
	// method is the method GET /presign asks for, which the rules decide
	// on (routes.AccessFromMethod); "" elsewhere: the route's Access.
	method string
	// delivery is s3 or cdn, where the answer goes.
	delivery string
}

// call is a request past identity: its route, the caller, the method the
// access rules decide on, and the log record.
type call struct {
	route  routes.Route
	caller access.Caller
	method string
	rec    *record
}

// endpoint answers one route's input.
type endpoint func(ctx context.Context, h *Handler, in *input, rec *record) outcome

// bind makes a route's endpoint from its parser and its handler: parse,
// then identity, then the route's feature, then the handler, which runs
// the remaining steps in the package's order.
func bind[R request](parse func(*input) (R, error), serve func(*Handler, context.Context, *call, R) outcome) endpoint {
	return func(ctx context.Context, h *Handler, in *input, rec *record) outcome {
		req, err := parse(in)
		if err != nil {
			return badRequest(err)
		}
		s := req.subject()
		c := &call{route: in.route, method: string(in.route.Access), rec: rec}
		if in.route.Access == routes.AccessFromMethod {
			c.method = s.method
		}
		rec.key, rec.method, rec.delivery = s.key, c.method, s.delivery

		ident, err := callerFrom(in.ev)
		if err != nil {
			return forbidden(err)
		}
		rec.sub = ident.Sub
		c.caller = access.Caller{Sub: ident.Sub, Groups: ident.Groups}

		if in.route.Needs == routes.CDN && h.cdn == nil {
			return badRequest(errors.New(in.route.String() + " is not available: no CDN is configured"))
		}
		return serve(h, ctx, c, req)
	}
}

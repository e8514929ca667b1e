package api

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

// record gathers one request's log fields as the pipeline fills them in.
// It holds no URL, signature, query string or header by construction.
type record struct {
	requestID       string
	lambdaRequestID string
	httpMethod      string
	op              string
	sub             string
	key             string
	method          string
	delivery        string
	decision        string
	reason          string
	status          int
	err             error
}

func newRecord(ctx context.Context, ev *events.APIGatewayProxyRequest) record {
	r := record{requestID: ev.RequestContext.RequestID, httpMethod: ev.HTTPMethod}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.lambdaRequestID = lc.AwsRequestID
	}
	return r
}

func (r *record) decide(d access.Decision) {
	r.decision = "deny"
	if d.Allowed {
		r.decision = "allow"
	}
	r.reason = d.Reason
}

// logRecord writes the request's one log line.
func (h *Handler) logRecord(ctx context.Context, r *record, out outcome) {
	level := slog.LevelInfo
	if r.err != nil {
		level = slog.LevelError
	}
	if !h.log.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("requestId", r.requestID),
		slog.String("lambdaRequestId", r.lambdaRequestID),
		slog.String("httpMethod", cut(r.httpMethod, 16)),
		slog.String("route", r.op),
		slog.String("sub", r.sub),
		slog.String("key", cut(r.key, objectkey.MaxLen)),
		slog.String("method", r.method),
		slog.String("delivery", r.delivery),
		slog.String("decision", r.decision),
		slog.Int("status", r.status),
	}
	if r.reason != "" {
		attrs = append(attrs, slog.String("reason", r.reason))
	}
	if e, ok := out.body.(errorBody); ok && out.status < 500 {
		attrs = append(attrs, slog.String("message", e.Message))
	}
	if r.err != nil {
		attrs = append(attrs, slog.String("error", r.err.Error()))
	}
	h.log.LogAttrs(ctx, level, "presign request", attrs...)
}

// cut bounds a caller-supplied string in the log.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

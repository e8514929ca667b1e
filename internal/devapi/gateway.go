package devapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// HandlerFunc is the presign function's entry point: (*api.Handler).Handle.
type HandlerFunc func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)

// Authorizer verifies a request's Authorization header and returns the
// claims API Gateway's Cognito user-pool authorizer would pass on.
type Authorizer interface {
	Authorize(ctx context.Context, authorization string) (map[string]any, error)
}

// MaxPayloadBytes is API Gateway's largest request payload (10 MB).
const MaxPayloadBytes = 10 << 20

// Gateway is an http.Handler that answers as the deployed REST API does:
// its resources and methods, the Cognito authorizer, the request
// validator (required parameters, body models), the CORS preflights and
// gateway responses, in front of the function, which it calls in process
// with the proxy event API Gateway would send.
type Gateway struct {
	dep       *Deployment
	handler   HandlerFunc
	auth      Authorizer
	models    map[string]*jsonschema.Schema
	resources map[string]map[string]*Method // path -> method -> Method
	extra     map[string]http.Handler       // local-only GET paths (/openapi.json)
	logger    *slog.Logger
}

// NewGateway builds the gateway of dep in front of handler, authorizing
// with auth. extra are local-only GET routes served without authorization
// (the OpenAPI document); they must not clash with the API's resources.
func NewGateway(dep *Deployment, handler HandlerFunc, auth Authorizer, extra map[string]http.Handler, logger *slog.Logger) (*Gateway, error) {
	g := &Gateway{dep: dep, handler: handler, auth: auth, models: map[string]*jsonschema.Schema{},
		resources: map[string]map[string]*Method{}, extra: extra, logger: logger}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	for i := range dep.Methods {
		m := &dep.Methods[i]
		if g.resources[m.Path] == nil {
			g.resources[m.Path] = map[string]*Method{}
		}
		g.resources[m.Path][m.HTTPMethod] = m
		if m.Model == nil || g.models[m.Model.Name] != nil {
			continue
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(m.Model.Schema))
		if err != nil {
			return nil, fmt.Errorf("devapi: model %s: %w", m.Model.Name, err)
		}
		loc := "mem://models/" + m.Model.Name + ".json"
		if err := c.AddResource(loc, doc); err != nil {
			return nil, fmt.Errorf("devapi: model %s: %w", m.Model.Name, err)
		}
		s, err := c.Compile(loc)
		if err != nil {
			return nil, fmt.Errorf("devapi: model %s: %w", m.Model.Name, err)
		}
		g.models[m.Model.Name] = s
	}
	for p := range extra {
		if _, clash := g.resources[p]; clash {
			return nil, fmt.Errorf("devapi: local route %s clashes with the API's resource", p)
		}
	}
	return g, nil
}

// gatewayError is an answer API Gateway gives itself, with its response
// type (for the gateway response's headers) and x-amzn-ErrorType.
type gatewayError struct {
	status    int
	types     []string // most specific first, then DEFAULT_4XX/5XX
	errorType string
	message   string
}

var (
	errMissingToken = gatewayError{http.StatusForbidden, []string{"MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX"}, "MissingAuthenticationTokenException", "Missing Authentication Token"}
	errUnauthorized = gatewayError{http.StatusUnauthorized, []string{"UNAUTHORIZED", "DEFAULT_4XX"}, "UnauthorizedException", "Unauthorized"}
	errExpired      = gatewayError{http.StatusUnauthorized, []string{"UNAUTHORIZED", "DEFAULT_4XX"}, "UnauthorizedException", "The incoming token has expired"}
	errTooLarge     = gatewayError{http.StatusRequestEntityTooLarge, []string{"REQUEST_TOO_LARGE", "DEFAULT_4XX"}, "RequestTooLargeException", "Request Too Long"}
	errBadBody      = gatewayError{http.StatusBadRequest, []string{"BAD_REQUEST_BODY", "DEFAULT_4XX"}, "BadRequestException", "Invalid request body"}
	errIntegration  = gatewayError{http.StatusBadGateway, []string{"DEFAULT_5XX"}, "InternalServerErrorException", "Internal server error"}
)

func badParams(missing []string) gatewayError {
	return gatewayError{http.StatusBadRequest, []string{"BAD_REQUEST_PARAMETERS", "DEFAULT_4XX"}, "BadRequestException",
		"Missing required request parameters: [" + strings.Join(missing, ", ") + "]"}
}

// ServeHTTP answers one request.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status := g.serve(w, r)
	g.logger.Info("request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.Duration("took", time.Since(start)))
}

func (g *Gateway) serve(w http.ResponseWriter, r *http.Request) int {
	if h, ok := g.extra[r.URL.Path]; ok && r.Method == http.MethodGet {
		h.ServeHTTP(w, r)
		return http.StatusOK
	}
	resource, pathParams, ok := g.match(r.URL.EscapedPath())
	if !ok {
		return g.fail(w, r, errMissingToken)
	}
	m := g.resources[resource][r.Method]
	if m == nil {
		return g.fail(w, r, errMissingToken)
	}
	if m.Preflight != nil {
		return g.preflight(w, r, m.Preflight)
	}

	var claims map[string]any
	if m.Authorization == "COGNITO_USER_POOLS" {
		authz := r.Header.Get("Authorization")
		if authz == "" {
			return g.fail(w, r, errUnauthorized)
		}
		c, err := g.auth.Authorize(r.Context(), authz)
		if err != nil {
			g.logger.Info("authorizer refused the token", slog.String("reason", err.Error()))
			if errors.Is(err, ErrExpired) {
				return g.fail(w, r, errExpired)
			}
			return g.fail(w, r, errUnauthorized)
		}
		claims = c
	}

	body, err := io.ReadAll(io.LimitReader(r.Body, MaxPayloadBytes+1))
	if err != nil {
		return g.fail(w, r, errBadBody)
	}
	if len(body) > MaxPayloadBytes {
		return g.fail(w, r, errTooLarge)
	}
	query := r.URL.Query()
	if m.ValidateParams {
		var missing []string
		for name, required := range m.Params {
			if !required {
				continue
			}
			where, pname, _ := strings.Cut(name, ".")
			switch where {
			case "querystring":
				if _, ok := query[pname]; !ok {
					missing = append(missing, pname)
				}
			case "header":
				if r.Header.Get(pname) == "" {
					missing = append(missing, pname)
				}
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return g.fail(w, r, badParams(missing))
		}
	}
	if m.ValidateBody && m.Model != nil {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			return g.fail(w, r, errBadBody)
		}
		if err := g.models[m.Model.Name].Validate(inst); err != nil {
			g.logger.Info("request body refused by its model", slog.String("model", m.Model.Name), slog.String("reason", err.Error()))
			return g.fail(w, r, errBadBody)
		}
	}

	ev := g.event(r, m, pathParams, query, body, claims)
	res, err := g.invoke(r.Context(), ev)
	if err != nil {
		g.logger.Error("the function failed", slog.String("error", err.Error()))
		return g.fail(w, r, errIntegration)
	}
	return writeProxyResponse(w, res)
}

// invoke calls the function, turning a panic into the error Lambda would
// report.
func (g *Gateway) invoke(ctx context.Context, ev events.APIGatewayProxyRequest) (res events.APIGatewayProxyResponse, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the function panicked: %v", p)
		}
	}()
	return g.handler(ctx, ev)
}

// match finds the resource of an escaped request path: a literal segment
// wins over a {parameter}, as in API Gateway.
func (g *Gateway) match(escaped string) (string, map[string]string, bool) {
	segs := strings.Split(strings.Trim(escaped, "/"), "/")
	if escaped == "/" || escaped == "" {
		segs = nil
	}
	best, bestScore := "", -1
	var bestParams map[string]string
	for resource := range g.resources {
		rsegs := strings.Split(strings.Trim(resource, "/"), "/")
		if resource == "/" {
			rsegs = nil
		}
		if len(rsegs) != len(segs) {
			continue
		}
		score, params, ok := 0, map[string]string{}, true
		for i, rs := range rsegs {
			seg, err := url.PathUnescape(segs[i])
			if err != nil || seg == "" {
				ok = false
				break
			}
			if strings.HasPrefix(rs, "{") && strings.HasSuffix(rs, "}") {
				params[rs[1:len(rs)-1]] = seg
				continue
			}
			if rs != seg {
				ok = false
				break
			}
			score++
		}
		if ok && score > bestScore {
			best, bestScore, bestParams = resource, score, params
		}
	}
	return best, bestParams, bestScore >= 0
}

// preflight answers a CORS OPTIONS request as the MOCK integration does:
// its static headers, Access-Control-Allow-Origin replaced by the request's
// Origin when the response template echoes it.
func (g *Gateway) preflight(w http.ResponseWriter, r *http.Request, pf *Preflight) int {
	for k, v := range pf.Headers {
		w.Header().Set(k, v)
	}
	if o := r.Header.Get("Origin"); o != "" && slices.Contains(pf.EchoOrigins, o) {
		w.Header().Set("Access-Control-Allow-Origin", o)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(pf.Status)
	return pf.Status
}

// fail writes a gateway error with the headers of its gateway response.
func (g *Gateway) fail(w http.ResponseWriter, r *http.Request, e gatewayError) int {
	for _, typ := range e.types {
		headers, ok := g.dep.GatewayResponses[typ]
		if !ok {
			continue
		}
		for name, source := range headers {
			switch {
			case len(source) >= 2 && source[0] == '\'' && source[len(source)-1] == '\'':
				w.Header().Set(name, source[1:len(source)-1])
			case strings.HasPrefix(source, "method.request.header."):
				if v := r.Header.Get(strings.TrimPrefix(source, "method.request.header.")); v != "" {
					w.Header().Set(name, v)
				}
			}
		}
		break
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-ErrorType", e.errorType)
	w.WriteHeader(e.status)
	b, _ := json.Marshal(map[string]string{"message": e.message})
	_, _ = w.Write(b)
	return e.status
}

// event is the REST proxy event API Gateway sends the function.
func (g *Gateway) event(r *http.Request, m *Method, pathParams map[string]string, query url.Values, body []byte, claims map[string]any) events.APIGatewayProxyRequest {
	headers, multiHeaders := map[string]string{}, map[string][]string{}
	for k, vs := range r.Header {
		headers[k] = vs[len(vs)-1]
		multiHeaders[k] = vs
	}
	if r.Host != "" {
		headers["Host"], multiHeaders["Host"] = r.Host, []string{r.Host}
	}
	var qs map[string]string
	var mqs map[string][]string
	if len(query) > 0 {
		qs, mqs = map[string]string{}, map[string][]string{}
		for k, vs := range query {
			qs[k] = vs[len(vs)-1]
			mqs[k] = vs
		}
	}
	if len(pathParams) == 0 {
		pathParams = nil
	}
	sourceIP, _, _ := net.SplitHostPort(r.RemoteAddr)
	now := time.Now()
	rc := events.APIGatewayProxyRequestContext{
		AccountID:        LocalPseudo.AccountID,
		ResourceID:       "local",
		Stage:            g.dep.Stage,
		DomainName:       r.Host,
		RequestID:        newID(),
		Protocol:         r.Proto,
		Identity:         events.APIGatewayRequestIdentity{SourceIP: sourceIP, UserAgent: r.UserAgent()},
		ResourcePath:     m.Path,
		Path:             "/" + g.dep.Stage + r.URL.Path,
		HTTPMethod:       r.Method,
		RequestTime:      now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
		RequestTimeEpoch: now.UnixMilli(),
		APIID:            "local",
	}
	if claims != nil {
		rc.Authorizer = map[string]any{"claims": claims}
	}
	ev := events.APIGatewayProxyRequest{
		Resource: m.Path, Path: r.URL.Path, HTTPMethod: r.Method,
		Headers: headers, MultiValueHeaders: multiHeaders,
		QueryStringParameters: qs, MultiValueQueryStringParameters: mqs,
		PathParameters: pathParams, RequestContext: rc,
	}
	if len(body) > 0 {
		ev.Body = string(body)
	}
	return ev
}

// writeProxyResponse writes the function's proxy response as API Gateway
// does.
func writeProxyResponse(w http.ResponseWriter, res events.APIGatewayProxyResponse) int {
	for k, v := range res.Headers {
		w.Header().Set(k, v)
	}
	for k, vs := range res.MultiValueHeaders {
		w.Header().Del(k)
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	body := []byte(res.Body)
	if res.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(res.Body)
		if err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(`{"message": "Internal server error"}`))
			return http.StatusBadGateway
		}
		body = b
	}
	status := res.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

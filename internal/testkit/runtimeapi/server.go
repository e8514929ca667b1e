// Package runtimeapi is the Lambda service's side of the Lambda Runtime API
// (version 2018-06-01), for running a real function binary ("bootstrap") as a
// process of its own on this machine and invoking it the way Lambda does.
//
// A Server listens on 127.0.0.1 and serves the four runtime endpoints:
//
//	GET  /2018-06-01/runtime/invocation/next        blocks until an event is queued
//	POST /2018-06-01/runtime/invocation/{id}/response
//	POST /2018-06-01/runtime/invocation/{id}/error
//	POST /2018-06-01/runtime/init/error
//
// with the status codes and bodies of the published OpenAPI description: 200
// with the event and the Lambda-Runtime-* headers for next, 202
// {"status":"OK"} for accepted posts, 400 InvalidRequestID for an unknown
// request id, 403 InvalidStateTransition for a second answer to one
// invocation or an init error after init, 413 for a response over 6 MiB.
//
// Invoke queues an event and waits for the function's answer; Launch runs a
// binary as a fresh execution environment, with the environment Lambda gives
// a provided.al2023 function and AWS_LAMBDA_RUNTIME_API pointing at a
// listener of its own (so a dying predecessor's last next call can never
// take its events); Build compiles a Go main package the way the deployed
// function is built. Process.InitDuration and Process.ColdStart time the
// start of a fresh process, for cold-start benchmarks.
package runtimeapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// APIVersion is the Runtime API version served, the first path segment.
const APIVersion = "2018-06-01"

// Headers of the Runtime API.
const (
	HeaderRequestID          = "Lambda-Runtime-Aws-Request-Id"
	HeaderDeadlineMs         = "Lambda-Runtime-Deadline-Ms"
	HeaderInvokedFunctionARN = "Lambda-Runtime-Invoked-Function-Arn"
	HeaderTraceID            = "Lambda-Runtime-Trace-Id"
	HeaderClientContext      = "Lambda-Runtime-Client-Context"
	HeaderCognitoIdentity    = "Lambda-Runtime-Cognito-Identity"
	HeaderFunctionErrorType  = "Lambda-Runtime-Function-Error-Type"
	// HeaderFunctionErrorBody is the trailer aws-lambda-go sets (base64 JSON)
	// when reading a streamed response fails part way.
	HeaderFunctionErrorBody = "Lambda-Runtime-Function-Error-Body"
)

// MaxResponseBytes is Lambda's limit on a synchronous response payload.
const MaxResponseBytes = 6 << 20

// Errors returned by Invoke and Do.
var (
	// ErrClosed: the server was closed before the invocation finished.
	ErrClosed = errors.New("runtimeapi: server closed")
	// ErrRuntimeExited: the launched process exited; no runtime will answer.
	ErrRuntimeExited = errors.New("runtimeapi: runtime process exited")
)

// Config describes the function the server stands for. The zero value and
// nil are all defaults.
type Config struct {
	// FunctionName appears in the invoked ARN and AWS_LAMBDA_FUNCTION_NAME.
	// Default: "function".
	FunctionName string
	// Region appears in the ARN and AWS_REGION. Default: "us-east-1".
	Region string
	// AccountID appears in the ARN. Default: "123456789012".
	AccountID string
	// MemoryMB is AWS_LAMBDA_FUNCTION_MEMORY_SIZE. Default: 128.
	MemoryMB int
	// Timeout is the function timeout: the deadline header is the delivery
	// time plus Timeout, and an invocation unanswered by then ends with a
	// Sandbox.Timedout error. Default: 3 seconds, Lambda's default.
	Timeout time.Duration
}

func (c *Config) withDefaults() Config {
	var out Config
	if c != nil {
		out = *c
	}
	if out.FunctionName == "" {
		out.FunctionName = "function"
	}
	if out.Region == "" {
		out.Region = "us-east-1"
	}
	if out.AccountID == "" {
		out.AccountID = "123456789012"
	}
	if out.MemoryMB == 0 {
		out.MemoryMB = 128
	}
	if out.Timeout == 0 {
		out.Timeout = 3 * time.Second
	}
	return out
}

// Request is one invocation with the optional context Lambda passes along.
type Request struct {
	// Payload is the event, sent as the body of the next response.
	Payload []byte
	// TraceID is sent as Lambda-Runtime-Trace-Id. Default: a fresh X-Ray
	// trace header.
	TraceID string
	// ClientContext is sent as Lambda-Runtime-Client-Context when not empty
	// (JSON, as the Mobile SDK sends it).
	ClientContext string
	// CognitoIdentity is sent as Lambda-Runtime-Cognito-Identity when not
	// empty (JSON).
	CognitoIdentity string
	// FunctionARN is sent as Lambda-Runtime-Invoked-Function-Arn.
	// Default: the server's FunctionARN.
	FunctionARN string
}

// FunctionError is an error reported by the runtime for an invocation or for
// init, or one the service raised itself (Sandbox.Timedout,
// Runtime.ExitError, Function.ResponseSizeTooLarge).
type FunctionError struct {
	// Type is errorType from the body, else the Lambda-Runtime-Function-Error-Type header.
	Type string `json:"errorType"`
	// Message is errorMessage from the body.
	Message string `json:"errorMessage"`
	// StackTrace is the stackTrace from the body as sent (runtimes differ).
	StackTrace json.RawMessage `json:"stackTrace,omitempty"`
	// HeaderType is the Lambda-Runtime-Function-Error-Type header as sent.
	HeaderType string `json:"-"`
	// Body is the error body as sent.
	Body []byte `json:"-"`
}

// Error implements error.
func (e *FunctionError) Error() string {
	return fmt.Sprintf("function error %s: %s", e.Type, e.Message)
}

// Result is the outcome of one invocation.
type Result struct {
	// RequestID is the Lambda-Runtime-Aws-Request-Id given to the runtime.
	RequestID string
	// Body is the response payload; empty when Error is set.
	Body []byte
	// ContentType is the Content-Type of the runtime's response post.
	ContentType string
	// Error is set when the function (or init) reported an error, or the
	// service raised one; Body is then empty.
	Error *FunctionError
	// Queued, Delivered and Done: when the event was queued, when the
	// runtime received it from next, when the answer arrived.
	Queued, Delivered, Done time.Time
	// Deadline is the deadline sent to the runtime.
	Deadline time.Time
}

// Duration is the time the function held the invocation, from delivery to
// answer.
func (r Result) Duration() time.Duration { return r.Done.Sub(r.Delivered) }

// Latency is the time from queueing to answer, including any wait for the
// runtime to ask for the event.
func (r Result) Latency() time.Duration { return r.Done.Sub(r.Queued) }

type invocation struct {
	req      Request
	id       string
	queued   time.Time
	result   Result
	done     chan struct{} // closed once result is final
	finished bool          // guarded by Server.mu
}

// Server is the Lambda service's side of the Runtime API.
type Server struct {
	cfg Config
	ln  net.Listener
	srv *http.Server

	closed chan struct{}

	mu            sync.Mutex
	queue         []*invocation          // not yet delivered, oldest first
	inflight      map[string]*invocation // queued or delivered, not finished
	gen           uint64                 // bumped when a process starts or exits
	listenerGen   map[string]uint64      // listener address -> gen it serves
	initDone      bool                   // a next call has been made
	initErr       *FunctionError         // reported through init/error
	exitErr       error                  // set when the launched process exited
	stateCh       chan struct{}          // closed and replaced when a process starts or exits
	firstNext     time.Time
	firstResponse time.Time
	proc          *Process

	seq       atomic.Uint64
	closeOnce sync.Once
}

// New starts a server on a free port of 127.0.0.1. Close it when done.
func New(cfg *Config) (*Server, error) {
	c := cfg.withDefaults()
	if c.Timeout < 0 || c.MemoryMB < 0 {
		return nil, fmt.Errorf("runtimeapi: negative Timeout %v or MemoryMB %d", c.Timeout, c.MemoryMB)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("runtimeapi: listen: %w", err)
	}
	s := &Server{
		cfg:      c,
		ln:       ln,
		closed:   make(chan struct{}),
		inflight: map[string]*invocation{},
		listenerGen: map[string]uint64{
			ln.Addr().String(): 0,
		},
		stateCh: make(chan struct{}),
	}
	mux := http.NewServeMux()
	prefix := "/" + APIVersion + "/runtime"
	mux.HandleFunc("GET "+prefix+"/invocation/next", s.handleNext)
	mux.HandleFunc("POST "+prefix+"/invocation/{id}/response", s.handleResponse)
	mux.HandleFunc("POST "+prefix+"/invocation/{id}/error", s.handleError)
	mux.HandleFunc("POST "+prefix+"/init/error", s.handleInitError)
	s.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			s.mu.Lock()
			defer s.mu.Unlock()
			return context.WithValue(ctx, genKey{}, s.listenerGen[c.LocalAddr().String()])
		},
	}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Start is New for a test: it fails the test on error and closes the server
// in t.Cleanup.
func Start(t testing.TB, cfg *Config) *Server {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// genKey is the context key for the generation of a connection's listener.
type genKey struct{}

// Addr is host:port of the server's own listener, for a runtime run by the
// caller. A process started by Launch is given a listener of its own
// (Process.Addr), and once one has been launched, next calls through Addr
// are refused.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Config is the server's configuration with defaults applied.
func (s *Server) Config() Config { return s.cfg }

// FunctionARN is the unqualified ARN sent as Lambda-Runtime-Invoked-Function-Arn.
func (s *Server) FunctionARN() string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", s.cfg.Region, s.cfg.AccountID, s.cfg.FunctionName)
}

// InitError is the error the runtime reported through init/error, or nil.
func (s *Server) InitError() *FunctionError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.initErr
}

// Close stops the server; pending invocations end with ErrClosed. It does
// not stop a launched process (its own cleanup does).
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.closed)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		// Blocked next calls return on closed; Shutdown waits for them.
		if err = s.srv.Shutdown(ctx); err != nil {
			err = errors.Join(err, s.srv.Close())
		}
	})
	if err != nil {
		return fmt.Errorf("runtimeapi: close: %w", err)
	}
	return nil
}

// Invoke sends payload to the function and waits for its answer. A function
// error is a Result with Error set and a nil error; the error is for the
// invocation not completing (ctx done, server closed, runtime exited).
func (s *Server) Invoke(ctx context.Context, payload []byte) (Result, error) {
	return s.Do(ctx, Request{Payload: payload})
}

// Do is Invoke with the trace id, client context, identity or ARN set.
func (s *Server) Do(ctx context.Context, req Request) (Result, error) {
	n := s.seq.Add(1)
	inv := &invocation{
		req:    req,
		id:     newRequestID(n),
		queued: time.Now(),
		done:   make(chan struct{}),
	}
	inv.result.RequestID = inv.id
	inv.result.Queued = inv.queued
	if inv.req.FunctionARN == "" {
		inv.req.FunctionARN = s.FunctionARN()
	}
	if inv.req.TraceID == "" {
		inv.req.TraceID = newTraceID(inv.queued)
	}

	s.mu.Lock()
	if s.initErr != nil {
		// "Error will be served in response to the first invoke."
		ie := *s.initErr
		s.mu.Unlock()
		inv.result.Error = &ie
		inv.result.Done = time.Now()
		return inv.result, nil
	}
	if s.exitErr != nil {
		err := s.exitErr
		s.mu.Unlock()
		return Result{}, fmt.Errorf("invoke %s: %w", inv.id, err)
	}
	s.inflight[inv.id] = inv
	s.queue = append(s.queue, inv)
	s.signalLocked()
	s.mu.Unlock()

	for {
		s.mu.Lock()
		changed, exitErr := s.stateCh, s.exitErr
		s.mu.Unlock()
		if exitErr != nil {
			s.finish(inv, false, func(r *Result) {
				r.Error = &FunctionError{Type: "Runtime.ExitError", Message: fmt.Sprintf("RequestId: %s Error: %v", inv.id, exitErr)}
			})
		}
		select {
		case <-inv.done:
			return inv.result, nil
		case <-ctx.Done():
			s.forget(inv)
			return Result{}, fmt.Errorf("invoke %s: %w", inv.id, ctx.Err())
		case <-s.closed:
			s.forget(inv)
			return Result{}, fmt.Errorf("invoke %s: %w", inv.id, ErrClosed)
		case <-changed: // a process was launched or exited: look again
		}
	}
}

func (s *Server) forget(inv *invocation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv.finished = true
	delete(s.inflight, inv.id)
}

// finish records the final result once; it reports whether this call did.
// fromRuntime says the answer came from the runtime (not a timeout or exit).
func (s *Server) finish(inv *invocation, fromRuntime bool, set func(*Result)) bool {
	s.mu.Lock()
	if inv.finished {
		s.mu.Unlock()
		return false
	}
	inv.finished = true
	delete(s.inflight, inv.id)
	set(&inv.result)
	inv.result.Done = time.Now()
	if fromRuntime && s.firstResponse.IsZero() {
		s.firstResponse = inv.result.Done
	}
	s.mu.Unlock()
	close(inv.done)
	return true
}

func (s *Server) handleNext(w http.ResponseWriter, r *http.Request) {
	// Each launched process has a listener of its own. A next call that
	// came through the listener of a process that has exited or been
	// replaced is stale (a dying process's last request can still be read
	// after its successor started) and is never given an event.
	gen, _ := r.Context().Value(genKey{}).(uint64)
	s.mu.Lock()
	if s.gen != gen {
		s.mu.Unlock()
		writeJSON(w, http.StatusInternalServerError, errorResponse("Runtime.Stale", "the execution environment this runtime belonged to is gone"))
		return
	}
	if !s.initDone {
		s.initDone = true
		s.firstNext = time.Now()
	}
	for {
		if s.gen != gen {
			s.mu.Unlock()
			writeJSON(w, http.StatusInternalServerError, errorResponse("Runtime.Stale", "the execution environment this runtime belonged to is gone"))
			return
		}
		if inv := s.popLocked(); inv != nil {
			now := time.Now()
			inv.result.Delivered = now
			inv.result.Deadline = now.Add(s.cfg.Timeout)
			s.mu.Unlock()
			s.deliver(w, inv)
			return
		}
		changed := s.stateCh
		s.mu.Unlock()
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		case <-s.closed:
			writeJSON(w, http.StatusInternalServerError, errorResponse("Runtime.Closed", "the service is shutting down"))
			return
		}
		s.mu.Lock()
	}
}

// popLocked takes the oldest queued invocation that is still wanted.
// Call with s.mu held.
func (s *Server) popLocked() *invocation {
	for len(s.queue) > 0 {
		inv := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		if !inv.finished { // else abandoned by its caller while queued
			return inv
		}
	}
	return nil
}

// deliver answers a next call with inv.
func (s *Server) deliver(w http.ResponseWriter, inv *invocation) {
	s.watchDeadline(inv)
	h := w.Header()
	h.Set(HeaderRequestID, inv.id)
	h.Set(HeaderDeadlineMs, strconv.FormatInt(inv.result.Deadline.UnixMilli(), 10))
	h.Set(HeaderInvokedFunctionARN, inv.req.FunctionARN)
	h.Set(HeaderTraceID, inv.req.TraceID)
	if inv.req.ClientContext != "" {
		h.Set(HeaderClientContext, inv.req.ClientContext)
	}
	if inv.req.CognitoIdentity != "" {
		h.Set(HeaderCognitoIdentity, inv.req.CognitoIdentity)
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.req.Payload)
}

// queued is the number of invocations waiting for a next call.
func (s *Server) queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, inv := range s.queue {
		if !inv.finished {
			n++
		}
	}
	return n
}

func (s *Server) watchDeadline(inv *invocation) {
	timer := time.NewTimer(s.cfg.Timeout)
	go func() {
		defer timer.Stop()
		select {
		case <-timer.C:
			s.finish(inv, false, func(r *Result) {
				r.Error = &FunctionError{
					Type:    "Sandbox.Timedout",
					Message: fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", inv.id, s.cfg.Timeout.Seconds()),
				}
			})
		case <-inv.done:
		case <-s.closed:
		}
	}()
}

// lookup finds the in-flight invocation a post names, answering 400 or 403
// itself when there is none.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *invocation {
	id := r.PathValue("id")
	s.mu.Lock()
	inv, ok := s.inflight[id]
	delivered := ok && !inv.result.Delivered.IsZero()
	s.mu.Unlock()
	switch {
	case !ok && id != "" && s.wasIssued(id):
		writeJSON(w, http.StatusForbidden, errorResponse("InvalidStateTransition", "invocation "+id+" has already been answered or has timed out"))
		return nil
	case !ok || !delivered:
		writeJSON(w, http.StatusBadRequest, errorResponse("InvalidRequestID", "invalid request id "+strconv.Quote(id)))
		return nil
	}
	return inv
}

// wasIssued reports whether id has this server's request-id shape and a
// sequence number already handed out.
func (s *Server) wasIssued(id string) bool {
	n, ok := parseRequestID(id)
	return ok && n >= 1 && n <= s.seq.Load()
}

func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request) {
	inv := s.lookup(w, r)
	if inv == nil {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxResponseBytes+1))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorResponse("InvalidRequest", "reading the response body: "+err.Error()))
		return
	}
	if len(body) > MaxResponseBytes {
		s.finish(inv, true, func(res *Result) {
			res.Error = &FunctionError{
				Type:    "Function.ResponseSizeTooLarge",
				Message: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxResponseBytes),
			}
		})
		writeJSON(w, http.StatusRequestEntityTooLarge, errorResponse("RequestEntityTooLarge", fmt.Sprintf("response payload over %d bytes", MaxResponseBytes)))
		return
	}
	// aws-lambda-go reports a failure while streaming the body in trailers.
	if typ := r.Trailer.Get(HeaderFunctionErrorType); typ != "" {
		fe := &FunctionError{Type: typ, HeaderType: typ}
		if raw := r.Trailer.Get(HeaderFunctionErrorBody); raw != "" {
			fe.Body = decodeBase64(raw)
			_ = json.Unmarshal(fe.Body, fe)
		}
		if s.finish(inv, true, func(res *Result) { res.Error = fe }) {
			writeJSON(w, http.StatusAccepted, statusOK)
			return
		}
		writeJSON(w, http.StatusForbidden, errorResponse("InvalidStateTransition", "invocation "+inv.id+" has already been answered"))
		return
	}
	if !s.finish(inv, true, func(res *Result) {
		res.Body = body
		res.ContentType = r.Header.Get("Content-Type")
	}) {
		writeJSON(w, http.StatusForbidden, errorResponse("InvalidStateTransition", "invocation "+inv.id+" has already been answered"))
		return
	}
	writeJSON(w, http.StatusAccepted, statusOK)
}

func (s *Server) handleError(w http.ResponseWriter, r *http.Request) {
	inv := s.lookup(w, r)
	if inv == nil {
		return
	}
	fe, err := readFunctionError(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorResponse("InvalidRequest", err.Error()))
		return
	}
	if !s.finish(inv, true, func(res *Result) { res.Error = fe }) {
		writeJSON(w, http.StatusForbidden, errorResponse("InvalidStateTransition", "invocation "+inv.id+" has already been answered"))
		return
	}
	writeJSON(w, http.StatusAccepted, statusOK)
}

func (s *Server) handleInitError(w http.ResponseWriter, r *http.Request) {
	fe, err := readFunctionError(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorResponse("InvalidRequest", err.Error()))
		return
	}
	s.mu.Lock()
	if s.initDone || s.initErr != nil {
		s.mu.Unlock()
		writeJSON(w, http.StatusForbidden, errorResponse("InvalidStateTransition", "init/error is only accepted once, before the first next"))
		return
	}
	s.initErr = fe
	pending := make([]*invocation, 0, len(s.inflight))
	for _, inv := range s.inflight {
		pending = append(pending, inv)
	}
	s.mu.Unlock()
	for _, inv := range pending {
		s.finish(inv, true, func(res *Result) { e := *fe; res.Error = &e })
	}
	writeJSON(w, http.StatusAccepted, statusOK)
}

// readFunctionError reads an error post: the standard
// {"errorMessage","errorType","stackTrace"} body, falling back to the
// Lambda-Runtime-Function-Error-Type header when the body is not that.
func readFunctionError(r *http.Request) (*FunctionError, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the error body: %w", err)
	}
	fe := &FunctionError{HeaderType: r.Header.Get(HeaderFunctionErrorType), Body: body}
	if json.Unmarshal(body, fe) != nil {
		fe.Type, fe.Message, fe.StackTrace = "", "", nil
	}
	if fe.Type == "" {
		fe.Type = fe.HeaderType
	}
	if fe.Type == "" {
		fe.Type = "Runtime.Unknown"
	}
	return fe, nil
}

var statusOK = map[string]string{"status": "OK"}

func errorResponse(typ, msg string) map[string]string {
	return map[string]string{"errorType": typ, "errorMessage": msg}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

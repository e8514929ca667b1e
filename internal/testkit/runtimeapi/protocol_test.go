package runtimeapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rawRuntime drives a Server over HTTP the way a runtime does, so that the
// protocol (paths, headers, status codes, bodies) is checked byte for byte.
type rawRuntime struct {
	t    *testing.T
	base string
}

func newRawRuntime(t *testing.T, s *Server) rawRuntime {
	return rawRuntime{t: t, base: "http://" + s.Addr() + "/" + APIVersion + "/runtime/"}
}

type reply struct {
	code   int
	header http.Header
	body   []byte
}

func (r rawRuntime) do(method, path string, body []byte, header map[string]string) reply {
	r.t.Helper()
	req, err := http.NewRequestWithContext(r.t.Context(), method, r.base+path, bytes.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

func (r rawRuntime) next() reply { return r.do(http.MethodGet, "invocation/next", nil, nil) }

// invokeAsync runs Do in the background.
func invokeAsync(s *Server, req Request) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		res, err := s.Do(context.Background(), req)
		ch <- outcome{res, err}
	}()
	return ch
}

type outcome struct {
	res Result
	err error
}

func wantStatus(t *testing.T, got reply, code int, errorType string) {
	t.Helper()
	if got.code != code {
		t.Fatalf("status = %d, want %d; body %s", got.code, code, got.body)
	}
	if ct := got.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var body map[string]string
	if err := json.Unmarshal(got.body, &body); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", got.body, err)
	}
	if errorType == "" {
		if body["status"] != "OK" {
			t.Errorf("body = %s, want {\"status\":\"OK\"}", got.body)
		}
		return
	}
	if body["errorType"] != errorType || body["errorMessage"] == "" {
		t.Errorf("body = %s, want errorType %q and an errorMessage", got.body, errorType)
	}
}

func TestNext_DeliversEventAndHeaders(t *testing.T) {
	cases := []struct {
		name string
		req  Request
	}{
		{"defaults", Request{Payload: []byte(`{"a":1}`)}},
		{"every header", Request{
			Payload:         []byte(`"text"`),
			TraceID:         "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
			ClientContext:   `{"client":{"app_title":"t"},"custom":{"k":"v"}}`,
			CognitoIdentity: `{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}`,
			FunctionARN:     "arn:aws:lambda:us-east-1:123456789012:function:function:live",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Start(t, &Config{Timeout: time.Minute})
			rt := newRawRuntime(t, s)
			done := invokeAsync(s, tc.req)
			before := time.Now()
			got := rt.next()
			if got.code != http.StatusOK || !bytes.Equal(got.body, tc.req.Payload) {
				t.Fatalf("next = %d %q, want 200 %q", got.code, got.body, tc.req.Payload)
			}
			id := got.header.Get(HeaderRequestID)
			if _, ok := parseRequestID(id); !ok {
				t.Errorf("%s = %q, not a request id", HeaderRequestID, id)
			}
			ms, err := strconv.ParseInt(got.header.Get(HeaderDeadlineMs), 10, 64)
			if err != nil {
				t.Fatalf("%s: %v", HeaderDeadlineMs, err)
			}
			if d := time.UnixMilli(ms); d.Before(before.Add(time.Minute-time.Second)) || d.After(time.Now().Add(time.Minute)) {
				t.Errorf("deadline %v is not delivery time + 1m", d)
			}
			wantARN := tc.req.FunctionARN
			if wantARN == "" {
				wantARN = "arn:aws:lambda:us-east-1:123456789012:function:function"
			}
			if got := got.header.Get(HeaderInvokedFunctionARN); got != wantARN {
				t.Errorf("ARN = %q, want %q", got, wantARN)
			}
			trace := got.header.Get(HeaderTraceID)
			if tc.req.TraceID != "" && trace != tc.req.TraceID || !strings.HasPrefix(trace, "Root=1-") {
				t.Errorf("trace id = %q, want %q or a generated Root=1-...", trace, tc.req.TraceID)
			}
			for h, want := range map[string]string{HeaderClientContext: tc.req.ClientContext, HeaderCognitoIdentity: tc.req.CognitoIdentity} {
				if v, set := got.header[h]; want == "" && set || want != "" && (len(v) != 1 || v[0] != want) {
					t.Errorf("%s = %q, want %q (absent when empty)", h, v, want)
				}
			}
			wantStatus(t, rt.do(http.MethodPost, "invocation/"+id+"/response", []byte(`"ok"`), map[string]string{"Content-Type": "text/plain"}), http.StatusAccepted, "")
			o := <-done
			if o.err != nil || string(o.res.Body) != `"ok"` || o.res.ContentType != "text/plain" || o.res.Error != nil || o.res.RequestID != id {
				t.Fatalf("Do = %+v, %v; want body \"ok\", text/plain, id %s", o.res, o.err, id)
			}
			if o.res.Queued.After(o.res.Delivered) || o.res.Delivered.After(o.res.Done) || o.res.Deadline.UnixMilli() != ms {
				t.Errorf("timings out of order or deadline differs: %+v", o.res)
			}
		})
	}
}

func TestPosts_StatusCodes(t *testing.T) {
	const fnErr = `{"errorMessage":"boom","errorType":"MyError","stackTrace":["a.go:1"]}`
	cases := []struct {
		name string
		// first and second are posted in turn for the delivered request id
		// ("{id}" is replaced); wantFirst/wantSecond are status and errorType.
		first, second         string
		firstBody, secondBody []byte
		header                map[string]string
		wantFirst             int
		wantSecond            int
		wantSecondType        string
		check                 func(t *testing.T, r Result)
	}{
		{
			name: "response then response", first: "invocation/{id}/response", second: "invocation/{id}/response",
			firstBody: []byte(`1`), secondBody: []byte(`2`),
			wantFirst: 202, wantSecond: 403, wantSecondType: "InvalidStateTransition",
			check: func(t *testing.T, r Result) {
				if string(r.Body) != "1" || r.Error != nil {
					t.Errorf("result %+v, want the first response", r)
				}
			},
		},
		{
			name: "error then response", first: "invocation/{id}/error", second: "invocation/{id}/response",
			firstBody: []byte(fnErr), secondBody: []byte(`2`),
			header:    map[string]string{HeaderFunctionErrorType: "Function.Header", "Content-Type": "application/vnd.aws.lambda.error+json"},
			wantFirst: 202, wantSecond: 403, wantSecondType: "InvalidStateTransition",
			check: func(t *testing.T, r Result) {
				e := r.Error
				if e == nil || e.Type != "MyError" || e.Message != "boom" || string(e.StackTrace) != `["a.go:1"]` || e.HeaderType != "Function.Header" || string(e.Body) != fnErr || r.Body != nil {
					t.Errorf("result %+v error %+v, want MyError/boom with header type", r, e)
				}
			},
		},
		{
			name: "error without a JSON body takes the header's type", first: "invocation/{id}/error", second: "invocation/{id}/error",
			firstBody: []byte("not json"), secondBody: []byte(fnErr),
			header:    map[string]string{HeaderFunctionErrorType: "Runtime.Crash"},
			wantFirst: 202, wantSecond: 403, wantSecondType: "InvalidStateTransition",
			check: func(t *testing.T, r Result) {
				if r.Error == nil || r.Error.Type != "Runtime.Crash" || r.Error.Message != "" || string(r.Error.Body) != "not json" {
					t.Errorf("error %+v, want type Runtime.Crash from the header", r.Error)
				}
			},
		},
		{
			name: "unknown id is a bad request", first: "invocation/00000000-0000-4000-8000-ffffffffffff/response", second: "invocation/{id}/response",
			firstBody: []byte(`1`), secondBody: []byte(`2`),
			wantFirst: 400, wantSecond: 202,
			check: func(t *testing.T, r Result) {
				if string(r.Body) != "2" {
					t.Errorf("body %q, want the response posted with the real id", r.Body)
				}
			},
		},
		{
			name: "response over 6 MiB is too large", first: "invocation/{id}/response", second: "invocation/{id}/response",
			firstBody: bytes.Repeat([]byte("x"), MaxResponseBytes+1), secondBody: []byte(`2`),
			wantFirst: 413, wantSecond: 403, wantSecondType: "InvalidStateTransition",
			check: func(t *testing.T, r Result) {
				if r.Error == nil || r.Error.Type != "Function.ResponseSizeTooLarge" {
					t.Errorf("error %+v, want Function.ResponseSizeTooLarge", r.Error)
				}
			},
		},
		{
			name: "response of exactly 6 MiB is accepted", first: "invocation/{id}/response", second: "invocation/{id}/error",
			firstBody: bytes.Repeat([]byte("x"), MaxResponseBytes), secondBody: []byte(fnErr),
			wantFirst: 202, wantSecond: 403, wantSecondType: "InvalidStateTransition",
			check: func(t *testing.T, r Result) {
				if len(r.Body) != MaxResponseBytes || r.Error != nil {
					t.Errorf("got %d bytes and error %v, want %d bytes", len(r.Body), r.Error, MaxResponseBytes)
				}
			},
		},
		{
			name: "init error after the first next is refused", first: "init/error", second: "invocation/{id}/response",
			firstBody: []byte(fnErr), secondBody: []byte(`2`),
			wantFirst: 403, wantSecond: 202,
			check: func(t *testing.T, r Result) {
				if string(r.Body) != "2" || r.Error != nil {
					t.Errorf("result %+v, want the response", r)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Start(t, &Config{Timeout: time.Minute})
			rt := newRawRuntime(t, s)
			done := invokeAsync(s, Request{Payload: []byte(`{}`)})
			id := rt.next().header.Get(HeaderRequestID)
			first := rt.do(http.MethodPost, strings.ReplaceAll(tc.first, "{id}", id), tc.firstBody, tc.header)
			if first.code != tc.wantFirst {
				t.Fatalf("first post: %d %s, want %d", first.code, first.body, tc.wantFirst)
			}
			second := rt.do(http.MethodPost, strings.ReplaceAll(tc.second, "{id}", id), tc.secondBody, nil)
			wantStatus(t, second, tc.wantSecond, tc.wantSecondType)
			o := <-done
			if o.err != nil {
				t.Fatal(o.err)
			}
			tc.check(t, o.res)
		})
	}
}

func TestPosts_BeforeDeliveryAreBadRequests(t *testing.T) {
	s := Start(t, nil)
	rt := newRawRuntime(t, s)
	for _, path := range []string{"invocation/x/response", "invocation/x/error", "invocation/00000000-0000-4000-8000-000000000001/response"} {
		wantStatus(t, rt.do(http.MethodPost, path, []byte(`{}`), nil), http.StatusBadRequest, "InvalidRequestID")
	}
	if got := rt.do(http.MethodPost, "invocation/next", nil, nil); got.code != http.StatusMethodNotAllowed {
		t.Errorf("POST next = %d, want 405", got.code)
	}
}

func TestInitError_IsServedToTheFirstInvoke(t *testing.T) {
	s := Start(t, nil)
	rt := newRawRuntime(t, s)
	pending := invokeAsync(s, Request{Payload: []byte(`{}`)})
	body := []byte(`{"errorMessage":"no config","errorType":"Runtime.ConfigError"}`)
	wantStatus(t, rt.do(http.MethodPost, "init/error", body, map[string]string{HeaderFunctionErrorType: "Runtime.ConfigError"}), http.StatusAccepted, "")
	wantStatus(t, rt.do(http.MethodPost, "init/error", body, nil), http.StatusForbidden, "InvalidStateTransition")

	for name, o := range map[string]outcome{"pending": <-pending, "later": func() outcome {
		r, err := s.Invoke(t.Context(), []byte(`{}`))
		return outcome{r, err}
	}()} {
		if o.err != nil || o.res.Error == nil || o.res.Error.Type != "Runtime.ConfigError" || o.res.Error.Message != "no config" {
			t.Errorf("%s invoke = %+v, %v; want the init error", name, o.res, o.err)
		}
	}
	if e := s.InitError(); e == nil || e.HeaderType != "Runtime.ConfigError" {
		t.Errorf("InitError() = %+v", e)
	}
}

func TestInvoke_TimesOutAtTheDeadline(t *testing.T) {
	s := Start(t, &Config{Timeout: 200 * time.Millisecond})
	rt := newRawRuntime(t, s)
	done := invokeAsync(s, Request{Payload: []byte(`{}`)})
	id := rt.next().header.Get(HeaderRequestID)
	o := <-done // nobody answers
	if o.err != nil || o.res.Error == nil || o.res.Error.Type != "Sandbox.Timedout" || !strings.Contains(o.res.Error.Message, "Task timed out after 0.20 seconds") {
		t.Fatalf("Do = %+v, %v; want a Sandbox.Timedout error", o.res, o.err)
	}
	wantStatus(t, rt.do(http.MethodPost, "invocation/"+id+"/response", []byte(`1`), nil), http.StatusForbidden, "InvalidStateTransition")
}

func TestInvoke_AbandonedEventIsNotDelivered(t *testing.T) {
	s := Start(t, nil)
	rt := newRawRuntime(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	queued := make(chan error, 1)
	go func() {
		_, err := s.Invoke(ctx, []byte(`"abandoned"`))
		queued <- err
	}()
	// Wait until the first event is in the queue, then abandon it.
	for s.queued() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-queued; !errors.Is(err, context.Canceled) {
		t.Fatalf("Invoke = %v, want context.Canceled", err)
	}
	done := invokeAsync(s, Request{Payload: []byte(`"kept"`)})
	got := rt.next()
	if string(got.body) != `"kept"` {
		t.Fatalf("next delivered %s, want the event still wanted", got.body)
	}
	rt.do(http.MethodPost, "invocation/"+got.header.Get(HeaderRequestID)+"/response", []byte(`1`), nil)
	if o := <-done; o.err != nil || string(o.res.Body) != "1" {
		t.Fatalf("Do = %+v, %v", o.res, o.err)
	}
}

func TestClose_EndsPendingInvocations(t *testing.T) {
	s, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	done := invokeAsync(s, Request{Payload: []byte(`{}`)})
	for s.queued() == 0 {
		time.Sleep(time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if o := <-done; !errors.Is(o.err, ErrClosed) {
		t.Fatalf("Do after Close = %v, want ErrClosed", o.err)
	}
	if _, err := s.Invoke(t.Context(), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Invoke on a closed server = %v, want ErrClosed", err)
	}
}

func TestNew_RejectsNegativeSettings(t *testing.T) {
	for _, cfg := range []*Config{{Timeout: -time.Second}, {MemoryMB: -1}} {
		if s, err := New(cfg); err == nil {
			_ = s.Close()
			t.Errorf("New(%+v) succeeded, want an error", *cfg)
		}
	}
}

// trailerBody sets the error trailers once the body has been read, as
// aws-lambda-go does when reading a streamed response fails part way.
type trailerBody struct {
	r       io.Reader
	trailer http.Header
	errBody string
}

func (b *trailerBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		b.trailer.Set(HeaderFunctionErrorType, "ReadError")
		b.trailer.Set(HeaderFunctionErrorBody, base64.StdEncoding.EncodeToString([]byte(b.errBody)))
	}
	return n, err
}

func TestResponse_ErrorTrailersMakeAFunctionError(t *testing.T) {
	s := Start(t, nil)
	rt := newRawRuntime(t, s)
	done := invokeAsync(s, Request{Payload: []byte(`{}`)})
	id := rt.next().header.Get(HeaderRequestID)

	trailer := http.Header{HeaderFunctionErrorType: nil, HeaderFunctionErrorBody: nil}
	body := &trailerBody{r: strings.NewReader("partial"), trailer: trailer, errBody: `{"errorMessage":"disk gone","errorType":"ReadError"}`}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, rt.base+"invocation/"+id+"/response", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Trailer = trailer
	req.ContentLength = -1 // chunked, so that trailers can follow
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status %d, want 202", resp.StatusCode)
	}
	o := <-done
	if o.err != nil || o.res.Error == nil || o.res.Error.Type != "ReadError" || o.res.Error.Message != "disk gone" || o.res.Body != nil {
		t.Fatalf("Do = %+v (error %+v), %v; want the ReadError from the trailers", o.res, o.res.Error, o.err)
	}
}

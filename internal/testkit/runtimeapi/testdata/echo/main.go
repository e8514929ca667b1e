// Command echo is a test function that reports what it sees: the invocation
// context aws-lambda-go built from the Runtime API headers and the Lambda
// environment. Its event selects a behaviour: {"fail": "msg"} returns an
// error, {"panic": "msg"} panics, {"hang": true} never answers, {"big": n}
// answers n bytes; anything else is echoed back inside the report.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Fail  string `json:"fail"`
	Panic string `json:"panic"`
	Hang  bool   `json:"hang"`
	Big   int    `json:"big"`
}

type report struct {
	Event         json.RawMessage               `json:"event"`
	RequestID     string                        `json:"requestId"`
	FunctionARN   string                        `json:"functionArn"`
	DeadlineMs    int64                         `json:"deadlineMs"`
	TraceID       string                        `json:"traceId"`
	ClientContext lambdacontext.ClientContext   `json:"clientContext"`
	Identity      lambdacontext.CognitoIdentity `json:"identity"`
	Env           map[string]string             `json:"env"`
	Cwd           string                        `json:"cwd"`
}

// errBadThing is the error type a {"fail": ...} event returns.
type errBadThing struct{ msg string }

func (e errBadThing) Error() string { return e.msg }

func handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var ev event
	_ = json.Unmarshal(raw, &ev) // a non-object event is simply echoed
	switch {
	case ev.Fail != "":
		return nil, errBadThing{ev.Fail}
	case ev.Panic != "":
		panic(ev.Panic)
	case ev.Hang:
		<-ctx.Done()
		time.Sleep(time.Hour)
		return nil, errors.New("unreachable")
	case ev.Big > 0:
		return strings.Repeat("x", ev.Big), nil
	}
	lc, _ := lambdacontext.FromContext(ctx)
	deadline, _ := ctx.Deadline()
	r := report{
		Event:       raw,
		RequestID:   lc.AwsRequestID,
		FunctionARN: lc.InvokedFunctionArn,
		DeadlineMs:  deadline.UnixMilli(),
		TraceID:     os.Getenv("_X_AMZN_TRACE_ID"),
		Env:         map[string]string{},
	}
	r.ClientContext = lc.ClientContext
	r.Identity = lc.Identity
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		r.Env[k] = v
	}
	r.Cwd, _ = os.Getwd()
	return r, nil
}

func main() {
	lambda.Start(handle)
}

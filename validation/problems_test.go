package validation

import (
	"errors"
	"strings"
	"testing"
)

func TestProblems_NoneMeansNilError(t *testing.T) {
	if err := For("Stack/Thing").Err(); err != nil {
		t.Fatalf("Err() = %v, want nil", err)
	}
}

func TestProblems_ListsEveryProblemWithPathAndProp(t *testing.T) {
	p := For("Stack/Thing")
	p.Addf("BucketName", "%q has uppercase letters", "Bad")
	p.Addf("LogRetentionDays", "must be at least 1, received %d", 0)
	err := p.Err()
	var verr *Error
	if !errors.As(err, &verr) {
		t.Fatalf("Err() = %T, want *Error", err)
	}
	msg := err.Error()
	for _, want := range []string{"Stack/Thing", `BucketName: "Bad" has uppercase letters`, "LogRetentionDays: must be at least 1, received 0"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestProblems_PanicIfAnyPanicsWithError(t *testing.T) {
	p := For("S/T")
	p.Addf("X", "bad")
	defer func() {
		r := recover()
		if _, ok := r.(*Error); !ok {
			t.Fatalf("recovered %T, want *Error", r)
		}
	}()
	p.PanicIfAny()
}

func TestProp_SplitsThePropFromTheMessage(t *testing.T) {
	for problem, want := range map[string][2]string{
		"BucketName: bad":               {"BucketName", "bad"},
		"ObjectLock.Mode: must be x: y": {"ObjectLock.Mode", "must be x: y"},
		"GrantList prefixes: name one":  {"", "GrantList prefixes: name one"},
		"no prop here":                  {"", "no prop here"},
	} {
		if prop, msg := Prop(problem); prop != want[0] || msg != want[1] {
			t.Errorf("Prop(%q) = %q, %q; want %q, %q", problem, prop, msg, want[0], want[1])
		}
	}
}

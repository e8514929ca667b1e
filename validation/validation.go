// Package validation checks the props of the securestore constructs and
// holds the error they panic with when props are invalid, CDK's convention
// for failing synth before anything half-valid is deployed. A construct
// collects every problem of its props (For, Addf) and panics once
// (PanicIfAny) with an *Error naming its path and each prop.
//
// A caller that builds constructs from its own input recovers the panic to
// print the problems without a Go stack trace:
//
//	func run() (err error) {
//		defer func() {
//			if r := recover(); r != nil {
//				var verr *validation.Error
//				if e, ok := r.(error); ok && errors.As(e, &verr) {
//					err = verr // verr.Path, verr.Problems
//					return
//				}
//				panic(r)
//			}
//		}()
//		app := awscdk.NewApp(nil)
//		stack := awscdk.NewStack(app, jsii.String("Team"), nil)
//		privatebucket.New(stack, jsii.String("Bucket"), &privatebucket.Props{
//			BucketNamePrefix: jsii.String(prefixFromYourConfig),
//		})
//		app.Synth(nil)
//		return nil
//	}
package validation

import (
	"fmt"
	"strings"
)

// Error is the failure raised for invalid construct props.
type Error struct {
	// Path is the construct path whose props are invalid.
	Path string
	// Problems holds one line per invalid prop: the prop's name (a field
	// of a nested struct as "Outer.Field"), ": ", then what was received
	// and what is accepted.
	Problems []string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("invalid props for %s:\n  - %s", e.Path, strings.Join(e.Problems, "\n  - "))
}

// Prop splits one of Problems into the prop it names and the rest of the
// line; prop is "" when the line does not start with a prop's name.
func Prop(problem string) (prop, message string) {
	prop, message, ok := strings.Cut(problem, ": ")
	if !ok || strings.ContainsAny(prop, " \"'") {
		return "", problem
	}
	return prop, message
}

// Problems gathers prop problems for the construct at Path.
// The zero value is not usable: create one with For.
type Problems struct {
	path     string
	problems []string
}

// For starts a problem list for the construct at path (its node path).
func For(path string) *Problems {
	return &Problems{path: path}
}

// Addf records a problem with prop. The message should say what was received
// and what is accepted.
func (p *Problems) Addf(prop, format string, args ...any) {
	p.problems = append(p.problems, prop+": "+fmt.Sprintf(format, args...))
}

// Err returns nil when no problem was recorded, or an *Error listing them all.
func (p *Problems) Err() error {
	if len(p.problems) == 0 {
		return nil
	}
	return &Error{Path: p.path, Problems: append([]string(nil), p.problems...)}
}

// PanicIfAny panics with an *Error when a problem was recorded, as CDK's
// constructs do on invalid props; see the package doc for recovering it.
func (p *Problems) PanicIfAny() {
	if err := p.Err(); err != nil {
		panic(err)
	}
}

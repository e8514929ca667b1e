// Package validation holds the error the securestore constructs panic
// with when their props are invalid, CDK's convention for failing synth
// before anything half-valid is deployed. A caller that builds constructs
// from its own input can recover the panic and tell it apart:
//
//	defer func() {
//		if r := recover(); r != nil {
//			var verr *validation.Error
//			if err, ok := r.(error); ok && errors.As(err, &verr) {
//				// verr.Path, verr.Problems
//			}
//		}
//	}()
package validation

import (
	"fmt"
	"strings"
)

// Error is the failure raised for invalid construct props.
type Error struct {
	// Path is the construct path whose props are invalid.
	Path string
	// Problems holds one line per invalid prop, starting with the prop's name.
	Problems []string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("invalid props for %s:\n  - %s", e.Path, strings.Join(e.Problems, "\n  - "))
}

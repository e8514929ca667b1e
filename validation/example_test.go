package validation_test

import (
	"errors"
	"fmt"

	"github.com/securestore/securestore/validation"
)

// build stands for a team's code creating securestore constructs: a
// construct given invalid props panics with a *validation.Error.
func build() {
	problems := validation.For("Team/Bucket")
	problems.Addf("BucketNamePrefix", "must be at most %d characters, received %q", 35, "a-prefix-far-too-long-for-a-bucket-name")
	problems.PanicIfAny()
}

// run recovers the *validation.Error and returns it, so that the problems
// are printed without a Go stack trace; any other panic goes on.
func run() (err error) {
	defer func() {
		if r := recover(); r != nil {
			var verr *validation.Error
			if e, ok := r.(error); ok && errors.As(e, &verr) {
				err = verr
				return
			}
			panic(r)
		}
	}()
	build()
	return nil
}

// Example_recover shows the pattern a team's CDK app uses around the
// constructs: recover the *validation.Error, report it, exit non-zero.
func Example_recover() {
	if err := run(); err != nil {
		fmt.Println(err)
		var verr *validation.Error
		if errors.As(err, &verr) {
			prop, _ := validation.Prop(verr.Problems[0])
			fmt.Println("first invalid prop:", prop)
		}
	}
	// Output:
	// invalid props for Team/Bucket:
	//   - BucketNamePrefix: must be at most 35 characters, received "a-prefix-far-too-long-for-a-bucket-name"
	// first invalid prop: BucketNamePrefix
}

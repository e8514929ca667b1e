// Command securestore is the CDK app: it reads the configuration from CDK
// context, builds the environment with stacks.Build (which applies the
// configured cdk-nag packs to it) and synthesizes. Any unsuppressed cdk-nag
// finding fails it.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/compliance"
	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/stacks"
	"github.com/securestore/securestore/validation"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "securestore:", err)
		os.Exit(1)
	}
}

func run() (err error) {
	defer jsii.Close()
	var cfg *config.Config
	defer func() {
		// Constructs reject invalid props by panicking, as CDK's own do; show
		// the message, naming the context keys, not a stack trace.
		if r := recover(); r != nil {
			var verr *validation.Error
			if e, ok := r.(error); ok && errors.As(e, &verr) && cfg != nil {
				err = fmt.Errorf("invalid configuration:\n%w", stacks.ContextError(cfg, verr))
				return
			}
			panic(r)
		}
	}()

	app := awscdk.NewApp(nil)
	cfg, err = config.FromNode(app.Node())
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	storage, _ := stacks.Build(app, cfg)
	app.Synth(nil)

	if findings := compliance.Findings(awscdk.Stage_Of(storage.Stack)); len(findings) > 0 {
		for _, f := range findings {
			fmt.Fprintln(os.Stderr, f)
		}
		return fmt.Errorf("%d unsuppressed cdk-nag findings: fix them, or add a suppression with its reason to compliance/suppressions.go", len(findings))
	}
	return nil
}

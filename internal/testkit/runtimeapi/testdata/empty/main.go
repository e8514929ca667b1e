// Command empty is the smallest aws-lambda-go function: it returns its input
// unchanged. Its cold start is the floor any real function is measured
// against.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		return in, nil
	})
}

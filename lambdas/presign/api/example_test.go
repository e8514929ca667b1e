package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/api"
	"github.com/securestore/securestore/lambdas/presign/signer"
)

// ConfigFromEnv takes os.Getenv in the Lambda; here a map stands in for
// the environment the construct sets.
func ExampleConfigFromEnv() {
	env := map[string]string{
		"BUCKET_NAME":      "securestore-data-123456789012-eu-west-1",
		"ACCESS_RULES":     `[{"prefix":"users/{sub}/","groups":["*"],"methods":["GET","PUT","DELETE"]}]`,
		"URL_TTL_SECONDS":  "600",
		"MAX_UPLOAD_BYTES": "1073741824",
	}
	cfg, err := api.ConfigFromEnv(func(name string) string { return env[name] })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Bucket, cfg.MaxTTL, cfg.MaxUploadBytes, len(cfg.Rules), cfg.CDN == nil)

	env["URL_TTL_SECONDS"] = "0"
	_, err = api.ConfigFromEnv(func(name string) string { return env[name] })
	fmt.Println(err)
	// Output:
	// securestore-data-123456789012-eu-west-1 10m0s 1073741824 1 true
	// api: configuration: URL_TTL_SECONDS: "0": want whole seconds from 1 to 43200
}

// New and Handle are all a caller needs: main passes Handle to
// lambda.Start; a local server can call it with events it builds.
func ExampleHandler_Handle() {
	client := s3.New(s3.Options{
		Region:      "eu-west-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
	})
	s, err := signer.New(client, "securestore-data-123456789012-eu-west-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	h, err := api.New(api.Config{
		Bucket:         "securestore-data-123456789012-eu-west-1",
		Rules:          access.Tiered([]string{"tier-1", "tier-2"}),
		MaxTTL:         5 * time.Minute,
		MaxUploadBytes: 100 << 20,
	}, api.Deps{Presigner: s})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The Cognito authorizer's claims and the ID token it verified (its
	// signature is not checked again).
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"0f7b2a6e","token_use":"id","cognito:groups":["tier-1"]}`))
	ev := events.APIGatewayProxyRequest{
		Resource: "/presign", Path: "/presign", HTTPMethod: "GET",
		QueryStringParameters: map[string]string{"key": "tier-1/report.pdf"},
		Headers:               map[string]string{"Authorization": "e30." + payload + ".c2ln"},
		RequestContext: events.APIGatewayProxyRequestContext{
			Authorizer: map[string]any{"claims": map[string]any{"sub": "0f7b2a6e"}},
		},
	}
	resp, _ := h.Handle(context.Background(), ev)
	fmt.Println(resp.StatusCode, resp.Headers["Content-Type"])

	ev.QueryStringParameters["key"] = "tier-2/plans.pdf"
	resp, _ = h.Handle(context.Background(), ev)
	fmt.Println(resp.StatusCode, resp.Body)
	// Output:
	// 200 application/json
	// 403 {"message":"prefix \"tier-2/\" is not open to the caller's groups"}
}

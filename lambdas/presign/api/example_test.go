package api_test

import (
	"fmt"

	"github.com/securestore/securestore/lambdas/presign/api"
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

package devapi

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"strings"

	"github.com/securestore/securestore/lambdas/presign/api"
	"github.com/securestore/securestore/lambdas/presign/cdnsign"
	"github.com/securestore/securestore/lambdas/presign/lambdaenv"
	"github.com/securestore/securestore/lambdas/presign/routes"
	"github.com/securestore/securestore/lambdas/presign/settings"
	"github.com/securestore/securestore/lambdas/presign/signer"
)

// LocalKeyPairID stands for the CloudFront public key id, which only a
// deployment has, when the template turns CDN delivery on.
const LocalKeyPairID = "LOCALDEVKEY"

// S3Access is how the function reaches the local S3 server.
type S3Access struct {
	Endpoint, Region, AccessKey, SecretKey string
}

// FunctionEnv is the function's environment: the template's variables
// plus the standard AWS ones pointing at the local S3 server (the SDK's
// AWS_ENDPOINT_URL_S3 and S3_FORCE_PATH_STYLE, as README documents for
// S3-compatible servers).
func FunctionEnv(dep *Deployment, s3 S3Access) (map[string]string, error) {
	env := map[string]string{}
	for k, v := range dep.Env {
		env[k] = v
	}
	for _, k := range dep.Unresolved {
		if k != settings.EnvCDNKeyPairID {
			return nil, fmt.Errorf("devapi: the function's %s comes from another stack or resource, which has no local value", k)
		}
		env[k] = LocalKeyPairID
	}
	env["AWS_REGION"] = s3.Region
	env["AWS_ACCESS_KEY_ID"] = s3.AccessKey
	env["AWS_SECRET_ACCESS_KEY"] = s3.SecretKey
	env["AWS_ENDPOINT_URL_S3"] = s3.Endpoint
	env["S3_FORCE_PATH_STYLE"] = "true"
	return env, nil
}

// NewHandler builds the presign function's handler from env as
// lambdas/presign's setup does: api.ConfigFromEnv, lambdaenv's S3 client,
// the signer. With CDN delivery configured, the CloudFront signer signs
// with a key made here (the deployment's is in Secrets Manager), so
// delivery=cdn and POST /cdn-access answer as deployed, their URLs
// pointing at a distribution that is not local.
func NewHandler(ctx context.Context, env map[string]string, logger *slog.Logger) (*api.Handler, api.Config, error) {
	getenv := func(k string) string { return env[k] }
	cfg, err := api.ConfigFromEnv(getenv)
	if err != nil {
		return nil, cfg, fmt.Errorf("devapi: the function's configuration: %w", err)
	}
	le, err := lambdaenv.Load(getenv)
	if err != nil {
		return nil, cfg, fmt.Errorf("devapi: %w", err)
	}
	client := le.S3()
	s, err := signer.New(client, cfg.Bucket)
	if err != nil {
		return nil, cfg, fmt.Errorf("devapi: S3 signer: %w", err)
	}
	deps := api.Deps{Presigner: s, Lister: client, Multipart: client, Logger: logger}
	if cfg.CDN != nil {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, cfg, fmt.Errorf("devapi: CDN signing key: %w", err)
		}
		cdn, err := cdnsign.New(cfg.CDN.Domain, cfg.CDN.KeyPairID, key)
		if err != nil {
			return nil, cfg, fmt.Errorf("devapi: CDN signer: %w", err)
		}
		deps.CDN = cdn
	}
	h, err := api.New(cfg, deps)
	if err != nil {
		return nil, cfg, fmt.Errorf("devapi: %w", err)
	}
	return h, cfg, nil
}

// OpenAPI is the API's OpenAPI document for cfg's limits, with serverURL
// as its server.
func OpenAPI(cfg api.Config, serverURL string) ([]byte, error) {
	return routes.OpenAPI(LimitsOf(cfg), strings.TrimSuffix(serverURL, "/"))
}

// LimitsOf are the route table's limits of a function configuration.
func LimitsOf(cfg api.Config) routes.Limits {
	return routes.Limits{MaxUploadBytes: cfg.MaxUploadBytes, URLTTLSeconds: int64(cfg.MaxTTL.Seconds())}
}

// OpenAPIFromTemplate is the OpenAPI document for the deployment of the
// synthesized template at path: its bounds are the function's limits
// there (MAX_UPLOAD_BYTES, URL_TTL_SECONDS, read by api.ConfigFromEnv).
func OpenAPIFromTemplate(path, serverURL string) ([]byte, error) {
	dep, err := ReadDeployment(path, LocalPseudo)
	if err != nil {
		return nil, err
	}
	env, err := FunctionEnv(dep, S3Access{})
	if err != nil {
		return nil, err
	}
	cfg, err := api.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		return nil, fmt.Errorf("devapi: the function's configuration: %w", err)
	}
	return OpenAPI(cfg, serverURL)
}

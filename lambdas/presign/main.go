// Command presign is the presign Lambda: it wires configuration, the S3
// signer and, when configured, the CloudFront signer into api.Handler.
// All logic lives in the packages beside it.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/securestore/securestore/lambdas/presign/api"
	"github.com/securestore/securestore/lambdas/presign/cdnsign"
	"github.com/securestore/securestore/lambdas/presign/lambdaenv"
	"github.com/securestore/securestore/lambdas/presign/signer"
)

// initTimeout bounds the AWS calls made at init (Lambda allows 10 s).
const initTimeout = 8 * time.Second

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	h, err := setup(logger)
	if err != nil {
		logger.Error("presign: init failed", slog.String("error", err.Error()))
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}

// setup builds the handler from the environment (lambdaenv reads the AWS
// variables Lambda sets, without the SDK's configuration loader, whose
// package inits would add about 2 ms to every cold start). Only when
// CloudFront delivery is configured is a Secrets Manager client made and
// the private key read, once, here, and kept in memory: a key that is
// missing or unusable stops the function at init with a message, rather
// than failing its first CDN request.
func setup(logger *slog.Logger) (*api.Handler, error) {
	cfg, err := api.ConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), initTimeout)
	defer cancel()

	env, err := lambdaenv.Load(os.Getenv)
	if err != nil {
		return nil, err
	}
	client := env.S3()
	s3Signer, err := signer.New(client, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("S3 signer: %w", err)
	}
	deps := api.Deps{Presigner: s3Signer, Lister: client, Multipart: client, Logger: logger}
	if cfg.CDN != nil {
		key, err := cdnsign.LoadKey(ctx, env.SecretString, cfg.CDN.PrivateKeySecretARN)
		if err != nil {
			return nil, fmt.Errorf("CDN signing key: %w", err)
		}
		s, err := cdnsign.New(cfg.CDN.Domain, cfg.CDN.KeyPairID, key)
		if err != nil {
			return nil, fmt.Errorf("CDN signer: %w", err)
		}
		deps.CDN = s
	}
	return api.New(cfg, deps)
}

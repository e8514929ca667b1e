// Package cdnsign issues CloudFront signed URLs (canned policy) for objects
// served by one distribution, with a private key read once from Secrets
// Manager.
//
// Only RSA keys are supported: the SDK's signer hashes the policy with SHA-1,
// which is what CloudFront verifies for RSA key pairs. Give the distribution's
// key group an RSA 2048 public key for the presign API (an ECDSA key in the
// group can still serve other signers).
package cdnsign

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

// Signer signs URLs of one distribution with one key pair.
type Signer struct {
	domain string
	url    *sign.URLSigner
}

// New returns a Signer for the distribution at domain (a host name such as
// d111111abcdef8.cloudfront.net or files.example.com, without scheme or
// path), whose key group holds the public key with id keyPairID.
func New(domain, keyPairID string, key crypto.Signer) (*Signer, error) {
	var problems []string
	if domain == "" || strings.ContainsAny(domain, "/:?#@ ") || strings.ToLower(domain) != domain {
		problems = append(problems, fmt.Sprintf("domain must be a lower-case host name without scheme, port or path, received %q", domain))
	}
	if keyPairID == "" || strings.ContainsAny(keyPairID, " /?&=") {
		problems = append(problems, fmt.Sprintf("key pair id must be the CloudFront public key id, received %q", keyPairID))
	}
	if _, ok := key.(*rsa.PrivateKey); !ok {
		problems = append(problems, fmt.Sprintf("key must be an RSA private key, received %T", key))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("cdnsign: %s", strings.Join(problems, "; "))
	}
	return &Signer{domain: domain, url: sign.NewURLSigner(keyPairID, key)}, nil
}

// URL returns the unsigned URL of objectKey on the distribution, escaped
// as S3 presigned URLs are (objectkey.Escape), so that the URL a viewer
// sends is exactly the resource the signature covers.
func (s *Signer) URL(objectKey string) string {
	return "https://" + s.domain + "/" + objectkey.Escape(objectKey)
}

// Sign returns a signed URL for objectKey valid until expires (canned
// policy: Expires, Signature and Key-Pair-Id query parameters). The caller
// bounds the expiry; only a missing one is refused.
func (s *Signer) Sign(objectKey string, expires time.Time) (string, error) {
	if objectKey == "" {
		return "", errors.New("cdnsign: empty object key")
	}
	if expires.Unix() <= 0 {
		return "", fmt.Errorf("cdnsign: no expiry (received %s)", expires.UTC().Format(time.RFC3339))
	}
	signed, err := s.url.Sign(s.URL(objectKey), expires)
	if err != nil {
		return "", fmt.Errorf("cdnsign: sign: %w", err)
	}
	return signed, nil
}

// SecretGetter is the one Secrets Manager call LoadKey makes;
// *secretsmanager.Client implements it.
type SecretGetter interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// LoadKey reads the PEM RSA private key (PKCS #1 or PKCS #8) stored as the
// SecretString of the secret secretARN.
func LoadKey(ctx context.Context, api SecretGetter, secretARN string) (crypto.Signer, error) {
	out, err := api.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &secretARN})
	if err != nil {
		return nil, fmt.Errorf("cdnsign: read secret %s: %w", secretARN, err)
	}
	if out.SecretString == nil || *out.SecretString == "" {
		return nil, fmt.Errorf("cdnsign: secret %s has no SecretString (store the PEM text, not binary)", secretARN)
	}
	key, err := ParseKey([]byte(*out.SecretString))
	if err != nil {
		return nil, fmt.Errorf("cdnsign: secret %s: %w", secretARN, err)
	}
	return key, nil
}

// ParseKey parses a PEM RSA private key, PKCS #1 ("RSA PRIVATE KEY") or
// PKCS #8 ("PRIVATE KEY").
func ParseKey(pemText []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(pemText)
	if block == nil {
		return nil, errors.New("not PEM: expected -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----")
	}
	if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") || block.Type == "ENCRYPTED PRIVATE KEY" {
		return nil, errors.New("the PEM key is encrypted: store it unencrypted (Secrets Manager encrypts it with KMS)")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PKCS #1 key: %w", err)
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PKCS #8 key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("the key is %T: the presign API signs CloudFront URLs with RSA keys only", k)
		}
		return rk, nil
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		return nil, errors.New("this is a public key: the secret must hold the private half")
	default:
		return nil, fmt.Errorf("PEM block %q is not a private key", block.Type)
	}
}

// Package cdnsign issues CloudFront signed URLs (canned policy) for objects
// served by one distribution, and custom policies for every object under a
// key prefix (SignFolder: a query string and cookies for a whole folder),
// with a private key read once from Secrets Manager (cdnsign itself imports
// no Secrets Manager client: see GetSecret). The signing is the SDK's
// (feature/cloudfront/sign v1.9.16): URLSigner.Sign for object URLs,
// Policy.Sign for folder policies.
//
// Keys: CloudFront accepts RSA 2048 and ECDSA P-256 key pairs for signed
// URLs, and with no Hash-Algorithm parameter it verifies a SHA-1 digest of
// the policy for both. The SDK's URLSigner and Policy.Sign hash with SHA-1
// and sign through crypto.Signer, so both key types work as they are: RSA
// gives a PKCS #1 v1.5 signature, ECDSA an ASN.1 DER one. (The SDK's
// CookieSigner takes RSA keys only, so folder cookies carry Policy.Sign's
// values instead.) ParseKey stays here: the SDK's PEM loaders read PKCS #1
// RSA or PKCS #8 only and do not explain why a stored key is unusable.
package cdnsign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"

	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

// ErrKey is wrapped by every error about a key that CloudFront cannot use
// or that is not a usable private key.
var ErrKey = errors.New("unusable CloudFront signing key")

// Signer signs URLs of one distribution with one key pair.
type Signer struct {
	domain    string
	keyPairID string
	key       crypto.Signer
	url       *sign.URLSigner
	now       func() time.Time
}

// Option configures a Signer.
type Option func(*Signer)

// WithClock sets the clock against which Sign refuses expiries that have
// already passed (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Signer) { s.now = now }
}

// New returns a Signer for the distribution at domain (a host name such as
// d111111abcdef8.cloudfront.net or files.example.com, without scheme, port
// or path), whose key group holds the public key with id keyPairID. key is
// the matching private key: RSA 2048 or ECDSA P-256.
func New(domain, keyPairID string, key crypto.Signer, opts ...Option) (*Signer, error) {
	var problems []string
	if domain == "" || strings.ContainsAny(domain, "/:?#@ \\%") || strings.ToLower(domain) != domain ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		problems = append(problems, fmt.Sprintf("domain must be a lower-case host name without scheme, port or path, received %q", domain))
	}
	if !isKeyPairID(keyPairID) {
		problems = append(problems, fmt.Sprintf("key pair id must be the CloudFront public key id (upper-case letters and digits), received %q", keyPairID))
	}
	if err := checkKey(key); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("cdnsign: %s", strings.Join(problems, "; "))
	}
	s := &Signer{domain: domain, keyPairID: keyPairID, key: key, url: sign.NewURLSigner(keyPairID, key), now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	return s, nil
}

func isKeyPairID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// checkKey accepts exactly the private keys CloudFront verifies signed URLs
// with: RSA 2048 and ECDSA P-256.
func checkKey(key crypto.Signer) error {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k == nil || k.N == nil {
			return fmt.Errorf("%w: no key", ErrKey)
		}
		if n := k.N.BitLen(); n != 2048 {
			return fmt.Errorf("%w: CloudFront takes RSA 2048 keys, received RSA %d", ErrKey, n)
		}
	case *ecdsa.PrivateKey:
		if k == nil || k.Curve == nil {
			return fmt.Errorf("%w: no key", ErrKey)
		}
		if k.Curve != elliptic.P256() {
			return fmt.Errorf("%w: CloudFront takes ECDSA keys on P-256 only, received %s", ErrKey, k.Curve.Params().Name)
		}
	case nil:
		return fmt.Errorf("%w: no key", ErrKey)
	default:
		return fmt.Errorf("%w: key must be RSA 2048 or ECDSA P-256, received %T", ErrKey, key)
	}
	return nil
}

// URL returns the unsigned URL of objectKey on the distribution, escaped
// as S3 presigned URLs are (objectkey.Escape: every byte outside
// A-Z a-z 0-9 - . _ ~ / percent-encoded, so each path segment is escaped and
// the slashes between them kept), so that the URL a viewer sends is exactly
// the resource the signature covers.
func (s *Signer) URL(objectKey string) string {
	return "https://" + s.domain + "/" + objectkey.Escape(objectKey)
}

// Sign returns a signed URL for objectKey valid until expires (canned
// policy: Expires, Signature and Key-Pair-Id query parameters). The caller
// bounds how far ahead expires may be; an expiry that is not after the
// signer's clock is refused.
func (s *Signer) Sign(objectKey string, expires time.Time) (string, error) {
	if objectKey == "" {
		return "", errors.New("cdnsign: empty object key")
	}
	if now := s.now(); !expires.After(now) {
		return "", fmt.Errorf("cdnsign: expiry %s is not after now (%s)", expires.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	signed, err := s.url.Sign(s.URL(objectKey), expires)
	if err != nil {
		return "", fmt.Errorf("cdnsign: sign %q: %w", objectKey, err)
	}
	return signed, nil
}

// GetSecret returns the SecretString of the secret secretARN (one Secrets
// Manager GetSecretValue call), or "" when the secret holds binary data.
// lambdaenv.Env.SecretString is one.
type GetSecret func(ctx context.Context, secretARN string) (string, error)

// LoadKey reads the PEM private key stored as the SecretString of the secret
// secretARN through get (call it once; keep the result) and parses it with
// ParseKey.
func LoadKey(ctx context.Context, get GetSecret, secretARN string) (crypto.Signer, error) {
	if get == nil {
		return nil, errors.New("cdnsign: no Secrets Manager reader")
	}
	if secretARN == "" {
		return nil, errors.New("cdnsign: no secret ARN for the CloudFront signing key")
	}
	text, err := get(ctx, secretARN)
	if err != nil {
		return nil, fmt.Errorf("cdnsign: read secret %s: %w", secretARN, err)
	}
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("cdnsign: secret %s has no SecretString (store the PEM text, not binary)", secretARN)
	}
	key, err := ParseKey([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("cdnsign: secret %s: %w", secretARN, err)
	}
	return key, nil
}

// ParseKey parses an unencrypted PEM private key that CloudFront can verify
// signatures of: RSA 2048 as PKCS #1 ("RSA PRIVATE KEY") or PKCS #8
// ("PRIVATE KEY"), ECDSA P-256 as SEC 1 ("EC PRIVATE KEY") or PKCS #8.
// Every error wraps ErrKey.
func ParseKey(pemText []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(bytes.TrimSpace(pemText))
	if block == nil {
		return nil, fmt.Errorf("%w: not PEM: expected -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY)", ErrKey)
	}
	if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") || block.Type == "ENCRYPTED PRIVATE KEY" {
		return nil, fmt.Errorf("%w: the PEM key is encrypted: store it unencrypted (Secrets Manager encrypts it with KMS)", ErrKey)
	}
	var (
		key any
		err error
	)
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
		return nil, fmt.Errorf("%w: this is a %s: the secret must hold the private key", ErrKey, strings.ToLower(block.Type))
	default:
		return nil, fmt.Errorf("%w: PEM block %q is not a private key", ErrKey, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: parse %s: %v", ErrKey, block.Type, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: key must be RSA 2048 or ECDSA P-256, received %T", ErrKey, key)
	}
	if err := checkKey(signer); err != nil {
		return nil, err
	}
	return signer, nil
}

// Folder is a CloudFront custom policy for every object under a key
// prefix: the policy's one statement allows Resource (the prefix's URL with
// a trailing "*") until Expires. Policy, Signature and KeyPairID are the
// values of the Policy, Signature and Key-Pair-Id query parameters, and of
// the CloudFront-Policy, CloudFront-Signature and CloudFront-Key-Pair-Id
// cookies, in CloudFront's URL-safe base64 ('-' for '+', '_' for '=', '~'
// for '/').
type Folder struct {
	// Resource is https://<domain>/<escaped prefix>*.
	Resource string
	// Expires is the policy's DateLessThan.
	Expires time.Time
	// Policy is the policy JSON (FolderPolicy) in CloudFront's base64.
	Policy string
	// Signature signs Policy with the distribution's key.
	Signature string
	// KeyPairID is the CloudFront public key id.
	KeyPairID string
}

// Query is the folder's query string, to append (after "?" or "&") to the
// URL of any object under the prefix.
func (f Folder) Query() string {
	return "Policy=" + f.Policy + "&Signature=" + f.Signature + "&Key-Pair-Id=" + f.KeyPairID
}

// Cookie names of a signed folder.
const (
	CookiePolicy    = "CloudFront-Policy"
	CookieSignature = "CloudFront-Signature"
	CookieKeyPairID = "CloudFront-Key-Pair-Id"
)

// FolderPolicy is the exact JSON of the custom policy for resource until
// expires (whole seconds), the bytes Signature signs.
func FolderPolicy(resource string, expires time.Time) []byte {
	var b []byte
	b = append(b, `{"Statement":[{"Resource":`...)
	b = strconv.AppendQuote(b, resource)
	b = append(b, `,"Condition":{"DateLessThan":{"AWS:EpochTime":`...)
	b = strconv.AppendInt(b, expires.Unix(), 10)
	return append(b, "}}}]}"...)
}

// ErrPrefix is wrapped by SignFolder's errors about the prefix.
var ErrPrefix = errors.New("not a folder prefix")

// SignFolder signs a custom policy for every object under prefix (a valid
// key prefix that ends with "/") until expires, a whole second after the
// signer's clock. The resource is the prefix escaped as URL does (so an
// "*" or "?" in a key is %2A or %3F there, never a wildcard) with one "*"
// after it: it covers the prefix's objects and nothing beside them.
func (s *Signer) SignFolder(prefix string, expires time.Time) (Folder, error) {
	if !strings.HasSuffix(prefix, "/") || objectkey.Validate(prefix+"x") != nil {
		return Folder{}, fmt.Errorf("cdnsign: %w: %q must be a key prefix ending with \"/\"", ErrPrefix, prefix)
	}
	if now := s.now(); !expires.After(now) || !expires.Equal(expires.Truncate(time.Second)) {
		return Folder{}, fmt.Errorf("cdnsign: expiry %s must be a whole second after now (%s)", expires.UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339))
	}
	resource := s.URL(prefix) + "*"
	// The SDK's custom policy: the same JSON as FolderPolicy, signed over
	// SHA-1 with any crypto.Signer, in CloudFront's base64.
	sig, policy, err := sign.NewCannedPolicy(resource, expires).Sign(s.key)
	if err != nil {
		return Folder{}, fmt.Errorf("cdnsign: sign the policy of %q: %w", prefix, err)
	}
	return Folder{Resource: resource, Expires: expires, Policy: string(policy), Signature: string(sig), KeyPairID: s.keyPairID}, nil
}

// cloudFrontStd turns CloudFront's URL-safe base64 back into standard base64.
var cloudFrontStd = strings.NewReplacer("-", "+", "_", "=", "~", "/")

// Verify checks a Policy and Signature pair (CloudFront's URL-safe base64,
// as in a Folder or its cookies) the way CloudFront does with no
// Hash-Algorithm parameter: SHA-1 of the policy JSON, then RSA PKCS #1 v1.5
// or ECDSA (ASN.1) with pub. It returns the policy JSON.
func Verify(pub crypto.PublicKey, policy, signature string) ([]byte, error) {
	doc, err := base64.StdEncoding.DecodeString(cloudFrontStd.Replace(policy))
	if err != nil {
		return nil, fmt.Errorf("cdnsign: policy is not CloudFront base64: %w", err)
	}
	sig, err := base64.StdEncoding.DecodeString(cloudFrontStd.Replace(signature))
	if err != nil {
		return nil, fmt.Errorf("cdnsign: signature is not CloudFront base64: %w", err)
	}
	if err := verifyPolicy(pub, doc, sig); err != nil {
		return nil, err
	}
	return doc, nil
}

// verifyPolicy checks sig over the policy JSON policy as CloudFront does:
// SHA-1, then RSA PKCS #1 v1.5 or ECDSA (ASN.1).
func verifyPolicy(pub crypto.PublicKey, policy, sig []byte) error {
	digest := sha1.Sum(policy)
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if err := rsa.VerifyPKCS1v15(k, crypto.SHA1, digest[:], sig); err != nil {
			return fmt.Errorf("cdnsign: signature does not verify: %w", err)
		}
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, digest[:], sig) {
			return errors.New("cdnsign: signature does not verify")
		}
	default:
		return fmt.Errorf("cdnsign: no verifier for %T", pub)
	}
	return nil
}

package cdnsign

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

const (
	testDomain = "d111111abcdef8.cloudfront.net"
	testKeyID  = "K2JCJMDEHXQW5F"
)

var testKey = func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}()

// cloudFrontBase64 undoes CloudFront's URL-safe base64 ('-' for '+', '_'
// for '=', '~' for '/').
func cloudFrontBase64(s string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.NewReplacer("-", "+", "_", "=", "~", "/").Replace(s))
}

// verify checks a signed URL the way CloudFront does for a canned policy:
// rebuild the policy from the URL and its Expires, and verify the RSA
// SHA-1 signature with the public key.
func verify(t *testing.T, signed string, pub *rsa.PublicKey) (resource string, expires int64) {
	t.Helper()
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("Key-Pair-Id") != testKeyID {
		t.Errorf("Key-Pair-Id = %q", q.Get("Key-Pair-Id"))
	}
	expires, err = strconv.ParseInt(q.Get("Expires"), 10, 64)
	if err != nil {
		t.Fatalf("Expires %q: %v", q.Get("Expires"), err)
	}
	sig, err := cloudFrontBase64(q.Get("Signature"))
	if err != nil {
		t.Fatalf("Signature: %v", err)
	}
	resource = strings.SplitN(signed, "?", 2)[0]
	policy := fmt.Sprintf(`{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%d}}}]}`, resource, expires)
	digest := sha1.Sum([]byte(policy))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA1, digest[:], sig); err != nil {
		t.Errorf("signature does not verify for policy %s: %v", policy, err)
	}
	return resource, expires
}

func TestSign_VerifiesAgainstThePublicKey(t *testing.T) {
	s, err := New(testDomain, testKeyID, testKey)
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(5 * time.Minute).Truncate(time.Second)
	for key, wantPath := range map[string]string{
		"tier-1/report.pdf":       "/tier-1/report.pdf",
		"users/u/a b+c&d.txt":     "/users/u/a%20b%2Bc%26d.txt",
		"users/u/日本語/ünïcødé.txt": "/users/u/%E6%97%A5%E6%9C%AC%E8%AA%9E/%C3%BCn%C3%AFc%C3%B8d%C3%A9.txt",
	} {
		t.Run(key, func(t *testing.T) {
			signed, err := s.Sign(key, exp)
			if err != nil {
				t.Fatal(err)
			}
			resource, expires := verify(t, signed, &testKey.PublicKey)
			if resource != "https://"+testDomain+wantPath {
				t.Errorf("resource = %s, want https://%s%s", resource, testDomain, wantPath)
			}
			if expires != exp.Unix() {
				t.Errorf("Expires = %d, want %d", expires, exp.Unix())
			}
		})
	}
}

func TestSign_TamperingBreaksTheSignature(t *testing.T) {
	s, err := New(testDomain, testKeyID, testKey)
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Minute)
	signed, err := s.Sign("users/u/a.txt", exp)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(signed)
	q := u.Query()
	sig, _ := cloudFrontBase64(q.Get("Signature"))
	for name, check := range map[string]func() error{
		"other object": func() error {
			p := fmt.Sprintf(`{"Statement":[{"Resource":"https://%s/users/v/a.txt","Condition":{"DateLessThan":{"AWS:EpochTime":%s}}}]}`, testDomain, q.Get("Expires"))
			d := sha1.Sum([]byte(p))
			return rsa.VerifyPKCS1v15(&testKey.PublicKey, crypto.SHA1, d[:], sig)
		},
		"later expiry": func() error {
			p := fmt.Sprintf(`{"Statement":[{"Resource":"https://%s/users/u/a.txt","Condition":{"DateLessThan":{"AWS:EpochTime":%d}}}]}`, testDomain, exp.Unix()+3600)
			d := sha1.Sum([]byte(p))
			return rsa.VerifyPKCS1v15(&testKey.PublicKey, crypto.SHA1, d[:], sig)
		},
		"other key": func() error {
			p := fmt.Sprintf(`{"Statement":[{"Resource":"https://%s/users/u/a.txt","Condition":{"DateLessThan":{"AWS:EpochTime":%s}}}]}`, testDomain, q.Get("Expires"))
			d := sha1.Sum([]byte(p))
			return rsa.VerifyPKCS1v15(&other.PublicKey, crypto.SHA1, d[:], sig)
		},
	} {
		if check() == nil {
			t.Errorf("%s: the signature still verifies", name)
		}
	}
}

func TestNewAndSign_RejectBadInput(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		domain, id string
		key        crypto.Signer
		want       string
	}{
		"scheme in domain": {"https://" + testDomain, testKeyID, testKey, "host name"},
		"path in domain":   {testDomain + "/x", testKeyID, testKey, "host name"},
		"upper case":       {"D1.cloudfront.net", testKeyID, testKey, "host name"},
		"empty domain":     {"", testKeyID, testKey, "host name"},
		"empty key id":     {testDomain, "", testKey, "key pair id"},
		"ECDSA key":        {testDomain, testKeyID, ec, "RSA"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := New(tc.domain, tc.id, tc.key); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
	s, err := New(testDomain, testKeyID, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sign("k", time.Time{}); err == nil {
		t.Error("Sign without an expiry succeeded")
	}
	if _, err := s.Sign("", time.Now().Add(time.Minute)); err == nil {
		t.Error("Sign with an empty key succeeded")
	}
}

// secrets is Secrets Manager's GetSecretValue over a map: the API boundary
// LoadKey is written against (no Secrets Manager runs here).
type secrets map[string]*string

func (s secrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	v, ok := s[*in.SecretId]
	if !ok {
		return nil, errors.New("ResourceNotFoundException: Secrets Manager can't find the specified secret")
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: v}, nil
}

func pemOf(t *testing.T, typ string, der []byte) *string {
	t.Helper()
	s := string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	return &s
}

func TestLoadKey(t *testing.T) {
	pkcs8, err := x509.MarshalPKCS8PrivateKey(testKey)
	if err != nil {
		t.Fatal(err)
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	pubDER, _ := x509.MarshalPKIXPublicKey(&testKey.PublicKey)
	empty := ""
	notPEM := "hunter2"
	encrypted := string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}}))
	store := secrets{
		"pkcs1":     pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(testKey)),
		"pkcs8":     pemOf(t, "PRIVATE KEY", pkcs8),
		"ecdsa":     pemOf(t, "PRIVATE KEY", ecDER),
		"public":    pemOf(t, "PUBLIC KEY", pubDER),
		"binary":    nil,
		"empty":     &empty,
		"not pem":   &notPEM,
		"encrypted": &encrypted,
	}
	for _, name := range []string{"pkcs1", "pkcs8"} {
		t.Run(name, func(t *testing.T) {
			key, err := LoadKey(context.Background(), store, name)
			if err != nil {
				t.Fatal(err)
			}
			s, err := New(testDomain, testKeyID, key)
			if err != nil {
				t.Fatal(err)
			}
			signed, err := s.Sign("users/u/a.txt", time.Now().Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			verify(t, signed, &testKey.PublicKey)
		})
	}
	for name, want := range map[string]string{
		"missing":   "can't find",
		"ecdsa":     "RSA keys only",
		"public":    "public key",
		"binary":    "no SecretString",
		"empty":     "no SecretString",
		"not pem":   "not PEM",
		"encrypted": "encrypted",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadKey(context.Background(), store, name)
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), name) {
				t.Errorf("LoadKey = %v, want an error naming the secret and mentioning %q", err, want)
			}
		})
	}
}

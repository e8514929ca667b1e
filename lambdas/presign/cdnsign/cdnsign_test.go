package cdnsign

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testDomain = "d111111abcdef8.cloudfront.net"
	testKeyID  = "K2JCJMDEHXQW5F"
)

// testNow is the signers' clock in these tests.
var testNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
	keysErr  error
)

// testKeys are an RSA 2048 and an ECDSA P-256 key generated once per run.
func testKeys(t testing.TB) (*rsa.PrivateKey, *ecdsa.PrivateKey) {
	t.Helper()
	keysOnce.Do(func() {
		if rsaKey, keysErr = rsa.GenerateKey(rand.Reader, 2048); keysErr != nil {
			return
		}
		ecKey, keysErr = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	})
	if keysErr != nil {
		t.Fatal(keysErr)
	}
	return rsaKey, ecKey
}

// cloudFrontBase64 undoes CloudFront's URL-safe base64 ('-' for '+', '_'
// for '=', '~' for '/').
func cloudFrontBase64(s string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(cloudFrontStd.Replace(s))
}

// cannedPolicy is the policy CloudFront rebuilds from a canned-policy URL.
func cannedPolicy(resource string, expires int64) []byte {
	return fmt.Appendf(nil, `{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%d}}}]}`, resource, expires)
}

// verify checks a signed URL as CloudFront does for a canned policy:
// rebuild the policy from the URL and its Expires, verify the signature with
// the public key. It returns the resource and expiry the URL carries.
func verify(t *testing.T, signed string, pub crypto.PublicKey) (resource string, expires int64) {
	t.Helper()
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if len(q) != 3 || q.Get("Key-Pair-Id") != testKeyID {
		t.Errorf("query = %v, want exactly Expires, Signature and Key-Pair-Id=%s", q, testKeyID)
	}
	expires, err = strconv.ParseInt(q.Get("Expires"), 10, 64)
	if err != nil {
		t.Fatalf("Expires %q: %v", q.Get("Expires"), err)
	}
	raw := q.Get("Signature")
	if strings.ContainsAny(raw, "+=/") {
		t.Errorf("Signature %q is not CloudFront's URL-safe base64", raw)
	}
	sig, err := cloudFrontBase64(raw)
	if err != nil {
		t.Fatalf("Signature: %v", err)
	}
	resource, _, _ = strings.Cut(signed, "?")
	if err := verifyPolicy(pub, cannedPolicy(resource, expires), sig); err != nil {
		t.Errorf("signature does not verify for resource %s, expiry %d: %v", resource, expires, err)
	}
	return resource, expires
}

func TestSign_VerifiesAgainstThePublicKey(t *testing.T) {
	rk, ek := testKeys(t)
	exp := testNow.Add(5 * time.Minute)
	paths := []struct{ key, wantPath string }{
		{"tier-1/report.pdf", "/tier-1/report.pdf"},
		{"users/u/a b+c&d=e?f#g.txt", "/users/u/a%20b%2Bc%26d%3De%3Ff%23g.txt"},
		{"users/u/日本語/ünïcødé.txt", "/users/u/%E6%97%A5%E6%9C%AC%E8%AA%9E/%C3%BCn%C3%AFc%C3%B8d%C3%A9.txt"},
		{"users/u/%41 already escaped~_.x", "/users/u/%2541%20already%20escaped~_.x"},
		{"users/u/quote\"back\\slash", "/users/u/quote%22back%5Cslash"},
	}
	for _, kt := range []struct {
		name string
		key  crypto.Signer
	}{{"RSA 2048", rk}, {"ECDSA P-256", ek}} {
		s, err := New(testDomain, testKeyID, kt.key, WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			t.Run(kt.name+"/"+p.key, func(t *testing.T) {
				signed, err := s.Sign(p.key, exp)
				if err != nil {
					t.Fatal(err)
				}
				resource, expires := verify(t, signed, kt.key.Public())
				if want := "https://" + testDomain + p.wantPath; resource != want {
					t.Errorf("resource = %s, want %s", resource, want)
				}
				if expires != exp.Unix() {
					t.Errorf("Expires = %d, want %d", expires, exp.Unix())
				}
			})
		}
	}
}

// TestSign_SignatureCoversResourceExpiryAndKey: the same signature must not
// verify for another object, a later expiry, or under another key.
func TestSign_SignatureCoversResourceExpiryAndKey(t *testing.T) {
	rk, ek := testKeys(t)
	otherRSA, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	otherEC, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, kt := range []struct {
		name        string
		key         crypto.Signer
		other       crypto.PublicKey
		otherFamily crypto.PublicKey
	}{{"RSA", rk, &otherRSA.PublicKey, ek.Public()}, {"ECDSA", ek, &otherEC.PublicKey, rk.Public()}} {
		s, err := New(testDomain, testKeyID, kt.key, WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		exp := testNow.Add(time.Minute)
		signed, err := s.Sign("users/u/a.txt", exp)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(signed)
		sig, err := cloudFrontBase64(u.Query().Get("Signature"))
		if err != nil {
			t.Fatal(err)
		}
		resource := "https://" + testDomain + "/users/u/a.txt"
		if err := verifyPolicy(kt.key.Public(), cannedPolicy(resource, exp.Unix()), sig); err != nil {
			t.Fatalf("%s: the untampered policy does not verify: %v", kt.name, err)
		}
		for name, tc := range map[string]struct {
			pub    crypto.PublicKey
			policy []byte
		}{
			"other object":     {kt.key.Public(), cannedPolicy("https://"+testDomain+"/users/v/a.txt", exp.Unix())},
			"other domain":     {kt.key.Public(), cannedPolicy("https://d2.cloudfront.net/users/u/a.txt", exp.Unix())},
			"later expiry":     {kt.key.Public(), cannedPolicy(resource, exp.Unix()+3600)},
			"other key":        {kt.other, cannedPolicy(resource, exp.Unix())},
			"other key family": {kt.otherFamily, cannedPolicy(resource, exp.Unix())},
		} {
			if verifyPolicy(tc.pub, tc.policy, sig) == nil {
				t.Errorf("%s, %s: the signature still verifies", kt.name, name)
			}
		}
	}
}

func TestNew_RejectsBadInput(t *testing.T) {
	rk, ek := testKeys(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, domain, id string
		key              crypto.Signer
		want             string
	}{
		{"scheme in domain", "https://" + testDomain, testKeyID, rk, "host name"},
		{"path in domain", testDomain + "/x", testKeyID, rk, "host name"},
		{"port in domain", testDomain + ":443", testKeyID, rk, "host name"},
		{"upper case domain", "D1.cloudfront.net", testKeyID, rk, "host name"},
		{"trailing dot", testDomain + ".", testKeyID, rk, "host name"},
		{"empty domain", "", testKeyID, rk, "host name"},
		{"empty key pair id", testDomain, "", rk, "key pair id"},
		{"key pair id with query characters", testDomain, "K2&x=1", rk, "key pair id"},
		{"lower-case key pair id", testDomain, "k2jcjmdehxqw5f", ek, "key pair id"},
		{"no key", testDomain, testKeyID, nil, "no key"},
		{"nil RSA key", testDomain, testKeyID, (*rsa.PrivateKey)(nil), "no key"},
		{"nil ECDSA key", testDomain, testKeyID, (*ecdsa.PrivateKey)(nil), "no key"},
		{"RSA 1024", testDomain, testKeyID, small, "RSA 1024"},
		{"ECDSA P-384", testDomain, testKeyID, p384, "P-384"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.domain, tc.id, tc.key)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, want an error mentioning %q", err, tc.want)
			}
			if s != nil {
				t.Error("New returned a Signer with its error")
			}
		})
	}
}

func TestSign_RejectsBadInput(t *testing.T) {
	rk, _ := testKeys(t)
	s, err := New(testDomain, testKeyID, rk, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		key     string
		expires time.Time
		want    string
	}{
		{"empty object key", "", testNow.Add(time.Minute), "empty object key"},
		{"expiry in the past", "k", testNow.Add(-time.Second), "not after now"},
		{"expiry now", "k", testNow, "not after now"},
		{"no expiry", "k", time.Time{}, "not after now"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			signed, err := s.Sign(tc.key, tc.expires)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Sign = %v, want an error mentioning %q", err, tc.want)
			}
			if signed != "" {
				t.Errorf("a URL was signed: %s", signed)
			}
		})
	}
}

// secrets is Secrets Manager's GetSecretValue over a map, the API boundary
// LoadKey is written against (no Secrets Manager runs here; lambdaenv tests
// the call itself): a missing id fails as the service does, a nil value is
// a binary secret, and each call is counted.
type secrets struct {
	values map[string]*string
	calls  int
}

func (s *secrets) get(_ context.Context, secretARN string) (string, error) {
	s.calls++
	v, ok := s.values[secretARN]
	if !ok {
		return "", errors.New("ResourceNotFoundException: Secrets Manager can't find the specified secret")
	}
	if v == nil {
		return "", nil
	}
	return *v, nil
}

func pemText(typ string, der []byte) *string {
	s := string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	return &s
}

func str(s string) *string { return &s }

// committed reads a public key committed for the CDN construct's tests.
func committed(t *testing.T, name string) *string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "constructs", "privatecdn", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return str(string(b))
}

func TestLoadKey_ParsesEveryAcceptedForm(t *testing.T) {
	rk, ek := testKeys(t)
	rsaPKCS8, err := x509.MarshalPKCS8PrivateKey(rk)
	if err != nil {
		t.Fatal(err)
	}
	ecPKCS8, err := x509.MarshalPKCS8PrivateKey(ek)
	if err != nil {
		t.Fatal(err)
	}
	ecSEC1, err := x509.MarshalECPrivateKey(ek)
	if err != nil {
		t.Fatal(err)
	}
	store := &secrets{values: map[string]*string{
		"rsa-pkcs1": pemText("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk)),
		"rsa-pkcs8": pemText("PRIVATE KEY", rsaPKCS8),
		"ec-pkcs8":  pemText("PRIVATE KEY", ecPKCS8),
		"ec-sec1":   pemText("EC PRIVATE KEY", ecSEC1),
		"rsa-crlf":  str(strings.ReplaceAll(*pemText("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk)), "\n", "\r\n")),
		"ec-padded": str("\n\n  " + *pemText("EC PRIVATE KEY", ecSEC1) + "\n"),
	}}
	cases := []struct {
		secret string
		pub    crypto.PublicKey
	}{
		{"rsa-pkcs1", rk.Public()}, {"rsa-pkcs8", rk.Public()}, {"rsa-crlf", rk.Public()},
		{"ec-pkcs8", ek.Public()}, {"ec-sec1", ek.Public()}, {"ec-padded", ek.Public()},
	}
	for _, tc := range cases {
		t.Run(tc.secret, func(t *testing.T) {
			before := store.calls
			key, err := LoadKey(context.Background(), store.get, tc.secret)
			if err != nil {
				t.Fatal(err)
			}
			if store.calls != before+1 {
				t.Errorf("LoadKey made %d calls, want 1", store.calls-before)
			}
			s, err := New(testDomain, testKeyID, key, WithClock(clock))
			if err != nil {
				t.Fatal(err)
			}
			signed, err := s.Sign("users/u/a.txt", testNow.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			verify(t, signed, tc.pub)
		})
	}
}

func TestLoadKey_ExplainsUnusableSecrets(t *testing.T) {
	_, ek := testKeys(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p384DER, err := x509.MarshalECPrivateKey(p384)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalECPrivateKey(ek)
	if err != nil {
		t.Fatal(err)
	}
	legacyEncrypted := str("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAA\n-----END RSA PRIVATE KEY-----\n")
	store := &secrets{values: map[string]*string{
		"binary":          nil,
		"empty":           str(""),
		"blank":           str(" \n"),
		"not pem":         str("hunter2"),
		"rsa public":      committed(t, "viewer_rsa2048.pem"),
		"ec public":       committed(t, "viewer_ecp256.pem"),
		"pkcs8 encrypted": pemText("ENCRYPTED PRIVATE KEY", []byte{1, 2, 3}),
		"pem encrypted":   legacyEncrypted,
		"rsa 1024":        pemText("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(small)),
		"ec p384":         pemText("EC PRIVATE KEY", p384DER),
		"garbled":         pemText("EC PRIVATE KEY", ecDER[:len(ecDER)/2]),
		"mislabelled":     pemText("RSA PRIVATE KEY", ecDER),
		"certificate":     pemText("CERTIFICATE", []byte{1}),
	}}
	cases := []struct{ secret, want string }{
		{"missing", "can't find"},
		{"binary", "no SecretString"},
		{"empty", "no SecretString"},
		{"blank", "no SecretString"},
		{"not pem", "not PEM"},
		{"rsa public", "public key"},
		{"ec public", "public key"},
		{"pkcs8 encrypted", "encrypted"},
		{"pem encrypted", "encrypted"},
		{"rsa 1024", "RSA 1024"},
		{"ec p384", "P-384"},
		{"garbled", "parse EC PRIVATE KEY"},
		{"mislabelled", "parse RSA PRIVATE KEY"},
		{"certificate", "certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.secret, func(t *testing.T) {
			key, err := LoadKey(context.Background(), store.get, tc.secret)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.secret) {
				t.Errorf("LoadKey = %v, want an error naming the secret and mentioning %q", err, tc.want)
			}
			if key != nil {
				t.Errorf("LoadKey returned a key with its error")
			}
			if tc.secret != "missing" && !errors.Is(err, ErrKey) && !strings.Contains(err.Error(), "SecretString") {
				t.Errorf("LoadKey = %v, want ErrKey", err)
			}
		})
	}
	if _, err := LoadKey(context.Background(), store.get, ""); err == nil {
		t.Error("LoadKey with no ARN succeeded")
	}
	if _, err := LoadKey(context.Background(), nil, "arn"); err == nil {
		t.Error("LoadKey with no client succeeded")
	}
}

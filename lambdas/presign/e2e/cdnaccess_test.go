package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/securestore/securestore/internal/testkit/s3server"
	"github.com/securestore/securestore/lambdas/presign/cdnsign"
	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

const (
	cdnDomain    = "media.example.com"
	cookieDomain = "example.com"
	cdnKeyPairID = "K2JCJMDEHXQW5F"
	cdnSecretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:securestore/cdn-key-AbCdEf"
)

// secretsManager plays Secrets Manager's side of the one call the function
// makes at init: GetSecretValue of secretARN, SigV4-signed for the
// secretsmanager service with creds (the signature is recomputed here and
// compared), answered with value.
func secretsManager(t *testing.T, creds aws.Credentials, secretARN, value string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var in struct{ SecretId string }
		if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || json.Unmarshal(body, &in) != nil {
			http.Error(w, `{"__type":"InvalidRequestException"}`, http.StatusBadRequest)
			return
		}
		if !signedBy(r, body, creds) {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"__type":"InvalidSignatureException","message":"signature does not match"}`)
			return
		}
		if in.SecretId != secretARN {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"ResourceNotFoundException"}`)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(map[string]any{"ARN": secretARN, "Name": "securestore/cdn-key", "SecretString": value, "VersionId": "v1"})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// signedBy recomputes r's SigV4 signature for secretsmanager, with every
// header the request says it signed, in the credential scope's region at
// its X-Amz-Date, and compares.
func signedBy(r *http.Request, body []byte, creds aws.Credentials) bool {
	auth := r.Header.Get("Authorization")
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	fields := strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ", ")
	if err != nil || len(fields) != 3 || !strings.HasPrefix(fields[0], "Credential="+creds.AccessKeyID+"/") {
		return false
	}
	scope := strings.Split(strings.TrimPrefix(fields[0], "Credential="), "/")
	if len(scope) != 5 || scope[3] != "secretsmanager" {
		return false
	}
	again, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), strings.NewReader(string(body)))
	if err != nil {
		return false
	}
	for _, h := range strings.Split(strings.TrimPrefix(fields[1], "SignedHeaders="), ";") {
		if h != "host" && h != "content-length" && h != "x-amz-date" {
			again.Header.Set(h, r.Header.Get(h))
		}
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(r.Context(), creds, again, hex.EncodeToString(sum[:]), "secretsmanager", scope[2], at); err != nil {
		return false
	}
	return again.Header.Get("Authorization") == auth
}

// startWithCDN starts the function with CloudFront delivery and a cookie
// domain, its private key (a new RSA-2048 key, returned) read at init from
// the SigV4-checking Secrets Manager stand-in.
func startWithCDN(t *testing.T) (*function, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	f := start(t, func(minio *s3server.Server) map[string]string {
		creds := aws.Credentials{AccessKeyID: minio.AccessKey, SecretAccessKey: minio.SecretKey}
		return map[string]string{
			"CDN_DOMAIN":                       cdnDomain,
			"CDN_KEY_PAIR_ID":                  cdnKeyPairID,
			"CDN_PRIVATE_KEY_SECRET_ARN":       cdnSecretARN,
			"CDN_COOKIE_DOMAIN":                cookieDomain,
			"AWS_ENDPOINT_URL_SECRETS_MANAGER": secretsManager(t, creds, cdnSecretARN, pemKey).URL,
		}
	})
	return f, key
}

// TestE2E_CDNAccess: the bootstrap reads its CloudFront key from Secrets
// Manager at init, and POST /cdn-access answers a folder policy whose
// signature verifies with the public key, with cookies for the shared
// parent domain; a folder the caller may not read whole is refused.
func TestE2E_CDNAccess(t *testing.T) {
	f, key := startWithCDN(t)

	home := "users/" + alice + "/album/"
	ev := routed(http.MethodPost, "/cdn-access", nil, nil, `{"prefix":"`+home+`","expiresIn":120}`, alice, "tier-1")
	resp := f.invoke(t, ev)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /cdn-access: %d %s", resp.StatusCode, resp.Body)
	}
	var body struct {
		Resource, ExpiresAt, Query string
		Cookies                    map[string]string
	}
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatal(err)
	}
	wantResource := "https://" + cdnDomain + "/" + objectkey.Escape(home) + "*"
	doc, err := cdnsign.Verify(&key.PublicKey, body.Cookies[cdnsign.CookiePolicy], body.Cookies[cdnsign.CookieSignature])
	if err != nil {
		t.Fatalf("the folder's signature: %v", err)
	}
	expires, err := time.Parse(time.RFC3339, body.ExpiresAt)
	if err != nil {
		t.Fatal(err)
	}
	if want := string(cdnsign.FolderPolicy(wantResource, expires)); string(doc) != want || body.Resource != wantResource {
		t.Errorf("policy %s for %s, want %s", doc, body.Resource, want)
	}
	if until := time.Until(expires); until < 100*time.Second || until > 121*time.Second {
		t.Errorf("expires in %s, want about 120 s", until)
	}
	t.Logf("folder %s until %s: the signature verifies with the public key; policy %s", body.Resource, body.ExpiresAt, doc)
	cookies := resp.MultiValueHeaders["Set-Cookie"]
	if len(cookies) != 3 {
		t.Fatalf("Set-Cookie %q", cookies)
	}
	for _, c := range cookies {
		parsed, err := http.ParseSetCookie(c)
		if err != nil || parsed.Domain != cookieDomain || parsed.Path != "/"+objectkey.Escape(home) || !parsed.Secure || !parsed.HttpOnly || parsed.Value != body.Cookies[parsed.Name] {
			t.Errorf("cookie %s (%v)", c, err)
		}
	}
	t.Logf("cookies: %s", strings.Join(cookies, " | "))

	for _, p := range []string{"users/", "users/" + bob + "/", "tier-2/"} {
		resp := f.invoke(t, routed(http.MethodPost, "/cdn-access", nil, nil, `{"prefix":"`+p+`"}`, alice, "tier-1"))
		if resp.StatusCode != http.StatusForbidden || len(resp.MultiValueHeaders["Set-Cookie"]) != 0 {
			t.Errorf("folder %s: %d %s", p, resp.StatusCode, resp.Body)
		}
		t.Logf("folder %s: %d %s", p, resp.StatusCode, resp.Body)
	}
}

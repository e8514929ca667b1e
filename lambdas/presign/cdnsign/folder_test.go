package cdnsign

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"

	"github.com/securestore/securestore/lambdas/presign/objectkey"
)

// TestSignFolder_VerifiesWithTheExactPolicy: the signature verifies with
// the public key over exactly the policy JSON CloudFront reads, for both
// key types, and the cookies and query carry the same three values.
func TestSignFolder_VerifiesWithTheExactPolicy(t *testing.T) {
	rk, ek := testKeys(t)
	exp := testNow.Add(10 * time.Minute)
	for _, k := range []struct {
		name string
		key  crypto.Signer
		pub  crypto.PublicKey
	}{{"RSA", rk, &rk.PublicKey}, {"ECDSA", ek, &ek.PublicKey}} {
		s, err := New(testDomain, testKeyID, k.key, WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.SignFolder("users/alice/album 1/", exp)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"Statement":[{"Resource":"https://` + testDomain + `/users/alice/album%201/*","Condition":{"DateLessThan":{"AWS:EpochTime":` + itoa(exp.Unix()) + `}}}]}`
		doc, err := Verify(k.pub, f.Policy, f.Signature)
		if err != nil {
			t.Fatalf("%s: %v", k.name, err)
		}
		if string(doc) != want {
			t.Errorf("%s: policy\n got %s\nwant %s", k.name, doc, want)
		}
		if f.Resource != "https://"+testDomain+"/users/alice/album%201/*" || f.KeyPairID != testKeyID || !f.Expires.Equal(exp) {
			t.Errorf("%s: folder = %+v", k.name, f)
		}
		if strings.ContainsAny(f.Policy+f.Signature, "+=/") {
			t.Errorf("%s: not CloudFront's URL-safe base64: %s", k.name, f.Query())
		}
		if q := f.Query(); q != "Policy="+f.Policy+"&Signature="+f.Signature+"&Key-Pair-Id="+testKeyID {
			t.Errorf("%s: query %s", k.name, q)
		}
		// A tampered policy (a wider resource) does not verify.
		wider := strings.NewReplacer("+", "-", "=", "_", "/", "~").Replace(b64(bytes.Replace(doc, []byte("album%201/*"), []byte("*"), 1)))
		if _, err := Verify(k.pub, wider, f.Signature); err == nil {
			t.Errorf("%s: a widened policy verifies", k.name)
		}
	}
}

// TestFolderPolicy_IsTheSDKsJSON: the policy bytes are what the SDK's own
// policy encoder writes for the same statement.
func TestFolderPolicy_IsTheSDKsJSON(t *testing.T) {
	exp := testNow.Add(time.Hour)
	res := "https://" + testDomain + "/tier-1/x%2A%3F/*"
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sign.NewCannedPolicy(res, exp)); err != nil {
		t.Fatal(err)
	}
	if got, want := string(FolderPolicy(res, exp)), strings.TrimSpace(buf.String()); got != want {
		t.Errorf("FolderPolicy\n got %s\nwant %s", got, want)
	}
}

// TestSignFolder_NeverWidens: whatever the prefix's characters, the
// resource is the escaped prefix and one trailing "*": no other wildcard,
// and nothing that reaches outside the prefix.
func TestSignFolder_NeverWidens(t *testing.T) {
	rk, _ := testKeys(t)
	s, err := New(testDomain, testKeyID, rk, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a/", "tier-1/", "users/x*/", "users/?/", "a/*/b/", "h/%2A/", "u/ü/", "q/a?b=c&d/", "s/ /", "t/#/"} {
		f, err := s.SignFolder(p, testNow.Add(time.Minute))
		if err != nil {
			t.Fatalf("%q: %v", p, err)
		}
		body, ok := strings.CutSuffix(f.Resource, "*")
		if !ok || strings.ContainsAny(body, "*?") || body != "https://"+testDomain+"/"+objectkey.Escape(p) {
			t.Errorf("%q: resource %s widens beyond the prefix", p, f.Resource)
		}
	}
}

func TestSignFolder_Refuses(t *testing.T) {
	rk, _ := testKeys(t)
	s, err := New(testDomain, testKeyID, rk, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "/", "a", "a/b", "/a/", "a//", "../", "a/../"} {
		if _, err := s.SignFolder(p, testNow.Add(time.Minute)); !errors.Is(err, ErrPrefix) {
			t.Errorf("SignFolder(%q) = %v, want ErrPrefix", p, err)
		}
	}
	for _, exp := range []time.Time{testNow, testNow.Add(-time.Second), testNow.Add(1500 * time.Millisecond)} {
		if _, err := s.SignFolder("a/", exp); err == nil {
			t.Errorf("SignFolder expiring %s: no error", exp)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

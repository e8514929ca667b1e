package privatebucket

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/securestore/securestore/internal/testkit/cdktest"
	"github.com/securestore/securestore/validation"
)

// newFails builds a PrivateBucket with props in a fresh stack and returns the
// validation error it panicked with, or nil.
func newFails(t *testing.T, props *Props) *validation.Error {
	t.Helper()
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("S"), nil)
	return cdktest.Invalid(t, func() { New(stack, jsii.String("Bucket"), props) })
}

func TestNew_AcceptsDefaults(t *testing.T) {
	if err := newFails(t, nil); err != nil {
		t.Fatalf("nil props: %v", err)
	}
}

func TestNew_RejectsBadProps(t *testing.T) {
	cases := []struct {
		name  string
		props *Props
		want  []string
	}{
		{"uppercase bucket name", &Props{BucketName: jsii.String("My-Bucket")}, []string{"BucketName", `"My-Bucket"`, "lowercase"}},
		{"too short", &Props{BucketName: jsii.String("ab")}, []string{"BucketName", "3 to 63"}},
		{"ip address", &Props{BucketName: jsii.String("192.168.1.1")}, []string{"BucketName", "IP address"}},
		{"dotted name", &Props{BucketName: jsii.String("my.bucket")}, []string{"BucketName", "'.'"}},
		{"reserved prefix", &Props{BucketName: jsii.String("xn--bucket")}, []string{"BucketName", "reserved"}},
		{"long prefix", &Props{BucketNamePrefix: jsii.String(strings.Repeat("a", 36))}, []string{"BucketNamePrefix", "at most 35"}},
		{"name and prefix", &Props{BucketName: jsii.String("abc"), BucketNamePrefix: jsii.String("x")}, []string{"BucketNamePrefix", "must be nil"}},
		{"zero upload days", &Props{AbortIncompleteUploadAfter: awscdk.Duration_Days(jsii.Number(0))}, []string{"AbortIncompleteUploadAfter", "received 0"}},
		{"noncurrent in hours", &Props{NoncurrentVersionExpiration: awscdk.Duration_Hours(jsii.Number(36))}, []string{"NoncurrentVersionExpiration", "1 day 12 hours"}},
		{"fractional log days", &Props{AccessLogRetention: awscdk.Duration_Hours(jsii.Number(36))}, []string{"AccessLogRetention", "whole number of days"}},
		{"wildcard origin", &Props{CorsAllowedOrigins: jsii.Strings("*")}, []string{"CorsAllowedOrigins", `"*"`}},
		{"http origin", &Props{CorsAllowedOrigins: jsii.Strings("http://app.example.com")}, []string{"CorsAllowedOrigins", "https://"}},
		{"lock mode", &Props{ObjectLock: &ObjectLock{Mode: jsii.String("STRICT"), Retention: awscdk.Duration_Days(jsii.Number(1))}}, []string{"ObjectLock.Mode", `"STRICT"`}},
		{"lock days", &Props{ObjectLock: &ObjectLock{Mode: jsii.String(ObjectLockCompliance)}}, []string{"ObjectLock.Retention"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := newFails(t, tc.props)
			if err == nil {
				t.Fatal("New accepted the props")
			}
			msg := err.Error()
			if !strings.Contains(msg, "S/Bucket") {
				t.Errorf("message %q does not name the construct path", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestNew_ReportsEveryBadPropAtOnce(t *testing.T) {
	err := newFails(t, &Props{BucketName: jsii.String("Bad"), AbortIncompleteUploadAfter: awscdk.Duration_Days(jsii.Number(0))})
	if err == nil || len(err.Problems) != 2 {
		t.Fatalf("got %v, want two problems", err)
	}
}

func TestCheckBucketName_AcceptsValidNames(t *testing.T) {
	for _, n := range []string{"abc", "securestore-data-123456789012-eu-west-1", "a1-b2", strings.Repeat("a", 63)} {
		if why := checkBucketName(n); why != "" {
			t.Errorf("%q rejected: %s", n, why)
		}
	}
}

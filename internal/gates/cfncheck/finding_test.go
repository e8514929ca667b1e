package cfncheck

import "testing"

func TestExemption_UnlessProperty(t *testing.T) {
	e := Exemption{
		ID:             "CT.CLOUDFRONT.PR.6",
		Resources:      []string{"CDN/Resource/Resource"},
		UnlessProperty: "DistributionConfig.ViewerCertificate.AcmCertificateArn",
		Reason:         "test",
	}
	withCert := map[string]any{"DistributionConfig": map[string]any{"ViewerCertificate": map[string]any{"AcmCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x"}}}
	defaultCert := map[string]any{"DistributionConfig": map[string]any{"ViewerCertificate": map[string]any{"CloudFrontDefaultCertificate": true}}}
	nullCert := map[string]any{"DistributionConfig": map[string]any{"ViewerCertificate": map[string]any{"AcmCertificateArn": nil}}}
	cases := []struct {
		name  string
		f     Finding
		cover bool
	}{
		{"option off: exempt", Finding{ID: e.ID, Path: "dev/S/CDN/Resource/Resource", properties: defaultCert}, true},
		{"no properties: exempt", Finding{ID: e.ID, Path: "dev/S/CDN/Resource/Resource"}, true},
		{"null property counts as absent", Finding{ID: e.ID, Path: "dev/S/CDN/Resource/Resource", properties: nullCert}, true},
		{"option on: enforced", Finding{ID: e.ID, Path: "dev/S/CDN/Resource/Resource", properties: withCert}, false},
		{"other control", Finding{ID: "CT.CLOUDFRONT.PR.7", Path: "dev/S/CDN/Resource/Resource", properties: defaultCert}, false},
		{"other resource", Finding{ID: e.ID, Path: "dev/S/Other/Resource", properties: defaultCert}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := e.covers(tc.f); got != tc.cover {
				t.Errorf("covers = %v, want %v", got, tc.cover)
			}
		})
	}
}

func TestResources(t *testing.T) {
	rs, err := Resources([]byte(`{"Resources":{
		"B":{"Type":"AWS::S3::Bucket","Properties":{"BucketName":"x"},"Metadata":{"aws:cdk:path":"dev/S/Bucket/Resource"}},
		"K":{"Type":"AWS::KMS::Key"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if b := rs["B"]; b.Type != "AWS::S3::Bucket" || b.Path != "dev/S/Bucket/Resource" || b.Properties["BucketName"] != "x" {
		t.Errorf("B = %+v", b)
	}
	if k := rs["K"]; k.Type != "AWS::KMS::Key" || k.Path != "" || k.Properties != nil {
		t.Errorf("K = %+v", k)
	}
	for _, bad := range []string{`[]`, `{}`, `{"Resources":{"X":1}}`, `{"Resources":{"X":{"Type":""}}}`} {
		if _, err := Resources([]byte(bad)); err == nil {
			t.Errorf("Resources(%s) succeeded", bad)
		}
	}
}

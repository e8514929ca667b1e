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

package test

import (
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/internal/testkit/cdktest"
)

// TestMonitoring_AlarmsWhereTheMetricsAre: every configuration alarms on
// the API and the function in the storage stack, and on the distribution
// where CloudFront's metrics are: the storage stack pinned to us-east-1
// (maximal), the Edge stack (regional), and in an environment-agnostic
// stack (default, prod) under a condition: only where it is deployed in
// us-east-1. One dashboard per environment. The bucket has request
// metrics for the dashboard.
func TestMonitoring_AlarmsWhereTheMetricsAre(t *testing.T) {
	for _, c := range []struct {
		name   string
		alarms int
	}{{"default", 8}, {"prod", 8}, {"maximal", 8}, {"regional", 6}, {"regional-edge", 2}} {
		s := configs[c.name]
		s.assert.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(float64(c.alarms)))
		s.assert.ResourceCountIs(jsii.String("AWS::SNS::Topic"), jsii.Number(1))
		if c.name == "regional-edge" {
			s.assert.ResourceCountIs(jsii.String("AWS::CloudWatch::Dashboard"), jsii.Number(0))
			continue
		}
		s.assert.ResourceCountIs(jsii.String("AWS::CloudWatch::Dashboard"), jsii.Number(1))
		found := false
		for _, b := range cdktest.Resources(s.template, "AWS::S3::Bucket") {
			if p, _ := b["Properties"].(map[string]any); p["MetricsConfigurations"] != nil {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no bucket has request metrics", c.name)
		}
	}
}

package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/config"
	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/constructs/monitoring"
	"github.com/securestore/securestore/constructs/presignapi"
	"github.com/securestore/securestore/constructs/privatebucket"
)

// newMonitoring creates the alarms' topic and dashboard of one stack
// (child id "Monitoring"), with cfg's thresholds and subscriptions, and
// with alarmsOnly no dashboard (the Edge stack's: the storage stack's
// dashboard shows the distribution too); the
// existing topic alarmTopicArn when it is of region (or region is "", an
// environment-agnostic stack), else a new one.
func newMonitoring(stack awscdk.Stack, cfg *config.Config, region string, alarmsOnly bool) *monitoring.Monitoring {
	p := &monitoring.Props{
		Emails:      cfg.AlarmEmails,
		NoDashboard: jsii.Bool(alarmsOnly),
		Thresholds: monitoring.Thresholds{
			API5xx:             jsii.Number(float64(cfg.AlarmAPI5xx)),
			APILatencyP99:      awscdk.Duration_Millis(jsii.Number(float64(cfg.AlarmAPILatencyP99Ms))),
			API4xxPercent:      jsii.Number(cfg.AlarmAPI4xxPercent),
			FunctionErrors:     jsii.Number(float64(cfg.AlarmFunctionErrors)),
			FunctionThrottles:  jsii.Number(float64(cfg.AlarmFunctionThrottles)),
			ConcurrencyPercent: jsii.Number(cfg.AlarmConcurrencyPercent),
			AccountConcurrency: jsii.Number(float64(cfg.AlarmAccountConcurrency)),
			CDN5xxPercent:      jsii.Number(cfg.AlarmCDN5xxPercent),
			CDN4xxPercent:      jsii.Number(cfg.AlarmCDN4xxPercent),
			MinRequests:        jsii.Number(float64(cfg.AlarmMinRequests)),
		},
	}
	if cfg.AlarmTopicArn != "" && (region == "" || config.TopicRegion(cfg.AlarmTopicArn) == region) {
		p.Topic = awssns.Topic_FromTopicArn(stack, jsii.String("AlarmTopic"), jsii.String(cfg.AlarmTopicArn))
		p.Emails = nil // the team's topic has its own subscriptions
	} else {
		p.TopicKeyProps = &encryptionkey.Props{
			Alias:         jsii.String(cfg.AlarmTopicKeyAlias),
			AdminRoleArns: jsii.Strings(cfg.KeyAdminRoleArns...),
		}
	}
	return monitoring.New(stack, jsii.String("Monitoring"), p)
}

// watch adds an environment's alarms and dashboard: the API, the
// function and the bucket in the storage stack; the distribution's alarm
// where its metrics are (us-east-1: the Edge stack, or the storage stack
// pinned there, or in an environment-agnostic storage stack under a
// condition on its region), and its row on the storage stack's dashboard.
func watch(storage *Storage, cfg *config.Config) {
	m := newMonitoring(storage.Stack, cfg, cfg.Region, false)
	storage.Monitoring = m
	m.WatchAPI(storage.API.RestAPI, presignapi.StageName)
	m.WatchFunction(storage.API.Function, float64(cfg.LambdaReservedConcurrency))
	m.WatchBucket(storage.Bucket.Bucket, privatebucket.RequestMetricsID)
	if storage.Front == nil {
		return
	}
	id := storage.Front.CDN.Distribution.DistributionId()
	if storage.Edge == nil {
		// Pinned to us-east-1, or environment-agnostic: then the alarm is
		// created only where the stack is deployed in us-east-1.
		m.WatchDistribution(id)
		return
	}
	storage.Edge.Monitoring = newMonitoring(storage.Edge.Stack, cfg, config.EdgeRegion, true)
	storage.Edge.Monitoring.WatchDistribution(id)
	m.DashboardWidgetsForDistribution(id)
}

package monitoring

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/internal/testkit/cdktest"
)

var (
	synth  cdktest.Once
	shared struct {
		stack    awscdk.Stack
		m        *Monitoring
		template assertions.Template
		raw      map[string]any
	}
)

// load synthesizes one us-east-1 stack with an API, a function, a bucket
// and a distribution id, all watched, with two thresholds set.
func load(t *testing.T) {
	t.Helper()
	synth.Do(t, func() error {
		stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Watched"), &awscdk.StackProps{
			Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
		})
		api := awsapigateway.NewRestApi(stack, jsii.String("Api"), nil)
		api.Root().AddMethod(jsii.String("GET"), nil, nil)
		fn := awslambda.NewFunction(stack, jsii.String("Fn"), &awslambda.FunctionProps{
			Runtime: awslambda.Runtime_NODEJS_22_X(), Handler: jsii.String("index.handler"), Code: awslambda.Code_FromInline(jsii.String("exports.handler = async () => ({})")),
		})
		bucket := awss3.NewBucket(stack, jsii.String("Data"), nil)
		m := New(stack, jsii.String("Monitoring"), &Props{
			Emails:     []string{"oncall@example.com"},
			Thresholds: Thresholds{API5xx: jsii.Number(10), ConcurrencyPercent: jsii.Number(50)},
		})
		m.WatchAPI(api, "v1")
		m.WatchFunction(fn, 20)
		m.WatchBucket(bucket, "EntireBucket")
		m.WatchDistribution(jsii.String("E1234567890ABC"))
		shared.stack, shared.m = stack, m
		shared.template = assertions.Template_FromStack(stack, nil)
		shared.raw = *shared.template.ToJSON()
		return nil
	})
}

// TestAlarms_EachWithItsThresholdActingOnTheTopic: the eight alarms, their
// metrics, thresholds (defaults and the two set), and the topic as alarm
// and OK action.
func TestAlarms_EachWithItsThresholdActingOnTheTopic(t *testing.T) {
	load(t)
	topic := map[string]any{"Ref": *shared.stack.GetLogicalId(shared.m.Topic.Node().DefaultChild().(awscdk.CfnElement))}
	want := map[string]struct {
		metric, namespace string
		threshold         float64
		periods           float64
	}{
		"Api5xx":              {"5XXError", "AWS/ApiGateway", 10, 1},
		"ApiLatencyP99":       {"Latency", "AWS/ApiGateway", DefaultAPILatencyP99Millis, 3},
		"Api4xxRate":          {"", "", DefaultAPI4xxPercent, 3},
		"FunctionErrors":      {"Errors", "AWS/Lambda", DefaultFunctionErrors, 1},
		"FunctionThrottles":   {"Throttles", "AWS/Lambda", DefaultFunctionThrottles, 1},
		"FunctionConcurrency": {"ConcurrentExecutions", "AWS/Lambda", 10, 1}, // 50% of 20
		"Cdn5xxRate":          {"", "", DefaultCDN5xxPercent, 3},
		"Cdn4xxRate":          {"", "", DefaultCDN4xxPercent, 3},
	}
	alarms := cdktest.Resources(shared.raw, "AWS::CloudWatch::Alarm")
	if len(alarms) != len(want) {
		t.Fatalf("%d alarms, want %d", len(alarms), len(want))
	}
	for name, w := range want {
		a, ok := shared.m.Alarms[name]
		if !ok {
			t.Errorf("no alarm %s", name)
			continue
		}
		p := alarms[*shared.stack.GetLogicalId(a.Node().DefaultChild().(awscdk.CfnElement))]["Properties"].(map[string]any)
		if p["Threshold"] != w.threshold || p["EvaluationPeriods"] != w.periods || p["DatapointsToAlarm"] != w.periods {
			t.Errorf("%s: threshold %v over %v of %v periods, want %v over %v", name, p["Threshold"], p["DatapointsToAlarm"], p["EvaluationPeriods"], w.threshold, w.periods)
		}
		if w.metric != "" && (p["MetricName"] != w.metric || p["Namespace"] != w.namespace || p["Period"] != 300.0) {
			t.Errorf("%s: metric %v/%v every %v s, want %s/%s every 300", name, p["Namespace"], p["MetricName"], p["Period"], w.namespace, w.metric)
		}
		for _, actions := range []string{"AlarmActions", "OKActions"} {
			if fmt.Sprint(p[actions]) != fmt.Sprint([]any{topic}) {
				t.Errorf("%s: %s %v, want the topic", name, actions, p[actions])
			}
		}
		if p["TreatMissingData"] != "notBreaching" || p["AlarmDescription"] == nil {
			t.Errorf("%s: missing data %v, description %v", name, p["TreatMissingData"], p["AlarmDescription"])
		}
	}
	// The 4XX rate is a percentage of requests, from the 4XXError average.
	shared.template.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), &map[string]any{
		"Metrics": assertions.Match_ArrayWith(&[]any{
			assertions.Match_ObjectLike(&map[string]any{"Expression": "IF(n >= 100, 100 * r, 0)"}),
			assertions.Match_ObjectLike(&map[string]any{"Id": "n", "MetricStat": assertions.Match_ObjectLike(&map[string]any{
				"Metric": assertions.Match_ObjectLike(&map[string]any{"MetricName": "Count", "Namespace": "AWS/ApiGateway"}), "Stat": "Sum",
			})}),
			assertions.Match_ObjectLike(&map[string]any{"Id": "r", "MetricStat": assertions.Match_ObjectLike(&map[string]any{
				"Metric": assertions.Match_ObjectLike(&map[string]any{"MetricName": "4XXError", "Namespace": "AWS/ApiGateway"}), "Stat": "Average",
			})}),
		}),
	})
}

// TestAlarms_CDNRatesCountedFromMinRequests: the distribution's rates are
// CloudFront's own percentages, counted once a period has MinRequests.
func TestAlarms_CDNRatesCountedFromMinRequests(t *testing.T) {
	load(t)
	for _, metric := range []string{"5xxErrorRate", "4xxErrorRate"} {
		shared.template.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), &map[string]any{
			"Metrics": assertions.Match_ArrayWith(&[]any{
				assertions.Match_ObjectLike(&map[string]any{"Expression": "IF(n >= 100, 1 * r, 0)"}),
				assertions.Match_ObjectLike(&map[string]any{"Id": "n", "MetricStat": assertions.Match_ObjectLike(&map[string]any{
					"Metric": assertions.Match_ObjectLike(&map[string]any{"MetricName": "Requests"}), "Stat": "Sum",
				})}),
				assertions.Match_ObjectLike(&map[string]any{"Id": "r", "MetricStat": assertions.Match_ObjectLike(&map[string]any{
					"Metric": assertions.Match_ObjectLike(&map[string]any{"MetricName": metric, "Namespace": "AWS/CloudFront"}), "Stat": "Average",
				})}),
			}),
		})
	}
}

// TestTopic_EncryptedForCloudWatchTLSOnlyWithSubscriptions.
func TestTopic_EncryptedForCloudWatchTLSOnlyWithSubscriptions(t *testing.T) {
	load(t)
	keyID := *shared.stack.GetLogicalId(shared.m.TopicKey.Key.Node().DefaultChild().(awscdk.CfnElement))
	shared.template.HasResourceProperties(jsii.String("AWS::SNS::Topic"), &map[string]any{
		"KmsMasterKeyId": map[string]any{"Fn::GetAtt": []any{keyID, "Arn"}},
	})
	shared.template.HasResourceProperties(jsii.String("AWS::SNS::TopicPolicy"), &map[string]any{
		"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Effect": "Deny", "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		})})}),
	})
	shared.template.HasResourceProperties(jsii.String("AWS::KMS::Key"), &map[string]any{
		"KeyPolicy": assertions.Match_ObjectLike(&map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
			"Sid": "CloudWatchAlarmsPublish", "Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
			"Condition": assertions.Match_ObjectLike(&map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"}}),
		})})}),
	})
	shared.template.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), &map[string]any{"Protocol": "email", "Endpoint": "oncall@example.com"})
}

// TestDashboard_ShowsEveryWatchedMetric: the dashboard body names the
// API's, the function's, the bucket's request and the distribution's
// metrics (CloudFront's from us-east-1).
func TestDashboard_ShowsEveryWatchedMetric(t *testing.T) {
	load(t)
	d := cdktest.Resources(shared.raw, "AWS::CloudWatch::Dashboard")
	if len(d) != 1 {
		t.Fatalf("%d dashboards", len(d))
	}
	var body string
	for _, r := range d {
		body = fmt.Sprint(r["Properties"].(map[string]any)["DashboardBody"])
	}
	for _, m := range []string{"5XXError", "Latency", "ConcurrentExecutions", "Throttles", "AllRequests", "4xxErrors", "5xxErrors", "EntireBucket", "5xxErrorRate", "4xxErrorRate", "E1234567890ABC"} {
		if !strings.Contains(body, m) {
			t.Errorf("the dashboard shows no %s", m)
		}
	}
}

func TestWatchDistribution_RefusesAnotherRegion(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("S"), &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("eu-west-1")}})
	m := New(stack, jsii.String("M"), nil)
	err := cdktest.Invalid(t, func() { m.WatchDistribution(jsii.String("E1")) })
	if err == nil || !strings.Contains(err.Error(), "us-east-1") {
		t.Errorf("WatchDistribution in eu-west-1: %v", err)
	}
}

func TestNew_RefusesInvalidThresholds(t *testing.T) {
	for _, c := range []struct {
		name, prop string
		t          Thresholds
	}{
		{"zero 5XX", "Thresholds.API5xx", Thresholds{API5xx: jsii.Number(0)}},
		{"percent over 100", "Thresholds.API4xxPercent", Thresholds{API4xxPercent: jsii.Number(101)}},
		{"latency over API Gateway's timeout", "Thresholds.APILatencyP99", Thresholds{APILatencyP99: awscdk.Duration_Seconds(jsii.Number(30))}},
	} {
		stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("S"), nil)
		err := cdktest.Invalid(t, func() { New(stack, jsii.String("M"), &Props{Thresholds: c.t}) })
		if err == nil || !strings.Contains(err.Error(), c.prop) {
			t.Errorf("%s: %v, want an error naming %s", c.name, err, c.prop)
		}
	}
}

// TestWatchDistribution_AgnosticStackUnderACondition: in a stack that
// names no region, the distribution's alarm exists only where the stack
// is deployed in us-east-1.
func TestWatchDistribution_AgnosticStackUnderACondition(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Agnostic"), nil)
	m := New(stack, jsii.String("M"), &Props{NoDashboard: jsii.Bool(true)})
	m.WatchDistribution(jsii.String("E1"))
	tpl := assertions.Template_FromStack(stack, nil)
	raw := *tpl.ToJSON()
	var cond string
	for id := range raw["Conditions"].(map[string]any) {
		cond = id
	}
	if cond == "" || fmt.Sprint(raw["Conditions"].(map[string]any)[cond]) != "map[Fn::Equals:[map[Ref:AWS::Region] us-east-1]]" {
		t.Fatalf("conditions %v", raw["Conditions"])
	}
	for id, a := range cdktest.Resources(raw, "AWS::CloudWatch::Alarm") {
		if a["Condition"] != cond {
			t.Errorf("alarm %s has condition %v, want %s", id, a["Condition"], cond)
		}
	}
	tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Dashboard"), jsii.Number(0))
}

// TestWatchFunction_WithoutReservationWatchesTheAccountPool: a function
// without reserved concurrency (the default, which a new account's quota
// allows) gets no FunctionConcurrency alarm, whose threshold would mean
// nothing, but AccountConcurrency on the region's ClaimedAccountConcurrency
// at ConcurrencyPercent of AccountConcurrency.
func TestWatchFunction_WithoutReservationWatchesTheAccountPool(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Unreserved"), nil)
	fn := awslambda.NewFunction(stack, jsii.String("Fn"), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(), Handler: jsii.String("index.handler"), Code: awslambda.Code_FromInline(jsii.String("exports.handler = async () => ({})")),
	})
	m := New(stack, jsii.String("Monitoring"), &Props{Thresholds: Thresholds{AccountConcurrency: jsii.Number(50)}})
	m.WatchFunction(fn, 0)
	if _, ok := m.Alarms["FunctionConcurrency"]; ok {
		t.Error("FunctionConcurrency alarm without a reservation")
	}
	a, ok := m.Alarms["AccountConcurrency"]
	if !ok {
		t.Fatal("no AccountConcurrency alarm")
	}
	raw := *assertions.Template_FromStack(stack, nil).ToJSON()
	p := cdktest.Resources(raw, "AWS::CloudWatch::Alarm")[*stack.GetLogicalId(a.Node().DefaultChild().(awscdk.CfnElement))]["Properties"].(map[string]any)
	if p["MetricName"] != "ClaimedAccountConcurrency" || p["Namespace"] != "AWS/Lambda" || p["Statistic"] != "Maximum" || p["Threshold"] != 40.0 || p["Dimensions"] != nil {
		t.Errorf("AccountConcurrency alarm: %v", p)
	}
	if d := fmt.Sprint(p["AlarmDescription"]); !strings.Contains(d, "no reservation") {
		t.Errorf("description %q does not say the function has no reservation", d)
	}
}

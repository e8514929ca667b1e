// Package monitoring provides securestore's alarms and dashboard: CloudWatch
// alarms on the presign API, its function and the distribution, each with a
// threshold (Thresholds, with documented defaults), all acting on one SNS
// topic, and one dashboard with their metrics and the bucket's request
// metrics.
//
// A Monitoring lives in one stack and region: CloudWatch alarms act only on
// topics of their own region and read metrics of their own region, so the
// distribution's alarm (CloudFront publishes its metrics in us-east-1) goes
// into a Monitoring of a us-east-1 stack, the Edge stack when there is one
// (in an environment-agnostic stack it exists only where the stack is
// deployed in us-east-1). The dashboard may show metrics of any region.
//
// The topic it creates is encrypted with a key of its own (child
// "TopicKey") that CloudWatch alarms of this account and region may use,
// and its policy refuses every request not sent over TLS.
package monitoring

import (
	"fmt"
	"math"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/encryptionkey"
	"github.com/securestore/securestore/validation"
)

// Default thresholds (Thresholds' nil fields).
const (
	// DefaultAPI5xx is the API's 5XX responses in 5 minutes.
	DefaultAPI5xx = 5
	// DefaultAPILatencyP99Millis is the API's p99 latency over 5 minutes,
	// three periods in a row.
	DefaultAPILatencyP99Millis = 3000
	// DefaultAPI4xxPercent is the share of the API's requests answered
	// 4XX over 5 minutes, three periods in a row.
	DefaultAPI4xxPercent = 25
	// DefaultFunctionErrors is the function's errors (a crash or timeout:
	// every answer, a refusal included, is a response) in 5 minutes.
	DefaultFunctionErrors = 1
	// DefaultFunctionThrottles is the function's throttled invocations in
	// 5 minutes.
	DefaultFunctionThrottles = 1
	// DefaultConcurrencyPercent is the function's peak concurrency, in
	// percent of its reserved concurrency, over 5 minutes.
	DefaultConcurrencyPercent = 80
	// DefaultAccountConcurrency is Thresholds.AccountConcurrency's
	// default: Lambda's default concurrency quota per region.
	DefaultAccountConcurrency = 1000
	// DefaultCDN5xxPercent is the distribution's 5xx error rate over 5
	// minutes, three periods in a row.
	DefaultCDN5xxPercent = 5
	// DefaultCDN4xxPercent is the distribution's 4xx error rate over 5
	// minutes, three periods in a row: unsigned or expired requests
	// (probing), or the origin refusing OAC.
	DefaultCDN4xxPercent = 25
	// DefaultMinRequests is how many requests a 5-minute period needs
	// before a rate alarm (API 4XX, distribution 5xx) counts it: a lone
	// probe is not an unusual rate.
	DefaultMinRequests = 100
)

// period is every alarm's period.
var period = awscdk.Duration_Minutes(jsii.Number(5))

// Thresholds are the alarms' thresholds; nil means the default.
type Thresholds struct {
	// API5xx: 5XX responses in 5 minutes. Default: - 5.
	API5xx *float64
	// APILatencyP99: p99 latency, 3 periods of 5 minutes in a row.
	// Default: - 3 seconds.
	APILatencyP99 awscdk.Duration
	// API4xxPercent: percent of requests answered 4XX, 3 periods of 5
	// minutes in a row (abuse as much as client bugs). Default: - 25.
	API4xxPercent *float64
	// FunctionErrors: function errors in 5 minutes. Default: - 1.
	FunctionErrors *float64
	// FunctionThrottles: throttled invocations in 5 minutes. Default: - 1.
	FunctionThrottles *float64
	// ConcurrencyPercent: peak concurrency in percent of the function's
	// reserved concurrency or, without one, the region's claimed account
	// concurrency in percent of AccountConcurrency. Default: - 80.
	ConcurrencyPercent *float64
	// AccountConcurrency is the account's Lambda concurrency quota in the
	// region ("Concurrent executions" in Service Quotas), which a function
	// without reserved concurrency shares. Default: - 1000, the quota's
	// default (new accounts may start lower: set yours).
	AccountConcurrency *float64
	// CDN5xxPercent: the distribution's 5xx error rate, 3 periods of 5
	// minutes in a row. Default: - 5.
	CDN5xxPercent *float64
	// CDN4xxPercent: the distribution's 4xx error rate, 3 periods of 5
	// minutes in a row. Default: - 25.
	CDN4xxPercent *float64
	// MinRequests: the requests a period needs before the rate alarms
	// count it (fewer count as 0%). Default: - 100.
	MinRequests *float64
}

// Props configures a Monitoring. Nil props means all defaults.
type Props struct {
	// Topic receives every alarm and its return to OK: an existing topic
	// of the stack's region, whose key (if any) CloudWatch may use.
	// Default: - a new topic (child "Topic") encrypted with a new key.
	Topic awssns.ITopic
	// TopicKeyProps configures the new topic's key (its alias, its
	// administrators); ignored with Topic.
	// Default: - alias "alias/securestore/alarms".
	TopicKeyProps *encryptionkey.Props
	// Emails subscribe to the topic (each confirms by email first).
	// Default: - none.
	Emails []string
	// Thresholds of the alarms.
	Thresholds Thresholds
	// DashboardName names the dashboard (dashboards are per account).
	// Default: - a name CloudFormation generates.
	DashboardName *string
	// NoDashboard leaves the dashboard out, for a Monitoring that only
	// holds alarms (another stack's dashboard shows the metrics).
	// Default: - false.
	NoDashboard *bool
}

// Monitoring is the topic, the dashboard and the alarms Watch* add.
type Monitoring struct {
	constructs.Construct
	// Topic receives every alarm.
	Topic awssns.ITopic
	// TopicKey encrypts the new topic (child "TopicKey"); nil with
	// Props.Topic.
	TopicKey *encryptionkey.EncryptionKey
	// Dashboard shows every watched metric (child "Dashboard"); nil with
	// Props.NoDashboard.
	Dashboard awscloudwatch.Dashboard
	// Alarms are the alarms added so far, by short name ("Api5xx", ...).
	Alarms map[string]awscloudwatch.Alarm

	t Thresholds
}

// DefaultTopicKeyAlias is the topic key's alias when TopicKeyProps gives
// none.
const DefaultTopicKeyAlias = "alias/securestore/alarms"

// New creates the topic (unless Props.Topic) and the dashboard under scope.
// It panics with a *validation.Error naming each invalid prop.
func New(scope constructs.Construct, id *string, props *Props) *Monitoring {
	c := constructs.NewConstruct(scope, id)
	var p Props
	if props != nil {
		p = *props
	}
	check(c, &p)
	m := &Monitoring{Construct: c, Alarms: map[string]awscloudwatch.Alarm{}, t: p.Thresholds}
	m.Topic = p.Topic
	if m.Topic == nil {
		keyProps := encryptionkey.Props{}
		if p.TopicKeyProps != nil {
			keyProps = *p.TopicKeyProps
		}
		if keyProps.Alias == nil {
			keyProps.Alias = jsii.String(DefaultTopicKeyAlias)
		}
		if keyProps.Description == nil {
			keyProps.Description = jsii.String("securestore alarms topic key: CloudWatch alarms of this account and region")
		}
		m.TopicKey = encryptionkey.New(c, jsii.String("TopicKey"), &keyProps)
		stack := awscdk.Stack_Of(c)
		// CloudWatch encrypts the alarm notifications it publishes.
		m.TopicKey.Key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("CloudWatchAlarmsPublish"),
			Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
			Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
			Resources:  jsii.Strings("*"),
			Conditions: alarmsOfThisAccount(stack),
		}), jsii.Bool(true))
		m.Topic = awssns.NewTopic(c, jsii.String("Topic"), &awssns.TopicProps{
			DisplayName: jsii.String("securestore alarms"),
			MasterKey:   m.TopicKey.Key,
			EnforceSSL:  jsii.Bool(true),
		})
		// A topic policy replaces SNS's default one, which let the
		// account's services publish: CloudWatch alarms of this account
		// and region need their own Allow.
		m.Topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("CloudWatchAlarmsPublish"),
			Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
			Actions:    jsii.Strings("sns:Publish"),
			Resources:  &[]*string{m.Topic.TopicArn()},
			Conditions: alarmsOfThisAccount(stack),
		}))
	}
	for _, e := range p.Emails {
		m.Topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(e), nil))
	}
	if p.NoDashboard == nil || !*p.NoDashboard {
		m.Dashboard = awscloudwatch.NewDashboard(c, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
			DashboardName:   p.DashboardName,
			DefaultInterval: awscdk.Duration_Hours(jsii.Number(3)),
		})
	}
	return m
}

// alarmsOfThisAccount conditions a statement on CloudWatch alarms of the
// stack's account and region.
func alarmsOfThisAccount(stack awscdk.Stack) *map[string]any {
	return &map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()},
		"ArnLike": map[string]any{"aws:SourceArn": awscdk.Fn_Join(jsii.String(""), &[]*string{
			jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":cloudwatch:"), awscdk.Aws_REGION(), jsii.String(":"), awscdk.Aws_ACCOUNT_ID(), jsii.String(":alarm:*"),
		})},
	}
}

func or(v *float64, def float64) float64 {
	if v == nil {
		return def
	}
	return *v
}

// countedRate is rate times scale (a percentage) in a period with at
// least MinRequests requests (count), and 0 in a quieter one: a lone probe
// is not an unusual rate.
func (m *Monitoring) countedRate(rate awscloudwatch.IMetric, scale float64, count awscloudwatch.IMetric, label string) awscloudwatch.MathExpression {
	return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression:   jsii.String(fmt.Sprintf("IF(n >= %v, %v * r, 0)", or(m.t.MinRequests, DefaultMinRequests), scale)),
		UsingMetrics: &map[string]awscloudwatch.IMetric{"r": rate, "n": count},
		Label:        jsii.String(label),
		Period:       period,
	})
}

// widgets adds a row to the dashboard, if there is one.
func (m *Monitoring) widgets(w ...awscloudwatch.IWidget) {
	if m.Dashboard != nil {
		m.Dashboard.AddWidgets(w...)
	}
}

// alarm adds the alarm name on metric, acting on the topic when it fires
// and when it is OK again.
func (m *Monitoring) alarm(name, description string, metric awscloudwatch.IMetric, threshold float64, periods float64, op awscloudwatch.ComparisonOperator) awscloudwatch.Alarm {
	a := awscloudwatch.NewAlarm(m.Construct, jsii.String(name), &awscloudwatch.AlarmProps{
		Metric:             metric,
		Threshold:          jsii.Number(threshold),
		EvaluationPeriods:  jsii.Number(periods),
		DatapointsToAlarm:  jsii.Number(periods),
		ComparisonOperator: op,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		AlarmDescription:   jsii.String(description),
	})
	action := awscloudwatchactions.NewSnsAction(m.Topic)
	a.AddAlarmAction(action)
	a.AddOkAction(action)
	m.Alarms[name] = a
	return a
}

// WatchAPI adds the API's alarms (5XX count, p99 latency, 4XX rate) and
// its dashboard row.
func (m *Monitoring) WatchAPI(api awsapigateway.IRestApi, stage string) {
	dims := &map[string]*string{"ApiName": api.RestApiName(), "Stage": jsii.String(stage)}
	metric := func(name, stat string) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{Namespace: jsii.String("AWS/ApiGateway"), MetricName: jsii.String(name), Period: period, Statistic: jsii.String(stat), DimensionsMap: dims})
	}
	count, err4, err5, latency := metric("Count", "Sum"), metric("4XXError", "Average"), metric("5XXError", "Sum"), metric("Latency", "p99")
	latencyMs := float64(DefaultAPILatencyP99Millis)
	if m.t.APILatencyP99 != nil {
		latencyMs = *m.t.APILatencyP99.ToMilliseconds(nil)
	}
	pct4 := or(m.t.API4xxPercent, DefaultAPI4xxPercent)
	m.alarm("Api5xx", fmt.Sprintf("presign API: %v or more 5XX answers in 5 minutes (the function failing, or API Gateway itself)", or(m.t.API5xx, DefaultAPI5xx)),
		err5, or(m.t.API5xx, DefaultAPI5xx), 1, awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
	m.alarm("ApiLatencyP99", fmt.Sprintf("presign API: p99 latency over %v ms for 15 minutes", latencyMs),
		latency, latencyMs, 3, awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD)
	// 4XXError's average is a fraction of the requests.
	rate := m.countedRate(err4, 100, count, "4XX, percent of requests")
	m.alarm("Api4xxRate", fmt.Sprintf("presign API: over %v%% of requests answered 4XX for 15 minutes (abuse, or a client bug)", pct4),
		rate, pct4, 3, awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD)
	m.widgets(
		awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String("API requests and errors"), Left: &[]awscloudwatch.IMetric{count, err5}, Right: &[]awscloudwatch.IMetric{rate}, Width: jsii.Number(12)}),
		awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String("API latency (p99)"), Left: &[]awscloudwatch.IMetric{latency}, Width: jsii.Number(12)}),
	)
}

// WatchFunction adds the function's alarms (errors, throttles,
// concurrency) and its dashboard row. With reservedConcurrency (at least
// 1), the concurrency alarm watches the function close to its
// reservation; with 0 (no reservation), the region's
// ClaimedAccountConcurrency close to Thresholds.AccountConcurrency, the
// pool the function then shares with every other function of the account.
func (m *Monitoring) WatchFunction(fn awslambda.IFunction, reservedConcurrency float64) {
	sum := &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum")}
	errors, throttles, invocations := fn.MetricErrors(sum), fn.MetricThrottles(sum), fn.MetricInvocations(sum)
	concurrency := fn.Metric(jsii.String("ConcurrentExecutions"), &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Maximum")})
	duration := fn.MetricDuration(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("p99")})
	pct := or(m.t.ConcurrencyPercent, DefaultConcurrencyPercent)
	m.alarm("FunctionErrors", fmt.Sprintf("presign function: %v or more errors (crashes, timeouts) in 5 minutes", or(m.t.FunctionErrors, DefaultFunctionErrors)),
		errors, or(m.t.FunctionErrors, DefaultFunctionErrors), 1, awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
	pool := "the account's concurrency in the region is used up"
	if reservedConcurrency > 0 {
		pool = "its reserved concurrency is used up"
	}
	m.alarm("FunctionThrottles", fmt.Sprintf("presign function: %v or more throttled invocations in 5 minutes (%s)", or(m.t.FunctionThrottles, DefaultFunctionThrottles), pool),
		throttles, or(m.t.FunctionThrottles, DefaultFunctionThrottles), 1, awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
	if reservedConcurrency > 0 {
		// At least one instance: with a small reservation, a fraction of
		// one would fire on every invocation.
		limit := max(1, math.Ceil(reservedConcurrency*pct/100))
		m.alarm("FunctionConcurrency", fmt.Sprintf("presign function: concurrency at %v or more of its %v reserved (%v%%)", limit, reservedConcurrency, pct),
			concurrency, limit, 1, awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
	} else {
		quota := or(m.t.AccountConcurrency, DefaultAccountConcurrency)
		limit := max(1, math.Ceil(quota*pct/100))
		claimed := awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String("AWS/Lambda"), MetricName: jsii.String("ClaimedAccountConcurrency"),
			Period: period, Statistic: jsii.String("Maximum"),
		})
		m.alarm("AccountConcurrency", fmt.Sprintf("Lambda in this region: claimed concurrency at %v or more of the account's %v (%v%%); the presign function has no reservation and throttles when it is used up", limit, quota, pct),
			claimed, limit, 1, awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
	}
	m.widgets(
		awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String("Function invocations, errors, throttles"), Left: &[]awscloudwatch.IMetric{invocations, errors, throttles}, Width: jsii.Number(12)}),
		awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String("Function concurrency and p99 duration"), Left: &[]awscloudwatch.IMetric{concurrency}, Right: &[]awscloudwatch.IMetric{duration}, Width: jsii.Number(12)}),
	)
}

// WatchBucket adds the bucket's request metrics to the dashboard: the
// bucket needs the request-metrics configuration filterID
// (privatebucket.Props.RequestMetrics: privatebucket.RequestMetricsID).
func (m *Monitoring) WatchBucket(bucket awss3.IBucket, filterID string) {
	metric := func(name string) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String("AWS/S3"), MetricName: jsii.String(name), Period: period, Statistic: jsii.String("Sum"),
			DimensionsMap: &map[string]*string{"BucketName": bucket.BucketName(), "FilterId": jsii.String(filterID)},
		})
	}
	m.widgets(awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
		Title: jsii.String("Bucket requests and errors"),
		Left:  &[]awscloudwatch.IMetric{metric("AllRequests"), metric("GetRequests"), metric("PutRequests")},
		Right: &[]awscloudwatch.IMetric{metric("4xxErrors"), metric("5xxErrors")},
		Width: jsii.Number(24),
	}))
}

// CDNMetric is a metric of the distribution distributionID (CloudFront
// publishes in us-east-1, with Region "Global").
func CDNMetric(distributionID *string, name, statistic string) awscloudwatch.Metric {
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace: jsii.String("AWS/CloudFront"), MetricName: jsii.String(name), Period: period, Statistic: jsii.String(statistic),
		DimensionsMap: &map[string]*string{"DistributionId": distributionID, "Region": jsii.String("Global")},
		Region:        jsii.String(CDNMetricsRegion),
	})
}

// CDNMetricsRegion is where CloudFront publishes its metrics.
const CDNMetricsRegion = validation.CloudFrontRegion

// WatchDistribution adds the distribution's 5xx and 4xx error-rate alarms
// and its dashboard row. CloudFront publishes its metrics in us-east-1 only and an
// alarm reads its own region's: in a stack pinned to another region it
// panics with a *validation.Error; in an environment-agnostic stack the
// alarm carries a condition (child "InUsEast1") that creates it only
// where the stack is deployed in us-east-1.
func (m *Monitoring) WatchDistribution(distributionID *string) {
	region := awscdk.Stack_Of(m.Construct).Region()
	if validation.Literal(region) && *region != CDNMetricsRegion {
		problems := validation.For(*m.Node().Path())
		problems.Addf("WatchDistribution", "the stack's region is %s: CloudFront publishes its metrics in us-east-1 only, and an alarm reads its own region's: watch the distribution from a Monitoring in a us-east-1 stack (the Edge stack)", *region)
		problems.PanicIfAny()
	}
	m.DashboardWidgetsForDistribution(distributionID)
	requests := CDNMetric(distributionID, "Requests", "Sum")
	var alarms []awscloudwatch.Alarm
	for _, c := range []struct {
		name, metric, label, why string
		pct                      float64
	}{
		{"Cdn5xxRate", "5xxErrorRate", "5xx", "S3 failing or unreachable behind CloudFront", or(m.t.CDN5xxPercent, DefaultCDN5xxPercent)},
		{"Cdn4xxRate", "4xxErrorRate", "4xx", "unsigned or expired requests, or the bucket or key policy refusing OAC", or(m.t.CDN4xxPercent, DefaultCDN4xxPercent)},
	} {
		// CloudFront's rates are percentages already.
		rate := m.countedRate(CDNMetric(distributionID, c.metric, "Average"), 1, requests, c.label+", percent of requests")
		alarms = append(alarms, m.alarm(c.name, fmt.Sprintf("distribution: %s error rate over %v%% for 15 minutes (%s)", c.label, c.pct, c.why),
			rate, c.pct, 3, awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD))
	}
	if !validation.Literal(region) {
		cond := awscdk.NewCfnCondition(m.Construct, jsii.String("InUsEast1"), &awscdk.CfnConditionProps{
			Expression: awscdk.Fn_ConditionEquals(awscdk.Aws_REGION(), jsii.String(CDNMetricsRegion)),
		})
		for _, alarm := range alarms {
			alarm.Node().DefaultChild().(awscdk.CfnResource).CfnOptions().SetCondition(cond)
		}
	}
}

// DashboardWidgetsForDistribution adds the distribution's row to the
// dashboard only (for a dashboard outside us-east-1).
func (m *Monitoring) DashboardWidgetsForDistribution(distributionID *string) {
	m.widgets(awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
		Title: jsii.String("Distribution requests and error rates (us-east-1)"),
		Left:  &[]awscloudwatch.IMetric{CDNMetric(distributionID, "Requests", "Sum")},
		Right: &[]awscloudwatch.IMetric{CDNMetric(distributionID, "4xxErrorRate", "Average"), CDNMetric(distributionID, "5xxErrorRate", "Average")},
		Width: jsii.Number(24),
	}))
}

// check validates p, naming each invalid prop.
func check(c constructs.Construct, p *Props) {
	problems := validation.For(*c.Node().Path())
	t := p.Thresholds
	for _, v := range []struct {
		name string
		v    *float64
		max  float64
	}{
		{"Thresholds.API5xx", t.API5xx, 1e9}, {"Thresholds.API4xxPercent", t.API4xxPercent, 100},
		{"Thresholds.FunctionErrors", t.FunctionErrors, 1e9}, {"Thresholds.FunctionThrottles", t.FunctionThrottles, 1e9},
		{"Thresholds.ConcurrencyPercent", t.ConcurrencyPercent, 100}, {"Thresholds.CDN5xxPercent", t.CDN5xxPercent, 100},
		{"Thresholds.MinRequests", t.MinRequests, 1e9}, {"Thresholds.CDN4xxPercent", t.CDN4xxPercent, 100},
		{"Thresholds.AccountConcurrency", t.AccountConcurrency, 1e9},
	} {
		if v.v != nil && !(*v.v > 0 && *v.v <= v.max) {
			problems.Addf(v.name, "must be more than 0 and at most %v, received %v", v.max, *v.v)
		}
	}
	if t.APILatencyP99 != nil {
		if ms := *t.APILatencyP99.ToMilliseconds(nil); ms < 1 || ms > 29000 {
			problems.Addf("Thresholds.APILatencyP99", "must be 1 ms to 29 s (API Gateway's integration timeout), received %s", *t.APILatencyP99.ToHumanString())
		}
	}
	if p.Topic != nil && p.TopicKeyProps != nil {
		problems.Addf("TopicKeyProps", "must be nil with Topic: the key is the existing topic's")
	}
	problems.PanicIfAny()
}

package test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/constructs/privatebucket"
	"github.com/securestore/securestore/internal/testkit/policysim"
	"github.com/securestore/securestore/lambdas/presign/access"
	"github.com/securestore/securestore/lambdas/presign/signer"
)

// The policy-evaluation suite: every protected configuration's bucket,
// key and role policies, resolved to an example deployment, evaluated by a
// real IAM evaluator (iam-simulate) against the requests the product really
// makes, with their real condition keys: the presigned URLs and POST forms
// come from the function's own signer, and the keys that S3 derives from
// their headers are read off them.

// Example deployment of an environment-agnostic stack, and an account that
// is not the deployment's.
const (
	exampleAccount = "123456789012"
	exampleRegion  = "us-east-1"
	otherAccount   = "210987654321"
	// exampleSub is the caller whose home the sample keys are in.
	exampleSub = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
)

// grants is the grant fixture: a bucket and a role given GrantRead,
// GrantWrite and GrantDelete on grantPrefix, as another team composes
// them. It is synthesized in the same app as the configurations.
var grants *synthesized

const grantPrefix = "reports/"

func grantFixture(app awscdk.App) *synthesized {
	stack := awscdk.NewStack(app, jsii.String("GrantFixture"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String(exampleAccount), Region: jsii.String("eu-west-1")},
	})
	store := privatebucket.New(stack, jsii.String("Store"), &privatebucket.Props{BucketNamePrefix: jsii.String("team-reports")})
	role := awsiam.NewRole(stack, jsii.String("Worker"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
	store.GrantRead(role, grantPrefix)
	store.GrantWrite(role, grantPrefix)
	store.GrantDelete(role, grantPrefix)
	return &synthesized{name: "grants", stack: stack}
}

// deployment is one configuration deployed as an example: its stacks and
// the resources and policies the cases need.
type deployment struct {
	name            string
	account, region string
	storage         *policysim.Stack
	// cdn is the stack holding the distribution (storage or the Edge
	// stack), nil without one; distribution is its logical id.
	cdn          *policysim.Stack
	distribution string
	cdnAccess    []string

	bucketName, bucketArn, keyArn, keyID string
	bucketPolicy, keyPolicy              map[string]any
	// logsKeyArn and logsKeyPolicy are the logs key's ("" without one);
	// logGroupArns the log groups it encrypts, as CloudWatch Logs names
	// them in its encryption context.
	logsKeyArn    string
	logsKeyPolicy map[string]any
	logGroupArns  []string
	// scans is true when the bucket gates reads on GuardDuty's scan tag
	// (malwareScanning); scannerArn and scannerPolicies are the plan's role.
	scans           bool
	scannerArn      string
	scannerPolicies []policysim.Policy
	// The alarm topic's key ("" without one), the topic and its policy.
	topicKeyArn    string
	topicKeyPolicy map[string]any
	topicArn       string
	topicPolicy    map[string]any
	// The audit trail's ("" without one): its ARN, its bucket, its key.
	trailArn, trailBucketArn, trailKeyArn string
	trailBucketPolicy, trailKeyPolicy     map[string]any
	logBuckets                            []logBucket
	// deliverySources are the ARNs of the CloudWatch Logs delivery sources
	// (CloudFront's standard logs v2).
	deliverySources []string

	// role is the function's (or the grant fixture's) role.
	roleName, roleArn string
	rolePolicies      []policysim.Policy
	rules             []access.Rule

	// signer is the function's signer for this bucket, made on first use.
	signer *signer.S3
}

func stackOf(s *synthesized, account, region string) *policysim.Stack {
	return &policysim.Stack{Name: *s.stack.StackName(), Account: account, Region: region, Template: s.template}
}

// newDeployment resolves the storage stack of configuration s (and its
// Edge stack) as deployed in its account and region, or the example ones
// when the configuration leaves them open.
func newDeployment(s *synthesized, edge *synthesized) (*deployment, error) {
	d := &deployment{name: s.name, account: exampleAccount, region: exampleRegion}
	if edge != nil {
		d.name += " with " + edge.name
	}
	if s.cfg != nil {
		if s.cfg.Account != "" {
			d.account = s.cfg.Account
		}
		if s.cfg.Region != "" {
			d.region = s.cfg.Region
		}
		if s.cfg.CDNEnabled {
			d.cdnAccess = s.cfg.CDNAccess
		}
	}
	if r := s.stack.Region(); !*awscdk.Token_IsUnresolved(r) {
		d.region = *r
	}
	d.storage = stackOf(s, d.account, d.region)
	siblings := map[string]*policysim.Stack{d.storage.Name: d.storage}
	d.storage.Siblings = siblings
	stacksOf := []*policysim.Stack{d.storage}
	if edge != nil {
		e := stackOf(edge, d.account, "us-east-1")
		e.Siblings = siblings
		siblings[e.Name] = e
		stacksOf = append(stacksOf, e)
	}
	for _, st := range stacksOf {
		if ids := st.Resources("AWS::CloudFront::Distribution"); len(ids) == 1 {
			d.cdn, d.distribution = st, ids[0]
		}
	}

	st := d.storage
	var dataBucket string
	for _, id := range st.Resources("AWS::S3::Bucket") {
		enc := fmt.Sprint(st.Properties(id)["BucketEncryption"])
		if strings.Contains(enc, "aws:kms") {
			dataBucket = id
		}
	}
	if dataBucket == "" {
		return nil, fmt.Errorf("%s: no SSE-KMS bucket", s.name)
	}
	// The data key encrypts the data bucket; the logs key, if any, the
	// log groups.
	var keys, logsKeys []string
	for _, id := range st.Resources("AWS::KMS::Key") {
		if strings.Contains(fmt.Sprint(st.Properties(dataBucket)["BucketEncryption"]), id) {
			keys = append(keys, id)
		}
		for _, g := range st.Resources("AWS::Logs::LogGroup") {
			if strings.Contains(fmt.Sprint(st.Properties(g)["KmsKeyId"]), id) && !slices.Contains(logsKeys, id) {
				logsKeys = append(logsKeys, id)
			}
		}
	}
	if len(keys) != 1 || len(logsKeys) > 1 {
		return nil, fmt.Errorf("%s: want one data key and at most one logs key, found %v and %v", s.name, keys, logsKeys)
	}
	var err error
	str := func(v any, e error) string {
		if e != nil && err == nil {
			err = e
		}
		out, _ := v.(string)
		return out
	}
	d.bucketName = str(st.Resolve(map[string]any{"Ref": dataBucket}))
	d.bucketArn = str(st.Resolve(map[string]any{"Fn::GetAtt": []any{dataBucket, "Arn"}}))
	d.keyID = str(st.Resolve(map[string]any{"Ref": keys[0]}))
	d.keyArn = str(st.Resolve(map[string]any{"Fn::GetAtt": []any{keys[0], "Arn"}}))
	if err != nil {
		return nil, err
	}
	if d.bucketPolicy, err = st.BucketPolicy(dataBucket); err != nil {
		return nil, err
	}
	if d.keyPolicy, err = st.KeyPolicy(keys[0]); err != nil {
		return nil, err
	}
	if len(logsKeys) == 1 {
		d.logsKeyArn = str(st.Resolve(map[string]any{"Fn::GetAtt": []any{logsKeys[0], "Arn"}}))
		if d.logsKeyPolicy, err = st.KeyPolicy(logsKeys[0]); err != nil {
			return nil, err
		}
		for _, g := range st.Resources("AWS::Logs::LogGroup") {
			name := str(st.Resolve(st.Properties(g)["LogGroupName"]))
			d.logGroupArns = append(d.logGroupArns, "arn:aws:logs:"+d.region+":"+d.account+":log-group:"+name)
		}
	}
	for _, sx := range stacksOf {
		for _, id := range sx.Resources("AWS::S3::Bucket") {
			if sx == st && id == dataBucket {
				continue
			}
			p, err := sx.BucketPolicy(id)
			if err != nil {
				return nil, err
			}
			d.logBuckets = append(d.logBuckets, logBucket{stack: sx, arn: str(sx.Resolve(map[string]any{"Fn::GetAtt": []any{id, "Arn"}})), policy: p})
		}
		for _, id := range sx.Resources("AWS::Logs::DeliverySource") {
			name := str(sx.Resolve(sx.Properties(id)["Name"]))
			d.deliverySources = append(d.deliverySources, "arn:aws:logs:"+sx.Region+":"+sx.Account+":delivery-source:"+name)
		}
	}

	// Malware scanning: the read gate and the scanner's role.
	d.scans = strings.Contains(fmt.Sprint(d.bucketPolicy), "DenyUnscannedReads")
	for _, id := range st.Resources("AWS::IAM::Role") {
		if strings.Contains(fmt.Sprint(st.Properties(id)["AssumeRolePolicyDocument"]), "malware-protection-plan.guardduty.amazonaws.com") {
			d.scannerArn = str(st.Resolve(map[string]any{"Fn::GetAtt": []any{id, "Arn"}}))
			if d.scannerPolicies, err = st.IdentityPolicies(id); err != nil {
				return nil, err
			}
		}
	}

	// The alarm topic, its policy and its key.
	for _, tp := range st.Resources("AWS::SNS::Topic") {
		d.topicArn = str(st.Resolve(map[string]any{"Ref": tp}))
		if d.topicPolicy, err = st.TopicPolicy(tp); err != nil {
			return nil, err
		}
		for _, id := range st.Resources("AWS::KMS::Key") {
			if strings.Contains(fmt.Sprint(st.Properties(tp)["KmsMasterKeyId"]), id) {
				d.topicKeyArn = str(st.Resolve(map[string]any{"Fn::GetAtt": []any{id, "Arn"}}))
				if d.topicKeyPolicy, err = st.KeyPolicy(id); err != nil {
					return nil, err
				}
			}
		}
	}

	// The audit trail, its bucket (the one CloudTrail writes to) and key.
	if trails := st.Resources("AWS::CloudTrail::Trail"); len(trails) == 1 {
		tp := st.Properties(trails[0])
		d.trailArn = "arn:aws:cloudtrail:" + d.region + ":" + d.account + ":trail/" + str(st.Resolve(tp["TrailName"]))
		for _, id := range st.Resources("AWS::S3::Bucket") {
			if fmt.Sprint(tp["S3BucketName"]) == fmt.Sprint(map[string]any{"Ref": id}) {
				d.trailBucketArn = str(st.Resolve(map[string]any{"Fn::GetAtt": []any{id, "Arn"}}))
				if d.trailBucketPolicy, err = st.BucketPolicy(id); err != nil {
					return nil, err
				}
			}
		}
		for _, id := range st.Resources("AWS::KMS::Key") {
			if strings.Contains(fmt.Sprint(tp["KMSKeyId"]), id) {
				d.trailKeyArn = str(st.Resolve(map[string]any{"Fn::GetAtt": []any{id, "Arn"}}))
				if d.trailKeyPolicy, err = st.KeyPolicy(id); err != nil {
					return nil, err
				}
			}
		}
		if d.trailBucketArn == "" || d.trailKeyArn == "" {
			return nil, fmt.Errorf("%s: the trail's bucket or key is not in the stack", s.name)
		}
	}

	// The function's role: the one Lambda assumes.
	for _, id := range st.Resources("AWS::IAM::Role") {
		if strings.Contains(fmt.Sprint(st.Properties(id)["AssumeRolePolicyDocument"]), "lambda.amazonaws.com") {
			d.roleName = str(st.Resolve(map[string]any{"Ref": id}))
			d.roleArn = str(st.Resolve(map[string]any{"Fn::GetAtt": []any{id, "Arn"}}))
			if d.rolePolicies, err = st.IdentityPolicies(id); err != nil {
				return nil, err
			}
		}
	}
	if d.roleArn == "" {
		return nil, fmt.Errorf("%s: no role for Lambda", s.name)
	}
	if s.storage != nil {
		d.rules = s.storage.API.Rules
	}
	return d, err
}

// logBucket is a bucket of a deployment other than the data bucket.
type logBucket struct {
	stack  *policysim.Stack
	arn    string
	policy map[string]any
}

// expect is what a case must evaluate to: allowed or denied, and for a
// denial the statement that must decide it ("" for any, or an implicit
// denial).
type expect struct {
	allow bool
	by    string
}

var (
	allowed = expect{allow: true}
	denied  = expect{}
)

func deniedBy(sid string) expect { return expect{by: sid} }

// evalCase is one request of the product, the policies that decide it and
// what they must decide.
type evalCase struct {
	name string
	sim  policysim.Simulation
	want expect
}

// check compares an outcome with the case's expectation; "" means it holds.
func (c evalCase) check(o policysim.Outcome) string {
	switch {
	case c.want.allow && o.Result != policysim.Allowed:
		return fmt.Sprintf("want Allowed, got %s", o)
	case !c.want.allow && o.Result == policysim.Allowed:
		return fmt.Sprintf("want denied, got %s", o)
	case c.want.by != "" && !slices.ContainsFunc(o.Deciding, func(s string) bool { return strings.HasSuffix(s, ":"+c.want.by) }):
		return fmt.Sprintf("want denied by %s, got %s", c.want.by, o)
	}
	return ""
}

// session is the function's assumed-role session, as S3 and KMS see it.
func (d *deployment) session() string {
	return "arn:aws:sts::" + d.account + ":assumed-role/" + d.roleName + "/presign"
}

func (d *deployment) objectArn(key string) string { return d.bucketArn + "/" + key }

// transport are the condition keys of a request over TLS 1.3.
func transport() map[string]any {
	return map[string]any{"aws:SecureTransport": "true", "s3:TlsVersion": "1.3"}
}

// roleRequest is a request of the function's role to S3.
func (d *deployment) roleRequest(action, key string, ctx map[string]any) policysim.Simulation {
	c := transport()
	d.scannedClean(c, action)
	c["aws:PrincipalArn"] = d.roleArn
	c["aws:PrincipalAccount"] = d.account
	c["aws:PrincipalIsAWSService"] = "false"
	c["aws:ResourceAccount"] = d.account
	for k, v := range ctx {
		c[k] = v
	}
	return policysim.Simulation{
		Request:  policysim.Request{Principal: d.session(), Action: action, Resource: d.objectArn(key), ResourceAccount: d.account, Context: c},
		Identity: d.rolePolicies,
		Resource: d.bucketPolicy,
	}
}

// scanTag is the condition key of GuardDuty's scan result on an object.
const scanTag = "s3:ExistingObjectTag/GuardDutyMalwareScanStatus"

// scannedClean sets, for a read where the bucket gates reads on the scan
// result, the object's tag as GuardDuty leaves a clean object: the cases
// that expect a read to pass read a scanned object; malwareCases read the
// others.
func (d *deployment) scannedClean(c map[string]any, action string) {
	if d.scans && (action == "s3:GetObject" || action == "s3:GetObjectVersion") {
		c[scanTag] = "NO_THREATS_FOUND"
	}
}

// kmsCall is the KMS call S3 makes for principal (with its identity
// policies) while serving a request on the data bucket; viaRegion "" is a
// direct call.
func (d *deployment) kmsCall(principal, principalArn, action, viaRegion string, identity []policysim.Policy) policysim.Simulation {
	return d.keyCall(d.keyArn, d.keyPolicy, principal, principalArn, action, viaRegion, identity)
}

// sessionOf is a session of the role roleArn named name, as STS names it
// (arn:aws:sts::<account>:assumed-role/<role>/<name>).
func sessionOf(roleArn, name string) string {
	return strings.Replace(strings.Replace(roleArn, ":iam::", ":sts::", 1), ":role/", ":assumed-role/", 1) + "/" + name
}

// administrator is an administrator's session in the deployment's account
// and its role (AdministratorAccess is its identity policy).
func (d *deployment) administrator() (session, role string) {
	role = "arn:aws:iam::" + d.account + ":role/Administrator"
	return sessionOf(role, "alice"), role
}

// keyCall is kmsCall on another key of the deployment (the logs key, the
// trail's, the alarm topic's), decided by its own policy.
func (d *deployment) keyCall(keyArn string, keyPolicy map[string]any, principal, principalArn, action, viaRegion string, identity []policysim.Policy) policysim.Simulation {
	c := map[string]any{"aws:SecureTransport": "true", "aws:PrincipalIsAWSService": "false"}
	if principalArn != "" {
		account := strings.Split(principalArn, ":")[4]
		c["aws:PrincipalArn"] = principalArn
		c["aws:PrincipalAccount"] = account
		c["kms:CallerAccount"] = account
	} else {
		c["aws:PrincipalIsAWSService"] = "true"
		c["aws:PrincipalServiceName"] = principal
	}
	if viaRegion != "" {
		c["kms:ViaService"] = "s3." + viaRegion + ".amazonaws.com"
		c["aws:ViaAWSService"] = "true"
		// With an S3 bucket key the encryption context is the bucket's
		// ARN (iam-simulate does not know the per-key
		// kms:EncryptionContext:aws:s3:arn form; none of the policies
		// here conditions on it).
		if slices.Contains(cryptographicActions, action) {
			c["kms:EncryptionContextKeys"] = []string{"aws:s3:arn"}
		}
	}
	return policysim.Simulation{
		Request:  policysim.Request{Principal: principal, Action: action, Resource: keyArn, ResourceAccount: d.account, Context: c},
		Identity: identity,
		Resource: keyPolicy,
	}
}

// cryptographicActions are the KMS actions the cases make that carry an
// encryption context (and so kms:EncryptionContextKeys).
var cryptographicActions = []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"}

// s3HeaderKeys are the S3 condition keys named after request headers (or
// POST form fields) that a presigned request may carry.
var s3HeaderKeys = map[string]string{
	"x-amz-acl": "s3:x-amz-acl", "x-amz-content-sha256": "s3:x-amz-content-sha256", "x-amz-copy-source": "s3:x-amz-copy-source",
	"x-amz-grant-full-control": "s3:x-amz-grant-full-control", "x-amz-grant-read": "s3:x-amz-grant-read",
	"x-amz-grant-read-acp": "s3:x-amz-grant-read-acp", "x-amz-grant-write": "s3:x-amz-grant-write",
	"x-amz-grant-write-acp": "s3:x-amz-grant-write-acp", "x-amz-metadata-directive": "s3:x-amz-metadata-directive",
	"x-amz-object-lock-legal-hold": "s3:object-lock-legal-hold", "x-amz-object-lock-mode": "s3:object-lock-mode",
	"x-amz-object-lock-retain-until-date":             "s3:object-lock-retain-until-date",
	"x-amz-server-side-encryption":                    "s3:x-amz-server-side-encryption",
	"x-amz-server-side-encryption-aws-kms-key-id":     "s3:x-amz-server-side-encryption-aws-kms-key-id",
	"x-amz-server-side-encryption-customer-algorithm": "s3:x-amz-server-side-encryption-customer-algorithm",
	"x-amz-storage-class":                             "s3:x-amz-storage-class", "x-amz-website-redirect-location": "s3:x-amz-website-redirect-location",
}

// signingOnly are the x-amz- parameters that sign a request and are no
// condition key of their own (the checksum is checked against the body).
var signingOnly = []string{
	"x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires", "x-amz-signedheaders",
	"x-amz-signature", "x-amz-security-token", "x-amz-checksum-sha256", "x-amz-sdk-checksum-algorithm", "x-id",
}

// headerContext turns the parameters a request carries (headers, query
// parameters or form fields) into the S3 condition keys they set. A new
// x-amz- parameter that is neither fails, so that a change of the signer
// cannot slip past the suite.
func headerContext(params map[string]string) (map[string]any, error) {
	c := map[string]any{}
	for name, v := range params {
		n := strings.ToLower(name)
		switch key, ok := s3HeaderKeys[n]; {
		case ok:
			c[key] = v
		case slices.Contains(signingOnly, n) || !strings.HasPrefix(n, "x-amz-"):
		default:
			return nil, fmt.Errorf("the request carries %s, which the suite does not map to a condition key: add it to s3HeaderKeys or signingOnly", name)
		}
	}
	return c, nil
}

// productRequests are the condition keys of the requests the function's
// URLs and forms make, by method (POST is the browser form), read off the
// function's own signer for a bucket in the deployment's region.
func (d *deployment) productRequests(key string) (map[string]map[string]any, error) {
	if d.signer == nil {
		client := s3.New(s3.Options{
			Region:      d.region,
			Credentials: credentials.NewStaticCredentialsProvider("ASIAEXAMPLEEXAMPLE00", "example-secret", "example-session-token"),
		})
		sig, err := signer.New(client, d.bucketName)
		if err != nil {
			return nil, err
		}
		d.signer = sig
	}
	sig := d.signer
	out := map[string]map[string]any{}
	ctx := context.Background()
	for _, m := range []string{signer.MethodGet, signer.MethodPut, signer.MethodDelete} {
		r := signer.Request{Method: m, Key: key, Expires: 5 * time.Minute}
		if m == signer.MethodPut {
			r.ContentType, r.ContentLength = "application/pdf", 1<<20
		}
		u, err := sig.Presign(ctx, r)
		if err != nil {
			return nil, err
		}
		parsed, err := url.Parse(u.URL)
		if err != nil {
			return nil, err
		}
		params := map[string]string{}
		for k, v := range parsed.Query() {
			params[k] = v[0]
		}
		for k, v := range u.Headers {
			params[k] = v
		}
		c, err := headerContext(params)
		if err != nil {
			return nil, fmt.Errorf("presigned %s: %w", m, err)
		}
		c["s3:authType"] = "REST-QUERY-STRING"
		c["s3:signatureversion"] = params["X-Amz-Algorithm"]
		out[m] = c
	}
	// A part of a multipart upload, signed as GET /multipart/.../parts/N
	// signs it.
	part, err := sig.Presign(ctx, signer.Request{Method: signer.MethodPut, Key: key, UploadID: "VXBsb2FkSWQ", PartNumber: 2, ContentLength: 5 << 20, Expires: 5 * time.Minute})
	if err != nil {
		return nil, err
	}
	parsed, err := url.Parse(part.URL)
	if err != nil {
		return nil, err
	}
	params := map[string]string{}
	for k, v := range parsed.Query() {
		params[k] = v[0]
	}
	for k, v := range part.Headers {
		params[k] = v
	}
	pc, err := headerContext(params)
	if err != nil {
		return nil, fmt.Errorf("presigned UploadPart: %w", err)
	}
	pc["s3:authType"] = "REST-QUERY-STRING"
	pc["s3:signatureversion"] = params["X-Amz-Algorithm"]
	out["PART"] = pc
	// The calls the function makes itself with the SDK
	// (CreateMultipartUpload, ListParts, CompleteMultipartUpload,
	// AbortMultipartUpload): header authentication, no encryption header
	// (the bucket's default applies).
	out["SDK"] = map[string]any{"s3:authType": "REST-HEADER", "s3:signatureversion": "AWS4-HMAC-SHA256"}
	post, err := sig.PresignPost(ctx, signer.PostRequest{Key: key, ContentType: "application/pdf", MaxBytes: 1 << 20, Expires: 5 * time.Minute})
	if err != nil {
		return nil, err
	}
	c, err := headerContext(post.Fields)
	if err != nil {
		return nil, fmt.Errorf("presigned POST: %w", err)
	}
	c["s3:authType"] = "POST"
	c["s3:signatureversion"] = "AWS4-HMAC-SHA256"
	out["POST"] = c
	return out, nil
}

var s3Action = map[string]string{"GET": "s3:GetObject", "PUT": "s3:PutObject", "POST": "s3:PutObject", "DELETE": "s3:DeleteObject"}

// sampleKeys are a key under each rule prefix (in exampleSub's home for
// {sub}), one a segment deeper, and keys outside every rule.
func sampleKeys(rules []access.Rule) []string {
	keys := []string{"outside/sample.bin", "sample.bin"}
	for _, r := range rules {
		p := strings.ReplaceAll(r.Prefix, access.Placeholder, exampleSub)
		keys = append(keys, p+"sample.bin", p+"deeper/sample.bin")
		if !strings.HasSuffix(r.Prefix, access.Placeholder+"/") {
			// A sibling whose name extends the prefix's last segment (for
			// {sub}, that would be another user's home).
			keys = append(keys, strings.TrimSuffix(p, "/")+"0/sample.bin")
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// mayAny reports whether some caller may use method on key: the role
// serves every caller, so IAM must allow what the function allows anyone
// and deny what it allows no one. The sample keys' only user id is
// exampleSub; a caller in every group stands for all.
func mayAny(rules []access.Rule, key, method string) bool {
	var groups []string
	for _, r := range rules {
		groups = append(groups, r.Groups...)
	}
	return access.Decide(rules, access.Caller{Sub: exampleSub, Groups: groups}, key, method).Allowed
}

// functionCases: the function's role presigning each method on every
// sample key, IAM's decision matching the rules'; uploads asking for
// other encryption; the transport rules.
func (d *deployment) functionCases() ([]evalCase, error) {
	var cases []evalCase
	var putKey string
	for _, key := range sampleKeys(d.rules) {
		reqs, err := d.productRequests(key)
		if err != nil {
			return nil, err
		}
		for _, m := range []string{"GET", "PUT", "POST", "DELETE"} {
			method := m
			if m == "POST" {
				method = "PUT"
			}
			want := denied
			if mayAny(d.rules, key, method) {
				want = allowed
				if m == "PUT" && putKey == "" {
					putKey = key
				}
			}
			cases = append(cases, evalCase{
				name: fmt.Sprintf("function: presigned %s %s", m, key),
				sim:  d.roleRequest(s3Action[m], key, reqs[m]),
				want: want,
			})
		}
		// The multipart upload of the key: the part URL the caller sends,
		// and the calls the function makes itself. The caller needs PUT.
		want := denied
		if mayAny(d.rules, key, "PUT") {
			want = allowed
		}
		for _, c := range []struct{ name, action, req string }{
			{"CreateMultipartUpload", "s3:PutObject", "SDK"},
			{"presigned UploadPart", "s3:PutObject", "PART"},
			{"ListParts", "s3:ListMultipartUploadParts", "SDK"},
			{"CompleteMultipartUpload", "s3:PutObject", "SDK"},
			{"AbortMultipartUpload", "s3:AbortMultipartUpload", "SDK"},
		} {
			cases = append(cases, evalCase{name: fmt.Sprintf("function: %s %s", c.name, key), sim: d.roleRequest(c.action, key, reqs[c.req]), want: want})
		}
	}
	// GET /objects: ListBucket with s3:prefix, under a readable rule
	// prefix only.
	list := func(prefix string) policysim.Simulation {
		c := transport()
		c["aws:PrincipalArn"] = d.roleArn
		c["aws:PrincipalAccount"] = d.account
		c["aws:PrincipalIsAWSService"] = "false"
		c["s3:prefix"] = prefix
		return policysim.Simulation{
			Request:  policysim.Request{Principal: d.session(), Action: "s3:ListBucket", Resource: d.bucketArn, ResourceAccount: d.account, Context: c},
			Identity: d.rolePolicies,
			Resource: d.bucketPolicy,
		}
	}
	for _, r := range d.rules {
		p := strings.ReplaceAll(r.Prefix, access.Placeholder, exampleSub)
		want := denied
		if mayAny(d.rules, p+"sample.bin", "GET") {
			want = allowed
		}
		cases = append(cases, evalCase{name: "function: list " + p, sim: list(p), want: want})
	}
	for _, p := range []string{"", "users/", "payroll/"} {
		cases = append(cases, evalCase{name: fmt.Sprintf("function: list %q", p), sim: list(p), want: denied})
	}
	if putKey == "" {
		return cases, nil
	}
	reqs, err := d.productRequests(putKey)
	if err != nil {
		return nil, err
	}
	withHeaders := func(h map[string]any) map[string]any {
		c := map[string]any{}
		for k, v := range reqs["PUT"] {
			c[k] = v
		}
		for k, v := range h {
			c[k] = v
		}
		return c
	}
	const (
		sse   = "s3:x-amz-server-side-encryption"
		keyID = "s3:x-amz-server-side-encryption-aws-kms-key-id"
	)
	otherKey := "arn:aws:kms:" + d.region + ":" + d.account + ":key/00000000-1111-2222-3333-444444444444"
	for _, c := range []struct {
		name    string
		headers map[string]any
		want    expect
	}{
		{"asking for SSE-S3", map[string]any{sse: "AES256"}, deniedBy("DenyOtherEncryption")},
		{"asking for DSSE-KMS", map[string]any{sse: "aws:kms:dsse"}, deniedBy("DenyOtherEncryption")},
		{"asking for aws:kms without a key id (the aws/s3 key)", map[string]any{sse: "aws:kms"}, deniedBy("DenyKmsWithoutKeyId")},
		{"asking for another key", map[string]any{sse: "aws:kms", keyID: otherKey}, deniedBy("DenyOtherKmsKeys")},
		{"naming this key by its bare id, not its ARN", map[string]any{sse: "aws:kms", keyID: d.keyID}, deniedBy("DenyOtherKmsKeys")},
		{"naming another key without an encryption type", map[string]any{keyID: otherKey}, deniedBy("DenyOtherKmsKeys")},
		{"asking for this key", map[string]any{sse: "aws:kms", keyID: d.keyArn}, allowed},
	} {
		cases = append(cases, evalCase{name: "function: PUT " + putKey + " " + c.name, sim: d.roleRequest("s3:PutObject", putKey, withHeaders(c.headers)), want: c.want})
	}
	get := func(over map[string]any) policysim.Simulation {
		return d.roleRequest("s3:GetObject", putKey, over)
	}
	cases = append(cases,
		evalCase{name: "function: GET over plain HTTP", sim: get(map[string]any{"aws:SecureTransport": "false"}), want: denied},
		evalCase{name: "function: GET over TLS 1.0", sim: get(map[string]any{"s3:TlsVersion": "1.0"}), want: denied},
	)
	return cases, nil
}

// kmsCases: the KMS calls S3 makes on the function's behalf, and the same
// calls made directly or through S3 in another region.
func (d *deployment) kmsCases() []evalCase {
	var reads, writes bool
	for _, r := range d.rules {
		reads = reads || slices.Contains(r.Methods, "GET")
		writes = writes || slices.Contains(r.Methods, "PUT")
	}
	if d.rules == nil { // the grant fixture: read and write
		reads, writes = true, true
	}
	other := "eu-north-1"
	if d.region == other {
		other = "us-west-2"
	}
	var cases []evalCase
	for _, c := range []struct {
		action string
		on     bool
	}{
		// A multipart upload with SSE-KMS needs Decrypt too: S3 decrypts
		// the upload's data key for each part and to complete it.
		{"kms:Decrypt", reads || writes},
		{"kms:GenerateDataKey", writes},
	} {
		want := denied
		if c.on {
			want = allowed
		}
		cases = append(cases,
			evalCase{name: "role: " + c.action + " by S3 on its behalf", sim: d.kmsCall(d.session(), d.roleArn, c.action, d.region, d.rolePolicies), want: want},
			evalCase{name: "role: " + c.action + " called directly", sim: d.kmsCall(d.session(), d.roleArn, c.action, "", d.rolePolicies), want: denied},
			evalCase{name: "role: " + c.action + " by S3 in " + other, sim: d.kmsCall(d.session(), d.roleArn, c.action, other, d.rolePolicies), want: denied},
		)
	}
	for _, action := range []string{"kms:Encrypt", "kms:ReEncryptFrom", "kms:CreateGrant", "kms:PutKeyPolicy"} {
		cases = append(cases, evalCase{name: "role: " + action + " by S3 on its behalf", sim: d.kmsCall(d.session(), d.roleArn, action, d.region, d.rolePolicies), want: denied})
	}
	return cases
}

// grantCases: the fixture's role on its granted prefix and elsewhere.
func (d *deployment) grantCases() []evalCase {
	var cases []evalCase
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		ctx := map[string]any{"s3:authType": "REST-HEADER", "s3:signatureversion": "AWS4-HMAC-SHA256"}
		cases = append(cases,
			evalCase{name: "granted role: " + m + " under " + grantPrefix, sim: d.roleRequest(s3Action[m], grantPrefix+"q3/summary.pdf", ctx), want: allowed},
			evalCase{name: "granted role: " + m + " elsewhere", sim: d.roleRequest(s3Action[m], "payroll/q3.pdf", ctx), want: denied},
			evalCase{name: "granted role: " + m + " beside the prefix", sim: d.roleRequest(s3Action[m], strings.TrimSuffix(grantPrefix, "/")+"-old/q3.pdf", ctx), want: denied},
		)
	}
	return append(cases, d.kmsCases()...)
}

// cloudFrontRequest is an origin request of a distribution through OAC.
func (d *deployment) cloudFrontRequest(action, key, distributionArn string, over map[string]any) policysim.Simulation {
	c := transport()
	c["aws:SourceArn"] = distributionArn
	c["aws:SourceAccount"] = strings.Split(distributionArn, ":")[4]
	c["aws:PrincipalIsAWSService"] = "true"
	c["aws:PrincipalServiceName"] = "cloudfront.amazonaws.com"
	c["s3:authType"] = "REST-HEADER"
	c["s3:signatureversion"] = "AWS4-HMAC-SHA256"
	d.scannedClean(c, action)
	for k, v := range over {
		c[k] = v
	}
	return policysim.Simulation{
		Request:  policysim.Request{Principal: "cloudfront.amazonaws.com", Action: action, Resource: d.objectArn(key), ResourceAccount: d.account, Context: c},
		Resource: d.bucketPolicy,
	}
}

// cdnCases: CloudFront through OAC for each access level, and requests
// that must not pass: another distribution, another account, plain HTTP,
// TLS 1.0.
func (d *deployment) cdnCases() ([]evalCase, error) {
	if d.cdn == nil {
		return nil, nil
	}
	id, err := d.cdn.Resolve(map[string]any{"Ref": d.distribution})
	if err != nil {
		return nil, err
	}
	arn := fmt.Sprintf("arn:aws:cloudfront::%s:distribution/%s", d.account, id)
	otherDist := fmt.Sprintf("arn:aws:cloudfront::%s:distribution/EOTHERDISTRIB1", d.account)
	foreign := fmt.Sprintf("arn:aws:cloudfront::%s:distribution/%s", otherAccount, id)
	key := "tier-1/report.pdf"
	var cases []evalCase
	for _, level := range []struct{ name, action, kms string }{
		{"read", "s3:GetObject", "kms:Decrypt"},
		{"write", "s3:PutObject", "kms:GenerateDataKey"},
		{"delete", "s3:DeleteObject", ""},
	} {
		want := denied
		if slices.Contains(d.cdnAccess, level.name) {
			want = allowed
		}
		cases = append(cases, evalCase{name: "cloudfront: " + level.name + " through OAC", sim: d.cloudFrontRequest(level.action, key, arn, nil), want: want})
		if level.kms != "" {
			k := d.kmsCall("cloudfront.amazonaws.com", "", level.kms, d.region, nil)
			k.Request.Context["aws:SourceArn"] = arn
			k.Request.Context["aws:SourceAccount"] = d.account
			cases = append(cases, evalCase{name: "cloudfront: " + level.kms + " for a " + level.name, sim: k, want: want})
			o := d.kmsCall("cloudfront.amazonaws.com", "", level.kms, d.region, nil)
			o.Request.Context["aws:SourceArn"] = otherDist
			o.Request.Context["aws:SourceAccount"] = d.account
			cases = append(cases, evalCase{name: "cloudfront: " + level.kms + " for another distribution", sim: o, want: denied})
		}
		cases = append(cases,
			evalCase{name: "cloudfront: " + level.name + " by another distribution", sim: d.cloudFrontRequest(level.action, key, otherDist, nil), want: denied},
			evalCase{name: "cloudfront: " + level.name + " by a distribution of another account", sim: d.cloudFrontRequest(level.action, key, foreign, nil), want: denied},
		)
	}
	if slices.Contains(d.cdnAccess, "read") {
		// S3 answers a missing key 404 (not 403) to a reader with
		// s3:ListBucket on the bucket: this distribution has it, no other.
		list := func(distributionArn string) policysim.Simulation {
			sim := d.cloudFrontRequest("s3:ListBucket", key, distributionArn, nil)
			sim.Request.Resource = d.bucketArn
			return sim
		}
		cases = append(cases,
			evalCase{name: "cloudfront: s3:ListBucket, so a missing key is 404", sim: list(arn), want: allowed},
			evalCase{name: "cloudfront: s3:ListBucket by another distribution", sim: list(otherDist), want: denied},
		)
	}
	cases = append(cases,
		evalCase{name: "cloudfront: read over plain HTTP", sim: d.cloudFrontRequest("s3:GetObject", key, arn, map[string]any{"aws:SecureTransport": "false"}), want: denied},
		evalCase{name: "cloudfront: read over TLS 1.0", sim: d.cloudFrontRequest("s3:GetObject", key, arn, map[string]any{"s3:TlsVersion": "1.0"}), want: denied},
	)
	return cases, nil
}

// administratorAccess is the AWS managed policy AdministratorAccess.
var administratorAccess = policysim.Policy{Name: "AdministratorAccess", Document: map[string]any{
	"Version":   "2012-10-17",
	"Statement": []any{map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}},
}}

// accountCases: an administrator of the account, and one of another.
func (d *deployment) accountCases() []evalCase {
	admin, adminRole := d.administrator()
	intruderRole := "arn:aws:iam::" + otherAccount + ":role/Administrator"
	intruder := "arn:aws:sts::" + otherAccount + ":assumed-role/Administrator/mallory"
	ids := []policysim.Policy{administratorAccess}
	s3Req := func(principal, principalArn, action string) policysim.Simulation {
		c := transport()
		d.scannedClean(c, action)
		c["aws:PrincipalArn"] = principalArn
		c["aws:PrincipalAccount"] = strings.Split(principalArn, ":")[4]
		return policysim.Simulation{
			Request:  policysim.Request{Principal: principal, Action: action, Resource: d.objectArn("tier-1/report.pdf"), ResourceAccount: d.account, Context: c},
			Identity: ids,
			Resource: d.bucketPolicy,
		}
	}
	return []evalCase{
		// S3 lets the administrator ask; KMS refuses the plaintext.
		{name: "administrator: s3:GetObject at S3", sim: s3Req(admin, adminRole, "s3:GetObject"), want: allowed},
		{name: "administrator: kms:Decrypt by S3 on their behalf", sim: d.kmsCall(admin, adminRole, "kms:Decrypt", d.region, ids), want: denied},
		{name: "administrator: kms:Decrypt called directly", sim: d.kmsCall(admin, adminRole, "kms:Decrypt", "", ids), want: denied},
		{name: "administrator: kms:GenerateDataKey by S3 on their behalf", sim: d.kmsCall(admin, adminRole, "kms:GenerateDataKey", d.region, ids), want: denied},
		{name: "administrator: kms:CreateGrant for themselves", sim: d.kmsCall(admin, adminRole, "kms:CreateGrant", "", ids), want: denied},
		// The key stays manageable: never orphaned.
		{name: "administrator: kms:PutKeyPolicy", sim: d.kmsCall(admin, adminRole, "kms:PutKeyPolicy", "", ids), want: allowed},
		{name: "administrator: kms:DescribeKey", sim: d.kmsCall(admin, adminRole, "kms:DescribeKey", "", ids), want: allowed},
		{name: "administrator: kms:EnableKeyRotation", sim: d.kmsCall(admin, adminRole, "kms:EnableKeyRotation", "", ids), want: allowed},
		{name: "another account's administrator: s3:GetObject", sim: s3Req(intruder, intruderRole, "s3:GetObject"), want: denied},
		{name: "another account's administrator: s3:PutObject", sim: s3Req(intruder, intruderRole, "s3:PutObject"), want: denied},
		{name: "another account's administrator: kms:Decrypt by S3", sim: d.kmsCall(intruder, intruderRole, "kms:Decrypt", d.region, ids), want: denied},
	}
}

// logsKeyCases: the logs key is the logs service's, for these log groups
// only, and nobody else's. iam-simulate 0.1.173 knows variable condition
// keys only in the "prefix/name" form (aws:RequestTag/k), not
// kms:EncryptionContext:aws:logs:arn, and the runner refuses a context key
// the evaluator would ignore, so the cases here are the ones without that
// key: a call from the logs service that names no log group, and every
// other principal. That the statement names exactly the two groups is
// asserted on the template (constructs/presignapi, and
// TestLogsKey_OnlyTheDataRegionsGroups here).
func (d *deployment) logsKeyCases() []evalCase {
	if d.logsKeyArn == "" {
		return nil
	}
	call := func(principal, principalArn, action string, identity []policysim.Policy) policysim.Simulation {
		return d.keyCall(d.logsKeyArn, d.logsKeyPolicy, principal, principalArn, action, "", identity)
	}
	service := "logs." + d.region + ".amazonaws.com"
	admin, adminRole := d.administrator()
	cases := []evalCase{
		{name: "logs key: CloudWatch Logs without a log group's encryption context", sim: call(service, "", "kms:GenerateDataKey", nil), want: denied},
		{name: "logs key: CloudWatch Logs of another region", sim: call("logs.ap-south-2.amazonaws.com", "", "kms:GenerateDataKey", nil), want: denied},
		{name: "logs key: another service", sim: call("s3.amazonaws.com", "", "kms:GenerateDataKey", nil), want: denied},
		{name: "logs key: administrator kms:Decrypt", sim: call(admin, adminRole, "kms:Decrypt", []policysim.Policy{administratorAccess}), want: denied},
		{name: "logs key: administrator kms:PutKeyPolicy (never orphaned)", sim: call(admin, adminRole, "kms:PutKeyPolicy", []policysim.Policy{administratorAccess}), want: allowed},
	}
	for _, action := range []string{"kms:Decrypt", "kms:GenerateDataKey"} {
		cases = append(cases, evalCase{name: "logs key: the function's role " + action, sim: call(d.session(), d.roleArn, action, d.rolePolicies), want: denied})
	}
	return cases
}

// trailCases: CloudTrail delivers this trail's files to the trail bucket
// and encrypts them with the trail key, for this trail only; the reader
// decrypts through S3 only; nobody else uses the key.
func (d *deployment) trailCases() []evalCase {
	if d.trailArn == "" {
		return nil
	}
	service := func(action, resource string, policy map[string]any, sourceArn string) policysim.Simulation {
		c := map[string]any{"aws:SecureTransport": "true", "aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": "cloudtrail.amazonaws.com", "aws:SourceAccount": d.account}
		if sourceArn != "" {
			c["aws:SourceArn"] = sourceArn
		}
		if strings.HasPrefix(action, "s3:") {
			c["s3:TlsVersion"] = "1.3"
		}
		account := d.account
		return policysim.Simulation{
			Request:  policysim.Request{Principal: "cloudtrail.amazonaws.com", Action: action, Resource: resource, ResourceAccount: account, Context: c},
			Resource: policy,
		}
	}
	other := strings.TrimSuffix(d.trailArn, "/"+strings.Split(d.trailArn, "/")[1]) + "/someone-elses-trail"
	file := d.trailBucketArn + "/AWSLogs/" + d.account + "/CloudTrail/" + d.region + "/2026/12/02/file.json.gz"
	cases := []evalCase{
		{name: "trail: CloudTrail checks the bucket's ACL for this trail", sim: service("s3:GetBucketAcl", d.trailBucketArn, d.trailBucketPolicy, d.trailArn), want: allowed},
		{name: "trail: CloudTrail writes this trail's file", sim: service("s3:PutObject", file, d.trailBucketPolicy, d.trailArn), want: allowed},
		{name: "trail: CloudTrail writes another trail's file", sim: service("s3:PutObject", file, d.trailBucketPolicy, other), want: denied},
		{name: "trail: CloudTrail writes outside AWSLogs/<account>/", sim: service("s3:PutObject", d.trailBucketArn+"/elsewhere/file.json.gz", d.trailBucketPolicy, d.trailArn), want: denied},
		{name: "trail: CloudTrail writes without a source trail", sim: service("s3:PutObject", file, d.trailBucketPolicy, ""), want: denied},
		{name: "trail: CloudTrail encrypts for this trail", sim: service("kms:GenerateDataKey", d.trailKeyArn, d.trailKeyPolicy, d.trailArn), want: allowed},
		{name: "trail: CloudTrail encrypts for another trail", sim: service("kms:GenerateDataKey", d.trailKeyArn, d.trailKeyPolicy, other), want: denied},
		{name: "trail: CloudTrail decrypts", sim: service("kms:Decrypt", d.trailKeyArn, d.trailKeyPolicy, d.trailArn), want: denied},
	}
	admin, adminRole := d.administrator()
	onTrailKey := func(principal, principalArn, action, via string, identity []policysim.Policy) policysim.Simulation {
		return d.keyCall(d.trailKeyArn, d.trailKeyPolicy, principal, principalArn, action, via, identity)
	}
	cases = append(cases,
		evalCase{name: "trail key: administrator kms:Decrypt", sim: onTrailKey(admin, adminRole, "kms:Decrypt", d.region, []policysim.Policy{administratorAccess}), want: denied},
		evalCase{name: "trail key: the function's role kms:Decrypt by S3", sim: onTrailKey(d.session(), d.roleArn, "kms:Decrypt", d.region, d.rolePolicies), want: denied},
	)
	for _, st := range d.trailKeyPolicy["Statement"].([]any) {
		sid, _ := st.(map[string]any)["Sid"].(string)
		if !strings.HasPrefix(sid, "ReadTrail") {
			continue
		}
		reader := fmt.Sprint(st.(map[string]any)["Principal"].(map[string]any)["AWS"])
		session := sessionOf(reader, "auditor")
		readerPolicy := []policysim.Policy{{Name: "ReadTrail", Document: map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": d.trailKeyArn}}}}}
		cases = append(cases,
			evalCase{name: "trail key: the reader decrypts through S3", sim: onTrailKey(session, reader, "kms:Decrypt", d.region, readerPolicy), want: allowed},
			evalCase{name: "trail key: the reader decrypts directly", sim: onTrailKey(session, reader, "kms:Decrypt", "", readerPolicy), want: denied},
		)
	}
	return cases
}

// malwareCases: with malwareScanning, an object is readable only once
// GuardDuty has tagged it clean, presigned or through CloudFront; the
// scanner reads and tags whatever it finds; nobody else sets the tag.
func (d *deployment) malwareCases() ([]evalCase, error) {
	if !d.scans {
		return nil, nil
	}
	key := "users/" + exampleSub + "/upload.bin"
	reqs, err := d.productRequests(key)
	if err != nil {
		return nil, err
	}
	read := func(status string) map[string]any {
		c := map[string]any{}
		for k, v := range reqs["GET"] {
			c[k] = v
		}
		if status != "" {
			c[scanTag] = status
		}
		return c
	}
	unscanned := read("")
	delete(unscanned, scanTag)
	scanner := func(action string, over map[string]any) policysim.Simulation {
		c := transport()
		c["aws:PrincipalArn"] = d.scannerArn
		c["aws:PrincipalAccount"] = d.account
		c["aws:PrincipalIsAWSService"] = "false"
		c["s3:authType"] = "REST-HEADER"
		c["s3:signatureversion"] = "AWS4-HMAC-SHA256"
		for k, v := range over {
			c[k] = v
		}
		session := sessionOf(d.scannerArn, "GuardDutyMalwareProtection")
		return policysim.Simulation{
			Request:  policysim.Request{Principal: session, Action: action, Resource: d.objectArn(key), ResourceAccount: d.account, Context: c},
			Identity: d.scannerPolicies,
			Resource: d.bucketPolicy,
		}
	}
	noTag := func(sim policysim.Simulation) policysim.Simulation {
		delete(sim.Request.Context, scanTag)
		return sim
	}
	withTag := func(sim policysim.Simulation, status string) policysim.Simulation {
		sim.Request.Context[scanTag] = status
		return sim
	}
	put := map[string]any{}
	for k, v := range reqs["PUT"] {
		put[k] = v
	}
	put["s3:RequestObjectTagKeys"] = []string{"GuardDutyMalwareScanStatus"}
	// copyFrom is a CopyObject onto key: a PUT with x-amz-copy-source and
	// no tags of its own (the default tagging directive COPY).
	copyFrom := func(source string) map[string]any {
		c := map[string]any{}
		for k, v := range reqs["PUT"] {
			c[k] = v
		}
		c["s3:x-amz-copy-source"] = source
		return c
	}
	cases := []evalCase{
		{name: "malware: presigned GET of an object not yet scanned", sim: noTag(d.roleRequest("s3:GetObject", key, unscanned)), want: deniedBy("DenyUnscannedReads")},
		{name: "malware: presigned GET of an object with a threat", sim: withTag(d.roleRequest("s3:GetObject", key, nil), "THREATS_FOUND"), want: deniedBy("DenyUnscannedReads")},
		{name: "malware: presigned GET of an object GuardDuty could not scan", sim: withTag(d.roleRequest("s3:GetObject", key, nil), "UNSUPPORTED"), want: deniedBy("DenyUnscannedReads")},
		{name: "malware: presigned GET of a clean object", sim: d.roleRequest("s3:GetObject", key, read("NO_THREATS_FOUND")), want: allowed},
		{name: "malware: presigned PUT that sets the scan tag itself", sim: d.roleRequest("s3:PutObject", key, put), want: deniedBy("DenyScanTagsFromOthers")},
		{name: "malware: a copy from another bucket, which keeps a clean tag set there", sim: d.roleRequest("s3:PutObject", key, copyFrom("attacker-bucket/clean.bin")), want: deniedBy("DenyCopiesFromOtherBuckets")},
		{name: "malware: a copy from another bucket named with a leading slash", sim: d.roleRequest("s3:PutObject", key, copyFrom("/attacker-bucket/clean.bin")), want: deniedBy("DenyCopiesFromOtherBuckets")},
		{name: "malware: a copy from a bucket whose name starts with this one's", sim: d.roleRequest("s3:PutObject", key, copyFrom(d.bucketName+"-evil/clean.bin")), want: deniedBy("DenyCopiesFromOtherBuckets")},
		{name: "malware: a copy within the bucket keeps the scanner's own tag", sim: d.roleRequest("s3:PutObject", key, copyFrom(d.bucketName+"/users/"+exampleSub+"/other.bin")), want: allowed},
		{name: "malware: replication writes an object with its tags", sim: d.roleRequest("s3:ReplicateObject", key, nil), want: deniedBy("DenyReplicaWrites")},
		{name: "malware: replication writes tags", sim: d.roleRequest("s3:ReplicateTags", key, nil), want: deniedBy("DenyReplicaWrites")},
		{name: "malware: replication reads an object not yet scanned", sim: noTag(d.roleRequest("s3:GetObjectVersionForReplication", key, nil)), want: deniedBy("DenyUnscannedReads")},
		{name: "malware: the function's role tags an object", sim: d.roleRequest("s3:PutObjectTagging", key, map[string]any{"s3:RequestObjectTagKeys": []string{"GuardDutyMalwareScanStatus"}}), want: denied},
		{name: "malware: the scanner reads an object not yet scanned", sim: scanner("s3:GetObject", nil), want: allowed},
		{name: "malware: the scanner tags it", sim: scanner("s3:PutObjectTagging", map[string]any{"s3:RequestObjectTagKeys": []string{"GuardDutyMalwareScanStatus"}}), want: allowed},
		{name: "malware: the scanner deletes it", sim: scanner("s3:DeleteObject", nil), want: denied},
		{name: "malware: the scanner decrypts through S3", sim: d.kmsCall(sessionOf(d.scannerArn, "GuardDutyMalwareProtection"), d.scannerArn, "kms:Decrypt", d.region, d.scannerPolicies), want: allowed},
	}
	if d.cdn != nil && slices.Contains(d.cdnAccess, "read") {
		id, err := d.cdn.Resolve(map[string]any{"Ref": d.distribution})
		if err != nil {
			return nil, err
		}
		arn := fmt.Sprintf("arn:aws:cloudfront::%s:distribution/%s", d.account, id)
		cases = append(cases,
			evalCase{name: "malware: CloudFront reads an object not yet scanned", sim: noTag(d.cloudFrontRequest("s3:GetObject", key, arn, nil)), want: deniedBy("DenyUnscannedReads")},
			evalCase{name: "malware: CloudFront reads a clean object", sim: d.cloudFrontRequest("s3:GetObject", key, arn, nil), want: allowed},
		)
	}
	return cases, nil
}

// topicKeyCases: CloudWatch alarms of this account publish to the
// encrypted topic; another account's alarms and other principals do not.
func (d *deployment) topicKeyCases() []evalCase {
	if d.topicKeyArn == "" {
		return nil
	}
	alarm := func(account string) policysim.Simulation {
		return policysim.Simulation{
			Request: policysim.Request{Principal: "cloudwatch.amazonaws.com", Action: "kms:GenerateDataKey", Resource: d.topicKeyArn, ResourceAccount: d.account,
				Context: map[string]any{"aws:SecureTransport": "true", "aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": "cloudwatch.amazonaws.com",
					"aws:SourceAccount": account, "aws:SourceArn": "arn:aws:cloudwatch:" + d.region + ":" + account + ":alarm:securestore-Api5xx"}},
			Resource: d.topicKeyPolicy,
		}
	}
	call := func(principal, principalArn, action string, identity []policysim.Policy) policysim.Simulation {
		return d.keyCall(d.topicKeyArn, d.topicKeyPolicy, principal, principalArn, action, "", identity)
	}
	publish := func(account, secure string) policysim.Simulation {
		return policysim.Simulation{
			Request: policysim.Request{Principal: "cloudwatch.amazonaws.com", Action: "sns:Publish", Resource: d.topicArn, ResourceAccount: d.account,
				Context: map[string]any{"aws:SecureTransport": secure, "aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": "cloudwatch.amazonaws.com",
					"aws:SourceAccount": account, "aws:SourceArn": "arn:aws:cloudwatch:" + d.region + ":" + account + ":alarm:securestore-Api5xx"}},
			Resource: d.topicPolicy,
		}
	}
	return []evalCase{
		{name: "alarm topic: this account's alarm publishes", sim: publish(d.account, "true"), want: allowed},
		{name: "alarm topic: another account's alarm publishes", sim: publish(otherAccount, "true"), want: denied},
		{name: "alarm topic: a publish over plain HTTP", sim: publish(d.account, "false"), want: denied},
		{name: "alarm topic key: this account's alarm publishes", sim: alarm(d.account), want: allowed},
		{name: "alarm topic key: another account's alarm", sim: alarm(otherAccount), want: denied},
		{name: "alarm topic key: the function's role", sim: call(d.session(), d.roleArn, "kms:Decrypt", d.rolePolicies), want: denied},
	}
}

// logCases: S3 server access logging into the data log bucket, only for
// this data bucket; CloudFront's standard logs into theirs, only from this
// distribution's delivery source.
func (d *deployment) logCases() []evalCase {
	req := func(b logBucket, service, source, key string, extra map[string]any) policysim.Simulation {
		c := transport()
		c["aws:SourceArn"] = source
		c["aws:SourceAccount"] = d.account
		for k, v := range extra {
			c[k] = v
		}
		return policysim.Simulation{
			Request:  policysim.Request{Principal: service, Action: "s3:PutObject", Resource: b.arn + "/" + key, ResourceAccount: d.account, Context: c},
			Resource: b.policy,
		}
	}
	const accessLog = "s3-access/2026-12-01-00-00-00-ABCDEF0123456789"
	var cases []evalCase
	for _, b := range d.logBuckets {
		where := b.stack.Name + " log bucket"
		doc := fmt.Sprint(b.policy)
		if strings.Contains(doc, "logging.s3.amazonaws.com") {
			cases = append(cases,
				evalCase{name: where + ": S3 access logs of the data bucket", sim: req(b, "logging.s3.amazonaws.com", d.bucketArn, accessLog, nil), want: allowed},
				evalCase{name: where + ": S3 access logs of another bucket", sim: req(b, "logging.s3.amazonaws.com", "arn:aws:s3:::someone-elses-bucket", accessLog, nil), want: denied},
				evalCase{name: where + ": S3 access logs outside their prefix", sim: req(b, "logging.s3.amazonaws.com", d.bucketArn, "cloudfront/forged.log.gz", nil), want: denied},
			)
		}
		if strings.Contains(doc, "delivery.logs.amazonaws.com") {
			acl := map[string]any{"s3:x-amz-acl": "bucket-owner-full-control"}
			const cfLog = "cloudfront/E1/2026/12/01/00/log.gz"
			for _, src := range d.deliverySources {
				cases = append(cases, evalCase{name: where + ": CloudFront logs from this distribution's delivery source", sim: req(b, "delivery.logs.amazonaws.com", src, cfLog, acl), want: allowed})
			}
			other := "arn:aws:logs:us-east-1:" + d.account + ":delivery-source:someone-else"
			cases = append(cases,
				evalCase{name: where + ": CloudFront logs from another delivery source", sim: req(b, "delivery.logs.amazonaws.com", other, cfLog, acl), want: denied},
				evalCase{name: where + ": CloudFront logs over plain HTTP", sim: req(b, "delivery.logs.amazonaws.com", other, cfLog, map[string]any{"aws:SecureTransport": "false"}), want: denied},
			)
		}
		cases = append(cases, evalCase{name: where + ": another account's administrator reads it", sim: policysim.Simulation{
			Request: policysim.Request{
				Principal: "arn:aws:sts::" + otherAccount + ":assumed-role/Administrator/mallory", Action: "s3:GetObject",
				Resource: b.arn + "/" + accessLog, ResourceAccount: d.account, Context: transport(),
			},
			Identity: []policysim.Policy{administratorAccess},
			Resource: b.policy,
		}, want: denied})
	}
	return cases
}

// cases are every case of a deployment.
func (d *deployment) cases() ([]evalCase, error) {
	fn, err := d.functionCases()
	if err != nil {
		return nil, err
	}
	cdn, err := d.cdnCases()
	if err != nil {
		return nil, err
	}
	out := append(fn, d.kmsCases()...)
	out = append(out, cdn...)
	out = append(out, d.accountCases()...)
	out = append(out, d.logsKeyCases()...)
	out = append(out, d.trailCases()...)
	out = append(out, d.topicKeyCases()...)
	malware, err := d.malwareCases()
	if err != nil {
		return nil, err
	}
	out = append(out, malware...)
	return append(out, d.logCases()...), nil
}

// deployments are the protected configurations (each storage stack with
// its Edge stack) and the grant fixture.
func deployments() ([]*deployment, error) {
	var out []*deployment
	for _, name := range storageNames() {
		d, err := newDeployment(configs[name], configs[name+"-edge"])
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// evaluate runs cases through the evaluator and returns one line per case
// that does not hold; with -v it logs every case's outcome.
func evaluate(t *testing.T, cases []evalCase) ([]string, error) {
	sims := make([]policysim.Simulation, len(cases))
	for i, c := range cases {
		sims[i] = c.sim
	}
	outcomes, err := policysim.Run(sims)
	if err != nil {
		return nil, err
	}
	var failures []string
	for i, c := range cases {
		if testing.Verbose() {
			t.Logf("%s: %s", c.name, outcomes[i])
		}
		if why := c.check(outcomes[i]); why != "" {
			failures = append(failures, c.name+": "+why)
		}
	}
	return failures, nil
}

func TestPolicyEval_Configurations(t *testing.T) {
	ds, err := deployments()
	if err != nil {
		t.Fatal(err)
	}
	var all []evalCase
	counts := map[string]int{}
	for _, d := range ds {
		cs, err := d.cases()
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		for i := range cs {
			cs[i].name = d.name + ": " + cs[i].name
		}
		counts[d.name] = len(cs)
		all = append(all, cs...)
	}
	failures, err := evaluate(t, all)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range failures {
		t.Error(f)
	}
	t.Logf("cases per configuration: %v", counts)
}

func TestPolicyEval_Grants(t *testing.T) {
	d, err := newDeployment(grants, nil)
	if err != nil {
		t.Fatal(err)
	}
	failures, err := evaluate(t, d.grantCases())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range failures {
		t.Error(f)
	}
}

// The suite must fail on the statements this issue replaced: each, put
// back as it was, denies the function's own uploads.
func TestPolicyEval_CatchesTheOldEncryptionStatements(t *testing.T) {
	old := map[string]map[string]any{
		"DenyOtherEncryption": {"StringNotEqualsIfExists": map[string]any{"s3:x-amz-server-side-encryption": "aws:kms"}},
		"DenyOtherKmsKeys":    {"StringNotEqualsIfExists": map[string]any{"s3:x-amz-server-side-encryption-aws-kms-key-id": "<key arn>"}},
	}
	for sid, condition := range old {
		t.Run(sid, func(t *testing.T) {
			d, err := newDeployment(configs["default"], nil)
			if err != nil {
				t.Fatal(err)
			}
			d.bucketPolicy = mutated(d.bucketPolicy, sid, condition, d.keyArn)
			cases, err := d.functionCases()
			if err != nil {
				t.Fatal(err)
			}
			failures, err := evaluate(t, cases)
			if err != nil {
				t.Fatal(err)
			}
			caught := slices.ContainsFunc(failures, func(f string) bool {
				return strings.Contains(f, "presigned PUT users/") && strings.Contains(f, "resource:"+sid)
			})
			if !caught {
				t.Errorf("with %s as it was, the suite did not report the function's presigned PUT denied by it; failures: %q", sid, failures)
			}
		})
	}
}

// mutated returns a copy of policy whose statement sid has condition
// instead of its own ("<key arn>" standing for keyArn).
func mutated(policy map[string]any, sid string, condition map[string]any, keyArn string) map[string]any {
	out := map[string]any{"Version": policy["Version"]}
	var statements []any
	for _, s := range policy["Statement"].([]any) {
		st := s.(map[string]any)
		if st["Sid"] == sid {
			c := map[string]any{}
			for k, v := range st {
				c[k] = v
			}
			cond := map[string]any{}
			for op, kv := range condition {
				m := map[string]any{}
				for k, v := range kv.(map[string]any) {
					if v == "<key arn>" {
						v = keyArn
					}
					m[k] = v
				}
				cond[op] = m
			}
			c["Condition"] = cond
			st = c
		}
		statements = append(statements, st)
	}
	out["Statement"] = statements
	return out
}

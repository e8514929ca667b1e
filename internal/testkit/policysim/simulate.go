package policysim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Policy is a named policy document.
type Policy struct {
	// Name names the policy in outcomes (the logical id of its resource).
	Name string `json:"name"`
	// Document is the resolved policy document.
	Document map[string]any `json:"policy"`
}

// Request is one request as IAM sees it.
type Request struct {
	// Principal is the caller: an ARN (an assumed-role session such as
	// arn:aws:sts::<account>:assumed-role/<role>/<session>) or a service
	// principal such as cloudfront.amazonaws.com.
	Principal string
	// Action is the IAM action, such as s3:PutObject.
	Action string
	// Resource is the ARN the action is on.
	Resource string
	// ResourceAccount owns Resource.
	ResourceAccount string
	// Context holds the request's condition keys and their values (a
	// string, or a list of strings for a multivalued key). A key the real
	// request does not carry is left out.
	Context map[string]any
}

// Simulation is a request and the policies that decide it.
type Simulation struct {
	Request Request
	// Identity are the caller's identity policies.
	Identity []Policy
	// Resource is the resource's policy (a bucket or key policy), or nil.
	Resource map[string]any
}

// Results of an evaluation.
const (
	Allowed          = "Allowed"
	ExplicitlyDenied = "ExplicitlyDenied"
	ImplicitlyDenied = "ImplicitlyDenied"
)

// Outcome is the evaluator's decision on one Simulation.
type Outcome struct {
	// Result is Allowed, ExplicitlyDenied or ImplicitlyDenied.
	Result string `json:"result"`
	// Deciding names the statements that decided, as "identity:<Sid>" or
	// "resource:<Sid>" ("#<index>" for a statement without a Sid): the
	// allowing statements of an allowed request, the denying ones of an
	// explicit deny; none for an implicit deny.
	Deciding []string `json:"deciding"`
	// Errors are the evaluator's validation errors (an unknown action, a
	// malformed policy) and the request's context keys it does not know
	// for the action, which it would ignore as if absent; Run fails when
	// any outcome has some.
	Errors string `json:"errors,omitempty"`
}

// String is the result and the deciding statements.
func (o Outcome) String() string {
	if len(o.Deciding) == 0 {
		return o.Result
	}
	return o.Result + " by " + strings.Join(o.Deciding, ", ")
}

// script is the Node program beside this file that runs iam-simulate.
func script() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "simulate.mjs")
}

// Run evaluates every simulation with iam-simulate in one Node process
// (node on PATH, the module's node_modules installed by `npm ci`) and
// returns their outcomes in order. It fails when the evaluator refuses a
// simulation (its errors name what), so that a request it cannot read is
// never taken for a denial.
func Run(sims []Simulation) ([]Outcome, error) {
	type request struct {
		Principal string `json:"principal"`
		Action    string `json:"action"`
		Resource  struct {
			Resource  string `json:"resource"`
			AccountID string `json:"accountId"`
		} `json:"resource"`
		Context map[string]any `json:"contextVariables"`
	}
	type sim struct {
		Request  request        `json:"request"`
		Identity []Policy       `json:"identityPolicies"`
		Resource map[string]any `json:"resourcePolicy,omitempty"`
	}
	in := make([]sim, len(sims))
	for i, s := range sims {
		r := request{Principal: s.Request.Principal, Action: s.Request.Action, Context: s.Request.Context}
		r.Resource.Resource = s.Request.Resource
		r.Resource.AccountID = s.Request.ResourceAccount
		if r.Context == nil {
			r.Context = map[string]any{}
		}
		in[i] = sim{Request: r, Identity: s.Identity, Resource: s.Resource}
		if in[i].Identity == nil {
			in[i].Identity = []Policy{}
		}
	}
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("policysim: encoding simulations: %w", err)
	}
	cmd := exec.Command("node", script())
	cmd.Stdin = bytes.NewReader(body)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("policysim: node %s: %w: %s", filepath.Base(script()), err, strings.TrimSpace(stderr.String()))
	}
	var out []Outcome
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("policysim: reading outcomes: %w", err)
	}
	if len(out) != len(sims) {
		return nil, fmt.Errorf("policysim: %d outcomes for %d simulations", len(out), len(sims))
	}
	for i, o := range out {
		if o.Errors != "" {
			r := sims[i].Request
			return nil, fmt.Errorf("policysim: the evaluator refused %s %s on %s: %s", r.Principal, r.Action, r.Resource, o.Errors)
		}
	}
	return out, nil
}

// BucketPolicy returns the resolved policy document of the
// AWS::S3::BucketPolicy on bucket (a logical id).
func (s *Stack) BucketPolicy(bucket string) (map[string]any, error) {
	for _, id := range s.Resources("AWS::S3::BucketPolicy") {
		props := s.Properties(id)
		if ref, _ := props["Bucket"].(map[string]any); ref["Ref"] == bucket {
			return s.document(id, props["PolicyDocument"])
		}
	}
	return nil, fmt.Errorf("stack %s: no bucket policy on %s", s.Name, bucket)
}

// TopicPolicy returns the resolved policy of the AWS::SNS::TopicPolicy
// that names the AWS::SNS::Topic topic.
func (s *Stack) TopicPolicy(topic string) (map[string]any, error) {
	for _, id := range s.Resources("AWS::SNS::TopicPolicy") {
		props := s.Properties(id)
		topics, _ := props["Topics"].([]any)
		for _, t := range topics {
			if ref, _ := t.(map[string]any); ref["Ref"] == topic {
				return s.document(id, props["PolicyDocument"])
			}
		}
	}
	return nil, fmt.Errorf("stack %s: no topic policy on %s", s.Name, topic)
}

// KeyPolicy returns the resolved key policy of the AWS::KMS::Key key.
func (s *Stack) KeyPolicy(key string) (map[string]any, error) {
	return s.document(key, s.Properties(key)["KeyPolicy"])
}

// IdentityPolicies returns the resolved identity policies of the
// AWS::IAM::Role role: its inline policies and every AWS::IAM::Policy
// attached to it. A managed policy fails: its document is not in the
// template.
func (s *Stack) IdentityPolicies(role string) ([]Policy, error) {
	props := s.Properties(role)
	if arns, ok := props["ManagedPolicyArns"]; ok {
		return nil, fmt.Errorf("stack %s: role %s has managed policies %v, whose documents are not in the template", s.Name, role, arns)
	}
	var out []Policy
	inline, _ := props["Policies"].([]any)
	for i, p := range inline {
		m, _ := p.(map[string]any)
		doc, err := s.document(role, m["PolicyDocument"])
		if err != nil {
			return nil, err
		}
		name, _ := m["PolicyName"].(string)
		if name == "" {
			name = fmt.Sprintf("%s-inline-%d", role, i)
		}
		out = append(out, Policy{Name: name, Document: doc})
	}
	for _, id := range s.Resources("AWS::IAM::Policy") {
		p := s.Properties(id)
		roles, _ := p["Roles"].([]any)
		for _, r := range roles {
			if ref, _ := r.(map[string]any); ref["Ref"] == role {
				doc, err := s.document(id, p["PolicyDocument"])
				if err != nil {
					return nil, err
				}
				out = append(out, Policy{Name: id, Document: doc})
			}
		}
	}
	return out, nil
}

func (s *Stack) document(id string, doc any) (map[string]any, error) {
	if doc == nil {
		return nil, fmt.Errorf("stack %s: %s has no policy document", s.Name, id)
	}
	r, err := s.Resolve(doc)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %s: %w", s.Name, id, err)
	}
	m, _ := r.(map[string]any)
	return m, nil
}

package dot_test

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/securestore/securestore/tools/diagram/dot"
)

// edge is a short way to write a want edge.
func edge(from, to string) dot.Edge { return dot.Edge{From: from, To: to} }

func TestFromTemplate_Edges(t *testing.T) {
	cases := []struct {
		name      string
		resources string
		want      []dot.Edge
	}{
		{
			name: "Ref",
			resources: `"A": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "B"}}},
			            "B": {"Type": "AWS::S3::Bucket"}`,
			want: []dot.Edge{edge("A", "B")},
		},
		{
			name: "Fn::GetAtt list and string forms",
			resources: `"A": {"Type": "AWS::IAM::Role", "Properties": {"X": {"Fn::GetAtt": ["B", "Arn"]}, "Y": {"Fn::GetAtt": "C.Arn"}}},
			            "B": {"Type": "AWS::S3::Bucket"},
			            "C": {"Type": "AWS::KMS::Key"}`,
			want: []dot.Edge{edge("A", "B"), edge("A", "C")},
		},
		{
			name: "Fn::Sub string, attribute and variable map forms",
			resources: `"A": {"Type": "AWS::IAM::Role", "Properties": {
			                "X": {"Fn::Sub": "arn:${B}/*"},
			                "Y": {"Fn::Sub": "${C.Arn}"},
			                "Z": {"Fn::Sub": ["${V}/${D}", {"V": {"Ref": "E"}}]},
			                "W": {"Fn::Sub": "${!F} is an escape"}}},
			            "B": {"Type": "AWS::S3::Bucket"},
			            "C": {"Type": "AWS::KMS::Key"},
			            "D": {"Type": "AWS::SNS::Topic"},
			            "E": {"Type": "AWS::SQS::Queue"},
			            "F": {"Type": "AWS::SQS::Queue"},
			            "V": {"Type": "AWS::SQS::Queue"}`,
			want: []dot.Edge{edge("A", "B"), edge("A", "C"), edge("A", "D"), edge("A", "E")},
		},
		{
			name: "DependsOn string and list",
			resources: `"A": {"Type": "AWS::Logs::Delivery", "DependsOn": "B"},
			            "C": {"Type": "AWS::Logs::Delivery", "DependsOn": ["A", "B"]},
			            "B": {"Type": "AWS::S3::Bucket"}`,
			want: []dot.Edge{edge("A", "B"), edge("C", "A"), edge("C", "B")},
		},
		{
			name: "pseudo-parameters and parameters make no edge",
			resources: `"A": {"Type": "AWS::S3::Bucket", "Properties": {
			                "BucketName": {"Fn::Join": ["-", ["x", {"Ref": "AWS::AccountId"}, {"Ref": "AWS::Region"}]]},
			                "X": {"Fn::Sub": "${AWS::Partition}:${AWS::StackName}"},
			                "Y": {"Ref": "Param"}}}`,
			want: nil,
		},
		{
			name: "repeated references give one edge, self references none",
			resources: `"A": {"Type": "AWS::S3::BucketPolicy", "DependsOn": "B", "Properties": {
			                "X": {"Ref": "B"}, "Y": {"Fn::GetAtt": ["B", "Arn"]}, "Z": {"Fn::Sub": "${B}"}, "S": {"Ref": "A"}}},
			            "B": {"Type": "AWS::S3::Bucket"}`,
			want: []dot.Edge{edge("A", "B")},
		},
		{
			name: "hidden types draw no node and no edge",
			resources: `"CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"X": {"Ref": "Fn"}}},
			            "Perm": {"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": {"Ref": "Fn"}, "SourceArn": {"Fn::GetAtt": ["B", "Arn"]}}},
			            "Fn": {"Type": "AWS::Lambda::Function", "DependsOn": "Perm"},
			            "B": {"Type": "AWS::S3::Bucket"}`,
			want: nil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := build(t, `{"Parameters": {"Param": {"Type": "String"}}, "Resources": {`+tc.resources+`}}`)
			if !slices.Equal(g.Edges, tc.want) {
				t.Errorf("edges = %v, want %v", g.Edges, tc.want)
			}
		})
	}
}

func TestFromTemplate_Clusters(t *testing.T) {
	cases := []struct {
		name      string
		resources string
		stack     string
		cluster   map[string]string // logical id -> cluster ("" for loose)
		labels    map[string]string
	}{
		{
			name: "top construct below a stage and stack, read from CDK logical ids",
			// One top construct only: the shared prefix app/Stack/Store would
			// swallow it; the ids say the stack is app/Stack.
			resources: `"StoreC1F82936": {"Type": "AWS::S3::Bucket", "Metadata": {"aws:cdk:path": "app/Stack/Store/Resource/Resource"}},
			            "StorePolicy1828B04C": {"Type": "AWS::S3::BucketPolicy", "Metadata": {"aws:cdk:path": "app/Stack/Store/Resource/Policy/Resource"}},
			            "StoreKey7A3C02BD": {"Type": "AWS::KMS::Key", "Metadata": {"aws:cdk:path": "app/Stack/Store/Key/Resource"}},
			            "StoreKeyAlias17482EAF": {"Type": "AWS::KMS::Alias", "Metadata": {"aws:cdk:path": "app/Stack/Store/Key/Alias/Default"}}`,
			stack: "app/Stack",
			cluster: map[string]string{
				"StoreC1F82936": "Store", "StorePolicy1828B04C": "Store", "StoreKey7A3C02BD": "Store", "StoreKeyAlias17482EAF": "Store",
			},
			labels: map[string]string{
				"StoreC1F82936":         "Bucket\nS3::Bucket",
				"StorePolicy1828B04C":   "Policy\nS3::BucketPolicy",
				"StoreKey7A3C02BD":      "Key\nKMS::Key",
				"StoreKeyAlias17482EAF": "Key/Alias\nKMS::Alias",
			},
		},
		{
			name: "hand-written ids: the stack is the prefix every path shares",
			resources: `"B": {"Type": "AWS::S3::Bucket", "Metadata": {"aws:cdk:path": "S/Data/Resource"}},
			            "D": {"Type": "AWS::CloudFront::Distribution", "Metadata": {"aws:cdk:path": "S/Edge/Cdn/Resource"}},
			            "A": {"Type": "AWS::ApiGateway::RestApi", "Metadata": {"aws:cdk:path": "S/Api/Resource"}}`,
			stack:   "S",
			cluster: map[string]string{"B": "Data", "D": "Edge", "A": "Api"},
			labels: map[string]string{
				"B": "Bucket\nS3::Bucket",
				"D": "Cdn\nCloudFront::Distribution",
				"A": "RestApi\nApiGateway::RestApi",
			},
		},
		{
			name: "a resource without a path is drawn outside the clusters",
			resources: `"B": {"Type": "AWS::S3::Bucket", "Metadata": {"aws:cdk:path": "S/Data/Resource"}},
			            "Q": {"Type": "AWS::SQS::Queue"}`,
			stack:   "S",
			cluster: map[string]string{"B": "Data", "Q": ""},
			labels:  map[string]string{"Q": "Q\nSQS::Queue"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := build(t, `{"Resources": {`+tc.resources+`}}`)
			if g.Stack != tc.stack {
				t.Errorf("Stack = %q, want %q", g.Stack, tc.stack)
			}
			for id, want := range tc.cluster {
				if _, ok := g.Node(id); !ok {
					t.Errorf("%s is not drawn", id)
				}
				if got := g.ClusterOf(id); got != want {
					t.Errorf("cluster of %s = %q, want %q", id, got, want)
				}
			}
			for id, want := range tc.labels {
				if n, _ := g.Node(id); n.Label != want {
					t.Errorf("label of %s = %q, want %q", id, n.Label, want)
				}
			}
		})
	}
}

// api is a REST API stack as CDK writes it, cut to what the diagram reads.
const api = `{"Resources": {
  "ApiFn1": {"Type": "AWS::Lambda::Function", "Metadata": {"aws:cdk:path": "S/Api/Function/Resource"},
    "Properties": {"Role": {"Fn::GetAtt": ["ApiRole1", "Arn"]}}},
  "ApiRole1": {"Type": "AWS::IAM::Role", "Metadata": {"aws:cdk:path": "S/Api/Function/ServiceRole/Resource"}},
  "ApiPolicy1": {"Type": "AWS::IAM::Policy", "Metadata": {"aws:cdk:path": "S/Api/Function/ServiceRole/DefaultPolicy/Resource"},
    "Properties": {"Roles": [{"Ref": "ApiRole1"}], "PolicyDocument": {"Statement": [{"Resource": {"Fn::GetAtt": ["DataBucket1", "Arn"]}}]}}},
  "ApiRest1": {"Type": "AWS::ApiGateway::RestApi", "Metadata": {"aws:cdk:path": "S/Api/Resource/Resource"}},
  "ApiPresign1": {"Type": "AWS::ApiGateway::Resource", "Metadata": {"aws:cdk:path": "S/Api/Resource/Default/presign/Resource"},
    "Properties": {"RestApiId": {"Ref": "ApiRest1"}, "ParentId": {"Fn::GetAtt": ["ApiRest1", "RootResourceId"]}}},
  "ApiGet1": {"Type": "AWS::ApiGateway::Method", "Metadata": {"aws:cdk:path": "S/Api/Resource/Default/presign/GET/Resource"},
    "Properties": {"RestApiId": {"Ref": "ApiRest1"}, "ResourceId": {"Ref": "ApiPresign1"}, "AuthorizerId": {"Ref": "ApiAuth1"},
      "Integration": {"Uri": {"Fn::Join": ["", ["arn:", {"Fn::GetAtt": ["ApiFn1", "Arn"]}]]}}}},
  "ApiDeploy1": {"Type": "AWS::ApiGateway::Deployment", "Metadata": {"aws:cdk:path": "S/Api/Resource/Deployment/Resource"},
    "DependsOn": ["ApiGet1", "ApiPresign1"], "Properties": {"RestApiId": {"Ref": "ApiRest1"}}},
  "ApiRes4xx": {"Type": "AWS::ApiGateway::GatewayResponse", "Metadata": {"aws:cdk:path": "S/Api/Resource/Default4XX/Resource"},
    "Properties": {"RestApiId": {"Ref": "ApiRest1"}}},
  "ApiModel1": {"Type": "AWS::ApiGateway::Model", "Metadata": {"aws:cdk:path": "S/Api/UploadRequest/Resource"},
    "Properties": {"RestApiId": {"Ref": "ApiRest1"}}},
  "SharedPolicy1": {"Type": "AWS::IAM::Policy", "Metadata": {"aws:cdk:path": "S/Shared/Policy/Resource"},
    "Properties": {"Roles": [{"Ref": "ApiRole1"}]}},
  "ApiStage1": {"Type": "AWS::ApiGateway::Stage", "Metadata": {"aws:cdk:path": "S/Api/Resource/DeploymentStage.prod/Resource"},
    "Properties": {"RestApiId": {"Ref": "ApiRest1"}, "DeploymentId": {"Ref": "ApiDeploy1"}}},
  "ApiAuth1": {"Type": "AWS::ApiGateway::Authorizer", "Metadata": {"aws:cdk:path": "S/Api/Authorizer/Resource"},
    "Properties": {"Type": "COGNITO_USER_POOLS", "RestApiId": {"Ref": "ApiRest1"}, "ProviderARNs": [{"Fn::GetAtt": ["ApiPool1", "Arn"]}]}},
  "ApiPool1": {"Type": "AWS::Cognito::UserPool", "Metadata": {"aws:cdk:path": "S/Api/UserPool/Resource"}},
  "ApiPerm1": {"Type": "AWS::Lambda::Permission", "Metadata": {"aws:cdk:path": "S/Api/Resource/Default/presign/GET/ApiPermission.S.GET..presign"},
    "Properties": {"FunctionName": {"Fn::GetAtt": ["ApiFn1", "Arn"]}, "SourceArn": {"Fn::Sub": "arn:${ApiRest1}/*"}}},
  "DataBucket1": {"Type": "AWS::S3::Bucket", "Metadata": {"aws:cdk:path": "S/Data/Resource"}},
  "CdnDist1": {"Type": "AWS::CloudFront::Distribution", "Metadata": {"aws:cdk:path": "S/Cdn/Resource"},
    "Properties": {"DistributionConfig": {"DefaultCacheBehavior": {"TrustedKeyGroups": [{"Ref": "CdnGroup1"}]}}}},
  "CdnGroup1": {"Type": "AWS::CloudFront::KeyGroup", "Metadata": {"aws:cdk:path": "S/Cdn/KeyGroup/Resource"}},
  "OpenDist1": {"Type": "AWS::CloudFront::Distribution", "Metadata": {"aws:cdk:path": "S/Open/Resource"},
    "Properties": {"DistributionConfig": {"DefaultCacheBehavior": {}}}},
  "OpenApi1": {"Type": "AWS::ApiGateway::RestApi", "Metadata": {"aws:cdk:path": "S/OpenApi/Resource"}}
}}`

func TestFromTemplate_FoldsIntoOwner(t *testing.T) {
	g := build(t, api)
	cases := []struct {
		id         string
		wantFolded []string
		wantLabel  string
	}{
		{"ApiRest1", []string{"ApiDeploy1", "ApiGet1", "ApiModel1", "ApiPresign1", "ApiRes4xx"}, "RestApi\nApiGateway::RestApi\n+ 1 Deployment, 1 GatewayResponse, 1 Method,\n1 Model, 1 Resource"},
		// No drawn resource's construct holds it: it draws itself.
		{"SharedPolicy1", nil, "Policy\nIAM::Policy"},
		{"ApiRole1", []string{"ApiPolicy1"}, "Function/ServiceRole\nIAM::Role\n+ 1 Policy"},
		{"ApiFn1", nil, "Function\nLambda::Function"},
		{"ApiStage1", nil, "DeploymentStage.prod\nApiGateway::Stage"},
	}
	for _, tc := range cases {
		n, ok := g.Node(tc.id)
		if !ok {
			t.Errorf("%s is not drawn", tc.id)
			continue
		}
		if !slices.Equal(n.Folded, tc.wantFolded) || n.Label != tc.wantLabel {
			t.Errorf("%s: folded %v, label %q; want %v, %q", tc.id, n.Folded, n.Label, tc.wantFolded, tc.wantLabel)
		}
	}
	for _, id := range []string{"ApiDeploy1", "ApiGet1", "ApiPresign1", "ApiRes4xx", "ApiModel1", "ApiPolicy1", "ApiPerm1"} {
		if _, ok := g.Node(id); ok {
			t.Errorf("%s is drawn, want it folded or hidden", id)
		}
	}
	if !slices.Equal(g.Hidden, []string{"ApiPerm1"}) {
		t.Errorf("Hidden = %v, want [ApiPerm1]", g.Hidden)
	}
	want := []dot.Edge{
		edge("ApiAuth1", "ApiPool1"),
		edge("ApiAuth1", "ApiRest1"),
		edge("ApiFn1", "ApiRole1"),
		edge("ApiRest1", "ApiAuth1"), // the method's AuthorizerId
		edge("ApiRest1", "ApiFn1"),   // the method's integration
		edge("ApiRole1", "DataBucket1"),
		edge("ApiStage1", "ApiRest1"), // RestApiId, and DeploymentId through the folded deployment
		edge("CdnDist1", "CdnGroup1"),
		edge("SharedPolicy1", "ApiRole1"),
		edge("actor:Client", "OpenApi1"),
		edge("actor:Client (Cognito token)", "ApiRest1"),
		edge("actor:Viewer", "OpenDist1"),
		edge("actor:Viewer (signed URL)", "CdnDist1"),
	}
	if !slices.Equal(g.Edges, want) {
		t.Errorf("edges:\n got %v\nwant %v", g.Edges, want)
	}
	wantActors := []dot.Actor{
		{ID: "actor:Client", Label: "Client"},
		{ID: "actor:Client (Cognito token)", Label: "Client (Cognito token)"},
		{ID: "actor:Viewer", Label: "Viewer"},
		{ID: "actor:Viewer (signed URL)", Label: "Viewer (signed URL)"},
	}
	if !slices.Equal(g.Actors, wantActors) {
		t.Errorf("actors = %v, want %v", g.Actors, wantActors)
	}
}

func TestFromTemplate_RefusesWhatIsNoTemplate(t *testing.T) {
	cases := map[string]string{
		"not JSON":                 `{"Resources":`,
		"no Resources":             `{"Outputs": {}}`,
		"a resource not an object": `{"Resources": {"A": 1}}`,
		"a resource without Type":  `{"Resources": {"A": {"Properties": {}}}}`,
	}
	for name, template := range cases {
		t.Run(name, func(t *testing.T) {
			if g, err := dot.FromTemplate([]byte(template)); err == nil {
				t.Errorf("FromTemplate = %+v, want an error", g)
			}
		})
	}
}

func TestDOT_SameTemplateSameBytes(t *testing.T) {
	// The same resources written in two orders: Go's maps would shuffle
	// anything left unsorted between runs, and the key order must not matter.
	a := build(t, api).DOT()
	reordered := `{"Resources": {` + strings.Join(reverseLines(t, api), ",\n") + `}}`
	for range 5 {
		if b := build(t, api).DOT(); !bytes.Equal(a, b) {
			t.Fatalf("two runs differ:\n%s\n---\n%s", a, b)
		}
		if b := build(t, reordered).DOT(); !bytes.Equal(a, b) {
			t.Fatalf("reordered resources give other DOT:\n%s\n---\n%s", a, b)
		}
	}
}

func TestDOT_Shape(t *testing.T) {
	dot := string(build(t, api).DOT())
	for _, want := range []string{
		"rankdir=LR",
		`subgraph "cluster_Api" {`,
		`label="Api";`,
		`"ApiRest1" [label="RestApi\nApiGateway::RestApi\n+ 1 Deployment, 1 GatewayResponse, 1 Method,\n1 Model, 1 Resource"`,
		`"actor:Viewer (signed URL)" -> "CdnDist1";`,
		`{ rank=source; "actor:Client"; "actor:Client (Cognito token)"; "actor:Viewer"; "actor:Viewer (signed URL)"; }`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %s:\n%s", want, dot)
		}
	}
	if strings.Contains(dot, "ApiPerm1") || strings.Contains(dot, `"ApiGet1"`) {
		t.Errorf("DOT draws a hidden or folded resource:\n%s", dot)
	}
}

// build returns the graph of a template, failing the test on an error.
func build(t *testing.T, template string) *dot.Graph {
	t.Helper()
	g, err := dot.FromTemplate([]byte(template))
	if err != nil {
		t.Fatalf("FromTemplate: %v", err)
	}
	return g
}

// reverseLines returns the resource entries of the api template, one per
// string, last first.
func reverseLines(t *testing.T, template string) []string {
	t.Helper()
	body := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(template), `{"Resources": {`), `}}`)
	var entries []string
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, `  "`) {
			entries = append(entries, "")
		}
		if len(entries) > 0 {
			entries[len(entries)-1] += line + "\n"
		}
	}
	for i, e := range entries {
		entries[i] = strings.TrimSuffix(strings.TrimSpace(e), ",")
	}
	slices.Reverse(entries)
	if len(entries) < 10 {
		t.Fatalf("split %d entries, want every resource", len(entries))
	}
	return entries
}

// defaultTemplate is the snapshot of the app synthesized with cdk.json's
// defaults, as the snapshot tests keep it.
const defaultTemplate = "../../../test/testdata/default.template.json"

func TestFromTemplate_DefaultApp(t *testing.T) {
	data, err := os.ReadFile(defaultTemplate)
	if err != nil {
		t.Fatal(err)
	}
	g := build(t, string(data))
	if g.Stack != "dev/SecureStore" {
		t.Errorf("Stack = %q, want dev/SecureStore", g.Stack)
	}
	clusters := map[string]string{
		"CDN799BD92B":          "CDN",
		"CDNKeyGroupB98C07B0":  "CDN",
		"BucketE75EA64C":       "Bucket",
		"BucketPolicy8005AAB0": "Bucket",
		"BucketKeyCCA34EB1":    "Bucket",
	}
	for id, want := range clusters {
		if got := g.ClusterOf(id); got != want {
			t.Errorf("cluster of %s = %q, want %q", id, got, want)
		}
	}
	if n, _ := g.Node("CDN799BD92B"); n.Label != "Distribution\nCloudFront::Distribution" {
		t.Errorf("distribution label = %q", n.Label)
	}
	for _, e := range []dot.Edge{
		edge("BucketPolicy8005AAB0", "BucketE75EA64C"), // the policy is on the bucket
		edge("BucketPolicy8005AAB0", "CDN799BD92B"),    // and lets exactly this distribution read
		edge("BucketKeyCCA34EB1", "CDN799BD92B"),       // the key policy names the distribution
		edge("BucketE75EA64C", "BucketKeyCCA34EB1"),    // the bucket is encrypted with the key
		edge("CDN799BD92B", "CDNKeyGroupB98C07B0"),     // signed URLs
		edge("actor:Viewer (signed URL)", "CDN799BD92B"),
	} {
		if !slices.Contains(g.Edges, e) {
			t.Errorf("no edge %v", e)
		}
	}
	// The OAC design: the distribution does not reference the bucket.
	if e := edge("CDN799BD92B", "BucketE75EA64C"); slices.Contains(g.Edges, e) {
		t.Errorf("edge %v: the distribution should reach the bucket by name only", e)
	}
}

func TestFromTemplate_StackFromCDKLogicalIDs(t *testing.T) {
	// Only the key and the log bucket of the default app's Bucket construct:
	// every path shares dev/SecureStore/Bucket and none ends there, so only
	// CDK's own ids tell where the stack ends.
	data, err := os.ReadFile(defaultTemplate)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	resources := doc["Resources"].(map[string]any)
	for id := range resources {
		if !strings.HasPrefix(id, "BucketKey") && !strings.HasPrefix(id, "BucketAccessLogs") {
			delete(resources, id)
		}
	}
	if len(resources) < 3 {
		t.Fatalf("%d Bucket resources left, want the construct's", len(resources))
	}
	cut, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	g := build(t, string(cut))
	if g.Stack != "dev/SecureStore" || len(g.Clusters) != 1 || g.Clusters[0].Name != "Bucket" {
		t.Errorf("Stack %q, clusters %v; want dev/SecureStore and one Bucket cluster", g.Stack, g.Clusters)
	}
}

func TestCommittedDiagramIsCurrent(t *testing.T) {
	data, err := os.ReadFile(defaultTemplate)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../../docs/architecture.dot")
	if err != nil {
		t.Fatal(err)
	}
	if dot := build(t, string(data)).DOT(); !bytes.Equal(dot, committed) {
		t.Errorf("docs/architecture.dot is not the diagram of %s: run make diagram and commit docs/architecture.*", defaultTemplate)
	}
}

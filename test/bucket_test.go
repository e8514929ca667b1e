package test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// The data bucket's guarantees (public-access block, encryption with its
// key, TLS, lifecycle, CORS, Object Lock, the key's rotation) are
// constructs/privatebucket's own tests. Here: what the composition adds,
// that the app's configuration reaches the construct, and that the stack
// holds no bucket or key outside those guarantees.

func props(m map[string]any) *map[string]any { return &m }

func dataBucket(t *testing.T, name string, p map[string]any) {
	t.Helper()
	configs[name].assert.HasResourceProperties(jsii.String("AWS::S3::Bucket"), props(p))
}

func TestStorage_OnlyTheConstructsBucketsAllBlockPublicAccess(t *testing.T) {
	// Both buckets: the count pins that no third bucket escapes the check.
	s := configs["default"]
	s.assert.ResourcePropertiesCountIs(jsii.String("AWS::S3::Bucket"), props(map[string]any{
		"PublicAccessBlockConfiguration": map[string]any{
			"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
		},
	}), jsii.Number(2))
	s.assert.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(2))
}

func TestStorage_EveryBucketAndKeyRetained(t *testing.T) {
	s := configs["default"]
	s.assert.AllResources(jsii.String("AWS::S3::Bucket"), map[string]any{"DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Retain"})
	s.assert.AllResources(jsii.String("AWS::KMS::Key"), map[string]any{"DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Retain"})
}

// TestBucket_ConfigReachesTheConstruct: the configuration's bucket keys
// (and, for default, their defaults) in the data bucket, its log bucket and
// its key.
func TestBucket_ConfigReachesTheConstruct(t *testing.T) {
	dataBucket(t, "default", map[string]any{
		"BucketName": map[string]any{"Fn::Join": []any{"-", []any{
			"securestore-dev-data", map[string]any{"Ref": "AWS::AccountId"}, map[string]any{"Ref": "AWS::Region"},
		}}},
		"LifecycleConfiguration": map[string]any{"Rules": []any{assertions.Match_ObjectLike(&map[string]any{
			"AbortIncompleteMultipartUpload": map[string]any{"DaysAfterInitiation": 7},
			"NoncurrentVersionExpiration":    map[string]any{"NoncurrentDays": 30},
			"Status":                         "Enabled",
		})}},
		"LoggingConfiguration": map[string]any{
			"DestinationBucketName": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^BucketAccessLogs"))},
			"LogFilePrefix":         "s3-access/",
		},
		"CorsConfiguration":         assertions.Match_Absent(),
		"ObjectLockEnabled":         false,
		"ObjectLockConfiguration":   assertions.Match_Absent(),
		"NotificationConfiguration": assertions.Match_Absent(),
	})
	dataBucket(t, "default", map[string]any{
		"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
			map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}},
		}},
		"LifecycleConfiguration": map[string]any{"Rules": assertions.Match_ArrayWith(&[]any{
			assertions.Match_ObjectLike(&map[string]any{"ExpirationInDays": 90, "Status": "Enabled"}),
		})},
	})
	configs["default"].assert.HasResourceProperties(jsii.String("AWS::KMS::Alias"), props(map[string]any{"AliasName": "alias/securestore/dev/data"}))

	dataBucket(t, "maximal", map[string]any{
		"BucketName": "acme-securestore-full-123456789012-us-east-1",
		"LifecycleConfiguration": map[string]any{"Rules": []any{assertions.Match_ObjectLike(&map[string]any{
			"AbortIncompleteMultipartUpload": map[string]any{"DaysAfterInitiation": 3},
			"NoncurrentVersionExpiration":    map[string]any{"NoncurrentDays": 30},
		})}},
		"CorsConfiguration": map[string]any{"CorsRules": []any{assertions.Match_ObjectLike(&map[string]any{
			"AllowedOrigins": []any{"https://app.example.com", "http://localhost:3000"},
			"AllowedMethods": assertions.Match_ArrayWith(&[]any{"PUT", "POST"}),
		})}},
		"ObjectLockEnabled": true,
		"ObjectLockConfiguration": map[string]any{
			"ObjectLockEnabled": "Enabled",
			"Rule":              map[string]any{"DefaultRetention": map[string]any{"Mode": "GOVERNANCE", "Days": 30}},
		},
		"NotificationConfiguration": map[string]any{"EventBridgeConfiguration": map[string]any{"EventBridgeEnabled": true}},
	})
	dataBucket(t, "maximal", map[string]any{
		"LifecycleConfiguration": map[string]any{"Rules": assertions.Match_ArrayWith(&[]any{
			assertions.Match_ObjectLike(&map[string]any{"ExpirationInDays": 400}),
		})},
	})
	// No notifications custom resource (and so no Lambda) for EventBridge.
	configs["maximal"].assert.ResourceCountIs(jsii.String("Custom::S3BucketNotifications"), jsii.Number(0))
}

// keyStatements returns the key policy statements of the config's data key.
func keyStatements(t *testing.T, name string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range resourcesOfType(configs[name].template, "AWS::KMS::Key") {
		policy := r["Properties"].(map[string]any)["KeyPolicy"].(map[string]any)
		for _, s := range policy["Statement"].([]any) {
			out = append(out, s.(map[string]any))
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no key policy statements", name)
	}
	return out
}

func resourcesOfType(template map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range template["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

func actionsOf(stmt map[string]any) []string {
	switch a := stmt["Action"].(type) {
	case string:
		return []string{a}
	case []any:
		out := make([]string, len(a))
		for i, x := range a {
			out[i] = x.(string)
		}
		return out
	}
	return nil
}

func TestKeyPolicy_RootHasAdminActionsOnly(t *testing.T) {
	dataPlane := map[string]bool{"kms:*": true, "kms:Decrypt": true, "kms:Encrypt": true, "kms:ReEncrypt*": true,
		"kms:ReEncryptFrom": true, "kms:ReEncryptTo": true, "kms:GenerateDataKey*": true, "kms:GenerateDataKey": true,
		"kms:GenerateDataKeyWithoutPlaintext": true, "kms:CreateGrant": true, "kms:Create*": true}
	for _, name := range storageNames() {
		found := false
		for _, st := range keyStatements(t, name) {
			if st["Sid"] != "KeyAdministration" {
				continue
			}
			found = true
			for _, a := range actionsOf(st) {
				if dataPlane[a] || a == "*" {
					t.Errorf("%s: administrators are granted %s", name, a)
				}
			}
		}
		if !found {
			t.Errorf("%s: no KeyAdministration statement", name)
		}
	}
}

func TestKeyPolicy_EveryDataPlaneGrantIsConditioned(t *testing.T) {
	for _, name := range storageNames() {
		for _, st := range keyStatements(t, name) {
			if st["Sid"] == "KeyAdministration" || st["Effect"] == "Deny" {
				continue
			}
			cond, _ := st["Condition"].(map[string]any)
			eq, _ := cond["StringEquals"].(map[string]any)
			_, via := eq["kms:ViaService"]
			_, src := eq["AWS:SourceArn"]
			// The logs key's: the log groups' encryption context.
			arnEq, _ := cond["ArnEquals"].(map[string]any)
			_, logGroups := arnEq["kms:EncryptionContext:aws:logs:arn"]
			// The alarm topic key's: this account's alarms.
			arnLike, _ := cond["ArnLike"].(map[string]any)
			_, alarms := arnLike["aws:SourceArn"]
			if !via && !src && !logGroups && !alarms {
				t.Errorf("%s: key policy statement %v has neither kms:ViaService, AWS:SourceArn nor a log group's encryption context", name, st["Sid"])
			}
			if p, ok := st["Principal"].(map[string]any); ok {
				if p["AWS"] == "*" || p["Service"] == "*" {
					t.Errorf("%s: statement %v names every principal", name, st["Sid"])
				}
			}
		}
	}
}

func TestKeyPolicy_AdminRolesFromConfig(t *testing.T) {
	found := false
	for _, st := range keyStatements(t, "maximal") {
		if st["Sid"] == "KeyAdministration" {
			p := st["Principal"].(map[string]any)["AWS"].([]any)
			for _, x := range p {
				if x == "arn:aws:iam::123456789012:role/KeyAdmins" {
					found = true
				}
			}
		}
	}
	if !found {
		t.Error("maximal: KeyAdmins role is not a key administrator")
	}
}

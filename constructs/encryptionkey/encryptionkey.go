// Package encryptionkey provides the customer-managed KMS key that encrypts
// securestore's data, with a key policy in which the account root keeps only
// administrative actions: no IAM policy on its own, AdministratorAccess
// included, can use the key to decrypt. The administrative actions include
// kms:PutKeyPolicy, so that the key can never be orphaned: an administrator
// can therefore grant themselves kms:Decrypt by changing the key policy,
// which CloudTrail records as a management event.
// Data-plane use is granted in the key policy, to named principals only, with
// AllowViaS3 and AllowService.
package encryptionkey

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/securestore/securestore/validation"
)

// DefaultAlias is the alias given to the key when Props.Alias is nil.
const DefaultAlias = "alias/securestore/data"

// PendingWindowDays is the waiting period before a scheduled deletion of the
// key takes effect.
const PendingWindowDays = 30

// Data-plane action sets for AllowViaS3 and AllowService.
var (
	// DecryptActions lets a principal read SSE-KMS objects.
	DecryptActions = []string{"kms:Decrypt"}
	// EncryptActions lets a principal write SSE-KMS objects through S3
	// (S3 asks KMS for a data key; a bucket key is encrypted with Encrypt).
	EncryptActions = []string{"kms:Encrypt", "kms:GenerateDataKey*"}
)

// AdminActions are the only actions the account root (and any administrator
// role from Props.AdminRoleArns) is granted in the key policy. They manage the
// key's life and policy; none of them encrypts, decrypts or creates a grant.
var AdminActions = []string{
	"kms:CancelKeyDeletion",
	"kms:CreateAlias",
	"kms:DeleteAlias",
	"kms:DescribeKey",
	"kms:DisableKey",
	"kms:EnableKey",
	"kms:EnableKeyRotation",
	"kms:GetKeyPolicy",
	"kms:GetKeyRotationStatus",
	"kms:ListAliases",
	"kms:ListGrants",
	"kms:ListKeyPolicies",
	"kms:ListResourceTags",
	"kms:PutKeyPolicy",
	"kms:RevokeGrant",
	"kms:ScheduleKeyDeletion",
	"kms:TagResource",
	"kms:UntagResource",
	"kms:UpdateAlias",
	"kms:UpdateKeyDescription",
}

// Props configures an EncryptionKey. Nil props means all defaults.
type Props struct {
	// Alias is the key's alias; it must start with "alias/" and not with "alias/aws/".
	// Default: - "alias/securestore/data".
	Alias *string
	// Description is the key's description.
	// Default: - "securestore data key".
	Description *string
	// AdminRoleArns names IAM roles that may administer the key (the same
	// administrative actions as the account root, no data-plane action).
	// Default: - none; the account root alone administers the key.
	AdminRoleArns *[]*string
}

// EncryptionKey is a customer-managed KMS key with rotation on, retained on
// stack deletion, with an alias and a 30-day pending window.
type EncryptionKey struct {
	constructs.Construct
	// Key is the KMS key (child id "Resource").
	Key awskms.IKey
}

// New creates the key under scope. It panics with a *validation.Error naming
// each invalid prop.
func New(scope constructs.Construct, id *string, props *Props) *EncryptionKey {
	c := constructs.NewConstruct(scope, id)
	var p Props
	if props != nil {
		p = *props
	}
	check(c, &p)

	alias := DefaultAlias
	if p.Alias != nil {
		alias = *p.Alias
	}
	description := "securestore data key"
	if p.Description != nil {
		description = *p.Description
	}

	admins := []awsiam.IPrincipal{awsiam.NewAccountRootPrincipal()}
	if p.AdminRoleArns != nil {
		for _, arn := range *p.AdminRoleArns {
			admins = append(admins, awsiam.NewArnPrincipal(arn))
		}
	}
	policy := awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{
		Statements: &[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:        jsii.String("KeyAdministration"),
				Principals: &admins,
				Actions:    jsii.Strings(AdminActions...),
				Resources:  jsii.Strings("*"),
			}),
			// Nobody creates a grant on this key, except an AWS service doing
			// it for an AWS resource: a grant would bypass the key policy.
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:        jsii.String("DenyGrantsExceptForAWSServices"),
				Effect:     awsiam.Effect_DENY,
				Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
				Actions:    jsii.Strings("kms:CreateGrant"),
				Resources:  jsii.Strings("*"),
				Conditions: &map[string]any{
					"BoolIfExists": map[string]any{
						"kms:GrantIsForAWSResource": "false",
						"aws:PrincipalIsAWSService": "false",
					},
				},
			}),
		},
	})

	key := awskms.NewKey(c, jsii.String("Resource"), &awskms.KeyProps{
		Alias:             jsii.String(alias),
		Description:       jsii.String(description),
		EnableKeyRotation: jsii.Bool(true),
		PendingWindow:     awscdk.Duration_Days(jsii.Number(PendingWindowDays)),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN_ON_UPDATE_OR_DELETE,
		Policy:            policy,
	})
	return &EncryptionKey{Construct: c, Key: key}
}

func check(c constructs.Construct, p *Props) {
	problems := validation.For(*c.Node().Path())
	if validation.Literal(p.Alias) {
		a := *p.Alias
		switch {
		case !strings.HasPrefix(a, "alias/") || len(a) == len("alias/"):
			problems.Addf("Alias", "must start with \"alias/\" and name the alias, received %q", a)
		case strings.HasPrefix(a, "alias/aws/"):
			problems.Addf("Alias", "the \"alias/aws/\" prefix is reserved for AWS managed keys, received %q", a)
		case len(a) > 256 || strings.ContainsFunc(a[len("alias/"):], func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/_-", r))
		}):
			problems.Addf("Alias", "may hold only letters, digits, '/', '_' and '-' and at most 256 characters, received %q", a)
		}
	}
	if p.AdminRoleArns != nil {
		for i, arn := range *p.AdminRoleArns {
			if !validation.Literal(arn) {
				continue
			}
			if !isRoleArn(*arn) {
				problems.Addf("AdminRoleArns", "element %d must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>), received %q", i, *arn)
			}
		}
	}
	problems.PanicIfAny()
}

func isRoleArn(s string) bool {
	parts := strings.SplitN(s, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] == "iam" &&
		parts[3] == "" && len(parts[4]) == 12 && strings.HasPrefix(parts[5], "role/") && len(parts[5]) > len("role/")
}

// AllowViaS3 adds a key-policy statement that lets principal (a role, or
// the principal of any awsiam.IGrantable) use key for actions, only when S3
// in this stack's region calls KMS on its behalf (kms:ViaService) and only
// from this account (kms:CallerAccount). On an imported key the statement
// cannot be added: a synth warning tells the user to add it to the key's
// policy themselves.
func AllowViaS3(key awskms.IKey, sid string, principal awsiam.IPrincipal, actions []string) {
	stack := awscdk.Stack_Of(key)
	stmt := awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String(sid),
		Principals: &[]awsiam.IPrincipal{principal},
		Actions:    jsii.Strings(actions...),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{
			"StringEquals": map[string]any{
				"kms:ViaService":    awscdk.Fn_Join(jsii.String(""), jsii.Strings("s3.", *stack.Region(), ".amazonaws.com")),
				"kms:CallerAccount": stack.Account(),
			},
		},
	})
	addOrWarn(key, sid, stmt)
}

// AllowService adds a key-policy statement that lets an AWS service principal
// (for example "cloudfront.amazonaws.com") use key for actions only on behalf
// of the one resource sourceArn (StringEquals AWS:SourceArn).
// On an imported key it adds nothing and warns, as AllowViaS3 does.
func AllowService(key awskms.IKey, sid, service string, sourceArn *string, actions []string) {
	stmt := awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String(sid),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String(service), nil)},
		Actions:    jsii.Strings(actions...),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"AWS:SourceArn": sourceArn},
		},
	})
	addOrWarn(key, sid, stmt)
}

// LogsActions are what CloudWatch Logs needs of a key that encrypts log
// groups (the actions its documentation names).
var LogsActions = []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}

// AllowLogs adds a key-policy statement that lets CloudWatch Logs in the
// key's region (logs.<region>.amazonaws.com) use key for the log groups
// logGroupArns only (ArnEquals kms:EncryptionContext:aws:logs:arn, the
// context the service encrypts each group's data under; an ARN is
// arn:<partition>:logs:<region>:<account>:log-group:<name>, without the
// ":*" of LogGroupArn: see LogGroupArn). A log group must name its key and
// the key's policy its log group, so build the ARNs from the groups'
// names, not their attributes, which would be a cycle. On an imported key
// it adds nothing and warns, as AllowViaS3 does.
func AllowLogs(key awskms.IKey, sid string, logGroupArns []*string) {
	stack := awscdk.Stack_Of(key)
	service := awscdk.Fn_Join(jsii.String(""), jsii.Strings("logs.", *stack.Region(), ".amazonaws.com"))
	stmt := awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String(sid),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(service, nil)},
		Actions:    jsii.Strings(LogsActions...),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{
			"ArnEquals": map[string]any{"kms:EncryptionContext:aws:logs:arn": logGroupArns},
		},
	})
	addOrWarn(key, sid, stmt)
}

// LogGroupArn is the ARN of the log group named name in the stack that
// uses it, as CloudWatch Logs names it in its encryption context.
func LogGroupArn(name *string) *string {
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":logs:"), awscdk.Aws_REGION(), jsii.String(":"), awscdk.Aws_ACCOUNT_ID(), jsii.String(":log-group:"), name,
	})
}

func addOrWarn(key awskms.IKey, sid string, stmt awsiam.PolicyStatement) {
	res := key.AddToResourcePolicy(stmt, jsii.Bool(true))
	if res == nil || !*res.StatementAdded {
		awscdk.Annotations_Of(key).AddWarningV2(jsii.String("securestore:keyPolicyNotAdded"),
			jsii.String(fmt.Sprintf("key policy statement %q was not added because the key is imported: add it to the key's policy yourself", sid)))
	}
}

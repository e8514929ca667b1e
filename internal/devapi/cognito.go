package devapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Pool is a user pool on a local Cognito-compatible server (cognito-local),
// spoken to with the AWS SDK's Cognito client at the server's endpoint.
type Pool struct {
	// URL is the server's endpoint ("http://127.0.0.1:9229").
	URL string
	// ID and ClientID are the pool's and its app client's ids.
	ID, ClientID string

	client *cip.Client
}

// Issuer is the pool's token issuer, URL + "/" + ID.
func (p *Pool) Issuer() string { return p.URL + "/" + p.ID }

func newCognitoClient(endpoint string) *cip.Client {
	return cip.New(cip.Options{
		Region:       LocalPseudo.Region,
		BaseEndpoint: aws.String(endpoint),
		// cognito-local takes any credentials; the SDK wants some to sign.
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
}

// OpenPool returns the pool id on the server at endpoint with app client
// clientID.
func OpenPool(endpoint, id, clientID string) *Pool {
	return &Pool{URL: endpoint, ID: id, ClientID: clientID, client: newCognitoClient(endpoint)}
}

// EnsurePool opens the pool id with client clientID when the server still
// has both, and otherwise creates a pool named name (users sign in with
// their email, as in the deployed pool) and an app client that allows
// USER_PASSWORD_AUTH. The groups are created in it when missing.
func EnsurePool(ctx context.Context, endpoint, name, id, clientID string, groups []string) (*Pool, error) {
	p := OpenPool(endpoint, id, clientID)
	if id != "" && clientID != "" {
		_, err := p.client.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &id, ClientId: &clientID})
		if err != nil {
			p.ID, p.ClientID = "", ""
		}
	}
	if p.ID == "" {
		out, err := p.client.CreateUserPool(ctx, &cip.CreateUserPoolInput{
			PoolName:           aws.String(name),
			UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		})
		if err != nil {
			return nil, fmt.Errorf("devapi: creating the user pool: %w", err)
		}
		p.ID = aws.ToString(out.UserPool.Id)
		c, err := p.client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
			UserPoolId: &p.ID, ClientName: aws.String(name),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		})
		if err != nil {
			return nil, fmt.Errorf("devapi: creating the app client: %w", err)
		}
		p.ClientID = aws.ToString(c.UserPoolClient.ClientId)
	}
	for _, g := range groups {
		if err := p.ensureGroup(ctx, g); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *Pool) ensureGroup(ctx context.Context, name string) error {
	if _, err := p.client.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &p.ID, GroupName: &name}); err == nil {
		return nil
	}
	if _, err := p.client.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &p.ID, GroupName: &name}); err != nil {
		return fmt.Errorf("devapi: creating group %q: %w", name, err)
	}
	return nil
}

// UserEmail is the sign-in email of a user named name: name itself when it
// is an email, else name@example.com (a reserved domain).
func UserEmail(name string) string {
	if strings.Contains(name, "@") {
		return name
	}
	return name + "@example.com"
}

// SignIn creates the user name (see UserEmail) if needed, makes its groups
// exactly groups (creating missing groups), sets it a fresh random
// password and signs it in with USER_PASSWORD_AUTH. It returns the ID
// token.
func (p *Pool) SignIn(ctx context.Context, name string, groups []string) (string, error) {
	email := UserEmail(name)
	if name == "" || strings.ContainsAny(name, " \t\n") {
		return "", fmt.Errorf("devapi: user name %q: want a name or an email, without spaces", name)
	}
	_, err := p.client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: &p.ID, Username: &email, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: &email},
			{Name: aws.String("email_verified"), Value: aws.String("true")},
		},
	})
	var exists *types.UsernameExistsException
	if err != nil && !errors.As(err, &exists) {
		return "", fmt.Errorf("devapi: creating user %s: %w", email, err)
	}
	password, err := randomPassword()
	if err != nil {
		return "", err
	}
	if _, err := p.client.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: &p.ID, Username: &email, Password: &password, Permanent: true,
	}); err != nil {
		return "", fmt.Errorf("devapi: setting the password of %s: %w", email, err)
	}
	if err := p.setGroups(ctx, email, groups); err != nil {
		return "", err
	}
	out, err := p.client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: &p.ClientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": email, "PASSWORD": password},
	})
	if err != nil {
		return "", fmt.Errorf("devapi: signing in %s: %w", email, err)
	}
	if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.IdToken) == "" {
		return "", fmt.Errorf("devapi: signing in %s: no ID token in the answer", email)
	}
	return aws.ToString(out.AuthenticationResult.IdToken), nil
}

// setGroups adds the user to every group of groups and removes it from
// every other group of the pool.
func (p *Pool) setGroups(ctx context.Context, user string, groups []string) error {
	for _, g := range groups {
		if err := p.ensureGroup(ctx, g); err != nil {
			return err
		}
		if _, err := p.client.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &p.ID, Username: &user, GroupName: aws.String(g)}); err != nil {
			return fmt.Errorf("devapi: adding %s to %s: %w", user, g, err)
		}
	}
	all, err := p.client.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: &p.ID})
	if err != nil {
		return fmt.Errorf("devapi: listing groups: %w", err)
	}
	for _, g := range all.Groups {
		name := aws.ToString(g.GroupName)
		if slices.Contains(groups, name) {
			continue
		}
		if _, err := p.client.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: &p.ID, Username: &user, GroupName: &name}); err != nil {
			return fmt.Errorf("devapi: removing %s from %s: %w", user, name, err)
		}
	}
	return nil
}

// randomPassword meets Cognito's strictest password policy.
func randomPassword() (string, error) {
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("devapi: password: %w", err)
	}
	return "Aa1!" + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

package config

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
)

// FromNode parses the context visible at node (cdk.json, -c flags and any
// context set on the app) into a Config.
func FromNode(node constructs.Node) (*Config, error) {
	all, ok := node.GetAllContext(nil).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("reading CDK context: unexpected type %T", node.GetAllContext(nil))
	}
	return Parse(all)
}

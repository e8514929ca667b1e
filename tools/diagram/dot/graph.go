package dot

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/securestore/securestore/internal/gates/cfncheck"
)

// Graph is the architecture view of one template, every list sorted.
type Graph struct {
	// Stack is the stack's construct path, "dev/SecureStore"; empty when the
	// template has no aws:cdk:path metadata.
	Stack string
	// Clusters hold the drawn resources, one cluster per top construct,
	// sorted by name.
	Clusters []Cluster
	// Loose are drawn resources without a construct path, sorted by ID.
	Loose []Node
	// Actors are the callers from outside the stack, sorted by ID.
	Actors []Actor
	// Edges are the references between nodes and from actors, sorted by
	// From, then To.
	Edges []Edge
	// Hidden lists the logical ids of the resources left out, sorted.
	Hidden []string
}

// Cluster is the group of resources under one top construct.
type Cluster struct {
	// Name is the top construct's id, "Bucket".
	Name string
	// Nodes are its drawn resources, sorted by ID.
	Nodes []Node
}

// Node is one drawn resource.
type Node struct {
	// ID is the resource's logical id.
	ID string
	// Type is its CloudFormation type, "AWS::S3::Bucket".
	Type string
	// Label is the text drawn, "Key/Alias\nKMS::Alias" (see the package
	// documentation).
	Label string
	// Folded lists the logical ids of the resources folded into this one,
	// sorted.
	Folded []string
}

// Actor is a caller from outside the stack.
type Actor struct {
	// ID is the node id in the DOT output, "actor:" and the label.
	ID string
	// Label is the text drawn, "Viewer (signed URL)".
	Label string
}

// Edge is a reference: From uses To.
type Edge struct {
	From, To string
}

// Node returns the drawn node with the given logical id.
func (g *Graph) Node(id string) (Node, bool) {
	for _, c := range g.Clusters {
		for _, n := range c.Nodes {
			if n.ID == id {
				return n, true
			}
		}
	}
	for _, n := range g.Loose {
		if n.ID == id {
			return n, true
		}
	}
	return Node{}, false
}

// ClusterOf returns the name of the cluster that draws the logical id, or
// "" if none does.
func (g *Graph) ClusterOf(id string) string {
	for _, c := range g.Clusters {
		for _, n := range c.Nodes {
			if n.ID == id {
				return c.Name
			}
		}
	}
	return ""
}

// hiddenTypes are never drawn (see the package documentation).
var hiddenTypes = map[string]bool{
	"AWS::CDK::Metadata":      true,
	"AWS::Lambda::Permission": true,
}

// foldedTypes are drawn inside their owner (see the package documentation).
var foldedTypes = map[string]bool{
	"AWS::IAM::Policy":            true,
	"AWS::ApiGateway::Resource":   true,
	"AWS::ApiGateway::Method":     true,
	"AWS::ApiGateway::Deployment": true,
	// An API's settings: they read as part of the API.
	"AWS::ApiGateway::GatewayResponse":  true,
	"AWS::ApiGateway::Model":            true,
	"AWS::ApiGateway::RequestValidator": true,
}

// FromTemplate builds the architecture view of a synthesized template.
func FromTemplate(template []byte) (*Graph, error) {
	rs, err := parseResources(template)
	if err != nil {
		return nil, err
	}
	deps, err := cfncheck.Dependencies(template)
	if err != nil {
		return nil, fmt.Errorf("read references: %w", err)
	}
	g := &Graph{}
	depth := stackDepth(rs)
	ids := slices.Sorted(maps.Keys(rs))
	for _, id := range ids {
		if r := rs[id]; r.path != nil && len(r.path) > depth {
			g.Stack = strings.Join(r.path[:depth], "/")
			break
		}
	}

	// below is each resource's construct path below the stack without
	// "Resource" and "Default" segments; top is its top construct.
	below := map[string][]string{}
	top := map[string]string{}
	for _, id := range ids {
		r := rs[id]
		if len(r.path) <= depth {
			continue
		}
		top[id] = r.path[depth]
		below[id] = append([]string{r.path[depth]}, meaningful(r.path[depth+1:])...)
	}

	// rep maps every resource to the logical id that draws it, or "" if
	// it is hidden.
	rep := map[string]string{}
	for _, id := range ids {
		switch {
		case hiddenTypes[rs[id].typ]:
			rep[id] = ""
			g.Hidden = append(g.Hidden, id)
		case foldedTypes[rs[id].typ]:
			rep[id] = owner(id, ids, rs, below)
		default:
			rep[id] = id
		}
	}

	folded := map[string][]string{}
	for _, id := range ids {
		if o := rep[id]; o != "" && o != id {
			folded[o] = append(folded[o], id)
		}
	}
	clusters := map[string]*Cluster{}
	for _, id := range ids {
		if rep[id] != id {
			continue
		}
		n := Node{ID: id, Type: rs[id].typ, Folded: folded[id]}
		n.Label = label(rs[id], top[id], below[id], folded[id], rs)
		name, ok := top[id]
		if !ok {
			g.Loose = append(g.Loose, n)
			continue
		}
		c := clusters[name]
		if c == nil {
			c = &Cluster{Name: name}
			clusters[name] = c
		}
		c.Nodes = append(c.Nodes, n)
	}
	for _, name := range slices.Sorted(maps.Keys(clusters)) {
		g.Clusters = append(g.Clusters, *clusters[name])
	}

	edges := map[Edge]bool{}
	for _, id := range ids {
		from := rep[id]
		for _, dep := range deps[id] {
			to := rep[dep]
			if from != "" && to != "" && from != to {
				edges[Edge{From: from, To: to}] = true
			}
		}
	}
	actors := map[string]Actor{}
	for _, id := range ids {
		if rep[id] != id {
			continue
		}
		if name := actorOf(rs[id], rs); name != "" {
			a := Actor{ID: "actor:" + name, Label: name}
			actors[a.ID] = a
			edges[Edge{From: a.ID, To: id}] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(actors)) {
		g.Actors = append(g.Actors, actors[id])
	}
	g.Edges = slices.SortedFunc(maps.Keys(edges), func(a, b Edge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
	return g, nil
}

// meaningful drops the "Resource" and "Default" segments of a path.
func meaningful(path []string) []string {
	var out []string
	for _, s := range path {
		if s != hiddenFromHumanID && s != hiddenID {
			out = append(out, s)
		}
	}
	return out
}

// owner returns the logical id of the drawn resource a folded resource is
// drawn in: the one, not itself folded or hidden, whose meaningful path is
// the longest prefix of the folded one's (the smallest logical id among
// equals). Without one, the folded resource draws itself.
func owner(id string, ids []string, rs map[string]*resource, below map[string][]string) string {
	p, ok := below[id]
	if !ok {
		return id
	}
	best, bestLen := id, -1
	for _, o := range ids {
		q, ok := below[o]
		if !ok || o == id || hiddenTypes[rs[o].typ] || foldedTypes[rs[o].typ] {
			continue
		}
		if len(q) <= len(p) && slices.Equal(q, p[:len(q)]) && len(q) > bestLen {
			best, bestLen = o, len(q)
		}
	}
	return best
}

// label is the text drawn for a resource.
func label(r *resource, top string, below []string, folded []string, rs map[string]*resource) string {
	name := r.id
	if top != "" {
		name = baseType(r.typ)
		if len(below) > 1 {
			name = strings.Join(below[1:], "/")
		}
	}
	text := name + "\n" + shortType(r.typ)
	if len(folded) == 0 {
		return text
	}
	count := map[string]int{}
	for _, id := range folded {
		count[baseType(rs[id].typ)]++
	}
	// Three kinds a line keeps a busy owner's box narrow.
	text += "\n+ "
	for i, t := range slices.Sorted(maps.Keys(count)) {
		switch {
		case i > 0 && i%3 == 0:
			text += ",\n"
		case i > 0:
			text += ", "
		}
		text += fmt.Sprintf("%d %s", count[t], t)
	}
	return text
}

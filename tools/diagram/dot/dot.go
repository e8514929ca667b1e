package dot

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// fills colours a node by the service of its type; other services are
// white.
var fills = map[string]string{
	"ApiGateway":     "#fce4ec",
	"CloudFront":     "#ede7f6",
	"Cognito":        "#e3f2fd",
	"IAM":            "#fffde7",
	"KMS":            "#ffebee",
	"Lambda":         "#fff3e0",
	"Logs":           "#eceff1",
	"S3":             "#e8f5e9",
	"SecretsManager": "#e0f2f1",
}

// WriteDOT writes the graph as a Graphviz digraph, laid out left to right
// with actors on the left, one labelled cluster per top construct.
func (g *Graph) WriteDOT(w io.Writer) error {
	b := bufio.NewWriter(w)
	title := "A -> B: A references B (Ref, GetAtt, Sub, DependsOn)"
	if g.Stack != "" {
		title = g.Stack + "    " + title
	}
	fmt.Fprintf(b, "digraph architecture {\n")
	fmt.Fprintf(b, "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=14, nodesep=0.25, ranksep=0.9, labelloc=t, label=%s];\n", quote(title))
	fmt.Fprintf(b, "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#607d8b\", fontname=\"Helvetica\", fontsize=11];\n")
	fmt.Fprintf(b, "  edge [color=\"#546e7a\", arrowsize=0.7];\n")
	for _, a := range g.Actors {
		fmt.Fprintf(b, "  %s [label=%s, shape=ellipse, style=\"filled,bold\", fillcolor=\"#fff9c4\"];\n", quote(a.ID), quote(a.Label))
	}
	if len(g.Actors) > 0 {
		fmt.Fprintf(b, "  { rank=source;")
		for _, a := range g.Actors {
			fmt.Fprintf(b, " %s;", quote(a.ID))
		}
		fmt.Fprintf(b, " }\n")
	}
	for _, c := range g.Clusters {
		fmt.Fprintf(b, "  subgraph %s {\n", quote("cluster_"+c.Name))
		fmt.Fprintf(b, "    label=%s; style=\"rounded,filled\"; fillcolor=\"#fafafa\"; color=\"#90a4ae\"; fontsize=16;\n", quote(c.Name))
		for _, n := range c.Nodes {
			fmt.Fprintf(b, "    %s;\n", nodeStatement(n))
		}
		fmt.Fprintf(b, "  }\n")
	}
	for _, n := range g.Loose {
		fmt.Fprintf(b, "  %s;\n", nodeStatement(n))
	}
	for _, e := range g.Edges {
		fmt.Fprintf(b, "  %s -> %s;\n", quote(e.From), quote(e.To))
	}
	fmt.Fprintf(b, "}\n")
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write DOT: %w", err)
	}
	return nil
}

// DOT returns the graph as Graphviz DOT text (see [Graph.WriteDOT]).
func (g *Graph) DOT() []byte {
	var buf bytes.Buffer
	_ = g.WriteDOT(&buf) // a bytes.Buffer does not fail
	return buf.Bytes()
}

// nodeStatement is a node's DOT statement without the semicolon.
func nodeStatement(n Node) string {
	attrs := "label=" + quote(n.Label)
	if service := strings.Split(strings.TrimPrefix(n.Type, "AWS::"), "::")[0]; fills[service] != "" {
		attrs += ", fillcolor=" + quote(fills[service])
	}
	return quote(n.ID) + " [" + attrs + "]"
}

// quote makes s a DOT double-quoted string; newlines become DOT's centred
// line breaks.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// Command diagram draws the architecture of a synthesized CloudFormation
// template as Graphviz DOT (see package tools/diagram/dot for what is drawn).
//
//	go run ./tools/diagram [-o docs/architecture.dot] <template.json>
//
// Without -o, the DOT goes to standard output. Render it with Graphviz:
//
//	dot -Tsvg -o docs/architecture.svg docs/architecture.dot
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/securestore/securestore/tools/diagram/dot"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "diagram:", err)
		os.Exit(1)
	}
}

// run parses the arguments, reads the template, and writes the DOT to -o or
// to stdout.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("diagram", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the DOT to this file instead of standard output")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: diagram [-o file.dot] <template.json>")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("want one template file, got %d arguments", fs.NArg())
	}
	path := fs.Arg(0)
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read template: %w", err)
	}
	g, err := dot.FromTemplate(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	dot := g.DOT()
	if *out == "" {
		_, err := stdout.Write(dot)
		return err
	}
	// Leave the file alone when nothing changed, so make sees no new file.
	if old, err := os.ReadFile(*out); err == nil && bytes.Equal(old, dot) {
		return nil
	}
	if err := os.WriteFile(*out, dot, 0o644); err != nil {
		return fmt.Errorf("write DOT: %w", err)
	}
	return nil
}

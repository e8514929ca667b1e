// Package cdktest holds what the packages that synthesize CDK apps in their
// tests share: cdk.json's context, so tests see the feature flags and
// environments the CLI hands the app, and lookups in synthesized templates.
package cdktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/securestore/securestore/validation"
)

// Context returns the "context" object of the cdk.json at path.
func Context(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cdk context: %w", err)
	}
	var f struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("cdk context: parsing %s: %w", filepath.Base(path), err)
	}
	if f.Context == nil {
		return nil, fmt.Errorf("cdk context: %s has no context object", path)
	}
	return f.Context, nil
}

// Resources returns the logical ids and bodies of the resources of type typ
// in template, a decoded CloudFormation template.
func Resources(template map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	all, _ := template["Resources"].(map[string]any)
	for id, r := range all {
		body, ok := r.(map[string]any)
		if ok && body["Type"] == typ {
			out[id] = body
		}
	}
	return out
}

// Only returns the single resource of type typ in template, or an error
// saying how many there are.
func Only(template map[string]any, typ string) (string, map[string]any, error) {
	rs := Resources(template, typ)
	if len(rs) != 1 {
		ids := make([]string, 0, len(rs))
		for id := range rs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		return "", nil, fmt.Errorf("want one %s, found %d %v", typ, len(rs), ids)
	}
	for id, r := range rs {
		return id, r, nil
	}
	return "", nil, nil
}

// FindingsContext returns Context(path) with what a test that inspects
// cdk-nag findings needs on top: path metadata on every resource (which the
// CDK CLI turns on, and which the gates and their exemptions read) and
// cdk-nag errors left as annotations instead of failing synth, so that the
// test can compare them with the findings it expects.
func FindingsContext(path string) (map[string]any, error) {
	ctx, err := Context(path)
	if err != nil {
		return nil, err
	}
	ctx["aws:cdk:enable-path-metadata"] = true
	ctx["@aws-cdk/core:annotationsInValidationReport"] = false
	return ctx, nil
}

// Invalid runs build, which creates a construct, and returns the
// *validation.Error it panics with (the constructs' way of refusing
// props), or nil when it returns. Any other panic fails t.
func Invalid(t testing.TB, build func()) (verr *validation.Error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			err, ok := r.(error)
			if !ok || !errors.As(err, &verr) {
				t.Fatalf("panicked with %v (%T), want a *validation.Error", r, r)
			}
		}
	}()
	build()
	return nil
}

// Once synthesizes once per test process and shares the outcome between
// the tests of a package (the jsii runtime is slow to start, so each
// package builds one app): the first Do runs synth, and every Do fails t
// if synth failed.
type Once struct {
	once sync.Once
	err  error
}

// Do runs synth the first time it is called, and fails t when that run
// failed.
func (o *Once) Do(t testing.TB, synth func() error) {
	t.Helper()
	o.once.Do(func() { o.err = Recovered(synth) })
	if o.err != nil {
		t.Fatalf("synthesis failed: %v", o.err)
	}
}

// Recovered runs synth and returns its error, or the panic with which jsii
// reports a failed synthesis (an invalid prop, a cdk-nag error) as one.
func Recovered(synth func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return synth()
}

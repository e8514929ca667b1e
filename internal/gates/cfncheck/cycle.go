package cfncheck

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Cycle builds the dependency graph of the template's resources and returns
// an error naming one cycle ("A -> B -> C -> A") if there is one, nil if the
// graph is acyclic. An edge A -> B means A needs B first: A's Properties,
// Metadata or policies use {"Ref": "B"}, {"Fn::GetAtt": ["B", attr]} or
// {"Fn::GetAtt": "B.attr"}, or "${B}" / "${B.attr}" in an Fn::Sub string
// (plain or list form), or A's DependsOn names B (a string or a list).
// Parameters, pseudo-parameters (AWS::Region, ...) and Fn::Sub variables are
// not resources and make no edge.
func Cycle(template []byte) error {
	deps, err := Dependencies(template)
	if err != nil {
		return err
	}
	if c := findCycle(deps); c != nil {
		return fmt.Errorf("dependency cycle: %s", strings.Join(c, " -> "))
	}
	return nil
}

// Dependencies returns, for each resource's logical id, the sorted logical
// ids of the resources it depends on, read as described for [Cycle]. Tests
// can use it to prove one resource does not (transitively) need another.
func Dependencies(template []byte) (map[string][]string, error) {
	tmpl, err := parseTemplate(template)
	if err != nil {
		return nil, err
	}
	deps := map[string][]string{}
	for id, r := range tmpl.Resources {
		set := map[string]bool{}
		add := func(name string) {
			if _, ok := tmpl.Resources[name]; ok {
				set[name] = true
			}
		}
		for k, v := range r.Raw {
			if k == "DependsOn" {
				switch d := v.(type) {
				case string:
					add(d)
				case []any:
					for _, x := range d {
						if s, ok := x.(string); ok {
							add(s)
						}
					}
				}
				continue
			}
			references(v, add)
		}
		list := make([]string, 0, len(set))
		for n := range set {
			list = append(list, n)
		}
		sort.Strings(list)
		deps[id] = list
	}
	return deps, nil
}

// subRef matches a ${Name} or ${Name.Attr} reference in an Fn::Sub string;
// ${!Literal} is an escape, not a reference.
var subRef = regexp.MustCompile(`\$\{([^!}][^}]*)\}`)

// references calls add with every logical name that v refers to.
func references(v any, add func(string)) {
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			references(x, add)
		}
	case map[string]any:
		if len(v) == 1 {
			for k, arg := range v {
				switch k {
				case "Ref":
					if s, ok := arg.(string); ok {
						add(s)
						return
					}
				case "Fn::GetAtt":
					switch a := arg.(type) {
					case string:
						name, _, _ := strings.Cut(a, ".")
						add(name)
						return
					case []any:
						if len(a) > 0 {
							if s, ok := a[0].(string); ok {
								add(s)
							}
							references(a[1:], add)
							return
						}
					}
				case "Fn::Sub":
					switch a := arg.(type) {
					case string:
						subRefs(a, nil, add)
						return
					case []any:
						vars := map[string]bool{}
						if len(a) > 1 {
							if m, ok := a[1].(map[string]any); ok {
								for name, val := range m {
									vars[name] = true
									references(val, add)
								}
							}
						}
						if len(a) > 0 {
							if s, ok := a[0].(string); ok {
								subRefs(s, vars, add)
							} else {
								references(a[0], add)
							}
						}
						return
					}
				}
			}
		}
		for _, x := range v {
			references(x, add)
		}
	}
}

// subRefs calls add with the resource names in an Fn::Sub string; names in
// vars are that Sub's own variables, not resources.
func subRefs(s string, vars map[string]bool, add func(string)) {
	for _, m := range subRef.FindAllStringSubmatch(s, -1) {
		name := strings.TrimSpace(m[1])
		if vars[name] {
			continue
		}
		base, _, _ := strings.Cut(name, ".")
		if vars[base] {
			continue
		}
		add(base)
	}
}

// findCycle returns one cycle as a path that starts and ends at the same
// node, or nil. It visits nodes in sorted order, so the answer is stable.
func findCycle(deps map[string][]string) []string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var found []string
	var visit func(n string) bool
	visit = func(n string) bool {
		color[n] = grey
		stack = append(stack, n)
		for _, m := range deps[n] {
			switch color[m] {
			case grey:
				i := len(stack) - 1
				for stack[i] != m {
					i--
				}
				found = append(append([]string{}, stack[i:]...), m)
				return true
			case white:
				if visit(m) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
		return false
	}
	nodes := make([]string, 0, len(deps))
	for n := range deps {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	for _, n := range nodes {
		if color[n] == white && visit(n) {
			return found
		}
	}
	return nil
}

package cfncheck

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Levels of a [Finding]. Guard findings are always LevelError.
const (
	LevelError         = "error"
	LevelWarning       = "warning"
	LevelInformational = "informational"
)

// Finding is one rule a template breaks, from [Guard] or [Lint].
type Finding struct {
	// ID names the rule: a Control Tower control id ("CT.S3.PR.1") for Guard,
	// a cfn-lint rule id ("E3002", "W3005", "I3042") for Lint.
	ID string
	// Rule is the tool's own rule name (the guard rule, or the cfn-lint short description).
	Rule string
	// Resource is the logical id of the resource concerned; "" when the rule
	// is about the template as a whole.
	Resource string
	// Type is the CloudFormation type of Resource; "" when Resource is "".
	Type string
	// Path is the resource's aws:cdk:path metadata, when the template has it.
	Path string
	// Level is LevelError, LevelWarning or LevelInformational.
	Level string
	// Message says what is wrong and, for Guard, how to fix it.
	Message string
	// Exemption is the entry of the exemptions list that covers this finding, or nil.
	Exemption *Exemption
	// properties are the resource's Properties in the template, for
	// [Exemption.UnlessProperty].
	properties map[string]any
}

// String formats the finding for a test log.
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s]", f.ID, f.Level)
	if f.Resource != "" {
		fmt.Fprintf(&b, " %s (%s", f.Resource, f.Type)
		if f.Path != "" {
			fmt.Fprintf(&b, ", %s", f.Path)
		}
		b.WriteString(")")
	}
	fmt.Fprintf(&b, ": %s", f.Message)
	if f.Exemption != nil {
		fmt.Fprintf(&b, " (exempt: %s)", f.Exemption.Reason)
	}
	return b.String()
}

// Exemption lets one rule fail on named resources or resource types, for a
// stated reason. Every exemption lives in exemptions.go.
type Exemption struct {
	// ID is the control or rule id the exemption is for, exactly as in [Finding.ID].
	ID string
	// Resources are the resources it applies to, each either a logical id or a
	// construct path. A construct path matches a resource whose aws:cdk:path
	// equals it or ends with "/" followed by it, so "Data/Bucket/Resource"
	// covers that construct in every stack. Prefer Resources to ResourceTypes.
	Resources []string
	// ResourceTypes are CloudFormation types it applies to, for rules that no
	// resource of that type in this project can meet.
	ResourceTypes []string
	// UnlessProperty, a dotted path below the resource's Properties such as
	// "DistributionConfig.ViewerCertificate.AcmCertificateArn", withdraws the
	// exemption from resources that have that property: an exemption for an
	// option that is off must not hide the control once the option is on.
	UnlessProperty string
	// Reason says why the rule does not apply or what compensates. Required.
	Reason string
}

// covers reports whether e applies to f.
func (e *Exemption) covers(f Finding) bool {
	if e.ID != f.ID {
		return false
	}
	if e.UnlessProperty != "" && hasProperty(f.properties, e.UnlessProperty) {
		return false
	}
	if f.Resource != "" && slices.Contains(e.ResourceTypes, f.Type) {
		return true
	}
	for _, r := range e.Resources {
		if r == "" {
			continue
		}
		if f.Resource != "" && r == f.Resource {
			return true
		}
		if f.Path != "" && (f.Path == r || strings.HasSuffix(f.Path, "/"+r)) {
			return true
		}
	}
	return false
}

// hasProperty reports whether the dotted path names a non-null value in props.
func hasProperty(props map[string]any, dotted string) bool {
	var v any = props
	for _, name := range strings.Split(dotted, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = m[name]; !ok || v == nil {
			return false
		}
	}
	return true
}

// exempt sets the Exemption of every finding that an entry of list covers
// (the first such entry).
func exempt(findings []Finding, list []Exemption) {
	for i := range findings {
		for j := range list {
			if list[j].covers(findings[i]) {
				findings[i].Exemption = &list[j]
				break
			}
		}
	}
}

// Failures returns the findings that must fail a test: those at error or
// warning level that no exemption covers.
func Failures(findings []Finding) []Finding {
	var out []Finding
	for _, f := range findings {
		if f.Exemption == nil && f.Level != LevelInformational {
			out = append(out, f)
		}
	}
	return out
}

// StaleExemptions returns the entries of the exemptions list that cover none
// of findings. Pass the findings of every template the exemptions are meant
// for (all configurations, Guard and Lint together), then fail on any result:
// an exemption nothing needs any more must be deleted.
func StaleExemptions(findings []Finding) []Exemption {
	return stale(findings, exemptions)
}

func stale(findings []Finding, list []Exemption) []Exemption {
	var out []Exemption
	for i := range list {
		used := false
		for _, f := range findings {
			if f.Exemption == &list[i] {
				used = true
				break
			}
		}
		if !used {
			out = append(out, list[i])
		}
	}
	return out
}

// Exemptions returns a copy of the exemptions list, for reports.
func Exemptions() []Exemption {
	return slices.Clone(exemptions)
}

var (
	controlID = regexp.MustCompile(`^CT\.[A-Z0-9-]+\.PR\.[0-9]+$`)
	lintID    = regexp.MustCompile(`^[EWI][0-9]{4}$`)
)

// checkExemptions reports entries of list that are malformed: an id that is
// neither a Control Tower control nor a cfn-lint rule, no reason, no target,
// or a duplicate.
func checkExemptions(list []Exemption) []error {
	var errs []error
	seen := map[string]bool{}
	for i, e := range list {
		where := fmt.Sprintf("exemption %d (%s)", i, e.ID)
		if !controlID.MatchString(e.ID) && !lintID.MatchString(e.ID) {
			errs = append(errs, fmt.Errorf("%s: id must be a Control Tower control (CT.S3.PR.1) or a cfn-lint rule (W3005)", where))
		}
		if strings.TrimSpace(e.Reason) == "" {
			errs = append(errs, fmt.Errorf("%s: no reason", where))
		}
		if len(e.Resources) == 0 && len(e.ResourceTypes) == 0 {
			errs = append(errs, fmt.Errorf("%s: names no resource or resource type", where))
		}
		for _, r := range append(slices.Clone(e.Resources), e.ResourceTypes...) {
			key := e.ID + "\x00" + r
			if r == "" {
				errs = append(errs, fmt.Errorf("%s: empty resource or type", where))
			} else if seen[key] {
				errs = append(errs, fmt.Errorf("%s: %s is exempted twice", where, r))
			}
			seen[key] = true
		}
	}
	return errs
}

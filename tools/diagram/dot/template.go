package dot

import (
	"crypto/md5"
	"encoding/hex"
	"strings"

	"github.com/securestore/securestore/internal/gates/cfncheck"
)

// resource is what the diagram reads of one entry of a template's Resources.
type resource struct {
	id         string
	typ        string
	path       []string // aws:cdk:path split on "/", nil if there is none
	properties map[string]any
}

// parseResources decodes template JSON into its resources (cfncheck's
// reading, with its checks).
func parseResources(data []byte) (map[string]*resource, error) {
	rs, err := cfncheck.Resources(data)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*resource, len(rs))
	for id, r := range rs {
		d := &resource{id: id, typ: r.Type, properties: r.Properties}
		if r.Path != "" {
			d.path = strings.Split(r.Path, "/")
		}
		out[id] = d
	}
	return out, nil
}

// stackDepth returns how many leading path segments name the stack (2 for
// "dev/SecureStore/..."), as described in the package documentation.
func stackDepth(rs map[string]*resource) int {
	votes := map[int]int{}
	for _, r := range rs {
		for d := 1; d < len(r.path); d++ {
			if logicalID(r.path[d:]) == r.id {
				votes[d]++
				break
			}
		}
	}
	best, bestVotes := 0, 0
	for d, n := range votes {
		if n > bestVotes || (n == bestVotes && d < best) {
			best, bestVotes = d, n
		}
	}
	if bestVotes > 0 {
		return best
	}
	// No CDK-made logical id: the longest common prefix that leaves every
	// path, without its trailing "Resource" and "Default" segments, at least
	// one segment.
	var common []string
	first := true
	for _, r := range rs {
		p := r.path
		for len(p) > 1 && (p[len(p)-1] == hiddenFromHumanID || p[len(p)-1] == hiddenID) {
			p = p[:len(p)-1]
		}
		if len(p) == 0 {
			continue
		}
		p = p[:len(p)-1]
		if first {
			common, first = p, false
			continue
		}
		n := 0
		for n < len(common) && n < len(p) && common[n] == p[n] {
			n++
		}
		common = common[:n]
	}
	return len(common)
}

// CDK's logical id scheme (aws-cdk-lib core/lib/private/uniqueid.ts).
const (
	hiddenID          = "Default"
	hiddenFromHumanID = "Resource"
	maxHumanLen       = 240
	maxIDLen          = 255
)

// logicalID returns the logical id CDK allocates to an element whose path
// below its stack is components. MD5 here is CDK's naming hash, not a
// security measure.
func logicalID(components []string) string {
	var cs []string
	for _, c := range components {
		if c != hiddenID {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		return ""
	}
	if len(cs) == 1 {
		if id := alphanumeric(cs[0]); len(id) <= maxIDLen {
			return id
		}
	}
	sum := md5.Sum([]byte(strings.Join(cs, "/")))
	hash := strings.ToUpper(hex.EncodeToString(sum[:])[:8])
	var human strings.Builder
	var kept []string
	for _, c := range cs {
		// CDK drops a component its predecessor ends with ("Foo/Foo", "BarFoo/Foo").
		if len(kept) > 0 && strings.HasSuffix(kept[len(kept)-1], c) {
			continue
		}
		kept = append(kept, c)
		if c != hiddenFromHumanID {
			human.WriteString(alphanumeric(c))
		}
	}
	h := human.String()
	if len(h) > maxHumanLen {
		h = h[:maxHumanLen]
	}
	return h + hash
}

// alphanumeric keeps only ASCII letters and digits.
func alphanumeric(s string) string {
	return strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, s)
}

// shortType drops the "AWS::" prefix: "AWS::S3::Bucket" -> "S3::Bucket".
func shortType(typ string) string {
	return strings.TrimPrefix(typ, "AWS::")
}

// baseType is the last part of a type: "AWS::ApiGateway::Method" -> "Method".
func baseType(typ string) string {
	if i := strings.LastIndex(typ, "::"); i >= 0 {
		return typ[i+len("::"):]
	}
	return typ
}

package audittrail

import (
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/securestore/securestore/validation"
)

// MaxNameLength is the longest trail name CloudTrail accepts.
const MaxNameLength = 128

// physicalName names the trail (validation.PhysicalName): unique in the
// account and region.
func physicalName(c constructs.Construct) string {
	return validation.PhysicalName(c, nameUnsafe, MaxNameLength)
}

// nameUnsafe matches what a trail name cannot hold.
var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]`)

package audittrail

import (
	"regexp"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/securestore/securestore/internal/validate"
)

// MaxNameLength is the longest trail name CloudTrail accepts.
const MaxNameLength = 128

// physicalName names the trail (validate.PhysicalName): unique in the
// account and region.
func physicalName(c constructs.Construct) string {
	return validate.PhysicalName(c, nameUnsafe, MaxNameLength)
}

// nameUnsafe matches what a trail name cannot hold.
var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// wholeDays reports whether d is a whole number of days, at least one.
func wholeDays(d awscdk.Duration) bool {
	h := *d.ToHours(nil)
	return h >= 24 && h == float64(int64(h)) && int64(h)%24 == 0
}

func itoa(i int) string { return strconv.Itoa(i) }

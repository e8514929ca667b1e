package audittrail

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
)

// MaxNameLength is the longest trail name CloudTrail accepts.
const MaxNameLength = 128

// physicalName names the trail: the stack's name and the construct's path
// in it, every character other than a letter, digit, '-' or '_' turned
// into '-', cut to fit, then a hash of the two. It is the same in every
// synthesis and unique in the account and region, as stack names are.
func physicalName(c constructs.Construct) string {
	stack := awscdk.Stack_Of(c)
	stackName := *stack.StackName()
	if *awscdk.Token_IsUnresolved(stackName) {
		stackName = *awscdk.Names_UniqueId(stack)
	}
	full := stackName + "/" + strings.TrimPrefix(*c.Node().Path(), *stack.Node().Path()+"/")
	readable := strings.Trim(nameUnsafe.ReplaceAllString(full, "-"), "-")
	if limit := MaxNameLength - 9; len(readable) > limit {
		readable = strings.TrimRight(readable[:limit], "-")
	}
	sum := sha256.Sum256([]byte(full))
	return readable + "-" + hex.EncodeToString(sum[:4])
}

// nameUnsafe matches what a trail name cannot hold.
var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// wholeDays reports whether d is a whole number of days, at least one.
func wholeDays(d awscdk.Duration) bool {
	h := *d.ToHours(nil)
	return h >= 24 && h == float64(int64(h)) && int64(h)%24 == 0
}

func itoa(i int) string { return strconv.Itoa(i) }

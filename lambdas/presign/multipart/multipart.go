// Package multipart plans the presign API's multipart uploads: the part
// size the server fixes for an object's declared size, the exact length of
// every part, and the upload id the API hands out, which carries the
// declared size beside S3's own upload id.
//
// The function keeps no state between calls, and S3 returns nothing of an
// upload in progress but its parts (not its metadata), so the declared size
// travels in the API's upload id. A caller who edits it changes only its
// own plan, never a bound: every call checks the size against the upload
// limit again, signs each part for the exact length the (edited) plan
// gives, and completion checks the parts S3 holds against that plan, so an
// object made through the API is always one whole plan of at most the
// limit.
package multipart

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/securestore/securestore/lambdas/presign/settings"
)

// Plan is how an object of Size bytes is uploaded: Parts parts of PartSize
// bytes, the last one shorter when Size is not a multiple of PartSize.
type Plan struct {
	// Size is the whole object's declared size in bytes.
	Size int64
	// PartSize is the length of every part but the last.
	PartSize int64
	// Parts is how many parts there are, 1 to settings.MaxParts.
	Parts int
}

// ErrSize is wrapped by PlanFor's error.
var ErrSize = errors.New("size out of range")

// PlanFor returns the plan for an object of size bytes, 1 to
// settings.MaxObjectBytes: parts of settings.MinPartBytes, or larger (a
// whole number of MiB) when that would take more than settings.MaxParts
// parts.
func PlanFor(size int64) (Plan, error) {
	if size < 1 || size > settings.MaxObjectBytes {
		return Plan{}, fmt.Errorf("%w: want 1 to %d bytes, received %d", ErrSize, settings.MaxObjectBytes, size)
	}
	const mib = 1 << 20
	part := (size + settings.MaxParts - 1) / settings.MaxParts
	part = (part + mib - 1) / mib * mib
	part = max(part, settings.MinPartBytes)
	return Plan{Size: size, PartSize: part, Parts: int((size + part - 1) / part)}, nil
}

// PartLength is the exact length of part n (1 to p.Parts), or 0 when there
// is no such part.
func (p Plan) PartLength(n int) int64 {
	if n < 1 || n > p.Parts {
		return 0
	}
	if n < p.Parts {
		return p.PartSize
	}
	return p.Size - int64(p.Parts-1)*p.PartSize
}

// ID is an upload as the API names it: S3's upload id and the declared
// object size.
type ID struct {
	// Upload is S3's UploadId.
	Upload string
	// Size is the object size declared when the upload was created.
	Size int64
}

// MaxIDLength bounds an API upload id (S3's are a few hundred bytes).
const MaxIDLength = 1024

// ErrID is wrapped by every error of ParseID.
var ErrID = errors.New("not an upload id this API issued")

// String is the API's upload id: the size in decimal, a ".", and S3's id in
// unpadded base64url, so that it stands in a URL path segment unescaped.
func (id ID) String() string {
	return strconv.FormatInt(id.Size, 10) + "." + base64.RawURLEncoding.EncodeToString([]byte(id.Upload))
}

// ParseID reads an id String made. It checks the syntax and that the size
// is one PlanFor accepts; whether S3 knows the upload is S3's to say.
func ParseID(s string) (ID, error) {
	if s == "" || len(s) > MaxIDLength {
		return ID{}, fmt.Errorf("%w: want 1 to %d characters", ErrID, MaxIDLength)
	}
	size, enc, ok := strings.Cut(s, ".")
	if !ok || size == "" || size[0] == '0' || len(size) > 18 || strings.ContainsFunc(size, func(r rune) bool { return r < '0' || r > '9' }) {
		return ID{}, ErrID
	}
	n, err := strconv.ParseInt(size, 10, 64)
	if err != nil {
		return ID{}, ErrID
	}
	if _, err := PlanFor(n); err != nil {
		return ID{}, fmt.Errorf("%w: %w", ErrID, err)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(enc)
	if err != nil || len(raw) == 0 || strings.ContainsFunc(string(raw), func(r rune) bool { return r < 0x21 || r > 0x7E }) {
		return ID{}, ErrID
	}
	return ID{Upload: string(raw), Size: n}, nil
}

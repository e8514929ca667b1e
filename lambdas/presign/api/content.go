package api

import (
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/securestore/securestore/lambdas/presign/routes"
)

// checkContentType accepts a media type "type/subtype" with optional
// parameters, printable ASCII only, of the length the schema s allows.
func checkContentType(s routes.Schema, ct string) error {
	if !lengthWithin(s, ct) {
		return fmt.Errorf("want %d to %d bytes", s.MinLength, s.MaxLength)
	}
	if strings.ContainsFunc(ct, func(r rune) bool { return r < 0x20 || r > 0x7E }) {
		return errors.New("want printable ASCII")
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !strings.Contains(mt, "/") {
		return fmt.Errorf("%s is not a media type", quote(ct))
	}
	return nil
}

// checkActiveContent refuses a content type a browser would run, unless
// Config.AllowActiveContent.
func (h *Handler) checkActiveContent(ct string) error {
	if h.cfg.AllowActiveContent || !IsActiveContent(ct) {
		return nil
	}
	return fmt.Errorf("contentType %s is active content (HTML, SVG, JavaScript or XML), which a browser would run on the distribution's origin; uploads of it are off (allowActiveContent)", quote(ct))
}

// IsActiveContent reports whether a browser runs script or markup of the
// media type ct (parameters ignored, case folded) when it is served from a
// web origin: text/html, application/xhtml+xml, image/svg+xml, every XML
// type (text/xml, application/xml, any "+xml" suffix, XSLT), every
// JavaScript and ECMAScript type, multipart/x-mixed-replace, and the types
// that make a browser sniff the content (*/*, unknown/unknown,
// application/unknown). Uploads declaring one are refused unless
// Config.AllowActiveContent.
func IsActiveContent(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case "text/html", "application/xhtml+xml", "image/svg+xml",
		"text/xml", "application/xml", "text/xsl", "application/xslt+xml",
		"text/javascript", "application/javascript", "application/x-javascript",
		"text/ecmascript", "application/ecmascript", "text/jscript", "text/livescript",
		"application/x-ecmascript", "text/x-javascript", "text/x-ecmascript",
		"multipart/x-mixed-replace",
		// Types that tell a browser to sniff, which may then render HTML.
		"*/*", "unknown/unknown", "application/unknown":
		return true
	}
	return strings.HasSuffix(mt, "+xml") || strings.HasPrefix(mt, "text/javascript")
}

// checkChecksum accepts the strict standard base64 of a SHA-256 digest
// (32 bytes), of the length the schema s allows.
func checkChecksum(s routes.Schema, sum string) error {
	b, err := base64.StdEncoding.Strict().DecodeString(sum)
	if !lengthWithin(s, sum) || err != nil || len(b) != 32 {
		return errors.New("want the base64 of a SHA-256 digest (44 characters)")
	}
	return nil
}

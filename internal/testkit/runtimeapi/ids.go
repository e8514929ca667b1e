package runtimeapi

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// newRequestID returns a UUID-shaped request id (version 4 layout, like
// Lambda's) whose last 12 hex digits are the sequence number n, so that a
// post naming an id this server issued can be told from a made-up one.
func newRequestID(n uint64) string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("%s-%s-4%s-8%s-%012x", h[0:8], h[8:12], h[12:15], h[15:18], n&0xffffffffffff)
}

// parseRequestID returns the sequence number of an id made by newRequestID.
func parseRequestID(id string) (uint64, bool) {
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(id[24:], 16, 64)
	return n, err == nil
}

// newTraceID returns an X-Ray trace header as Lambda sends it.
func newTraceID(now time.Time) string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", now.Unix(), hex.EncodeToString(b[:12]), hex.EncodeToString(b[12:]))
}

func decodeBase64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return []byte(s)
	}
	return b
}

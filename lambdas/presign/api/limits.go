package api

import (
	"errors"
	"fmt"
	"time"
)

// expiry bounds the requested lifetime: default and maximum are
// Config.MaxTTL; the caller may ask for less, down to one second.
func (h *Handler) expiry(req request) (time.Duration, error) {
	maxSec := int64(h.cfg.MaxTTL / time.Second)
	if !req.hasExpiresIn {
		return time.Duration(maxSec) * time.Second, nil
	}
	if req.expiresIn < 1 || req.expiresIn > maxSec {
		return 0, fmt.Errorf("expiresIn must be from 1 to %d seconds", maxSec)
	}
	return time.Duration(req.expiresIn) * time.Second, nil
}

// checkDelivery refuses delivery=cdn when no distribution is configured.
func (h *Handler) checkDelivery(req request) error {
	if req.delivery == deliveryCDN && h.cdn == nil {
		return errors.New("delivery=cdn is not available: no CDN is configured")
	}
	return nil
}

// uploadLimit bounds maxBytes to 1..Config.MaxUploadBytes; an absent
// maxBytes means the configured maximum.
func (h *Handler) uploadLimit(req request) (int64, error) {
	if !req.hasMaxBytes {
		return h.cfg.MaxUploadBytes, nil
	}
	if req.maxBytes < 1 || req.maxBytes > h.cfg.MaxUploadBytes {
		return 0, fmt.Errorf("maxBytes must be from 1 to %d", h.cfg.MaxUploadBytes)
	}
	return req.maxBytes, nil
}

package api

import (
	"errors"
	"fmt"
	"time"

	"github.com/securestore/securestore/lambdas/presign/settings"
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

// putLimit is the largest single PUT or POST: Config.MaxUploadBytes, at
// most settings.MaxPutBytes.
func (h *Handler) putLimit() int64 { return settings.PutLimit(h.cfg.MaxUploadBytes) }

// uploadLimit bounds maxBytes to 1..putLimit; an absent maxBytes means
// putLimit.
func (h *Handler) uploadLimit(req request) (int64, error) {
	limit := h.putLimit()
	if !req.hasMaxBytes {
		return limit, nil
	}
	if req.maxBytes < 1 || req.maxBytes > limit {
		return 0, fmt.Errorf("maxBytes must be from 1 to %d", limit)
	}
	return req.maxBytes, nil
}

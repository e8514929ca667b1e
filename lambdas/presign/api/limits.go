package api

import (
	"time"

	"github.com/securestore/securestore/lambdas/presign/routes"
	"github.com/securestore/securestore/lambdas/presign/settings"
)

// optInt is an integer a request may leave out.
type optInt struct {
	n   int64
	set bool
}

// expiry bounds the requested lifetime by the table's bounds of the
// route's expiresIn (1 to Config.MaxTTL); an absent one is Config.MaxTTL.
func (h *Handler) expiry(r routes.Route, expiresIn optInt) (time.Duration, error) {
	if !expiresIn.set {
		return h.cfg.MaxTTL, nil
	}
	if err := within(r, "expiresIn", expiresIn.n, h.limits, " seconds"); err != nil {
		return 0, err
	}
	return time.Duration(expiresIn.n) * time.Second, nil
}

// putLimit is the largest single PUT or POST: Config.MaxUploadBytes, at
// most settings.MaxPutBytes.
func (h *Handler) putLimit() int64 { return settings.PutLimit(h.cfg.MaxUploadBytes) }

// ceilSecond rounds t up to a whole second.
func ceilSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); !r.Equal(t) {
		return r.Add(time.Second)
	}
	return t
}

// expiresAt formats the signer's expiry, or now+ttl when it gave none.
func (h *Handler) expiresAt(t time.Time, ttl time.Duration) string {
	if t.IsZero() {
		t = h.now().Add(ttl)
	}
	return t.UTC().Format(time.RFC3339)
}

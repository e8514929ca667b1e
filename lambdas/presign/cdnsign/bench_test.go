package cdnsign

import (
	"crypto"
	"testing"
	"time"
)

// BenchmarkSign signs one object URL per key type.
func BenchmarkSign(b *testing.B) {
	rk, ek := testKeys(b)
	for _, kt := range []struct {
		name string
		key  crypto.Signer
	}{{"RSA2048", rk}, {"ECDSAP256", ek}} {
		b.Run(kt.name, func(b *testing.B) {
			s, err := New(testDomain, testKeyID, kt.key)
			if err != nil {
				b.Fatal(err)
			}
			exp := time.Now().Add(time.Hour)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Sign("users/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/reports/2026/q3.pdf", exp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

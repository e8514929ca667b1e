package runtimeapi

import (
	"testing"
	"time"
)

// BenchmarkColdStart_Empty launches the empty function once per iteration
// and measures process start to first answer: the floor for any Go function
// on this machine. Reported as init-ms (start to first next) and
// cold-ms (start to first response).
func BenchmarkColdStart_Empty(b *testing.B) {
	bin := testFunction(b, "empty")
	s := Start(b, nil)
	var initSum, coldSum time.Duration
	for b.Loop() {
		p := s.Launch(b, bin, nil)
		if res, err := s.Invoke(b.Context(), []byte(`{}`)); err != nil || res.Error != nil {
			b.Fatalf("Invoke = %+v, %v", res, err)
		}
		initDur, _ := p.InitDuration()
		cold, _ := p.ColdStart()
		initSum += initDur
		coldSum += cold
		if err := p.Stop(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(initSum.Microseconds())/1000/float64(b.N), "init-ms")
	b.ReportMetric(float64(coldSum.Microseconds())/1000/float64(b.N), "cold-ms")
}

// BenchmarkInvoke_Empty measures a warm invocation round trip through the
// Runtime API and a real process.
func BenchmarkInvoke_Empty(b *testing.B) {
	s := Start(b, nil)
	s.Launch(b, testFunction(b, "empty"), nil)
	payload := []byte(`{"key":"users/alice/report.txt","method":"GET"}`)
	for b.Loop() {
		if res, err := s.Invoke(b.Context(), payload); err != nil || res.Error != nil {
			b.Fatalf("Invoke = %+v, %v", res, err)
		}
	}
}

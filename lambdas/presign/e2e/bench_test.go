package e2e

import (
	"encoding/json"
	"net/http"
	"runtime"
	"testing"

	"github.com/securestore/securestore/internal/testkit/runtimeapi"
	"github.com/securestore/securestore/lambdas/presign/access"
)

// BenchmarkColdStart launches a fresh process per iteration and measures
// the time from process start to the first answered invoke, and the
// process's peak memory: the presign bootstrap (answering a real presign
// request, no network needed to sign) against an empty aws-lambda-go
// function built the same way, the floor of any Go function here.
func BenchmarkColdStart(b *testing.B) {
	rules, err := json.Marshal(access.Tiered([]string{"tier-1", "tier-2"}))
	if err != nil {
		b.Fatal(err)
	}
	presignEvent, err := json.Marshal(event(http.MethodGet, "/presign", map[string]string{"key": "tier-1/report.pdf"}, "", alice, "tier-1"))
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name, pkg string
		env       map[string]string
		payload   []byte
	}{
		{"presign", presignPkg, map[string]string{
			"BUCKET_NAME": "securestore-bench", "ACCESS_RULES": string(rules),
			"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		}, presignEvent},
		{"empty", "github.com/securestore/securestore/internal/testkit/runtimeapi/testdata/empty", nil, presignEvent},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			bin := runtimeapi.BuildForTest(b, tc.pkg, runtime.GOARCH)
			srv := runtimeapi.Start(b, &runtimeapi.Config{FunctionName: "bench-" + tc.name, MemoryMB: 256})
			var coldSum, rssSum float64
			for b.Loop() {
				p := srv.Launch(b, bin, tc.env)
				res, err := srv.Invoke(b.Context(), tc.payload)
				if err != nil || res.Error != nil {
					b.Fatalf("invoke: %+v, %v", res.Error, err)
				}
				if tc.name == "presign" && !json.Valid(res.Body) {
					b.Fatalf("presign answered %s", res.Body)
				}
				cold, _ := p.ColdStart()
				if err := p.Stop(); err != nil {
					b.Fatal(err)
				}
				rss, _ := p.PeakRSS()
				coldSum += float64(cold.Microseconds()) / 1000
				rssSum += float64(rss) / (1 << 20)
			}
			b.ReportMetric(coldSum/float64(b.N), "ms-to-first-response")
			b.ReportMetric(rssSum/float64(b.N), "peak-rss-MiB")
		})
	}
}

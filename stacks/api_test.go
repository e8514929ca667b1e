package stacks

import (
	"testing"

	"github.com/securestore/securestore/config"
)

// TestRetentions_CoverEveryAcceptedValue keeps the map in step with what
// config accepts for logRetentionDays.
func TestRetentions_CoverEveryAcceptedValue(t *testing.T) {
	for _, k := range config.Keys {
		if k.Name != "logRetentionDays" {
			continue
		}
		for days := 0; days <= 3653; days++ {
			_, err := config.Parse(map[string]any{"cdnEnabled": false, "logRetentionDays": float64(days)})
			_, mapped := retentions[days]
			if (err == nil) != mapped {
				t.Errorf("logRetentionDays %d: config accepts it = %v, mapped = %v", days, err == nil, mapped)
			}
		}
		return
	}
	t.Fatal("config has no logRetentionDays key")
}

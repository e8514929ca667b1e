package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenAPI_WritesTheDocumentForTheTemplatesLimits(t *testing.T) {
	out := filepath.Join(t.TempDir(), "openapi.json")
	if err := run([]string{"openapi", "-template", "../../test/testdata/prod.template.json", "-o", out}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string `json:"name"`
				Schema struct {
					Maximum int64 `json:"maximum"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range doc.Paths["/presign"]["get"].Parameters {
		if p.Name == "expiresIn" {
			found = true
			if p.Schema.Maximum != 120 {
				t.Errorf("expiresIn maximum %d, want prod's URL_TTL_SECONDS 120", p.Schema.Maximum)
			}
		}
	}
	if !found {
		t.Error("GET /presign has no expiresIn parameter")
	}
}

func TestRun_RefusesWithUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"deploy"}, {"user"}, {"serve", "-template", "does-not-exist"}} {
		err := run(args, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil {
			t.Errorf("%q: no error", args)
			continue
		}
		if !strings.Contains(err.Error(), "usage") && !strings.Contains(err.Error(), "unknown") && !strings.Contains(err.Error(), "-template") {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

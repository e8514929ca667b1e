package config

import (
	"fmt"
	"strings"
)

// ReferenceTable renders Keys as the Markdown table that README.md shows
// between the markers "<!-- config-table:start -->" and "<!-- config-table:end -->".
func ReferenceTable() string {
	var b strings.Builder
	b.WriteString("| key | type | default | meaning |\n|---|---|---|---|\n")
	for _, k := range Keys {
		def := k.Default
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s |\n", k.Name, k.Kind, def, strings.ReplaceAll(k.Doc, "|", "\\|"))
	}
	return b.String()
}

package routes

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/securestore/securestore/lambdas/presign/settings"
)

// MarkdownTable is the README's route table: one row per route of All, in
// its order, with its parameters, its body, its answer and what the access
// rules must allow. Bounds that come from the deployment name its
// configuration keys (maxUploadBytes, urlTtlSeconds).
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| route | query and path parameters | JSON body | answer | the rules must allow |\n|---|---|---|---|---|\n")
	for _, r := range All {
		route := "`" + r.String() + "`"
		if r.Needs == CDN {
			route += " (with CDN delivery)"
		}
		route += ": " + r.Summary
		var params []string
		for _, p := range r.Params {
			params = append(params, describe("`"+p.Name+"`", p.Required, p.Schema))
		}
		body := ""
		if r.Body != nil {
			var fields []string
			for _, f := range r.Body.Fields {
				fields = append(fields, describe("`"+f.Name+"`", f.Required, f.Schema))
			}
			body = strings.Join(fields, "<br>")
		}
		answer := "`" + strconv.Itoa(r.Status)
		if r.Response != nil {
			answer += " " + shape(r.Response.Schema)
		}
		answer += "`"
		if r.Response != nil {
			answer += ": " + r.Response.Doc
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(route), cell(strings.Join(params, "<br>")), cell(body), cell(answer), cell(access(r)))
	}
	return b.String()
}

// cell escapes a table cell's pipes.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// access says what the rules must allow for r.
func access(r Route) string {
	switch r.Access {
	case AccessFromMethod:
		return "the `method` asked, on `key`"
	case AccessGet:
		return "GET"
	case AccessPut:
		return "PUT on `key`"
	}
	return string(r.Access)
}

// describe is one parameter's or field's line: its name, whether it is
// required, its type and bounds, and its doc.
func describe(name string, required bool, s Schema) string {
	line := name
	if required {
		line += " (required)"
	}
	line += ": " + kind(s)
	if s.Doc != "" {
		line += "; " + s.Doc
	}
	return line
}

// kind is s's type with its bounds: "string, 1 to 1024 bytes",
// "integer, 1 to `maxUploadBytes`", "`GET` | `PUT`".
func kind(s Schema) string {
	if len(s.Enum) > 0 {
		return "`" + strings.Join(s.Enum, "` | `") + "`"
	}
	k := string(s.Type)
	switch {
	case s.MinLength > 0 && s.MinLength == s.MaxLength:
		k += fmt.Sprintf(", %d bytes", s.MinLength)
	case s.MinLength > 0 && s.MaxLength > 0:
		k += fmt.Sprintf(", %d to %d bytes", s.MinLength, s.MaxLength)
	case s.MaxLength > 0:
		k += fmt.Sprintf(", at most %d bytes", s.MaxLength)
	case s.MinLength == 1:
		k += ", not empty"
	case s.MinLength > 0:
		k += fmt.Sprintf(", at least %d bytes", s.MinLength)
	}
	if s.Pattern != "" {
		k += ", matching `" + s.Pattern + "`"
	}
	switch {
	case s.Minimum.IsSet() && s.Maximum.IsSet():
		k += ", " + bound(s.Minimum) + " to " + bound(s.Maximum)
	case s.Maximum.IsSet():
		k += ", at most " + bound(s.Maximum)
	case s.Minimum.IsSet():
		k += ", at least " + bound(s.Minimum)
	}
	if s.Items != nil {
		k = "array of "
		switch {
		case s.MinItems > 0 && s.MaxItems > 0:
			k += fmt.Sprintf("%d to %d ", s.MinItems, s.MaxItems)
		case s.MaxItems > 0:
			k += fmt.Sprintf("at most %d ", s.MaxItems)
		}
		k += "`" + shape(*s.Items) + "`"
		if s.Items.Type == Object && !s.Items.Map {
			var fields []string
			for _, f := range s.Items.Fields {
				fs := f.Schema
				fs.Doc = ""
				fields = append(fields, describe("`"+f.Name+"`", f.Required, fs))
			}
			k += " (" + strings.Join(fields, ", ") + ")"
		}
	}
	return k
}

// bound is b as the README says it: a number, or the configuration key
// it comes from.
func bound(b Bound) string {
	switch b.From {
	case FromMaxUploadBytes:
		return "`maxUploadBytes`"
	case FromPutLimit:
		return fmt.Sprintf("`maxUploadBytes` (%d GiB at most)", settings.MaxPutBytes>>30)
	case FromURLTTL:
		return "`urlTtlSeconds`"
	}
	return strconv.FormatInt(b.Fixed, 10)
}

// shape is a value's JSON outline: an object's field names, an array's
// element in brackets: {"objects": [{"key", "size"}], "next"}.
func shape(s Schema) string {
	switch {
	case s.Type == Object && !s.Map:
		names := make([]string, len(s.Fields))
		for i, f := range s.Fields {
			names[i] = strconv.Quote(f.Name)
			if f.Items != nil && f.Items.Type == Object {
				names[i] += ": [" + shape(*f.Items) + "]"
			}
		}
		return "{" + strings.Join(names, ", ") + "}"
	case s.Items != nil:
		return "[" + shape(*s.Items) + "]"
	}
	return string(s.Type)
}

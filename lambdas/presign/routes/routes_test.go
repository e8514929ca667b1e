package routes

import (
	"net/http"
	"slices"
	"testing"
)

// TestAll_PathParamsMatchPath checks that every route declares exactly the
// parameters in its path's braces, in order, as required path parameters.
func TestAll_PathParamsMatchPath(t *testing.T) {
	for _, r := range All {
		var declared []string
		for _, p := range r.In(InPath) {
			declared = append(declared, p.Name)
			if !p.Required {
				t.Errorf("%s: path parameter %s is not required", r, p.Name)
			}
		}
		if !slices.Equal(declared, r.PathNames()) {
			t.Errorf("%s: path parameters %v, path names %v", r, declared, r.PathNames())
		}
	}
}

// TestAll_NamesAndModelsUnique checks that route names, method+path pairs
// and model names are each used once.
func TestAll_NamesAndModelsUnique(t *testing.T) {
	seen := map[string]bool{}
	once := func(kind, v string) {
		if v == "" {
			return
		}
		if seen[kind+v] {
			t.Errorf("%s %q used twice", kind, v)
		}
		seen[kind+v] = true
	}
	for _, r := range All {
		once("name", r.Name)
		once("route", r.String())
		if r.Body != nil {
			once("model", r.Body.Model)
		}
		if r.Response != nil {
			once("model", r.Response.Model)
		}
		for _, p := range r.Params {
			once(r.String()+" param", p.Name)
		}
	}
}

// TestAll_StatusAndResponse checks that a 200 route describes its answer
// and a 204 route has none.
func TestAll_StatusAndResponse(t *testing.T) {
	for _, r := range All {
		switch {
		case r.Status == http.StatusOK && r.Response == nil,
			r.Status == http.StatusNoContent && r.Response != nil,
			r.Status != http.StatusOK && r.Status != http.StatusNoContent:
			t.Errorf("%s: status %d with response %v", r, r.Status, r.Response)
		}
		if r.Access == "" {
			t.Errorf("%s: no access", r)
		}
	}
}

func TestBound_Value(t *testing.T) {
	l := Limits{MaxUploadBytes: 10 << 30, URLTTLSeconds: 300}
	for _, tc := range []struct {
		b    Bound
		want int64
	}{
		{N(7), 7},
		{Bound{From: FromMaxUploadBytes}, 10 << 30},
		{Bound{From: FromPutLimit}, 5 << 30},
		{Bound{From: FromURLTTL}, 300},
	} {
		if got := tc.b.Value(l); got != tc.want {
			t.Errorf("%+v.Value = %d, want %d", tc.b, got, tc.want)
		}
	}
}

func TestFindAndMethods(t *testing.T) {
	if r, ok := Find(http.MethodGet, "/multipart/{uploadId}/parts/{partNumber}"); !ok || r.Name != "multipartSign" {
		t.Errorf("Find = %v, %v", r, ok)
	}
	if _, ok := Find(http.MethodPut, "/presign"); ok {
		t.Error("Find(PUT /presign) found a route")
	}
	if got := Methods("/multipart/{uploadId}"); !slices.Equal(got, []string{http.MethodGet, http.MethodDelete}) {
		t.Errorf("Methods = %v", got)
	}
	if r, ok := Find(http.MethodGet, "/multipart/{uploadId}/parts"); !ok || r.Name != "multipartBatch" {
		t.Errorf("Find(GET /multipart/{uploadId}/parts) = %v, %v", r, ok)
	}
	// Ten routes; GET and DELETE share /multipart/{uploadId}.
	if got := len(Paths()); got != 9 {
		t.Errorf("%d paths, want 9", got)
	}
}

func TestRoute_Lookup(t *testing.T) {
	sign, _ := Find(http.MethodGet, "/multipart/{uploadId}/parts/{partNumber}")
	if s, ok := sign.Lookup("partNumber"); !ok || s.Maximum.Value(Limits{}) != 10000 {
		t.Errorf("Lookup(partNumber) = %+v, %v", s, ok)
	}
	folder, _ := Find(http.MethodPost, "/cdn-access")
	if s, ok := folder.Lookup("expiresIn"); !ok || s.Maximum.From != FromURLTTL {
		t.Errorf("Lookup(expiresIn) in the body = %+v, %v", s, ok)
	}
	if _, ok := folder.Lookup("key"); ok {
		t.Error("Lookup(key) found a field POST /cdn-access does not have")
	}
	if got := folder.Body.FieldNames(); !slices.Equal(got, []string{"prefix", "expiresIn"}) {
		t.Errorf("FieldNames = %v", got)
	}
	if f, ok := folder.Body.Field("prefix"); !ok || !f.Required {
		t.Errorf("Field(prefix) = %+v, %v", f, ok)
	}
}

package e2e

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// batchPart is one part's URL from GET /multipart/{uploadId}/parts.
type batchPart struct {
	number  int
	url     string
	headers map[string]string
}

// signBatch asks for a batch of part URLs as sub; query holds from,
// count or expiresIn (the key is the upload's).
func (f *function) signBatch(t *testing.T, u upload, query map[string]string, sub string, groups ...string) (int, map[string]any, []batchPart) {
	t.Helper()
	q := map[string]string{"key": u.key}
	for k, v := range query {
		q[k] = v
	}
	status, body := f.call(t, routed(http.MethodGet, "/multipart/{uploadId}/parts", map[string]string{"uploadId": u.id}, q, "", sub, groups...))
	if status != http.StatusOK {
		return status, body, nil
	}
	var parts []batchPart
	for _, p := range body["parts"].([]any) {
		m := p.(map[string]any)
		headers := map[string]string{}
		for k, v := range m["headers"].(map[string]any) {
			headers[k] = v.(string)
		}
		parts = append(parts, batchPart{number: int(m["partNumber"].(float64)), url: m["url"].(string), headers: headers})
	}
	return status, body, parts
}

// numbers are the parts' numbers.
func numbers(parts []batchPart) []int {
	var ns []int
	for _, p := range parts {
		ns = append(ns, p.number)
	}
	return ns
}

// TestE2E_MultipartBatch uploads an object of three parts (the last one
// short) with URLs from one call of GET /multipart/{uploadId}/parts
// against MinIO, and reads it back byte for byte. Each URL signs its
// part's exact length (one byte more is refused by MinIO); from and count
// select and clip the run; a from beyond the plan is 400; another user is
// refused (403), and his key with this upload's id is not found (404), as
// is an aborted upload.
func TestE2E_MultipartBatch(t *testing.T) {
	f := start(t, withEnv(map[string]string{"MAX_UPLOAD_BYTES": fmt.Sprint(16 << 20)}))
	key := "users/" + alice + "/video/batch.bin"
	data := make([]byte, 10<<20+1234)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	u := f.create(t, key, int64(len(data)), alice, "tier-1")
	if u.parts != 3 {
		t.Fatalf("plan %+v, want 3 parts", u)
	}
	partData := func(n int) []byte {
		return data[int64(n-1)*u.partSize : min(int64(n)*u.partSize, int64(len(data)))]
	}

	// Runs of parts: the default, a window, one clipped at the plan's end.
	for _, tc := range []struct {
		query map[string]string
		want  []int
	}{
		{nil, []int{1, 2, 3}},
		{map[string]string{"from": "2", "count": "1"}, []int{2}},
		{map[string]string{"from": "2"}, []int{2, 3}},
		{map[string]string{"from": "3", "count": "100"}, []int{3}},
		{map[string]string{"count": "2", "expiresIn": "60"}, []int{1, 2}},
	} {
		before := time.Now()
		status, body, parts := f.signBatch(t, u, tc.query, alice, "tier-1")
		if status != http.StatusOK || fmt.Sprint(numbers(parts)) != fmt.Sprint(tc.want) {
			t.Fatalf("batch %v: %d %v, want parts %v", tc.query, status, body, tc.want)
		}
		ttl := 300 * time.Second
		if s, ok := tc.query["expiresIn"]; ok {
			n, _ := strconv.Atoi(s)
			ttl = time.Duration(n) * time.Second
		}
		at, err := time.Parse(time.RFC3339, body["expiresAt"].(string))
		if err != nil || at.Before(before.Add(ttl).Add(-time.Second)) || at.After(time.Now().Add(ttl).Add(time.Second)) {
			t.Errorf("batch %v: expiresAt %v (%v), want about now+%s", tc.query, body["expiresAt"], err, ttl)
		}
		for _, p := range parts {
			if got := p.headers["Content-Length"]; got != fmt.Sprint(len(partData(p.number))) {
				t.Errorf("batch %v: part %d signs Content-Length %q, the plan's is %d", tc.query, p.number, got, len(partData(p.number)))
			}
			if !strings.Contains(p.url, "partNumber="+fmt.Sprint(p.number)) || !strings.Contains(p.url, "X-Amz-Expires="+fmt.Sprint(int(ttl.Seconds()))) {
				t.Errorf("batch %v: part %d URL does not name its part or lifetime", tc.query, p.number)
			}
		}
		t.Logf("batch %v: parts %v, expiresAt %s", tc.query, numbers(parts), body["expiresAt"])
	}

	// Refusals, nothing signed.
	own := u
	own.key = "users/" + bob + "/video/batch.bin"
	for _, tc := range []struct {
		name   string
		status int
		call   func() (int, map[string]any, []batchPart)
	}{
		{"from beyond the plan", http.StatusBadRequest, func() (int, map[string]any, []batchPart) {
			return f.signBatch(t, u, map[string]string{"from": "4"}, alice, "tier-1")
		}},
		{"count 101", http.StatusBadRequest, func() (int, map[string]any, []batchPart) {
			return f.signBatch(t, u, map[string]string{"count": "101"}, alice, "tier-1")
		}},
		{"bob, alice's key", http.StatusForbidden, func() (int, map[string]any, []batchPart) { return f.signBatch(t, u, nil, bob, "tier-2") }},
		{"bob, his own key with alice's upload id", http.StatusNotFound, func() (int, map[string]any, []batchPart) {
			return f.signBatch(t, own, nil, bob, "tier-2")
		}},
	} {
		status, body, parts := tc.call()
		if status != tc.status || parts != nil || body["url"] != nil || body["parts"] != nil {
			t.Errorf("%s: %d %v, want %d and nothing signed", tc.name, status, body, tc.status)
		}
		t.Logf("%s: %d %q", tc.name, status, body["message"])
	}

	// Upload every part with one batch's URLs.
	_, _, parts := f.signBatch(t, u, nil, alice, "tier-1")
	etags := map[int]string{}
	for _, p := range parts {
		if p.number == u.parts {
			status, _, _ := f.send(t, http.MethodPut, p.url, p.headers, append(bytes.Clone(partData(p.number)), 'x'))
			if status != http.StatusForbidden {
				t.Errorf("part %d with one byte too many: MinIO answered %d, want 403", p.number, status)
			}
		}
		status, answer, header := f.send(t, http.MethodPut, p.url, p.headers, partData(p.number))
		if status != http.StatusOK || header.Get("ETag") == "" {
			t.Fatalf("part %d: MinIO %d %s", p.number, status, answer)
		}
		etags[p.number] = header.Get("ETag")
	}
	status, body := f.onUpload(t, http.MethodPost, "/multipart/{uploadId}/complete", u, completeBody([]int{1, 2, 3}, etags), alice, "tier-1")
	if status != http.StatusOK {
		t.Fatalf("complete: %d %v", status, body)
	}
	getURL, _ := f.presign(t, map[string]string{"key": key}, alice, "tier-1")
	if code, got := f.do(t, http.MethodGet, getURL, nil, nil); code != http.StatusOK || got != string(data) {
		t.Fatalf("read back: %d, %d bytes, equal %v", code, len(got), got == string(data))
	}
	t.Logf("uploaded %d parts signed in one call, read back %d bytes byte for byte", len(parts), len(data))

	// The completed upload's id no longer signs.
	if status, body, _ := f.signBatch(t, u, nil, alice, "tier-1"); status != http.StatusNotFound {
		t.Errorf("batch of a completed upload: %d %v, want 404", status, body)
	}
}

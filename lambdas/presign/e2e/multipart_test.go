package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// routed is event on a resource with path parameters (a template such as
// /multipart/{uploadId}), as API Gateway sends it.
func routed(method, resource string, params, query map[string]string, body, sub string, groups ...string) events.APIGatewayProxyRequest {
	ev := event(method, resource, query, body, sub, groups...)
	path := resource
	for k, v := range params {
		path = strings.ReplaceAll(path, "{"+k+"}", v)
	}
	ev.Path, ev.PathParameters = path, params
	return ev
}

// upload is a multipart upload the function created.
type upload struct {
	id, key  string
	partSize int64
	parts    int
}

// create starts a multipart upload of size bytes at key as sub.
func (f *function) create(t *testing.T, key string, size int64, sub string, groups ...string) upload {
	t.Helper()
	status, body := f.call(t, routed(http.MethodPost, "/multipart", nil, nil, fmt.Sprintf(`{"key":%q,"contentType":"application/octet-stream","size":%d}`, key, size), sub, groups...))
	if status != http.StatusOK {
		t.Fatalf("POST /multipart: %d %v", status, body)
	}
	return upload{id: body["uploadId"].(string), key: body["key"].(string), partSize: int64(body["partSize"].(float64)), parts: int(body["partCount"].(float64))}
}

// signPart asks for part n's URL as sub.
func (f *function) signPart(t *testing.T, u upload, n int, sub string, groups ...string) (int, map[string]any) {
	t.Helper()
	return f.call(t, routed(http.MethodGet, "/multipart/{uploadId}/parts/{partNumber}", map[string]string{"uploadId": u.id, "partNumber": fmt.Sprint(n)}, map[string]string{"key": u.key}, "", sub, groups...))
}

// putPart signs part n as alice and uploads data with it, returning S3's
// status and ETag.
func (f *function) putPart(t *testing.T, u upload, n int, data []byte) (int, string) {
	t.Helper()
	status, body := f.signPart(t, u, n, alice, "tier-1")
	if status != http.StatusOK {
		t.Fatalf("sign part %d: %d %v", n, status, body)
	}
	headers := map[string]string{}
	for k, v := range body["headers"].(map[string]any) {
		headers[k] = v.(string)
	}
	code, _, answer := f.send(t, http.MethodPut, body["url"].(string), headers, data)
	return code, answer.Get("ETag")
}

// onUpload calls a route under /multipart/{uploadId} as sub.
func (f *function) onUpload(t *testing.T, method, resource string, u upload, body, sub string, groups ...string) (int, map[string]any) {
	t.Helper()
	return f.call(t, routed(method, resource, map[string]string{"uploadId": u.id}, map[string]string{"key": u.key}, body, sub, groups...))
}

func completeBody(numbers []int, etags map[int]string) string {
	var parts []map[string]any
	for _, n := range numbers {
		parts = append(parts, map[string]any{"partNumber": n, "etag": etags[n]})
	}
	b, _ := json.Marshal(map[string]any{"parts": parts})
	return string(b)
}

// TestE2E_Multipart uploads an object in three parts (the last one short)
// against MinIO and reads it back byte for byte; a part larger than signed
// is refused by MinIO; another user can neither sign, list, complete nor
// abort the upload; a complete with a missing part is refused and the
// upload aborted; DELETE aborts.
func TestE2E_Multipart(t *testing.T) {
	f := start(t, withEnv(map[string]string{"MAX_UPLOAD_BYTES": fmt.Sprint(16 << 20)}))
	key := "users/" + alice + "/video/big.bin"
	data := make([]byte, 10<<20+1234)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	u := f.create(t, key, int64(len(data)), alice, "tier-1")
	if u.partSize != 5<<20 || u.parts != 3 || u.key != key {
		t.Fatalf("plan %+v, want 3 parts of 5 MiB", u)
	}
	t.Logf("created upload %s: %d parts of %d bytes", u.id, u.parts, u.partSize)

	// Another user, with no PUT on the key, can do nothing with it.
	for _, tc := range []struct {
		name   string
		status int
		call   func() (int, map[string]any)
	}{
		{"sign a part", http.StatusForbidden, func() (int, map[string]any) { return f.signPart(t, u, 1, bob, "tier-2") }},
		{"list the parts", http.StatusForbidden, func() (int, map[string]any) {
			return f.onUpload(t, http.MethodGet, "/multipart/{uploadId}", u, "", bob, "tier-2")
		}},
		{"complete", http.StatusForbidden, func() (int, map[string]any) {
			return f.onUpload(t, http.MethodPost, "/multipart/{uploadId}/complete", u, completeBody([]int{1}, map[int]string{1: "x"}), bob, "tier-2")
		}},
		{"abort", http.StatusForbidden, func() (int, map[string]any) {
			return f.onUpload(t, http.MethodDelete, "/multipart/{uploadId}", u, "", bob, "tier-2")
		}},
		{"sign a part for a key of his own with this upload's id", http.StatusNotFound, func() (int, map[string]any) {
			own := u
			own.key = "users/" + bob + "/video/big.bin"
			return f.signPart(t, own, 1, bob, "tier-2")
		}},
	} {
		status, body := tc.call()
		if status != tc.status {
			t.Errorf("bob: %s: %d %v, want %d", tc.name, status, body, tc.status)
		}
		t.Logf("bob: %s: %d %q", tc.name, status, body["message"])
	}

	etags := map[int]string{}
	for n := 1; n <= u.parts; n++ {
		part := data[int64(n-1)*u.partSize : min(int64(n)*u.partSize, int64(len(data)))]
		if n == u.parts {
			// One byte more than signed: MinIO refuses it (the signed
			// Content-Length does not match).
			status, _ := f.putPart(t, u, n, append(bytes.Clone(part), 'x'))
			if status != http.StatusForbidden {
				t.Errorf("part %d with one byte too many: MinIO answered %d, want 403", n, status)
			}
			t.Logf("part %d with %d bytes where %d are signed: MinIO %d", n, len(part)+1, len(part), status)
		}
		status, etag := f.putPart(t, u, n, part)
		if status != http.StatusOK || etag == "" {
			t.Fatalf("part %d: MinIO %d, ETag %q", n, status, etag)
		}
		etags[n] = etag
		t.Logf("part %d: %d bytes, ETag %s", n, len(part), etag)
	}

	status, body := f.onUpload(t, http.MethodGet, "/multipart/{uploadId}", u, "", alice, "tier-1")
	if status != http.StatusOK {
		t.Fatalf("list parts: %d %v", status, body)
	}
	listed := body["parts"].([]any)
	if len(listed) != 3 || listed[2].(map[string]any)["size"].(float64) != float64(len(data)-2*(5<<20)) {
		t.Errorf("parts %v", listed)
	}
	t.Logf("listed %d parts for resuming", len(listed))

	// A list with a wrong ETag is refused, and the upload kept.
	wrong := map[int]string{1: etags[1], 2: `"00000000000000000000000000000000"`, 3: etags[3]}
	status, body = f.onUpload(t, http.MethodPost, "/multipart/{uploadId}/complete", u, completeBody([]int{1, 2, 3}, wrong), alice, "tier-1")
	if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["message"]), "kept") {
		t.Errorf("complete with a wrong ETag: %d %v", status, body)
	}
	t.Logf("complete with a wrong ETag: %d %q", status, body["message"])

	status, body = f.onUpload(t, http.MethodPost, "/multipart/{uploadId}/complete", u, completeBody([]int{1, 2, 3}, etags), alice, "tier-1")
	if status != http.StatusOK || body["key"] != key || body["etag"] == "" {
		t.Fatalf("complete: %d %v", status, body)
	}
	t.Logf("completed: ETag %s", body["etag"])
	getURL, _ := f.presign(t, map[string]string{"key": key}, alice, "tier-1")
	code, got := f.do(t, http.MethodGet, getURL, nil, nil)
	if code != http.StatusOK || got != string(data) {
		t.Fatalf("read back: %d, %d bytes, equal %v", code, len(got), got == string(data))
	}
	t.Logf("read back %d bytes, byte for byte", len(got))

	// A complete with a part missing is refused and the upload aborted.
	v := f.create(t, "users/"+alice+"/video/partial.bin", int64(len(data)), alice, "tier-1")
	etags = map[int]string{}
	for _, n := range []int{1, 3} {
		part := data[int64(n-1)*v.partSize : min(int64(n)*v.partSize, int64(len(data)))]
		if status, etag := f.putPart(t, v, n, part); status != http.StatusOK {
			t.Fatalf("part %d: %d", n, status)
		} else {
			etags[n] = etag
		}
	}
	status, body = f.onUpload(t, http.MethodPost, "/multipart/{uploadId}/complete", v, completeBody([]int{1, 3}, etags), alice, "tier-1")
	if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["message"]), "part 2 is missing") {
		t.Errorf("complete without part 2: %d %v", status, body)
	}
	t.Logf("complete without part 2: %d %q", status, body["message"])
	if status, body := f.onUpload(t, http.MethodGet, "/multipart/{uploadId}", v, "", alice, "tier-1"); status != http.StatusNotFound {
		t.Errorf("the refused upload is not aborted: list parts %d %v", status, body)
	}
	if f.exists(t, v.key) {
		t.Errorf("%s exists", v.key)
	}

	// DELETE aborts; the id is then unknown.
	w := f.create(t, "users/"+alice+"/video/aborted.bin", 1, alice, "tier-1")
	if status, body := f.onUpload(t, http.MethodDelete, "/multipart/{uploadId}", w, "", alice, "tier-1"); status != http.StatusNoContent {
		t.Errorf("abort: %d %v", status, body)
	}
	if status, _ := f.signPart(t, w, 1, alice, "tier-1"); status != http.StatusNotFound {
		t.Errorf("sign a part of an aborted upload: %d, want 404", status)
	}
	uploads, err := f.client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(f.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(uploads.Uploads) != 0 {
		t.Errorf("uploads left in progress: %d", len(uploads.Uploads))
	}
}

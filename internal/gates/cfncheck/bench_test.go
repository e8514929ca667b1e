package cfncheck

import (
	"errors"
	"os"
	"testing"
)

// The benchmarks run each check over the guard tests' bucket template
// (bucket and bucket policy).

func benchTemplate(b *testing.B) (string, []byte) {
	b.Helper()
	path := bucketTemplate(b, compliantBucket())
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return path, data
}

func BenchmarkSchema(b *testing.B) {
	_, data := benchTemplate(b)
	for b.Loop() {
		if errs := Schema(data); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

func BenchmarkCycle(b *testing.B) {
	_, data := benchTemplate(b)
	for b.Loop() {
		if err := Cycle(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGuard(b *testing.B) {
	path, _ := benchTemplate(b)
	for b.Loop() {
		if _, err := Guard(path); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLint(b *testing.B) {
	path, _ := benchTemplate(b)
	for b.Loop() {
		_, err := Lint(path)
		if errors.Is(err, ErrToolMissing) {
			b.Skip(err)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

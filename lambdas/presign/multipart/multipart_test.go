package multipart

import (
	"errors"
	"strings"
	"testing"

	"github.com/securestore/securestore/lambdas/presign/settings"
)

func TestPlanFor(t *testing.T) {
	const mib = 1 << 20
	cases := []struct {
		size     int64
		partSize int64
		parts    int
		last     int64
	}{
		{1, 5 * mib, 1, 1},
		{5 * mib, 5 * mib, 1, 5 * mib},
		{5*mib + 1, 5 * mib, 2, 1},
		{11 * mib, 5 * mib, 3, mib},
		{settings.MaxParts * 5 * mib, 5 * mib, settings.MaxParts, 5 * mib},
		{settings.MaxParts*5*mib + 1, 6 * mib, 8334, settings.MaxParts*5*mib + 1 - 8333*6*mib},
		{settings.MaxObjectBytes, settings.MaxPutBytes, settings.MaxParts, settings.MaxPutBytes},
		{settings.MaxObjectBytes - 1, settings.MaxPutBytes, settings.MaxParts, settings.MaxPutBytes - 1},
	}
	for _, c := range cases {
		p, err := PlanFor(c.size)
		if err != nil {
			t.Fatalf("PlanFor(%d): %v", c.size, err)
		}
		if p.PartSize != c.partSize || p.Parts != c.parts || p.PartLength(p.Parts) != c.last {
			t.Errorf("PlanFor(%d) = %+v, last %d; want part size %d, %d parts, last %d", c.size, p, p.PartLength(p.Parts), c.partSize, c.parts, c.last)
		}
	}
}

// TestPlanFor_Invariants: every plan has at most MaxParts parts of
// MinPartBytes to MaxPutBytes (the last one 1 byte or more), summing to the
// size.
func TestPlanFor_Invariants(t *testing.T) {
	sizes := []int64{1, 2, 1<<20 - 1, 5<<20 - 1, 5 << 20, 5<<20 + 1, 1 << 30, 5 << 30, 5<<30 + 1, 1 << 40, 47<<40 + 12345, settings.MaxObjectBytes}
	for s := int64(1); s < settings.MaxObjectBytes; s = s*7 + 3 {
		sizes = append(sizes, s)
	}
	for _, size := range sizes {
		p, err := PlanFor(size)
		if err != nil {
			t.Fatal(err)
		}
		if p.Parts < 1 || p.Parts > settings.MaxParts || p.PartSize < settings.MinPartBytes || p.PartSize > settings.MaxPutBytes {
			t.Fatalf("PlanFor(%d) = %+v out of S3's bounds", size, p)
		}
		// Every part but the last is PartSize: check the first two and the
		// last two, and that the lengths sum to the size.
		for _, n := range []int{1, 2, p.Parts - 1, p.Parts} {
			if n < 1 || n > p.Parts {
				continue
			}
			want := p.PartSize
			if n == p.Parts {
				want = p.PartLength(n)
			}
			if l := p.PartLength(n); l < 1 || l > p.PartSize || l != want {
				t.Fatalf("PlanFor(%d): part %d is %d bytes", size, n, l)
			}
		}
		if sum := int64(p.Parts-1)*p.PartSize + p.PartLength(p.Parts); sum != size {
			t.Fatalf("PlanFor(%d): parts sum to %d", size, sum)
		}
		if p.PartLength(0) != 0 || p.PartLength(p.Parts+1) != 0 {
			t.Fatalf("PlanFor(%d): a part outside 1..%d has a length", size, p.Parts)
		}
	}
}

func TestPlanFor_OutOfRange(t *testing.T) {
	for _, size := range []int64{0, -1, settings.MaxObjectBytes + 1} {
		if _, err := PlanFor(size); !errors.Is(err, ErrSize) {
			t.Errorf("PlanFor(%d) = %v, want ErrSize", size, err)
		}
	}
}

func TestID_RoundTrip(t *testing.T) {
	for _, id := range []ID{
		{Upload: "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA", Size: 1},
		{Upload: "MDA3NjY1MzEtYjI1Ny00ZjYy+/==", Size: settings.MaxObjectBytes},
	} {
		s := id.String()
		if strings.ContainsAny(s, "/+=%?#") {
			t.Errorf("%q needs escaping in a path", s)
		}
		got, err := ParseID(s)
		if err != nil || got != id {
			t.Errorf("ParseID(%q) = %+v, %v; want %+v", s, got, err, id)
		}
	}
}

func TestParseID_Refuses(t *testing.T) {
	for _, s := range []string{
		"", ".", "5.", ".dXBsb2Fk", "05.dXBsb2Fk", "-5.dXBsb2Fk", "+5.dXBsb2Fk", "0.dXBsb2Fk",
		"53687091200001.dXBsb2Fk",                           // over MaxObjectBytes
		"5.dXBsb2Fk=", "5.dXBs b2Fk", "5.d+Bsb2Fk", "5.ICA", // padding, space, std alphabet, decodes to spaces
		"5", "dXBsb2Fk", "1234567890123456789.dXBsb2Fk",
		"5." + strings.Repeat("A", MaxIDLength),
	} {
		if _, err := ParseID(s); !errors.Is(err, ErrID) {
			t.Errorf("ParseID(%q) = %v, want ErrID", s, err)
		}
	}
}

func FuzzParseID(f *testing.F) {
	f.Add("11534336.VXBsb2FkSWQ")
	f.Add("5.ICA")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			return
		}
		if _, err := PlanFor(id.Size); err != nil {
			t.Fatalf("ParseID(%q) accepted size %d", s, id.Size)
		}
		if again, err := ParseID(id.String()); err != nil || again != id {
			t.Fatalf("ParseID(%q) = %+v does not round-trip: %+v, %v", s, id, again, err)
		}
	})
}

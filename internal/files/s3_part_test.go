package files

import "testing"

// TestPartSize: the part size comes from S3Config (zero is 16 MiB), is
// never below S3's 5 MiB, and grows so that no file needs more than
// 10,000 parts.
func TestPartSize(t *testing.T) {
	t.Parallel()
	const mib = 1 << 20
	for _, tc := range []struct {
		configured, size, want int64
	}{
		{0, -1, 16 * mib},
		{0, 100, 16 * mib},
		{5 * mib, 12 * mib, 5 * mib},
		{1 * mib, -1, 5 * mib},
		{64 * mib, 1, 64 * mib},
		{5 * mib, 100_000 * mib, 10 * mib},
		{0, 200_000*mib + 1, 20*mib + 1},
	} {
		s := &S3{partSize: tc.configured}
		if got := s.partSizeFor(tc.size); got != tc.want {
			t.Errorf("PartSize %d: partSizeFor(%d) = %d, want %d", tc.configured, tc.size, got, tc.want)
		}
	}
}

package store

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// TestKBOrderFirstN: choosing the first n hits in one pass puts the same
// hits first, in the same order, as sorting them all.
func TestKBOrderFirstN(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sort := range []desk.KBSort{desk.KBByRelevance, desk.KBNewest, desk.KBOldest} {
		for _, size := range []int{0, 1, 7, 100, 5000} {
			rows := make([]kbHit, size)
			for i := range rows {
				// Few distinct scores and dates, so ties fall to the ID.
				rows[i] = kbHit{kbRow: &kbRow{
					id:        int64(i + 1),
					updatedAt: time.Date(2026, 1, 1+r.IntN(30), 0, 0, 0, 0, time.UTC),
				}, score: float64(r.IntN(20))}
			}
			r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
			want := slices.Clone(rows)
			kbOrder(want, sort, true, 0)
			for _, n := range []int{1, 10, 25, 110} {
				got := slices.Clone(rows)
				kbOrder(got, sort, true, n)
				k := min(n, size)
				if !slices.EqualFunc(got[:k], want[:k], func(a, b kbHit) bool { return a.id == b.id }) {
					t.Fatalf("%s, %d rows, first %d: got %v, want %v", sort, size, n, kbIDs(got[:k]), kbIDs(want[:k]))
				}
				if !slices.Equal(sortedKBIDs(got), sortedKBIDs(rows)) {
					t.Fatalf("%s, %d rows, first %d: rows lost or doubled", sort, size, n)
				}
			}
		}
	}
}

func kbIDs(rows []kbHit) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.id
	}
	return out
}

func sortedKBIDs(rows []kbHit) []int64 {
	out := kbIDs(rows)
	slices.Sort(out)
	return out
}

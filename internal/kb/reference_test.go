package kb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// refDoc is an item as the reference reads it: its columns' words.
type refDoc struct {
	id      int64
	columns [][]string
}

// refMatch says whether a match tree finds the document, read straight
// from the definition of the language: a sequence's words at consecutive
// positions of one column, NEAR's two sides in one column with at most d
// words between them, either order.
func refMatch(m desk.KBMatch, d refDoc) bool {
	switch m := m.(type) {
	case desk.KBMatchSeq:
		for _, col := range d.columns {
			if len(seqStarts(m, col)) > 0 {
				return true
			}
		}
		return false
	case desk.KBMatchNear:
		for _, col := range d.columns {
			for _, l := range seqStarts(m.Left, col) {
				for _, r := range seqStarts(m.Right, col) {
					lEnd, rEnd := l+len(m.Left.Words)-1, r+len(m.Right.Words)-1
					if r-lEnd-1 <= m.Distance && l-rEnd-1 <= m.Distance {
						return true
					}
				}
			}
		}
		return false
	case desk.KBMatchAnd:
		for _, p := range m.Parts {
			if not, ok := p.(desk.KBMatchNot); ok {
				if refMatch(not.Part, d) {
					return false
				}
				continue
			}
			if !refMatch(p, d) {
				return false
			}
		}
		return true
	case desk.KBMatchOr:
		return slices.ContainsFunc(m.Parts, func(p desk.KBMatch) bool { return refMatch(p, d) })
	}
	panic(fmt.Sprintf("no reference for %T", m))
}

// seqStarts lists where a sequence starts in a column.
func seqStarts(s desk.KBMatchSeq, col []string) []int {
	var out []int
	for i := 0; i+len(s.Words) <= len(col); i++ {
		ok := true
		for j, alts := range s.Words {
			if !slices.Contains(alts, col[i+j]) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, i)
		}
	}
	return out
}

// randomMatch builds a random tree over a small vocabulary, so that its
// words meet in documents often.
func randomMatch(r *rand.Rand, vocab []string, depth int) desk.KBMatch {
	seq := func(n int) desk.KBMatchSeq {
		s := desk.KBMatchSeq{}
		for range n {
			alts := []string{vocab[r.IntN(len(vocab))]}
			if r.IntN(3) == 0 {
				alts = append(alts, vocab[r.IntN(len(vocab))])
			}
			s.Words = append(s.Words, alts)
		}
		return s
	}
	if depth == 0 || r.IntN(3) == 0 {
		if r.IntN(3) == 0 {
			return desk.KBMatchNear{Left: seq(1 + r.IntN(2)), Right: seq(1 + r.IntN(2)), Distance: r.IntN(6)}
		}
		return seq(1 + r.IntN(2))
	}
	n := 2 + r.IntN(2)
	parts := make([]desk.KBMatch, n)
	for i := range parts {
		parts[i] = randomMatch(r, vocab, depth-1)
	}
	if r.IntN(2) == 0 {
		return desk.KBMatchOr{Parts: parts}
	}
	if r.IntN(2) == 0 {
		parts[n-1] = desk.KBMatchNot{Part: parts[n-1]}
	}
	return desk.KBMatchAnd{Parts: parts}
}

// TestSearchMatchesReference: random match trees over random documents
// find, on each engine, exactly the documents the reference finds.
func TestSearchMatchesReference(t *testing.T) {
	t.Parallel()
	vocab := []string{"alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(7, 11))
		var docs []refDoc
		err := s.Write(ctx, func(tx *store.Tx) error {
			for range 60 {
				cols := [][]string{nil, nil}
				for c, n := range []int{1 + r.IntN(4), 3 + r.IntN(25)} {
					for range n {
						cols[c] = append(cols[c], vocab[r.IntN(len(vocab))])
					}
				}
				it := desk.KBItem{
					Source: desk.KBArticles, Type: desk.KBQA, State: desk.KBPublished,
					Title: fmt.Sprint(cols[0]), CreatedAt: corpusStart, UpdatedAt: corpusStart,
				}
				idx := desk.KBIndex{Title: cols[0], Body: cols[1], Stems: map[string]string{}}
				for _, w := range vocab {
					idx.Stems[w] = w
				}
				if err := tx.SaveKBItem(ctx, &it, idx, ""); err != nil {
					return err
				}
				docs = append(docs, refDoc{id: it.ID, columns: cols})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 300 {
			m := desk.SimplifyKBMatch(randomMatch(r, vocab, 2))
			if m == nil {
				continue
			}
			var want []int64
			for _, d := range docs {
				if refMatch(m, d) {
					want = append(want, d.id)
				}
			}
			res, err := s.SearchKB(ctx, desk.KBSearch{Match: m, Sort: desk.KBOldest, Limit: len(docs)})
			if err != nil {
				t.Fatalf("query %d: %v", i, err)
			}
			var got []int64
			for _, h := range res.Hits {
				got = append(got, h.Item.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s: query %d %+v found %v, the reference %v", s.Dialect(), i, m, got, want)
			}
		}
	})
}

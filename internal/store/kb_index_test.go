package store

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// TestKBIndexMatchesPositions holds the memory's index to the meaning of
// desk.KBPositions.Matches, on random items and random queries of every
// kind, before and after items are changed and removed: items of a few
// words that nearly every item holds, and items of many words of which
// most are rare (Zipf's law, as in text), whose cursors leap over whole
// blocks of documents.
func TestKBIndexMatchesPositions(t *testing.T) {
	// Searches share out documents among the cores as they would at
	// 100,000 items (kbShardMin), and cursors leap (kbSkipEvery).
	defer func(n int) { kbShardMin = n }(kbShardMin)
	kbShardMin = 500
	worlds := []struct {
		name                string
		words, items, trees int
		zipf                bool
	}{
		{"few words", 6, 2000, 300, false},
		{"many rare words", 40, 4000, 100, true},
	}
	for _, w := range worlds {
		t.Run(w.name, func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(13, 8))
			var vocab []string
			for i := range w.words {
				vocab = append(vocab, fmt.Sprintf("w%d", i))
			}
			word := func() string { return vocab[rnd.IntN(len(vocab))] }
			if w.zipf {
				z := rand.NewZipf(rnd, 1.1, 1, uint64(len(vocab)-1))
				word = func() string { return vocab[z.Uint64()] }
			}
			kbIndexMatchesPositions(t, rnd, word, int64(w.items), w.trees)
		})
	}
}

func kbIndexMatchesPositions(t *testing.T, rnd *rand.Rand, word func() string, n int64, trees int) {
	text := func(n int) []string {
		out := make([]string, rnd.IntN(n+1))
		for i := range out {
			out[i] = word()
		}
		return out
	}
	items := map[int64]desk.KBIndex{}
	x := newKBIndex()
	put := func(id int64) {
		idx := desk.KBIndex{Title: text(4), Body: text(30)}
		items[id] = idx
		x.add(&kbRow{id: id}, idx)
	}
	for id := int64(1); id <= n; id++ {
		put(id)
	}
	alts := func() []string {
		out := []string{word()}
		if rnd.IntN(3) == 0 {
			out = append(out, word())
		}
		return out
	}
	seq := func() desk.KBMatchSeq {
		s := desk.KBMatchSeq{}
		for range 1 + rnd.IntN(3) {
			s.Words = append(s.Words, alts())
		}
		return s
	}
	var tree func(depth int) desk.KBMatch
	tree = func(depth int) desk.KBMatch {
		switch k := rnd.IntN(5); {
		case depth == 0 || k == 0:
			return seq()
		case k == 1:
			return desk.KBMatchNear{Left: seq(), Right: seq(), Distance: rnd.IntN(6)}
		case k == 2:
			return desk.KBMatchOr{Parts: []desk.KBMatch{tree(depth - 1), tree(depth - 1)}}
		default:
			parts := []desk.KBMatch{tree(depth - 1), tree(depth - 1)}
			if rnd.IntN(2) == 0 {
				parts = append(parts, desk.KBMatchNot{Part: tree(depth - 1)})
			}
			return desk.KBMatchAnd{Parts: parts}
		}
	}
	check := func(round string) {
		t.Helper()
		positions := map[int64]desk.KBPositions{}
		for id, idx := range items {
			positions[id] = idx.Positions()
		}
		for range trees {
			m := tree(2)
			e := x.eval(true)
			found := e.match(m, true)
			for id, idx := range items {
				want := positions[id].Matches(m)
				if got := found.has(int64(x.byID[id])); got != want {
					t.Fatalf("%s: %#v in item %d (%v / %v): the index says %v, the positions %v", round, m, id, idx.Title, idx.Body, got, want)
				}
			}
			found.each(func(doc int64) {
				if x.docs[doc].dead {
					t.Fatalf("%s: %#v finds a dead document", round, m)
				}
				if score := e.score(doc); score <= 0 {
					t.Errorf("%s: %#v: item %d found with a score of %v", round, m, x.docs[doc].row.id, score)
				}
			})
		}
	}
	check("new")
	for id := int64(1); id <= n; id += 2 {
		put(id)
	}
	for id := int64(3); id <= n; id += 7 {
		x.remove(id)
		delete(items, id)
	}
	check("changed")
	if x.alive != len(items) {
		t.Fatalf("%d live documents for %d items", x.live, len(items))
	}
}

// TestKBIndexRelevance: the title weighs above the body, a rarer word
// above a common one, and a shorter item above a longer one.
func TestKBIndexRelevance(t *testing.T) {
	t.Parallel()
	x := newKBIndex()
	x.add(&kbRow{id: 1}, desk.KBIndex{Title: []string{"queue"}, Body: []string{"calls", "wait"}})
	x.add(&kbRow{id: 2}, desk.KBIndex{Title: []string{"calls"}, Body: []string{"queue", "wait"}})
	x.add(&kbRow{id: 3}, desk.KBIndex{Title: []string{"calls"}, Body: []string{"queue", "wait", "for", "an", "agent", "to", "answer", "them"}})
	x.add(&kbRow{id: 4}, desk.KBIndex{Title: []string{"calls"}, Body: []string{"wait"}})
	m := desk.KBMatchSeq{Words: [][]string{{"queue"}}}
	e := x.eval(true)
	found := e.match(m, true)
	s := []float64{e.score(0), e.score(1), e.score(2)} // items 1 to 3
	if found.count() != 3 || s[0] <= s[1] || s[1] <= s[2] {
		t.Fatalf("scores of queue: %v, want the title's first, then the shorter body's", s)
	}
	m2 := desk.KBMatchOr{Parts: []desk.KBMatch{desk.KBMatchSeq{Words: [][]string{{"agent"}}}, desk.KBMatchSeq{Words: [][]string{{"wait"}}}}}
	e = x.eval(true)
	e.match(m2, true)
	s = []float64{e.score(0), e.score(1), e.score(2), e.score(3)} // only item 3 holds the rare agent
	if s[2] <= s[0] || s[2] <= s[1] || s[2] <= s[3] {
		t.Fatalf("scores of agent OR wait: %v, want the item with the rarer word first", s)
	}
}

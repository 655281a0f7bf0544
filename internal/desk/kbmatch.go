package desk

import (
	"slices"
)

// KBPositions are an item's index words with their positions, the title's
// and the body's apart (a phrase or NEAR never reaches from one into the
// other), for matching a query against a few items in memory: what an
// alert run does with the items changed since the last one.
type KBPositions [2]map[string][]int

// Positions lists where each of the index's words stands.
func (idx KBIndex) Positions() KBPositions {
	var p KBPositions
	for col, words := range [2][]string{idx.Title, idx.Body} {
		p[col] = make(map[string][]int, len(words))
		for i, w := range words {
			p[col][w] = append(p[col][w], i)
		}
	}
	return p
}

// Matches reports whether the item holds what m finds, with the meaning
// both engines give it (TestSearchTable checks the three agree): a
// sequence at consecutive positions of one column; NEAR's two sides in
// one column with at most Distance words between them, in either order,
// or overlapping; AND, OR and NOT as they read. PostgreSQL keeps no
// positions past 16,383 and at most 256 of one word: an item longer than
// that may match here and not there.
func (p KBPositions) Matches(m KBMatch) bool {
	switch m := m.(type) {
	case KBMatchSeq:
		for col := range p {
			if len(p.starts(col, m)) > 0 {
				return true
			}
		}
		return false
	case KBMatchNear:
		for col := range p {
			right := p.starts(col, m.Right)
			for _, a := range p.starts(col, m.Left) {
				for _, b := range right {
					if max(b-(a+len(m.Left.Words)), a-(b+len(m.Right.Words))) <= m.Distance {
						return true
					}
				}
			}
		}
		return false
	case KBMatchOr:
		return slices.ContainsFunc(m.Parts, p.Matches)
	case KBMatchAnd:
		finds := false
		for _, part := range m.Parts {
			if not, ok := part.(KBMatchNot); ok {
				if p.Matches(not.Part) {
					return false
				}
				continue
			}
			if !p.Matches(part) {
				return false
			}
			finds = true
		}
		return finds
	}
	return false
}

// starts are the positions of a column at which seq begins.
func (p KBPositions) starts(col int, seq KBMatchSeq) []int {
	if len(seq.Words) == 0 {
		return nil
	}
	var out []int
	for _, w := range seq.Words[0] {
		for _, at := range p[col][w] {
			if p.follows(col, seq, at) && !slices.Contains(out, at) {
				out = append(out, at)
			}
		}
	}
	return out
}

// follows reports whether every later position of seq holds one of its
// words, counting from at.
func (p KBPositions) follows(col int, seq KBMatchSeq, at int) bool {
	for i := 1; i < len(seq.Words); i++ {
		if !slices.ContainsFunc(seq.Words[i], func(w string) bool {
			_, found := slices.BinarySearch(p[col][w], at+i)
			return found
		}) {
			return false
		}
	}
	return true
}

// Keeps reports whether an item with these values passes the search's
// filters, all but the one named (a facet counts its values under the
// other filters; "" names none).
func (s KBSearch) Keeps(source KBSource, typ KBArticleType, line int64, products []int64, except KBFacet) bool {
	if except != KBFacetSource && len(s.Sources) > 0 && !slices.Contains(s.Sources, source) {
		return false
	}
	if except != KBFacetType && len(s.Types) > 0 && !slices.Contains(s.Types, typ) {
		return false
	}
	if except != KBFacetProductLine && len(s.ProductLines) > 0 && !slices.Contains(s.ProductLines, line) {
		return false
	}
	if except != KBFacetProduct && len(s.Products) > 0 &&
		!slices.ContainsFunc(products, func(p int64) bool { return slices.Contains(s.Products, p) }) {
		return false
	}
	return true
}

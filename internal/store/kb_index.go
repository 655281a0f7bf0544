package store

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"

	"github.com/caseport/caseport/internal/desk"
)

// kbIndex is the store's memory of the knowledge items' words: an
// inverted index beside the engine's own (FTS5, tsvector), which answers a
// search's matches and their relevance without a query. The engines stay
// the index of record, written in each item's transaction; this one is
// read from the items at the version of the memory (kb_memory.go) and
// kept to it, item by item. It finds what the engines find: the table of
// queries (kb.TestSearchTable) runs against all three.
//
// Each item is a document numbered in the order it was added; a changed
// item is added again under a new number and its old one marked dead, so
// a word's postings only ever grow at their end. A word's postings are one
// byte string of varints, document after document: the gap from the
// previous document, the word's count in the title and in the body, the
// length in bytes of its positions, then the positions (the title's, then
// the body's, each as gaps from the one before).
type kbIndex struct {
	docs  []kbDoc
	byID  map[int64]uint32
	terms map[string]*kbPostings
	// live counts the documents not dead, and words the words they hold.
	live, words int
	// positions is the scratch of add.
	positions map[string]*[2][]int
}

type kbDoc struct {
	id    int64
	words uint32
	dead  bool
}

type kbPostings struct {
	last int64
	data []byte
}

func newKBIndex() *kbIndex {
	return &kbIndex{byID: map[int64]uint32{}, terms: map[string]*kbPostings{}, positions: map[string]*[2][]int{}}
}

// add indexes an item's words, in place of what it held before.
func (x *kbIndex) add(id int64, idx desk.KBIndex) {
	x.remove(id)
	doc := uint32(len(x.docs))
	n := len(idx.Title) + len(idx.Body)
	x.docs = append(x.docs, kbDoc{id: id, words: uint32(n)})
	x.byID[id] = doc
	x.live++
	x.words += n
	clear(x.positions)
	var order []string
	for col, list := range [2][]string{idx.Title, idx.Body} {
		for i, w := range list {
			at := x.positions[w]
			if at == nil {
				at = &[2][]int{}
				x.positions[w] = at
				order = append(order, w)
			}
			at[col] = append(at[col], i)
		}
	}
	var buf []byte
	for _, w := range order {
		at := x.positions[w]
		buf = buf[:0]
		for col := range at {
			prev := 0
			for _, p := range at[col] {
				buf = binary.AppendUvarint(buf, uint64(p-prev))
				prev = p
			}
		}
		p := x.terms[w]
		if p == nil {
			p = &kbPostings{last: -1}
			x.terms[w] = p
		}
		p.data = binary.AppendUvarint(p.data, uint64(int64(doc)-p.last-1))
		p.data = binary.AppendUvarint(p.data, uint64(len(at[0])))
		p.data = binary.AppendUvarint(p.data, uint64(len(at[1])))
		p.data = binary.AppendUvarint(p.data, uint64(len(buf)))
		p.data = append(p.data, buf...)
		p.last = int64(doc)
	}
}

// remove marks an item's document dead.
func (x *kbIndex) remove(id int64) {
	doc, ok := x.byID[id]
	if !ok {
		return
	}
	delete(x.byID, id)
	x.docs[doc].dead = true
	x.live--
	x.words -= int(x.docs[doc].words)
}

// wasteful reports whether dead documents outnumber the live ones: the
// index is then better read again.
func (x *kbIndex) wasteful() bool { return len(x.docs)-x.live > max(x.live, 1000) }

// kbBits is a set of documents, one bit each.
type kbBits []uint64

func (x *kbIndex) bits() kbBits { return make(kbBits, (len(x.docs)+63)/64) }

func (b kbBits) set(doc int64)      { b[doc>>6] |= 1 << (doc & 63) }
func (b kbBits) has(doc int64) bool { return b[doc>>6]&(1<<(doc&63)) != 0 }

func (b kbBits) and(o kbBits) {
	for i := range b {
		b[i] &= o[i]
	}
}

func (b kbBits) or(o kbBits) {
	for i := range b {
		b[i] |= o[i]
	}
}

func (b kbBits) andNot(o kbBits) {
	for i := range b {
		b[i] &^= o[i]
	}
}

func (b kbBits) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls fn with every document of the set, in order.
func (b kbBits) each(fn func(doc int64)) {
	for i, w := range b {
		for w != 0 {
			fn(int64(i<<6 + bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
}

// kbCursor walks one word's postings.
type kbCursor struct {
	data []byte
	off  int
	doc  int64
	tf   [2]int
	pos  []byte
}

func (x *kbIndex) cursor(w string) *kbCursor {
	c := &kbCursor{doc: -1}
	if p := x.terms[w]; p != nil {
		c.data = p.data
	}
	return c
}

func (c *kbCursor) uvarint() int {
	v, n := binary.Uvarint(c.data[c.off:])
	c.off += n
	return int(v)
}

// next moves to the next document; false at the end.
func (c *kbCursor) next() bool {
	if c.off >= len(c.data) {
		c.doc = math.MaxInt64
		return false
	}
	c.doc += int64(c.uvarint()) + 1
	c.tf[0], c.tf[1] = c.uvarint(), c.uvarint()
	n := c.uvarint()
	c.pos = c.data[c.off : c.off+n]
	c.off += n
	return true
}

// seek moves to doc, or past it when the word is not there: true when it is.
func (c *kbCursor) seek(doc int64) bool {
	for c.doc < doc {
		if !c.next() {
			return false
		}
	}
	return c.doc == doc
}

// positions decodes the current document's positions in one column.
func (c *kbCursor) positions(col int, buf []int) []int {
	buf = buf[:0]
	off, p := 0, 0
	for i := range c.tf[0] + c.tf[1] {
		if i == c.tf[0] {
			p = 0
		}
		v, n := binary.Uvarint(c.pos[off:])
		off += n
		p += int(v)
		if (i < c.tf[0]) == (col == 0) {
			buf = append(buf, p)
		}
	}
	return buf
}

// kbEval runs one match tree over the index.
type kbEval struct {
	x    *kbIndex
	live kbBits
	// leaves are the tree's sequences and NEARs that find (not under a
	// NOT), with what each finds: what relevance weighs.
	leaves []kbLeaf
}

type kbLeaf struct {
	m    desk.KBMatch
	docs kbBits
}

func (x *kbIndex) eval(m desk.KBMatch) *kbEval {
	e := &kbEval{x: x, live: x.bits()}
	for doc, d := range x.docs {
		if !d.dead {
			e.live.set(int64(doc))
		}
	}
	return e
}

// match is the set of live documents m finds. finds says m is not under a
// NOT: its leaves are kept for relevance.
func (e *kbEval) match(m desk.KBMatch, finds bool) kbBits {
	switch m := m.(type) {
	case desk.KBMatchSeq, desk.KBMatchNear:
		var b kbBits
		if seq, ok := m.(desk.KBMatchSeq); ok && len(seq.Words) == 1 {
			b = e.anyOf(seq.Words[0])
		} else {
			b = e.verify(m)
		}
		if finds {
			e.leaves = append(e.leaves, kbLeaf{m: m, docs: b})
		}
		return b
	case desk.KBMatchOr:
		out := e.x.bits()
		for _, p := range m.Parts {
			out.or(e.match(p, finds))
		}
		return out
	case desk.KBMatchAnd:
		var out kbBits
		var leave []desk.KBMatch
		for _, p := range m.Parts {
			if not, ok := p.(desk.KBMatchNot); ok {
				leave = append(leave, not.Part)
				continue
			}
			if b := e.match(p, finds); out == nil {
				out = b
			} else {
				out.and(b)
			}
		}
		if out == nil {
			return e.x.bits()
		}
		for _, p := range leave {
			out.andNot(e.match(p, false))
		}
		return out
	}
	return e.x.bits()
}

// anyOf is the set of live documents holding any of the words.
func (e *kbEval) anyOf(words []string) kbBits {
	out := e.x.bits()
	for _, w := range words {
		c := e.x.cursor(w)
		for c.next() {
			out.set(c.doc)
		}
	}
	out.and(e.live)
	return out
}

// verify is the set of live documents where a phrase or a NEAR stands:
// among those holding a word of each of its positions, the ones whose
// positions agree.
func (e *kbEval) verify(m desk.KBMatch) kbBits {
	var positions [][]string
	switch m := m.(type) {
	case desk.KBMatchSeq:
		positions = m.Words
	case desk.KBMatchNear:
		positions = append(slices.Clip(m.Left.Words), m.Right.Words...)
	}
	out := e.live
	if len(positions) == 0 {
		return e.x.bits()
	}
	out = slices.Clone(out)
	for _, alts := range positions {
		out.and(e.anyOf(alts))
	}
	sc := e.x.scanner(m)
	found := e.x.bits()
	out.each(func(doc int64) {
		if h := sc.hits(doc); h[0]+h[1] > 0 {
			found.set(doc)
		}
	})
	return found
}

// kbScanner counts where one sequence or NEAR stands in a document, its
// words' cursors moving forward document by document.
type kbScanner struct {
	m     desk.KBMatch
	words map[string]*kbWordAt
}

type kbWordAt struct {
	c       *kbCursor
	here    bool
	decoded [2]bool
	pos     [2][]int
}

func (x *kbIndex) scanner(m desk.KBMatch) *kbScanner {
	sc := &kbScanner{m: m, words: map[string]*kbWordAt{}}
	var add func(m desk.KBMatchSeq)
	add = func(seq desk.KBMatchSeq) {
		for _, alts := range seq.Words {
			for _, w := range alts {
				if sc.words[w] == nil {
					sc.words[w] = &kbWordAt{c: x.cursor(w)}
				}
			}
		}
	}
	switch m := m.(type) {
	case desk.KBMatchSeq:
		add(m)
	case desk.KBMatchNear:
		add(m.Left)
		add(m.Right)
	}
	return sc
}

// hits counts, in each column of doc, the positions where the sequence
// starts (a single word: its occurrences), or the left side's starts with
// the right side near (NEAR). Documents must come in increasing order.
func (sc *kbScanner) hits(doc int64) [2]int {
	for _, w := range sc.words {
		w.here = w.c.seek(doc)
		w.decoded = [2]bool{}
	}
	var out [2]int
	for col := range out {
		switch m := sc.m.(type) {
		case desk.KBMatchSeq:
			if len(m.Words) == 1 {
				for _, w := range uniq(m.Words[0]) {
					if at := sc.words[w]; at.here {
						out[col] += at.c.tf[col]
					}
				}
				continue
			}
			out[col] = len(sc.starts(col, m))
		case desk.KBMatchNear:
			right := sc.starts(col, m.Right)
			for _, a := range sc.starts(col, m.Left) {
				if slices.ContainsFunc(right, func(b int) bool {
					return max(b-(a+len(m.Left.Words)), a-(b+len(m.Right.Words))) <= m.Distance
				}) {
					out[col]++
				}
			}
		}
	}
	return out
}

// uniq is a list of words without repeats.
func uniq(ws []string) []string {
	for i, w := range ws {
		if slices.Contains(ws[:i], w) {
			return slices.Compact(slices.Sorted(slices.Values(ws)))
		}
	}
	return ws
}

// at is a word's positions in a column of the current document (none when
// the word is not there).
func (sc *kbScanner) at(col int, w string) []int {
	a := sc.words[w]
	if !a.here {
		return nil
	}
	if !a.decoded[col] {
		a.pos[col] = a.c.positions(col, a.pos[col])
		a.decoded[col] = true
	}
	return a.pos[col]
}

// starts are the positions of a column at which seq begins, as
// desk.KBPositions finds them.
func (sc *kbScanner) starts(col int, seq desk.KBMatchSeq) []int {
	if len(seq.Words) == 0 {
		return nil
	}
	var out []int
	for _, w := range uniq(seq.Words[0]) {
		for _, at := range sc.at(col, w) {
			if sc.follows(col, seq, at) {
				out = append(out, at)
			}
		}
	}
	return out
}

func (sc *kbScanner) follows(col int, seq desk.KBMatchSeq, at int) bool {
	for i := 1; i < len(seq.Words); i++ {
		if !slices.ContainsFunc(seq.Words[i], func(w string) bool {
			_, found := slices.BinarySearch(sc.at(col, w), at+i)
			return found
		}) {
			return false
		}
	}
	return true
}

// BM25's constants, and the title's weight against the body's (as the
// engines weigh them: bm25(kb_fts, 10.0, 1.0), ts_rank's A and D).
const (
	kbK1, kbB     = 1.2, 0.75
	kbTitleWeight = 10
)

// scores are the relevance of each document of found, in its order:
// BM25 summed over the leaves that find, each leaf one term, counted
// title ten times over the body, with the documents' lengths in words.
func (e *kbEval) scores(found kbBits) []float64 {
	n := found.count()
	out := make([]float64, n)
	if e.x.live == 0 {
		return out
	}
	avg := float64(e.x.words) / float64(e.x.live)
	for _, l := range e.leaves {
		df := l.docs.count()
		if df == 0 {
			continue
		}
		idf := math.Log(1 + (float64(e.x.live)-float64(df)+0.5)/(float64(df)+0.5))
		in := slices.Clone(found)
		in.and(l.docs)
		sc := e.x.scanner(l.m)
		i := 0
		found.each(func(doc int64) {
			if in.has(doc) {
				h := sc.hits(doc)
				f := float64(kbTitleWeight*h[0] + h[1])
				norm := kbK1 * (1 - kbB + kbB*float64(e.x.docs[doc].words)/avg)
				out[i] += idf * f * (kbK1 + 1) / (f + norm)
			}
			i++
		})
	}
	return out
}

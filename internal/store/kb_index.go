package store

import (
	"context"
	"encoding/binary"
	"math"
	"math/bits"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

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
	docs []kbDoc
	// lengths is each document's length in words, apart from docs so that
	// relevance, which reads it for every hit, finds it in a few cache
	// lines rather than one a hit.
	lengths []uint32
	byID    map[int64]uint32
	terms   map[string]*kbPostings
	// live holds the documents not dead, staffOnly those contacts may not
	// see, and each filter value's set the documents that have it: a
	// search counts a value by the size of its set within the matches.
	live, staffOnly kbBits
	sources         map[desk.KBSource]kbBits
	types           map[desk.KBArticleType]kbBits
	lines, products map[int64]kbBits
	// alive counts the documents not dead, and words the words they hold.
	alive, words int
	// vocab is every word the index has held, in order once sorted says
	// so, and stems each stem's words (in order unless in unsorted): the
	// vocabulary a search expands its words with.
	vocab    []string
	sorted   bool
	stems    map[string][]string
	unsorted map[string]bool
	// positions is the scratch of add; counts keeps the leaves' counts
	// of searches done, zeroed, for the next ones (each as long as the
	// documents, too large to be made afresh each time).
	positions map[string]*[2][]int
	counts    sync.Pool
}

type kbDoc struct {
	row *kbRow
	// updated is the row's last update in microseconds, beside the
	// document for the searches that order by date.
	updated int64
	dead    bool
}

type kbPostings struct {
	last int64
	data []byte
	// skips mark every kbSkipEvery-th document's place in data, so a
	// cursor can leap ahead (and a search start in the middle).
	skips []kbSkip
	n     int
}

// kbSkip is a place in a word's postings: the byte offset of a document,
// and the document before it (-1 for the first).
type kbSkip struct {
	prev int64
	off  int
}

const kbSkipEvery = 64

func newKBIndex() *kbIndex {
	return &kbIndex{
		byID: map[int64]uint32{}, terms: map[string]*kbPostings{}, positions: map[string]*[2][]int{},
		stems: map[string][]string{}, unsorted: map[string]bool{}, sorted: true,
		sources: map[desk.KBSource]kbBits{}, types: map[desk.KBArticleType]kbBits{},
		lines: map[int64]kbBits{}, products: map[int64]kbBits{},
	}
}

// mark puts or takes doc in or out of the sets of its row's values.
func (x *kbIndex) mark(doc int64, on bool) {
	r := x.docs[doc].row
	put := func(b kbBits) kbBits {
		if on {
			return b.with(doc)
		}
		b.clear(doc)
		return b
	}
	x.live = put(x.live)
	if r.staffOnly {
		x.staffOnly = put(x.staffOnly)
	}
	x.sources[r.source] = put(x.sources[r.source])
	x.types[r.typ] = put(x.types[r.typ])
	if r.line != 0 {
		x.lines[r.line] = put(x.lines[r.line])
	}
	for _, p := range r.products {
		x.products[p] = put(x.products[p])
	}
}

// add indexes an item's words, in place of what it held before.
func (x *kbIndex) add(r *kbRow, idx desk.KBIndex) {
	x.remove(r.id)
	doc := uint32(len(x.docs))
	n := len(idx.Title) + len(idx.Body)
	x.docs = append(x.docs, kbDoc{row: r, updated: r.updatedAt.UnixMicro()})
	x.lengths = append(x.lengths, uint32(n))
	x.byID[r.id] = doc
	x.mark(int64(doc), true)
	x.alive++
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
			// A word of a text may hold the whole text in memory.
			w = strings.Clone(w)
			p = &kbPostings{last: -1}
			x.terms[w] = p
			x.vocab, x.sorted = append(x.vocab, w), false
			stem := idx.Stems[w]
			x.stems[stem] = append(x.stems[stem], w)
			x.unsorted[stem] = true
		}
		if p.n%kbSkipEvery == 0 {
			p.skips = append(p.skips, kbSkip{prev: p.last, off: len(p.data)})
		}
		p.n++
		p.data = binary.AppendUvarint(p.data, uint64(int64(doc)-p.last-1))
		p.data = binary.AppendUvarint(p.data, uint64(len(at[0])))
		p.data = binary.AppendUvarint(p.data, uint64(len(at[1])))
		p.data = binary.AppendUvarint(p.data, uint64(len(buf)))
		p.data = append(p.data, buf...)
		p.last = int64(doc)
	}
}

// sort puts the vocabulary in order after words were added.
func (x *kbIndex) sort() {
	if !x.sorted {
		slices.Sort(x.vocab)
		x.sorted = true
	}
	for stem := range x.unsorted {
		slices.Sort(x.stems[stem])
	}
	clear(x.unsorted)
}

// kbVocabulary is the index's vocabulary as the knowledge area asks for
// it (the store's tables answer the same questions, kb.go).
type kbVocabulary struct{ x *kbIndex }

// KBTermsOfStems returns, for each stem, the index's words of that stem.
func (v kbVocabulary) KBTermsOfStems(_ context.Context, stems []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, stem := range stems {
		if ws := v.x.stems[stem]; len(ws) > 0 {
			out[stem] = ws
		}
	}
	return out, nil
}

// KBTermsLike returns up to limit words that fit a wildcard pattern (*
// any characters, ? one), shortest first, then in byte order: a literal
// start reads that range of the words, else every word holding the
// pattern's longest literal part is tried.
func (v kbVocabulary) KBTermsLike(_ context.Context, pattern string, limit int) ([]string, error) {
	words := v.x.vocab
	prefix := pattern[:strings.IndexAny(pattern, "*?")]
	if prefix != "" {
		lo, _ := slices.BinarySearch(words, prefix)
		hi := lo
		for hi < len(words) && strings.HasPrefix(words[hi], prefix) {
			hi++
		}
		words = words[lo:hi]
	}
	literal := ""
	for part := range strings.FieldsFuncSeq(pattern, func(r rune) bool { return r == '*' || r == '?' }) {
		if len(part) > len(literal) {
			literal = part
		}
	}
	var out []string
	for _, w := range words {
		// The words and the pattern hold letters and digits alone (and
		// the pattern * and ?), so path.Match reads it as GLOB does.
		if strings.Contains(w, literal) {
			if ok, _ := path.Match(pattern, w); ok {
				out = append(out, w)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		if c := cmpInt(int64(utf8.RuneCountInString(a)), int64(utf8.RuneCountInString(b))); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return out[:min(limit, len(out))], nil
}

// remove marks an item's document dead.
func (x *kbIndex) remove(id int64) {
	doc, ok := x.byID[id]
	if !ok {
		return
	}
	delete(x.byID, id)
	x.mark(int64(doc), false)
	x.docs[doc].dead = true
	x.alive--
	x.words -= int(x.lengths[doc])
}

// wasteful reports whether dead documents outnumber the live ones: the
// index is then better read again.
func (x *kbIndex) wasteful() bool { return len(x.docs)-x.alive > max(x.alive, 1000) }

// kbBits is a set of documents, one bit each.
type kbBits []uint64

func (x *kbIndex) bits() kbBits { return make(kbBits, (len(x.docs)+63)/64) }

// A set may be shorter than the index's documents (the sets of values
// grow as documents are added): the documents past its end are not in it.

func (b kbBits) set(doc int64)      { b[doc>>6] |= 1 << (doc & 63) }
func (b kbBits) has(doc int64) bool { return int(doc>>6) < len(b) && b[doc>>6]&(1<<(doc&63)) != 0 }

func (b kbBits) clear(doc int64) {
	if int(doc>>6) < len(b) {
		b[doc>>6] &^= 1 << (doc & 63)
	}
}

// with is the set with doc in it, grown to hold it.
func (b kbBits) with(doc int64) kbBits {
	for int(doc>>6) >= len(b) {
		b = append(b, 0)
	}
	b.set(doc)
	return b
}

func (b kbBits) and(o kbBits) {
	for i := range b {
		if i < len(o) {
			b[i] &= o[i]
		} else {
			b[i] = 0
		}
	}
}

func (b kbBits) or(o kbBits) {
	for i := range min(len(b), len(o)) {
		b[i] |= o[i]
	}
}

func (b kbBits) andNot(o kbBits) {
	for i := range min(len(b), len(o)) {
		b[i] &^= o[i]
	}
}

// countAnd is the size of the sets' intersection.
func (b kbBits) countAnd(o kbBits) int {
	n := 0
	for i := range min(len(b), len(o)) {
		n += bits.OnesCount64(b[i] & o[i])
	}
	return n
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
	data  []byte
	skips []kbSkip
	off   int
	sk    int
	doc   int64
	tf    [2]int
	pos   []byte
}

func (x *kbIndex) cursor(w string) *kbCursor {
	c := &kbCursor{doc: -1}
	if p := x.terms[w]; p != nil {
		c.data, c.skips = p.data, p.skips
	}
	return c
}

// leap moves to the last skip before doc when it is ahead: the cursor is
// then before a document earlier than doc, and next reads on from there.
func (c *kbCursor) leap(doc int64) {
	// skips[sk] is the first skip ahead of the cursor: when its block
	// begins at or after doc, there is nothing to leap over (the common
	// case of cursors moving together document by document).
	for c.sk < len(c.skips) && c.skips[c.sk].off <= c.off {
		c.sk++
	}
	if c.sk == len(c.skips) || c.skips[c.sk].prev+1 >= doc {
		return
	}
	i, _ := slices.BinarySearchFunc(c.skips[c.sk:], doc, func(s kbSkip, d int64) int { return cmpInt(s.prev+1, d) })
	// skips[i-1], ahead of the cursor, is the last whose first document
	// is before doc.
	i += c.sk
	c.off, c.doc, c.sk = c.skips[i-1].off, c.skips[i-1].prev, i
}

func (c *kbCursor) uvarint() int {
	if b := c.data[c.off]; b < 0x80 { // most are small
		c.off++
		return int(b)
	}
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
	if c.doc < doc {
		c.leap(doc)
	}
	for c.doc < doc {
		if !c.next() {
			return false
		}
	}
	return c.doc == doc
}

// positions decodes the current document's positions in one column:
// the title's are first, so the body's are read past them.
func (c *kbCursor) positions(col int, buf []int) []int {
	buf = buf[:0]
	off, n := 0, c.tf[0]
	if col == 1 {
		for range c.tf[0] {
			for c.pos[off] >= 0x80 {
				off++
			}
			off++
		}
		n = c.tf[1]
	}
	p := 0
	for range n {
		if b := c.pos[off]; b < 0x80 {
			off++
			p += int(b)
		} else {
			v, k := binary.Uvarint(c.pos[off:])
			off += k
			p += int(v)
		}
		buf = append(buf, p)
	}
	return buf
}

// kbEval runs one match tree over the index.
type kbEval struct {
	x    *kbIndex
	live kbBits
	// leaves are the tree's sequences and NEARs that find (not under a
	// NOT), with what each finds: what relevance weighs; idf is each
	// one's weight and avg the documents' mean length, worked out once.
	leaves []kbLeaf
	idf    []float64
	avg    float64
	scored bool
}

type kbLeaf struct {
	m    desk.KBMatch
	docs kbBits
	// hits is, by document, the leaf's count in the title times its
	// weight plus its count in the body.
	hits []float32
}

// eval readies m to be matched; scored says the leaves' hits are kept
// for relevance.
func (x *kbIndex) eval(scored bool) *kbEval {
	live := x.bits()
	live.or(x.live)
	return &kbEval{x: x, live: live, scored: scored}
}

// match is the set of live documents m finds. finds says m is not under a
// NOT: its leaves are kept for relevance.
func (e *kbEval) match(m desk.KBMatch, finds bool) kbBits {
	switch m := m.(type) {
	case desk.KBMatchSeq, desk.KBMatchNear:
		var hits []float32
		if finds && e.scored {
			hits = e.x.counting()
		}
		var b kbBits
		if seq, ok := m.(desk.KBMatchSeq); ok && len(seq.Words) == 1 {
			b = e.anyOf(slices.Compact(slices.Sorted(slices.Values(seq.Words[0]))), hits)
		} else {
			b = e.verify(m, hits)
		}
		if finds {
			e.leaves = append(e.leaves, kbLeaf{m: m, docs: b, hits: hits})
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

// anyOf is the set of live documents holding any of the words (each one
// once), their counts added to hits when it is given.
func (e *kbEval) anyOf(words []string, hits []float32) kbBits {
	out := e.x.bits()
	kbParallel(e.x.shards(), func(lo, hi int64) {
		for _, w := range words {
			c := e.x.cursor(w)
			c.leap(lo)
			for c.next() && c.doc < hi {
				if c.doc < lo {
					continue
				}
				out.set(c.doc)
				if hits != nil {
					hits[c.doc] += float32(kbTitleWeight*c.tf[0] + c.tf[1])
				}
			}
		}
	})
	out.and(e.live)
	return out
}

// kbShardMin is the fewest documents a search shares out among the cores.
var kbShardMin = 16384

// shards splits the documents into ranges, one a core when there are
// many, each but the last a multiple of 64 documents long (so no two
// ranges share a word of a set).
func (x *kbIndex) shards() [][2]int64 {
	n, p := int64(len(x.docs)), int64(runtime.GOMAXPROCS(0))
	if n < int64(kbShardMin) || p == 1 {
		return [][2]int64{{0, n}}
	}
	size := ((n+p-1)/p + 63) &^ 63
	var out [][2]int64
	for lo := int64(0); lo < n; lo += size {
		out = append(out, [2]int64{lo, min(lo+size, n)})
	}
	return out
}

// kbParallel runs fn on every range at once.
func kbParallel(shards [][2]int64, fn func(lo, hi int64)) {
	if len(shards) == 1 {
		fn(shards[0][0], shards[0][1])
		return
	}
	var wg sync.WaitGroup
	for _, r := range shards {
		wg.Go(func() { fn(r[0], r[1]) })
	}
	wg.Wait()
}

// verify is the set of live documents where a phrase or a NEAR stands:
// the documents holding a word of each of its positions, found by moving
// the words' cursors forward together, whose positions agree; their hits
// go into hits when it is given.
func (e *kbEval) verify(m desk.KBMatch, hits []float32) kbBits {
	found := e.x.bits()
	kbParallel(e.x.shards(), func(lo, hi int64) {
		sc := e.x.scanner(m)
		groups := append(slices.Clip(sc.seq), sc.right...)
		if len(groups) == 0 {
			return
		}
		// at is the first document at or after target where a word of
		// the group stands.
		at := func(g []int, target int64) int64 {
			first := int64(math.MaxInt64)
			for _, w := range g {
				c := sc.words[w].c
				if c.doc < target {
					c.leap(target)
				}
				for c.doc < target {
					c.next()
				}
				first = min(first, c.doc)
			}
			return first
		}
		for target := lo; target < hi; {
			agreed := true
			for _, g := range groups {
				if d := at(g, target); d != target {
					target, agreed = max(target, d), false
				}
			}
			if !agreed {
				continue
			}
			if e.live.has(target) {
				if h := sc.hits(target); h[0]+h[1] > 0 {
					found.set(target)
					if hits != nil {
						hits[target] = float32(kbTitleWeight*h[0] + h[1])
					}
				}
			}
			target++
		}
	})
	return found
}

// kbScanner counts where one sequence or NEAR stands in a document, its
// words' cursors moving forward document by document. Its sequences name
// their words by their place in words.
type kbScanner struct {
	words              []kbWordAt
	near               bool
	seq, right         [][]int
	distance           int
	starts, ends, next []int
}

type kbWordAt struct {
	c       *kbCursor
	here    bool
	decoded [2]bool
	pos     [2][]int
}

func (x *kbIndex) scanner(m desk.KBMatch) *kbScanner {
	sc := &kbScanner{}
	at := map[string]int{}
	seq := func(s desk.KBMatchSeq) [][]int {
		out := make([][]int, len(s.Words))
		for i, alts := range s.Words {
			for _, w := range alts {
				n, ok := at[w]
				if !ok {
					n = len(sc.words)
					at[w] = n
					sc.words = append(sc.words, kbWordAt{c: x.cursor(w)})
				}
				if !slices.Contains(out[i], n) {
					out[i] = append(out[i], n)
				}
			}
		}
		return out
	}
	switch m := m.(type) {
	case desk.KBMatchSeq:
		sc.seq = seq(m)
	case desk.KBMatchNear:
		sc.near, sc.seq, sc.right, sc.distance = true, seq(m.Left), seq(m.Right), m.Distance
	}
	return sc
}

// hits counts, in each column of doc, the positions where the sequence
// starts (a single word: its occurrences), or the left side's starts with
// the right side near (NEAR). Documents must come in increasing order.
func (sc *kbScanner) hits(doc int64) [2]int {
	for i := range sc.words {
		w := &sc.words[i]
		w.here = w.c.seek(doc)
		w.decoded = [2]bool{}
	}
	var out [2]int
	for col := range out {
		switch {
		case !sc.near && len(sc.seq) == 1:
			for _, w := range sc.seq[0] {
				if at := &sc.words[w]; at.here {
					out[col] += at.c.tf[col]
				}
			}
		case !sc.near:
			sc.starts = sc.startsOf(col, sc.seq, sc.starts[:0])
			out[col] = len(sc.starts)
		default:
			sc.starts = sc.startsOf(col, sc.seq, sc.starts[:0])
			if len(sc.starts) == 0 {
				continue
			}
			sc.ends = sc.startsOf(col, sc.right, sc.ends[:0])
			// b is near a when max(b-(a+l), a-(b+r)) <= distance: b
			// within [a-r-distance, a+l+distance]; both lists in order.
			l, r := len(sc.seq), len(sc.right)
			j := 0
			for _, a := range sc.starts {
				for j < len(sc.ends) && sc.ends[j] < a-r-sc.distance {
					j++
				}
				if j < len(sc.ends) && sc.ends[j] <= a+l+sc.distance {
					out[col]++
				}
			}
		}
	}
	return out
}

// at is a word's positions in a column of the current document (none when
// the word is not there).
func (sc *kbScanner) at(col, w int) []int {
	a := &sc.words[w]
	if !a.here {
		return nil
	}
	if !a.decoded[col] {
		a.pos[col] = a.c.positions(col, a.pos[col])
		a.decoded[col] = true
	}
	return a.pos[col]
}

// startsOf appends the positions of a column at which seq begins, as
// desk.KBPositions finds them: the first position's places, kept where
// each later one's words stand as far on.
func (sc *kbScanner) startsOf(col int, seq [][]int, out []int) []int {
	if len(seq) == 0 {
		return out
	}
	// A position none of whose words is in the column ends it before
	// any positions are decoded (most items hold the words in the body
	// only).
	for _, alts := range seq {
		if !sc.inColumn(col, alts) {
			return out
		}
	}
	from := len(out)
	out = sc.union(col, seq[0], out)
	for i := 1; i < len(seq) && len(out) > from; i++ {
		next := sc.at(col, seq[i][0])
		if len(seq[i]) > 1 {
			sc.next = sc.union(col, seq[i], sc.next[:0])
			next = sc.next
		}
		k, j := from, 0
		for _, a := range out[from:] {
			for j < len(next) && next[j] < a+i {
				j++
			}
			if j < len(next) && next[j] == a+i {
				out[k] = a
				k++
			}
		}
		out = out[:k]
	}
	return out
}

// inColumn reports whether any of the words is in a column of the
// current document.
func (sc *kbScanner) inColumn(col int, words []int) bool {
	for _, w := range words {
		if a := &sc.words[w]; a.here && a.c.tf[col] > 0 {
			return true
		}
	}
	return false
}

// union appends the places of a column where any of the words stands, in
// order (one word stands at each place).
func (sc *kbScanner) union(col int, words []int, out []int) []int {
	from := len(out)
	for _, w := range words {
		at := sc.at(col, w)
		if len(at) == 0 {
			continue
		}
		if len(out) == from || out[len(out)-1] < at[0] {
			out = append(out, at...)
			continue
		}
		// Merged from the back, in place: out grows by at, and its
		// places and at's fill it from the end down.
		n := len(out)
		out = append(out, at...)
		i, j := n-1, len(at)-1
		for k := len(out) - 1; j >= 0; k-- {
			if i >= from && out[i] > at[j] {
				out[k] = out[i]
				i--
			} else {
				out[k] = at[j]
				j--
			}
		}
	}
	return out
}

// BM25's constants, and the title's weight against the body's (as the
// engines weigh them: bm25(kb_fts, 10.0, 1.0), ts_rank's A and D).
const (
	kbK1, kbB     = 1.2, 0.75
	kbTitleWeight = 10
)

// score is a document's relevance: BM25 summed over the leaves that
// find, each leaf one term, counted title ten times over the body, with
// the documents' lengths in words.
func (e *kbEval) score(doc int64) float64 {
	if e.idf == nil {
		e.idf = make([]float64, len(e.leaves))
		for i, l := range e.leaves {
			df := float64(l.docs.count())
			e.idf[i] = math.Log(1 + (float64(e.x.alive)-df+0.5)/(df+0.5))
		}
		e.avg = float64(e.x.words) / float64(max(e.x.alive, 1))
	}
	out := 0.0
	norm := kbK1 * (1 - kbB + kbB*float64(e.x.lengths[doc])/max(e.avg, 1))
	for i, l := range e.leaves {
		if h := float64(l.hits[doc]); h > 0 {
			out += e.idf[i] * h * (kbK1 + 1) / (h + norm)
		}
	}
	return out
}

// search answers a search from the index alone: its hits, ordered as far
// as Offset+Limit, their total and every filter's counts (a value's count
// is the size of its set among the matches that pass the other filters).
func (x *kbIndex) search(s desk.KBSearch) (hits []kbHit, total int, facets map[desk.KBFacet][]desk.KBFacetCount) {
	var e *kbEval
	matches := x.bits()
	if s.Match == nil {
		matches.or(x.live)
	} else {
		e = x.eval(s.Sort == desk.KBByRelevance)
		defer e.done()
		matches = e.match(s.Match, true)
	}
	if !s.Staff {
		matches.andNot(x.staffOnly)
	}
	if !s.UpdatedAfter.IsZero() {
		matches.each(func(doc int64) {
			if !x.docs[doc].row.updatedAt.After(s.UpdatedAfter) {
				matches.clear(doc)
			}
		})
	}
	filters := map[desk.KBFacet]kbBits{}
	anyOf := func(f desk.KBFacet, sets []kbBits) {
		if len(sets) > 0 {
			b := x.bits()
			for _, set := range sets {
				b.or(set)
			}
			filters[f] = b
		}
	}
	anyOf(desk.KBFacetSource, kbSets(x.sources, s.Sources))
	anyOf(desk.KBFacetType, kbSets(x.types, s.Types))
	anyOf(desk.KBFacetProductLine, kbSets(x.lines, s.ProductLines))
	anyOf(desk.KBFacetProduct, kbSets(x.products, s.Products))
	passing := func(except desk.KBFacet) kbBits {
		b := slices.Clone(matches)
		for f, set := range filters {
			if f != except {
				b.and(set)
			}
		}
		return b
	}
	counts := map[desk.KBFacet]map[string]int{}
	count := func(f desk.KBFacet, value func(yield func(string, kbBits) bool)) {
		base, out := passing(f), map[string]int{}
		for v, set := range value {
			if n := base.countAnd(set); n > 0 {
				out[v] = n
			}
		}
		counts[f] = out
	}
	count(desk.KBFacetSource, kbValues(x.sources, func(v desk.KBSource) string { return string(v) }))
	count(desk.KBFacetType, kbValues(x.types, func(v desk.KBArticleType) string { return string(v) }))
	count(desk.KBFacetProductLine, kbValues(x.lines, func(v int64) string { return strconv.FormatInt(v, 10) }))
	count(desk.KBFacetProduct, kbValues(x.products, func(v int64) string { return strconv.FormatInt(v, 10) }))
	found := passing("")
	total = found.count()
	scored := e != nil && s.Sort == desk.KBByRelevance
	hit := func(doc int64) kbHit {
		h := kbHit{kbRow: x.docs[doc].row}
		if scored {
			h.score = e.score(doc)
		}
		return h
	}
	n := s.Offset + s.Limit
	if n <= 0 || n*8 > total {
		hits = make([]kbHit, 0, total)
		found.each(func(doc int64) { hits = append(hits, hit(doc)) })
		kbOrder(hits, s.Sort, s.Match != nil, n)
		return hits, total, kbFacetLists(counts)
	}
	// The first n, chosen as they come (kbOrder's order).
	cmp := kbCompare(s.Sort, s.Match != nil)
	hits = make([]kbHit, 0, n)
	// behind reports, from what the index holds of a document, that it
	// comes after the last of the first n (most do; the rest are compared
	// in full).
	behind := func(doc int64, score float64) bool {
		last := &hits[n-1]
		if scored {
			return score < last.score
		}
		at, other := x.docs[doc].updated, last.updatedAt.UnixMicro()
		if s.Sort == desk.KBOldest {
			return at > other
		}
		return at < other
	}
	found.each(func(doc int64) {
		score := 0.0
		if scored {
			score = e.score(doc)
		}
		if len(hits) == n && behind(doc, score) {
			return
		}
		h := kbHit{kbRow: x.docs[doc].row, score: score}
		if len(hits) == n && cmp(&h, &hits[n-1]) >= 0 {
			return
		}
		if len(hits) < n {
			hits = append(hits, h)
		}
		j := len(hits) - 1
		for j > 0 && cmp(&h, &hits[j-1]) < 0 {
			hits[j] = hits[j-1]
			j--
		}
		hits[j] = h
	})
	return hits, total, kbFacetLists(counts)
}

// counting is a zeroed list of counts by document.
func (x *kbIndex) counting() []float32 {
	if p, ok := x.counts.Get().(*[]float32); ok && len(*p) == len(x.docs) {
		return *p
	}
	return make([]float32, len(x.docs))
}

// done gives back what the evaluation took from its index.
func (e *kbEval) done() {
	for _, l := range e.leaves {
		if l.hits != nil {
			clear(l.hits)
			e.x.counts.Put(&l.hits)
		}
	}
}

// kbSets are the sets of some values.
func kbSets[T comparable](sets map[T]kbBits, values []T) []kbBits {
	out := make([]kbBits, 0, len(values))
	for _, v := range values {
		out = append(out, sets[v])
	}
	return out
}

// kbValues walks a filter's values as text with their sets.
func kbValues[T comparable](sets map[T]kbBits, text func(T) string) func(yield func(string, kbBits) bool) {
	return func(yield func(string, kbBits) bool) {
		for v, set := range sets {
			if !yield(text(v), set) {
				return
			}
		}
	}
}

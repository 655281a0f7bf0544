package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// Knowledge items and their search. The knowledge area hands the store an
// item's words (desk.KBIndex) and a query already expanded into index
// words (desk.KBMatch); the store keeps the index in the item's
// transaction and translates the tree for its engine: an FTS5 MATCH
// expression on SQLite, a tsquery on PostgreSQL. Both indexes hold the
// same words at the same positions, so both engines find the same items.

const kbItemColumns = `i.id, i.source, i.article_type, i.product_line_id, i.state, i.title, i.summary, i.body,
	i.version, i.created_at, i.created_by, i.updated_at, i.updated_by, i.published_at`

func scanKBItem(sc scanner, it *desk.KBItem) error {
	var source, typ, state string
	err := sc.Scan(&it.ID, &source, &typ, nullInt{&it.ProductLineID}, &state, &it.Title, &it.Summary, &it.Body,
		&it.Version, &it.CreatedAt, nullInt{&it.CreatedBy}, &it.UpdatedAt, nullInt{&it.UpdatedBy}, nullTime{&it.PublishedAt})
	it.Source, it.Type, it.State = desk.KBSource(source), desk.KBArticleType(typ), desk.KBState(state)
	it.CreatedAt, it.UpdatedAt = it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	return err
}

// KBItem reads one knowledge item with its products.
func (s *Store) KBItem(ctx context.Context, itemID int64) (*desk.KBItem, error) {
	return kbItem(ctx, s.read(), itemID)
}

// KBItem reads one knowledge item as the transaction sees it.
func (tx *Tx) KBItem(ctx context.Context, itemID int64) (*desk.KBItem, error) {
	return kbItem(ctx, tx.q(), itemID)
}

func kbItem(ctx context.Context, q q, itemID int64) (*desk.KBItem, error) {
	var it desk.KBItem
	if err := scanKBItem(q.row(ctx, `SELECT `+kbItemColumns+` FROM kb_items i WHERE i.id = ?`, itemID), &it); err != nil {
		return nil, notFound(err, fmt.Sprintf("knowledge item %d", itemID))
	}
	products, err := kbProducts(ctx, q, []int64{itemID})
	if err != nil {
		return nil, err
	}
	it.ProductIDs = products[itemID]
	return &it, nil
}

// kbProducts reads the products of some items, each list in ID order.
func kbProducts(ctx context.Context, q q, itemIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(itemIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(itemIDs))
	for i, v := range itemIDs {
		args[i] = v
	}
	rows, err := q.query(ctx, `SELECT item_id, product_id FROM kb_item_products WHERE item_id IN (`+
		placeholders(len(itemIDs))+`) ORDER BY item_id, product_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("knowledge products: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var item, product int64
		if err := rows.Scan(&item, &product); err != nil {
			return nil, fmt.Errorf("knowledge products: %w", err)
		}
		out[item] = append(out[item], product)
	}
	return out, rows.Err()
}

// SaveKBItem creates an item (it.ID zero: it.ID and Version 1 are set) or
// writes a new version of one (it.Version is the version the change was
// made on, and moves on by one; an item changed meanwhile is a
// desk.ErrStale), with its products, its version row and its index, all
// in the transaction. note says what the change was.
func (tx *Tx) SaveKBItem(ctx context.Context, it *desk.KBItem, idx desk.KBIndex, note string) error {
	q := tx.q()
	staffOnly := it.StaffOnly()
	if it.ID == 0 {
		if err := tx.insertKBItem(ctx, it, idx); err != nil {
			return err
		}
	} else {
		seen := it.Version
		it.Version++
		args := []any{
			string(it.Source), string(it.Type), id(it.ProductLineID), string(it.State), staffOnly,
			it.Title, it.Summary, it.Body, it.Version, ts(it.UpdatedAt), id(it.UpdatedBy), ts(it.PublishedAt),
		}
		args = tx.d.kbSearchArgs(idx, args...)
		args = append(args, it.ID, seen)
		res, err := q.exec(ctx, `UPDATE kb_items SET source = ?, article_type = ?, product_line_id = ?, state = ?, staff_only = ?,
			title = ?, summary = ?, body = ?, version = ?, updated_at = ?, updated_by = ?, published_at = ?`+tx.d.kbSearchSet()+`
			WHERE id = ? AND version = ?`, args...)
		if err != nil {
			return fmt.Errorf("update knowledge item %d: %w", it.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("update knowledge item %d: %w", it.ID, err)
		} else if n == 0 {
			if _, err := kbItem(ctx, q, it.ID); err != nil {
				return err
			}
			return desk.Refuse(desk.ErrStale, "desk.kb.item.stale")
		}
		if _, err := q.exec(ctx, `DELETE FROM kb_item_products WHERE item_id = ?`, it.ID); err != nil {
			return fmt.Errorf("knowledge item %d products: %w", it.ID, err)
		}
	}
	it.ProductIDs = slices.Compact(slices.Sorted(slices.Values(it.ProductIDs)))
	for _, p := range it.ProductIDs {
		if _, err := q.exec(ctx, `INSERT INTO kb_item_products (item_id, product_id) VALUES (?, ?)`, it.ID, p); err != nil {
			return fmt.Errorf("knowledge item %d product %d: %w", it.ID, p, err)
		}
	}
	if _, err := q.exec(ctx, `INSERT INTO kb_versions (`+kbVersionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		kbVersionArgs(it, note)...); err != nil {
		return fmt.Errorf("knowledge item %d version %d: %w", it.ID, it.Version, err)
	}
	if err := tx.kbIndex(ctx, it.ID, it.Version > 1, idx); err != nil {
		return err
	}
	return tx.kbTerms(ctx, idx.Stems)
}

// insertKBItem writes a new item's row (and, on PostgreSQL, its index):
// it.ID is set, and Version 1.
func (tx *Tx) insertKBItem(ctx context.Context, it *desk.KBItem, idx desk.KBIndex) error {
	it.Version = 1
	err := tx.q().row(ctx, `INSERT INTO kb_items (source, article_type, product_line_id, state, staff_only, title, summary, body,
		version, created_at, created_by, updated_at, updated_by, published_at`+tx.d.kbSearchColumn()+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?`+tx.d.kbSearchValue()+`) RETURNING id`,
		tx.d.kbSearchArgs(idx, string(it.Source), string(it.Type), id(it.ProductLineID), string(it.State), it.StaffOnly(),
			it.Title, it.Summary, it.Body, it.Version, ts(it.CreatedAt), id(it.CreatedBy), ts(it.UpdatedAt), id(it.UpdatedBy),
			ts(it.PublishedAt))...).Scan(&it.ID)
	if err != nil {
		return fmt.Errorf("create knowledge item: %w", err)
	}
	return nil
}

const kbVersionColumns = `item_id, version, source, article_type, product_line_id, products, state,
	title, summary, body, changed_at, changed_by, note`

// kbVersionArgs are the values of an item's version row as it is now
// (its products sorted and without repeats).
func kbVersionArgs(it *desk.KBItem, note string) []any {
	list := make([]string, len(it.ProductIDs))
	for i, p := range it.ProductIDs {
		list[i] = strconv.FormatInt(p, 10)
	}
	return []any{
		it.ID, it.Version, string(it.Source), string(it.Type), id(it.ProductLineID), strings.Join(list, ","), string(it.State),
		it.Title, it.Summary, it.Body, ts(it.UpdatedAt), id(it.UpdatedBy), note,
	}
}

// On PostgreSQL the item's row holds its index (kb_items.search), written
// with the row; SQLite keeps it in kb_fts (kbIndex).
func (d dialect) kbSearchColumn() string {
	if d.name == "postgres" {
		return ", search"
	}
	return ""
}

func (d dialect) kbSearchValue() string {
	if d.name == "postgres" {
		return ", CAST(? AS tsvector)"
	}
	return ""
}

func (d dialect) kbSearchSet() string {
	if d.name == "postgres" {
		return ", search = CAST(? AS tsvector)"
	}
	return ""
}

func (d dialect) kbSearchArgs(idx desk.KBIndex, args ...any) []any {
	if d.name == "postgres" {
		return append(args, tsVector(idx))
	}
	return args
}

// tsVector writes an item's words as a tsvector literal with their
// positions: the title's from 1 with weight A, the body's after a gap of
// desk.KBColumnGap with weight D. PostgreSQL keeps positions up to 16,383
// (a longer text's last words share that position) and 256 positions of
// one word.
func tsVector(idx desk.KBIndex) string {
	const maxPos, maxPositions = 16383, 256
	at := map[string]*[2][]int{}
	add := func(words []string, first int, col int) {
		for i, w := range words {
			p := min(first+i, maxPos)
			o := at[w]
			if o == nil {
				o = &[2][]int{}
				at[w] = o
			}
			if n := len(o[0]) + len(o[1]); n < maxPositions {
				o[col] = append(o[col], p)
			}
		}
	}
	add(idx.Title, 1, 0)
	add(idx.Body, len(idx.Title)+1+desk.KBColumnGap, 1)
	var b strings.Builder
	for _, w := range slices.Sorted(maps.Keys(at)) {
		o := at[w]
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tsLexeme(w))
		b.WriteByte(':')
		first := true
		for col, weight := range []string{"A", ""} {
			for _, p := range o[col] {
				if !first {
					b.WriteByte(',')
				}
				first = false
				b.WriteString(strconv.Itoa(p))
				b.WriteString(weight)
			}
		}
	}
	return b.String()
}

// tsLexeme quotes a word for a tsvector or tsquery literal.
func tsLexeme(w string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(w) + "'"
}

// kbIndex writes an item's words into SQLite's FTS5 table (replacing what
// it held when the item existed). PostgreSQL wrote them with the row.
func (tx *Tx) kbIndex(ctx context.Context, itemID int64, existed bool, idx desk.KBIndex) error {
	if tx.d.name == "postgres" {
		return nil
	}
	q := tx.q()
	if existed {
		if _, err := q.exec(ctx, `DELETE FROM kb_fts WHERE rowid = ?`, itemID); err != nil {
			return fmt.Errorf("knowledge item %d index: %w", itemID, err)
		}
	}
	if _, err := q.exec(ctx, `INSERT INTO kb_fts (rowid, title, body) VALUES (?, ?, ?)`,
		itemID, strings.Join(idx.Title, " "), strings.Join(idx.Body, " ")); err != nil {
		return fmt.Errorf("knowledge item %d index: %w", itemID, err)
	}
	return nil
}

// kbTerms adds the words the vocabulary does not hold yet, in word order
// (two transactions adding the same new words on PostgreSQL then wait for
// each other in one order, never in a circle).
func (tx *Tx) kbTerms(ctx context.Context, stems map[string]string) error {
	const batch = 200
	words := slices.Sorted(maps.Keys(stems))
	for len(words) > 0 {
		n := min(batch, len(words))
		args := make([]any, 0, 2*n)
		for _, w := range words[:n] {
			args = append(args, w, stems[w])
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO kb_terms (term, stem) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?), ", n), ", ")+` ON CONFLICT (term) DO NOTHING`, args...); err != nil {
			return fmt.Errorf("knowledge vocabulary: %w", err)
		}
		words = words[n:]
	}
	return nil
}

// KBTermsOfStems returns, for each stem, the index's words of that stem.
func (s *Store) KBTermsOfStems(ctx context.Context, stems []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(stems) == 0 {
		return out, nil
	}
	args := make([]any, len(stems))
	for i, v := range stems {
		args[i] = v
	}
	rows, err := s.read().query(ctx, `SELECT stem, term FROM kb_terms WHERE stem IN (`+placeholders(len(stems))+`) ORDER BY stem, term`, args...)
	if err != nil {
		return nil, fmt.Errorf("knowledge vocabulary: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var stem, term string
		if err := rows.Scan(&stem, &term); err != nil {
			return nil, fmt.Errorf("knowledge vocabulary: %w", err)
		}
		out[stem] = append(out[stem], term)
	}
	return out, rows.Err()
}

// KBTermsLike returns up to limit words of the index that fit a wildcard
// pattern (* any characters, ? one), shortest first, then in byte order:
// the words closest to what was typed. A pattern with a literal start
// reads that range of the vocabulary's key; one that starts with a
// wildcard reads the trigram index when it holds three letters in a row
// (on PostgreSQL the planner chooses), else the whole vocabulary.
func (s *Store) KBTermsLike(ctx context.Context, pattern string, limit int) ([]string, error) {
	var query string
	var args []any
	if s.dialect.name == "postgres" {
		like := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`, `*`, `%`, `?`, `_`).Replace(pattern)
		query, args = `SELECT term FROM kb_terms WHERE term LIKE ? ORDER BY length(term), term LIMIT ?`, []any{like, limit}
	} else {
		prefix := pattern[:strings.IndexAny(pattern, "*?")]
		switch {
		case prefix != "":
			query = `SELECT term FROM kb_terms WHERE term >= ? AND term < ? AND term GLOB ? ORDER BY length(term), term LIMIT ?`
			args = []any{prefix, prefix + "\U0010FFFF", pattern, limit}
		case longestLiteral(pattern) >= 3:
			query = `SELECT term FROM kb_terms_trigrams WHERE term GLOB ? ORDER BY length(term), term LIMIT ?`
			args = []any{pattern, limit}
		default:
			query = `SELECT term FROM kb_terms WHERE term GLOB ? ORDER BY length(term), term LIMIT ?`
			args = []any{pattern, limit}
		}
	}
	rows, err := s.read().query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("knowledge vocabulary %q: %w", pattern, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("knowledge vocabulary %q: %w", pattern, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// longestLiteral is the length in characters of the longest run of a
// pattern without wildcards.
func longestLiteral(pattern string) int {
	best := 0
	for part := range strings.FieldsFuncSeq(pattern, func(r rune) bool { return r == '*' || r == '?' }) {
		best = max(best, len([]rune(part)))
	}
	return best
}

// ftsMatch writes a match tree as an FTS5 expression: words quoted, a
// phrase as one quoted string, NEAR groups for nearness (one per pair of
// the sides' words: FTS5's NEAR takes phrases, not alternatives).
func ftsMatch(m desk.KBMatch) string {
	switch m := m.(type) {
	case desk.KBMatchSeq:
		alts := seqPhrases(m)
		if len(alts) == 1 {
			return alts[0]
		}
		return "(" + strings.Join(alts, " OR ") + ")"
	case desk.KBMatchNear:
		var groups []string
		for _, l := range seqPhrases(m.Left) {
			for _, r := range seqPhrases(m.Right) {
				groups = append(groups, "NEAR("+l+" "+r+", "+strconv.Itoa(m.Distance)+")")
			}
		}
		if len(groups) == 1 {
			return groups[0]
		}
		return "(" + strings.Join(groups, " OR ") + ")"
	case desk.KBMatchOr:
		parts := make([]string, len(m.Parts))
		for i, p := range m.Parts {
			parts[i] = ftsMatch(p)
		}
		return "(" + strings.Join(parts, " OR ") + ")"
	case desk.KBMatchAnd:
		var finds, leaves []string
		for _, p := range m.Parts {
			if not, ok := p.(desk.KBMatchNot); ok {
				leaves = append(leaves, ftsMatch(not.Part))
				continue
			}
			finds = append(finds, ftsMatch(p))
		}
		out := "(" + strings.Join(finds, " AND ") + ")"
		if len(leaves) > 0 {
			out = "(" + out + " NOT (" + strings.Join(leaves, " OR ") + "))"
		}
		return out
	}
	return `""`
}

// seqPhrases writes a sequence as the FTS5 phrases it stands for: one per
// choice of a word at each position.
func seqPhrases(seq desk.KBMatchSeq) []string {
	phrases := [][]string{nil}
	for _, alts := range seq.Words {
		var next [][]string
		for _, p := range phrases {
			for _, w := range alts {
				next = append(next, append(slices.Clip(p), w))
			}
		}
		phrases = next
	}
	out := make([]string, len(phrases))
	for i, p := range phrases {
		out[i] = `"` + strings.ReplaceAll(strings.Join(p, " "), `"`, `""`) + `"`
	}
	return out
}

// tsMatch writes a match tree as a tsquery literal: a position's words as
// alternatives, a phrase with <->, nearness as the alternatives of the
// distances it allows, in both orders (x <k> y: y starts k positions after
// x ends; at most n words between is k from 1 to n+1).
func tsMatch(m desk.KBMatch) string {
	switch m := m.(type) {
	case desk.KBMatchSeq:
		return tsSeq(m)
	case desk.KBMatchNear:
		l, r := tsSeq(m.Left), tsSeq(m.Right)
		alts := make([]string, 0, 2*(m.Distance+1))
		for k := 1; k <= m.Distance+1; k++ {
			op := " <" + strconv.Itoa(k) + "> "
			alts = append(alts, l+op+r, r+op+l)
		}
		// FTS5 lets the two sides overlap (NEAR(a a) is any a): each way
		// they can is one sequence whose shared positions take the words
		// both sides allow there.
		for _, seq := range nearOverlaps(m) {
			alts = append(alts, tsSeq(seq))
		}
		return "(" + strings.Join(alts, " | ") + ")"
	case desk.KBMatchOr:
		parts := make([]string, len(m.Parts))
		for i, p := range m.Parts {
			parts[i] = tsMatch(p)
		}
		return "(" + strings.Join(parts, " | ") + ")"
	case desk.KBMatchAnd:
		parts := make([]string, len(m.Parts))
		for i, p := range m.Parts {
			if not, ok := p.(desk.KBMatchNot); ok {
				parts[i] = "!" + tsMatch(not.Part)
				continue
			}
			parts[i] = tsMatch(p)
		}
		return "(" + strings.Join(parts, " & ") + ")"
	}
	return "''"
}

// nearOverlaps lists the sequences in which NEAR's two sides overlap:
// the right side starting o positions after the left one starts, for
// every o at which they share a position, merged position by position
// (where both sides stand, the words both allow; an offset where they
// allow none is left out).
func nearOverlaps(m desk.KBMatchNear) []desk.KBMatchSeq {
	l, r := m.Left.Words, m.Right.Words
	var out []desk.KBMatchSeq
	for o := -(len(r) - 1); o <= len(l)-1; o++ {
		from, to := min(0, o), max(len(l)-1, o+len(r)-1)
		seq := desk.KBMatchSeq{}
		ok := true
		for p := from; p <= to && ok; p++ {
			var alts []string
			inL, inR := p >= 0 && p < len(l), p-o >= 0 && p-o < len(r)
			switch {
			case inL && inR:
				for _, w := range l[p] {
					if slices.Contains(r[p-o], w) && !slices.Contains(alts, w) {
						alts = append(alts, w)
					}
				}
				ok = len(alts) > 0
			case inL:
				alts = l[p]
			default:
				alts = r[p-o]
			}
			seq.Words = append(seq.Words, alts)
		}
		if ok {
			out = append(out, seq)
		}
	}
	return out
}

func tsSeq(seq desk.KBMatchSeq) string {
	positions := make([]string, len(seq.Words))
	for i, alts := range seq.Words {
		words := make([]string, len(alts))
		for j, w := range alts {
			words[j] = tsLexeme(w)
		}
		positions[i] = strings.Join(words, " | ")
		if len(words) > 1 {
			positions[i] = "(" + positions[i] + ")"
		}
	}
	if len(positions) == 1 {
		return positions[0]
	}
	return "(" + strings.Join(positions, " <-> ") + ")"
}

// kbRow is what a search reads of each matching item to filter, count and
// order in memory: no text, so the whole matching set is read once.
type kbRow struct {
	id        int64
	version   int
	source    desk.KBSource
	typ       desk.KBArticleType
	line      int64
	products  []int64
	updatedAt time.Time
	staffOnly bool
}

// kbHit is a matching item's row with its score in a search.
type kbHit struct {
	*kbRow
	score float64
}

// SearchKB runs a knowledge search: the items that match (every item
// when there is no match) and that the reader may see, filtered, counted
// per filter value, ordered and cut to a page.
func (s *Store) SearchKB(ctx context.Context, search desk.KBSearch) (desk.KBResults, error) {
	res, _, err := s.SearchKBWith(ctx, func(KBVocabulary) (desk.KBSearch, bool, error) { return search, true, nil })
	return res, err
}

// KBVocabulary is the index's word list, by which a query's words are
// expanded into the index's (the knowledge area's expansion).
type KBVocabulary interface {
	KBTermsOfStems(ctx context.Context, stems []string) (map[string][]string, error)
	KBTermsLike(ctx context.Context, pattern string, limit int) ([]string, error)
}

// SearchKBWith runs the search prepare makes from the vocabulary of the
// index that answers: the memory's at the version it searches, so a word
// just written is found, else the tables'. ran is false (and nothing
// searched) when prepare says nothing can match.
func (s *Store) SearchKBWith(ctx context.Context,
	prepare func(KBVocabulary) (search desk.KBSearch, run bool, err error),
) (res desk.KBResults, ran bool, err error) {
	v, err := s.kbVersion(ctx)
	if err != nil {
		return desk.KBResults{}, false, err
	}
	var search desk.KBSearch
	var hits []kbHit
	prepared := false
	ok, err := s.kbAt(ctx, v, func(_ map[int64]*kbRow, index *kbIndex) error {
		if index == nil {
			return nil
		}
		prepared = true
		if search, ran, err = prepare(kbVocabulary{index}); err != nil || !ran {
			return err
		}
		hits, res.Total, res.Facets = index.search(search)
		return nil
	})
	switch {
	case err != nil:
		return desk.KBResults{}, false, err
	case ok && prepared:
		if !ran {
			return desk.KBResults{}, false, nil
		}
		return res, true, s.kbPage(ctx, &res, hits, search)
	}
	if search, ran, err = prepare(s); err != nil || !ran {
		return desk.KBResults{}, false, err
	}
	res, err = s.SearchKBEngine(ctx, search)
	return res, true, err
}

// SearchKBEngine is SearchKB with the matches found by the engine alone,
// not the memory's index: what the tests hold the index to.
func (s *Store) SearchKBEngine(ctx context.Context, search desk.KBSearch) (desk.KBResults, error) {
	rows, err := s.kbMatching(ctx, search)
	if err != nil {
		return desk.KBResults{}, err
	}
	res := desk.KBResults{Facets: kbFacets(rows, search)}
	hits := make([]kbHit, 0, len(rows))
	for _, r := range rows {
		if kbKeeps(r, search, "") {
			hits = append(hits, r)
		}
	}
	res.Total = len(hits)
	kbOrder(hits, search.Sort, search.Match != nil, search.Offset+search.Limit)
	return res, s.kbPage(ctx, &res, hits, search)
}

// kbPage reads the items of the search's page of the ordered hits into res.
func (s *Store) kbPage(ctx context.Context, res *desk.KBResults, hits []kbHit, search desk.KBSearch) error {
	page := hits[min(search.Offset, len(hits)):min(search.Offset+search.Limit, len(hits))]
	if len(page) == 0 {
		return nil
	}
	items, err := s.kbItems(ctx, page)
	if err != nil {
		return err
	}
	for _, r := range page {
		if it, ok := items[r.id]; ok { // else removed since
			res.Hits = append(res.Hits, desk.KBHit{Item: it, Score: r.score})
		}
	}
	return nil
}

// kbMatching reads the matching items' filter values and scores from the
// tables, when the memory cannot answer (while it is read, or with no memory).
func (s *Store) kbMatching(ctx context.Context, search desk.KBSearch) ([]kbHit, error) {
	products := "(SELECT group_concat(p.product_id) FROM kb_item_products p WHERE p.item_id = i.id)"
	if s.dialect.name == "postgres" {
		products = "(SELECT string_agg(p.product_id::text, ',') FROM kb_item_products p WHERE p.item_id = i.id)"
	}
	cols := `i.id, i.source, i.article_type, i.product_line_id, i.updated_at, ` + products
	var query string
	var args []any
	switch {
	case search.Match == nil:
		query = `SELECT ` + cols + `, 0 FROM kb_items i WHERE 1 = 1`
	case s.dialect.name == "postgres":
		// ts_rank weighs the title's words (A, 1.0) ten times the body's (D, 0.1).
		query = `SELECT ` + cols + `, ts_rank(i.search, m.q) FROM kb_items i, (SELECT CAST(? AS tsquery) AS q) m WHERE i.search @@ m.q`
		args = append(args, tsMatch(search.Match))
	default:
		// bm25 is better the lower it is; the title weighs ten times the body.
		query = `SELECT ` + cols + `, -m.score FROM (SELECT rowid AS id, bm25(kb_fts, 10.0, 1.0) AS score FROM kb_fts WHERE kb_fts MATCH ?) m
			JOIN kb_items i ON i.id = m.id WHERE 1 = 1`
		args = append(args, ftsMatch(search.Match))
	}
	if !search.Staff {
		query += ` AND i.staff_only = ?`
		args = append(args, false)
	}
	if !search.UpdatedAfter.IsZero() {
		query += ` AND i.updated_at > ?`
		args = append(args, ts(search.UpdatedAfter))
	}
	rows, err := s.read().query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("knowledge search: %w", err)
	}
	defer rows.Close()
	var out []kbHit
	for rows.Next() {
		r := kbHit{kbRow: &kbRow{}}
		var source, typ string
		var products sql.NullString
		if err := rows.Scan(&r.id, &source, &typ, nullInt{&r.line}, &r.updatedAt, &products, &r.score); err != nil {
			return nil, fmt.Errorf("knowledge search: %w", err)
		}
		r.source, r.typ = desk.KBSource(source), desk.KBArticleType(typ)
		for p := range strings.SplitSeq(products.String, ",") {
			if v, err := strconv.ParseInt(p, 10, 64); err == nil {
				r.products = append(r.products, v)
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// kbKeeps reports whether a row passes the search's filters, all but the
// one named (a facet counts its values under the other filters).
func kbKeeps(r kbHit, s desk.KBSearch, except desk.KBFacet) bool {
	return s.Keeps(r.source, r.typ, r.line, r.products, except)
}

// kbTally counts a few distinct values.
type kbTally[T comparable] struct {
	values []T
	counts []int
}

func (t *kbTally[T]) add(v T) {
	for i, x := range t.values {
		if x == v {
			t.counts[i]++
			return
		}
	}
	t.values = append(t.values, v)
	t.counts = append(t.counts, 1)
}

// kbFacets counts each filter's values among the rows that pass the other
// filters, most first, then by value.
func kbFacets(rows []kbHit, s desk.KBSearch) map[desk.KBFacet][]desk.KBFacetCount {
	// Counted by value, written as text once at the end; the few sources
	// and types in lists rather than maps (a search counts every match).
	var sources kbTally[desk.KBSource]
	var types kbTally[desk.KBArticleType]
	lines, products := map[int64]int{}, map[int64]int{}
	for i := range rows {
		r := &rows[i]
		if kbKeeps(*r, s, desk.KBFacetSource) {
			sources.add(r.source)
		}
		if kbKeeps(*r, s, desk.KBFacetType) {
			types.add(r.typ)
		}
		if r.line != 0 && kbKeeps(*r, s, desk.KBFacetProductLine) {
			lines[r.line]++
		}
		if kbKeeps(*r, s, desk.KBFacetProduct) {
			for _, p := range r.products {
				products[p]++
			}
		}
	}
	counts := map[desk.KBFacet]map[string]int{
		desk.KBFacetSource: {}, desk.KBFacetType: {}, desk.KBFacetProductLine: {}, desk.KBFacetProduct: {},
	}
	for i, v := range sources.values {
		counts[desk.KBFacetSource][string(v)] = sources.counts[i]
	}
	for i, v := range types.values {
		counts[desk.KBFacetType][string(v)] = types.counts[i]
	}
	for v, n := range lines {
		counts[desk.KBFacetProductLine][strconv.FormatInt(v, 10)] = n
	}
	for v, n := range products {
		counts[desk.KBFacetProduct][strconv.FormatInt(v, 10)] = n
	}
	return kbFacetLists(counts)
}

// kbFacetLists lists each filter's counted values, most first, then by
// value.
func kbFacetLists(counts map[desk.KBFacet]map[string]int) map[desk.KBFacet][]desk.KBFacetCount {
	out := map[desk.KBFacet][]desk.KBFacetCount{}
	for f, values := range counts {
		list := make([]desk.KBFacetCount, 0, len(values))
		for v, n := range values {
			list = append(list, desk.KBFacetCount{Value: v, Count: n})
		}
		slices.SortFunc(list, func(a, b desk.KBFacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		out[f] = list
	}
	return out
}

// kbOrder sorts the hits: by score (then newest) for relevance when there
// are words to be relevant to, else by last update, newest or oldest
// first; the item ID breaks ties so pages never overlap. Only the first
// n need be in order (a page and those before it): when they are few of
// many, they are chosen in one pass and the rest left unsorted after them.
func kbOrder(rows []kbHit, sort desk.KBSort, scored bool, n int) {
	cmp := kbCompare(sort, scored)
	if n <= 0 || n*8 > len(rows) {
		slices.SortFunc(rows, func(a, b kbHit) int { return cmp(&a, &b) })
		return
	}
	// rows[:k] holds the best k seen so far, in order.
	k := 0
	for i := range rows {
		if k == n && cmp(&rows[i], &rows[k-1]) >= 0 {
			continue
		}
		r := rows[i]
		j := min(k, n-1)
		if k < n {
			rows[i] = rows[k]
			k++
		} else {
			rows[i] = rows[j]
		}
		for j > 0 && cmp(&r, &rows[j-1]) < 0 {
			rows[j] = rows[j-1]
			j--
		}
		rows[j] = r
	}
}

// kbCompare is the order of kbOrder.
func kbCompare(sort desk.KBSort, scored bool) func(a, b *kbHit) int {
	return func(a, b *kbHit) int {
		if sort == desk.KBByRelevance && scored && a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		if c := a.updatedAt.Compare(b.updatedAt); c != 0 {
			if sort == desk.KBOldest {
				return c
			}
			return -c
		}
		if sort == desk.KBOldest {
			return cmpInt(a.id, b.id)
		}
		return cmpInt(b.id, a.id)
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// kbItems reads whole items by ID, their products as the hits have them
// (read with the matches, so one query fewer).
func (s *Store) kbItems(ctx context.Context, page []kbHit) (map[int64]desk.KBItem, error) {
	args := make([]any, len(page))
	for i, r := range page {
		args[i] = r.id
	}
	rows, err := s.read().query(ctx, `SELECT `+kbItemColumns+` FROM kb_items i WHERE i.id IN (`+placeholders(len(page))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("knowledge items: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]desk.KBItem, len(page))
	for rows.Next() {
		var it desk.KBItem
		if err := scanKBItem(rows, &it); err != nil {
			return nil, fmt.Errorf("knowledge items: %w", err)
		}
		out[it.ID] = it
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("knowledge items: %w", err)
	}
	for _, r := range page {
		if it, ok := out[r.id]; ok {
			it.ProductIDs = slices.Sorted(slices.Values(r.products))
			out[r.id] = it
		}
	}
	return out, nil
}

// SetProductLine puts a product in a line (zero: in none).
func (tx *Tx) SetProductLine(ctx context.Context, productID, lineID int64) error {
	res, err := tx.q().exec(ctx, `UPDATE products SET product_line_id = ? WHERE id = ?`, id(lineID), productID)
	if err != nil {
		return fmt.Errorf("product %d line: %w", productID, err)
	}
	return affected(res, fmt.Sprintf("product %d", productID))
}

// CreateProductLine adds a product line; a name another line holds is a
// ConflictError on UniqueProductLineName.
func (tx *Tx) CreateProductLine(ctx context.Context, name string) (int64, error) {
	var lineID int64
	if err := tx.q().row(ctx, `INSERT INTO product_lines (name) VALUES (?) RETURNING id`, name).Scan(&lineID); err != nil {
		return 0, conflict(err, "create product line")
	}
	return lineID, nil
}

// readProductLines lists the product lines by name (the catalogue's).
func readProductLines(ctx context.Context, q q) ([]desk.ProductLine, error) {
	rows, err := q.query(ctx, `SELECT id, name FROM product_lines ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("product lines: %w", err)
	}
	defer rows.Close()
	var out []desk.ProductLine
	for rows.Next() {
		var l desk.ProductLine
		if err := rows.Scan(&l.ID, &l.Name); err != nil {
			return nil, fmt.Errorf("product lines: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// KBVersions lists an item's versions, newest first.
func (s *Store) KBVersions(ctx context.Context, itemID int64) ([]desk.KBVersion, error) {
	rows, err := s.read().query(ctx, `SELECT item_id, version, source, article_type, product_line_id, products, state,
		title, summary, body, changed_at, changed_by, note FROM kb_versions WHERE item_id = ? ORDER BY version DESC`, itemID)
	if err != nil {
		return nil, fmt.Errorf("knowledge item %d versions: %w", itemID, err)
	}
	defer rows.Close()
	var out []desk.KBVersion
	for rows.Next() {
		var v desk.KBVersion
		var source, typ, state, products string
		if err := rows.Scan(&v.ItemID, &v.Version, &source, &typ, nullInt{&v.ProductLineID}, &products, &state,
			&v.Title, &v.Summary, &v.Body, &v.ChangedAt, nullInt{&v.ChangedBy}, &v.Note); err != nil {
			return nil, fmt.Errorf("knowledge item %d versions: %w", itemID, err)
		}
		v.Source, v.Type, v.State, v.ChangedAt = desk.KBSource(source), desk.KBArticleType(typ), desk.KBState(state), v.ChangedAt.UTC()
		for p := range strings.SplitSeq(products, ",") {
			if n, err := strconv.ParseInt(p, 10, 64); err == nil {
				v.ProductIDs = append(v.ProductIDs, n)
			}
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// KBBatch writes many new knowledge items in one transaction (an import):
// each as SaveKBItem creates one (its row, its products, its first version,
// its index and the vocabulary's new words), gathered into INSERTs of many
// rows, with the vocabulary's new words written once, in word order, by
// Done (so an import and an editor adding the same new words on
// PostgreSQL wait for each other in one order, never in a circle). The
// batch gives the items their IDs itself: on SQLite the next ones after
// the largest the table ever gave (the transaction is the one writer), on
// PostgreSQL numbers drawn from the table's sequence.
type KBBatch struct {
	tx       *Tx
	terms    map[string]string
	ids      []int64 // drawn and not yet given (PostgreSQL)
	next     int64   // the next ID to give (SQLite), once known
	items    []any
	products []any
	versions []any
	index    []any
	bytes    int
}

const (
	// kbBatchRows is how many items one INSERT writes (at most 15
	// parameters each: 7,500, under both engines' limits).
	kbBatchRows = 500
	// kbBatchBytes bounds the text the INSERTs of one flush carry.
	kbBatchBytes = 8 << 20
	// kbItemWidth and kbVersionWidth are the parameters of an item's row
	// (without its index) and of a version's.
	kbItemWidth    = 14
	kbVersionWidth = 13
)

// KBBatch starts a batch of new items in the transaction; Done ends it.
func (tx *Tx) KBBatch() *KBBatch {
	return &KBBatch{tx: tx, terms: map[string]string{}}
}

// nextID gives a new item its ID.
func (b *KBBatch) nextID(ctx context.Context) (int64, error) {
	q := b.tx.q()
	if b.tx.d.name == "postgres" {
		if len(b.ids) == 0 {
			rows, err := q.query(ctx, `SELECT nextval(pg_get_serial_sequence('kb_items', 'id')) FROM generate_series(1, ?)`, kbBatchRows)
			if err != nil {
				return 0, fmt.Errorf("knowledge item IDs: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var v int64
				if err := rows.Scan(&v); err != nil {
					return 0, fmt.Errorf("knowledge item IDs: %w", err)
				}
				b.ids = append(b.ids, v)
			}
			if err := rows.Err(); err != nil || len(b.ids) == 0 {
				return 0, fmt.Errorf("knowledge item IDs: %w", err)
			}
		}
		v := b.ids[0]
		b.ids = b.ids[1:]
		return v, nil
	}
	if b.next == 0 {
		if err := q.row(ctx, `SELECT max(coalesce((SELECT max(seq) FROM sqlite_sequence WHERE name = 'kb_items'), 0),
			coalesce((SELECT max(id) FROM kb_items), 0)) + 1`).Scan(&b.next); err != nil {
			return 0, fmt.Errorf("knowledge item IDs: %w", err)
		}
	}
	b.next++
	return b.next - 1, nil
}

// Add creates an item (it.ID and Version 1 are set) with idx, its index;
// note says where it came from. The rows are written by a later Add or by
// Done.
func (b *KBBatch) Add(ctx context.Context, it *desk.KBItem, idx desk.KBIndex, note string) error {
	if it.ID != 0 {
		return fmt.Errorf("knowledge item %d: a batch only creates items", it.ID)
	}
	itemID, err := b.nextID(ctx)
	if err != nil {
		return err
	}
	it.ID, it.Version = itemID, 1
	it.ProductIDs = slices.Compact(slices.Sorted(slices.Values(it.ProductIDs)))
	b.items = append(b.items, it.ID, string(it.Source), string(it.Type), id(it.ProductLineID), string(it.State), it.StaffOnly(),
		it.Title, it.Summary, it.Body, it.Version, ts(it.CreatedAt), id(it.CreatedBy), ts(it.UpdatedAt), id(it.UpdatedBy), ts(it.PublishedAt))
	if b.tx.d.name == "postgres" {
		b.items = append(b.items, tsVector(idx))
	} else {
		b.index = append(b.index, it.ID, strings.Join(idx.Title, " "), strings.Join(idx.Body, " "))
	}
	for _, p := range it.ProductIDs {
		b.products = append(b.products, it.ID, p)
	}
	b.versions = append(b.versions, kbVersionArgs(it, note)...)
	for w, stem := range idx.Stems {
		b.terms[w] = stem
	}
	b.bytes += 2 * (len(it.Title) + len(it.Summary) + len(it.Body))
	if len(b.versions)/kbVersionWidth >= kbBatchRows || b.bytes >= kbBatchBytes || len(b.products)/2 >= kbBatchRows*2 {
		return b.flush(ctx)
	}
	return nil
}

// flush writes the rows kept so far.
func (b *KBBatch) flush(ctx context.Context) error {
	q := b.tx.q()
	// insert writes args as rows of width values each; row is one row's
	// values, override what comes between the columns and VALUES.
	insert := func(table, columns, override, row string, width int, args []any) error {
		if len(args) == 0 {
			return nil
		}
		if _, err := q.exec(ctx, `INSERT INTO `+table+` (`+columns+`) `+override+` VALUES `+
			strings.TrimPrefix(strings.Repeat(", "+row, len(args)/width), ", "), args...); err != nil {
			return fmt.Errorf("import knowledge items (%s): %w", table, err)
		}
		return nil
	}
	values := func(width int) string {
		return "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	}
	itemCols := `id, source, article_type, product_line_id, state, staff_only, title, summary, body,
		version, created_at, created_by, updated_at, updated_by, published_at`
	itemRow, itemWidth, override := values(kbItemWidth+1), kbItemWidth+1, ""
	if b.tx.d.name == "postgres" {
		itemCols += ", search"
		itemRow, itemWidth = "("+strings.Repeat("?, ", kbItemWidth+1)+"CAST(? AS tsvector))", kbItemWidth+2
		override = "OVERRIDING SYSTEM VALUE"
	}
	if err := insert("kb_items", itemCols, override, itemRow, itemWidth, b.items); err != nil {
		return err
	}
	if err := insert("kb_item_products", "item_id, product_id", "", values(2), 2, b.products); err != nil {
		return err
	}
	if err := insert("kb_versions", kbVersionColumns, "", values(kbVersionWidth), kbVersionWidth, b.versions); err != nil {
		return err
	}
	if err := insert("kb_fts", "rowid, title, body", "", values(3), 3, b.index); err != nil {
		return err
	}
	b.items, b.products, b.versions, b.index, b.bytes = b.items[:0], b.products[:0], b.versions[:0], b.index[:0], 0
	return nil
}

// Done writes what the batch still holds and the vocabulary's new words.
func (b *KBBatch) Done(ctx context.Context) error {
	if err := b.flush(ctx); err != nil {
		return err
	}
	err := b.tx.kbTerms(ctx, b.terms)
	clear(b.terms)
	return err
}

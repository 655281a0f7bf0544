package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// The knowledge search keeps what it filters, counts and orders by in
// memory: each item's source, type, product line, products, last update
// and whether it is staff-only, about 100 bytes an item. The engine then
// answers only which items match (and, for relevance, their scores), which
// on both engines costs a fraction of reading those values row by row
// beside each match (docs/benchmarks.md, "Knowledge search").
//
// The memory is kept at a version: the row of kb_version, which triggers
// on kb_items and kb_item_products move in the writing transaction,
// whatever path writes (an edit, an import, the bench loader), so every
// instance of a cluster, and a command run beside the server, sees a
// change at once. A search reads the version before it
// asks the engine and again after; when both are the version of the
// memory, no change of an item committed in between and the engine's
// answer and the memory agree. Else (an item changed while the search ran)
// the search reads the values from the tables, as they are, with the
// matches (kbMatching), and the next search refills the memory.

// kbMemory is a store's memory of the knowledge items' filter values.
type kbMemory struct {
	// load lets one search at a time read the items.
	load sync.Mutex

	mu      sync.Mutex
	version string
	loaded  bool
	rows    map[int64]*kbRow
}

// kbVersion reads the knowledge items' version.
func (s *Store) kbVersion(ctx context.Context) (string, error) {
	var v int64
	if err := s.read().row(ctx, `SELECT version FROM kb_version WHERE id = 1`).Scan(&v); err != nil {
		return "", fmt.Errorf("knowledge version: %w", err)
	}
	return strconv.FormatInt(v, 36), nil
}

// kbRowsAt returns the memory of the items at version v, reading it first
// when it holds another version; ok is false when the items changed while
// they were read (the caller reads them from the tables).
func (s *Store) kbRowsAt(ctx context.Context, v string) (rows map[int64]*kbRow, ok bool, err error) {
	m := &s.kb
	get := func() (map[int64]*kbRow, bool) {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.rows, m.loaded && m.version == v
	}
	if rows, ok := get(); ok {
		return rows, true, nil
	}
	m.load.Lock()
	defer m.load.Unlock()
	if rows, ok := get(); ok {
		return rows, true, nil
	}
	rows, err = s.readKBRows(ctx)
	if err != nil {
		return nil, false, err
	}
	after, err := s.kbVersion(ctx)
	if err != nil || after != v {
		return nil, false, err
	}
	m.mu.Lock()
	m.version, m.loaded, m.rows = v, true, rows
	m.mu.Unlock()
	return rows, true, nil
}

// readKBRows reads every item's filter values and products.
func (s *Store) readKBRows(ctx context.Context) (map[int64]*kbRow, error) {
	q := s.read()
	rows, err := q.query(ctx, `SELECT id, source, article_type, product_line_id, updated_at, staff_only FROM kb_items`)
	if err != nil {
		return nil, fmt.Errorf("knowledge items: %w", err)
	}
	defer rows.Close()
	out := map[int64]*kbRow{}
	for rows.Next() {
		r := &kbRow{}
		var source, typ string
		if err := rows.Scan(&r.id, &source, &typ, nullInt{&r.line}, &r.updatedAt, &r.staffOnly); err != nil {
			return nil, fmt.Errorf("knowledge items: %w", err)
		}
		r.source, r.typ, r.updatedAt = desk.KBSource(source), desk.KBArticleType(typ), r.updatedAt.UTC()
		out[r.id] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("knowledge items: %w", err)
	}
	products, err := q.query(ctx, `SELECT item_id, product_id FROM kb_item_products ORDER BY item_id, product_id`)
	if err != nil {
		return nil, fmt.Errorf("knowledge products: %w", err)
	}
	defer products.Close()
	for products.Next() {
		var item, product int64
		if err := products.Scan(&item, &product); err != nil {
			return nil, fmt.Errorf("knowledge products: %w", err)
		}
		if r := out[item]; r != nil {
			r.products = append(r.products, product)
		}
	}
	return out, products.Err()
}

// kbFromMemory answers a search's matches with their filter values from
// the memory: nil when the memory cannot (the items changed meanwhile).
// scored says the rows hold their scores: for relevance with words and
// no filter, where every match is a hit, the engine gives them with the
// matches; else the hits are scored afterwards (kbScores), or not at all
// when sorted by date.
func (s *Store) kbFromMemory(ctx context.Context, search desk.KBSearch) (out []kbRow, scored bool, err error) {
	v, err := s.kbVersion(ctx)
	if err != nil {
		return nil, false, err
	}
	mem, ok, err := s.kbRowsAt(ctx, v)
	if err != nil || !ok {
		return nil, false, err
	}
	since := search.UpdatedAfter
	visible := func(r *kbRow) bool {
		return (search.Staff || !r.staffOnly) && (since.IsZero() || r.updatedAt.After(since))
	}
	keep := func(r *kbRow, score float64) {
		if visible(r) {
			c := *r
			c.score = score
			out = append(out, c)
		}
	}
	if search.Match == nil {
		out = make([]kbRow, 0, len(mem))
		for _, r := range mem {
			keep(r, 0)
		}
		return out, true, nil
	}
	filtered := len(search.Sources)+len(search.Types)+len(search.ProductLines)+len(search.Products) > 0
	scored = search.Sort == desk.KBByRelevance && !filtered && since.IsZero()
	query, args := s.kbMatchQuery(search.Match, scored)
	rows, err := s.read().query(ctx, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("knowledge search: %w", err)
	}
	defer rows.Close()
	var id int64
	var score float64
	for rows.Next() {
		if scored {
			err = rows.Scan(&id, &score)
		} else {
			err = rows.Scan(&id)
		}
		if err != nil {
			return nil, false, fmt.Errorf("knowledge search: %w", err)
		}
		r := mem[id]
		if r == nil {
			return nil, false, nil // an item added since the version was read
		}
		keep(r, score)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("knowledge search: %w", err)
	}
	if after, err := s.kbVersion(ctx); err != nil || after != v {
		return nil, false, err
	}
	return out, scored || search.Sort != desk.KBByRelevance, nil
}

// kbMatchQuery is the engine's query of the items that match, with their
// scores when scored: on SQLite bm25, better the lower it is, with the
// title weighing ten times the body; on PostgreSQL ts_rank, which weighs
// the title's words (A, 1.0) ten times the body's (D, 0.1).
func (s *Store) kbMatchQuery(m desk.KBMatch, scored bool) (string, []any) {
	if s.dialect.name == "postgres" {
		if scored {
			return `SELECT i.id, ts_rank(i.search, m.q) FROM kb_items i, (SELECT CAST(? AS tsquery) AS q) m WHERE i.search @@ m.q`, []any{tsMatch(m)}
		}
		return `SELECT id FROM kb_items WHERE search @@ CAST(? AS tsquery)`, []any{tsMatch(m)}
	}
	if scored {
		return `SELECT rowid, -bm25(kb_fts, 10.0, 1.0) FROM kb_fts WHERE kb_fts MATCH ?`, []any{ftsMatch(m)}
	}
	return `SELECT rowid FROM kb_fts WHERE kb_fts MATCH ?`, []any{ftsMatch(m)}
}

// idList writes IDs separated by commas.
func idList(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// kbScores sets the scores of some hits, as kbMatchQuery scores them, in
// one query of those items alone. A hit that no longer matches (changed
// since) keeps a score of zero.
func (s *Store) kbScores(ctx context.Context, m desk.KBMatch, hits []kbRow) error {
	if len(hits) == 0 {
		return nil
	}
	at := make(map[int64]int, len(hits))
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.id
		at[h.id] = i
	}
	list := idList(ids)
	var query string
	var args []any
	if s.dialect.name == "postgres" {
		query = `SELECT i.id, ts_rank(i.search, m.q) FROM kb_items i, (SELECT CAST(? AS tsquery) AS q) m
			WHERE i.id = ANY (CAST(? AS bigint[])) AND i.search @@ m.q`
		args = []any{tsMatch(m), "{" + list + "}"}
	} else {
		// +rowid keeps the list from being FTS5's own constraint: with it,
		// SQLite would open one cursor of the match per listed item, and
		// bm25 would count the phrases' items over again for each (37 s for
		// 7,700 items at 100,000). So the match is read once, bm25 worked
		// out for the listed items alone.
		query = `SELECT rowid, -bm25(kb_fts, 10.0, 1.0) FROM kb_fts WHERE kb_fts MATCH ?
			AND +rowid IN (SELECT value FROM json_each(?))`
		args = []any{ftsMatch(m), "[" + list + "]"}
	}
	rows, err := s.read().query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("knowledge search scores: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var score float64
		if err := rows.Scan(&id, &score); err != nil {
			return fmt.Errorf("knowledge search scores: %w", err)
		}
		if i, ok := at[id]; ok {
			hits[i].score = score
		}
	}
	return rows.Err()
}

// KBItemsUpdatedAfter reads the items last updated after t, newest first
// (then by ID), with their products: at most limit, more says there were
// more. The memory of the items finds them, so the tables are read for
// those items alone.
func (s *Store) KBItemsUpdatedAfter(ctx context.Context, t time.Time, limit int) (items []desk.KBItem, more bool, err error) {
	v, err := s.kbVersion(ctx)
	if err != nil {
		return nil, false, err
	}
	mem, ok, err := s.kbRowsAt(ctx, v)
	if err != nil {
		return nil, false, err
	}
	var rows []kbRow
	if ok {
		for _, r := range mem {
			if r.updatedAt.After(t) {
				rows = append(rows, *r)
			}
		}
	} else if rows, err = s.kbMatching(ctx, desk.KBSearch{Staff: true, UpdatedAfter: t}); err != nil {
		return nil, false, err
	}
	kbOrder(rows, desk.KBNewest, false, limit)
	if more = len(rows) > limit; more {
		rows = rows[:limit]
	}
	if len(rows) == 0 {
		return nil, more, nil
	}
	byID, err := s.kbItems(ctx, rows)
	if err != nil {
		return nil, false, err
	}
	for _, r := range rows {
		if it, ok := byID[r.id]; ok && it.UpdatedAt.After(t) {
			items = append(items, it)
		}
	}
	return items, more, nil
}

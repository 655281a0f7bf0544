package store

import (
	"context"
	"fmt"
	"runtime"
	"slices"
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

// kbMemory is a store's memory of the knowledge items: their filter
// values and, once the knowledge area has said how an item's words are
// made (SetKBIndexer), their words (kbIndex).
type kbMemory struct {
	// load lets one search at a time bring the memory to a version.
	load sync.Mutex

	// mu guards what follows; a search holds it to read while it uses
	// the memory, a refresh to write while it changes it.
	mu      sync.RWMutex
	version string
	rows    map[int64]*kbRow
	index   *kbIndex
}

// SetKBIndexer says how an item's index words are made, and so that the
// memory holds them too (kbIndex): the knowledge area's kb.Index.
func (s *Store) SetKBIndexer(index func(desk.KBItem) desk.KBIndex) { s.kbIndexer.Store(&index) }

func (s *Store) indexer() func(desk.KBItem) desk.KBIndex {
	if p := s.kbIndexer.Load(); p != nil {
		return *p
	}
	return nil
}

// kbVersion reads the knowledge items' version.
func (s *Store) kbVersion(ctx context.Context) (string, error) {
	var v int64
	if err := s.read().row(ctx, `SELECT version FROM kb_version WHERE id = 1`).Scan(&v); err != nil {
		return "", fmt.Errorf("knowledge version: %w", err)
	}
	return strconv.FormatInt(v, 36), nil
}

// kbAt calls fn with the memory at version v, brought to it first when
// it holds another: false (fn not called) when the items changed while
// they were read, and the caller reads them from the tables. fn must not
// keep what it is given.
func (s *Store) kbAt(ctx context.Context, v string, fn func(rows map[int64]*kbRow, index *kbIndex) error) (bool, error) {
	m := &s.kb
	indexed := s.indexer() != nil
	fresh := func() bool { return m.version == v && (m.index != nil) == indexed }
	m.mu.RLock()
	if fresh() {
		defer m.mu.RUnlock()
		return true, fn(m.rows, m.index)
	}
	m.mu.RUnlock()
	m.load.Lock()
	m.mu.RLock()
	ok := fresh()
	m.mu.RUnlock()
	if !ok {
		if err := s.kbRefresh(ctx, v); err != nil {
			m.load.Unlock()
			return false, err
		}
	}
	m.load.Unlock()
	m.mu.RLock()
	defer m.mu.RUnlock()
	if !fresh() {
		return false, nil
	}
	return true, fn(m.rows, m.index)
}

// kbRefresh brings the memory to the items as they are, and names it
// version v when they were at v throughout. Only the items whose version
// differs from the memory's are read again, unless most did (the first
// time, an import) or the index holds more dead documents than live ones.
func (s *Store) kbRefresh(ctx context.Context, v string) error {
	m := &s.kb
	indexer := s.indexer()
	versions, err := s.kbItemVersions(ctx)
	if err != nil {
		return err
	}
	m.mu.RLock()
	whole := m.rows == nil || (indexer != nil) != (m.index != nil) || (m.index != nil && m.index.wasteful())
	var changed, gone []int64
	if !whole {
		for id, ver := range versions {
			if r := m.rows[id]; r == nil || r.version != ver {
				changed = append(changed, id)
			}
		}
		for id := range m.rows {
			if _, ok := versions[id]; !ok {
				gone = append(gone, id)
			}
		}
		whole = len(changed) > max(1000, len(versions)/4)
	}
	m.mu.RUnlock()
	if whole {
		rows, index, err := s.readKBMemory(ctx, indexer)
		if err != nil {
			return err
		}
		m.mu.Lock()
		m.version, m.rows, m.index = "", rows, index
		m.mu.Unlock()
	} else if len(changed)+len(gone) > 0 {
		slices.Sort(changed)
		rows, words, err := s.readKBChanges(ctx, changed, indexer)
		if err != nil {
			return err
		}
		m.mu.Lock()
		m.version = ""
		for _, id := range gone {
			delete(m.rows, id)
			if m.index != nil {
				m.index.remove(id)
			}
		}
		for i, r := range rows {
			m.rows[r.id] = r
			if m.index != nil {
				m.index.add(r.id, words[i])
			}
		}
		m.mu.Unlock()
	}
	after, err := s.kbVersion(ctx)
	if err != nil || after != v {
		return err
	}
	m.mu.Lock()
	m.version = v
	m.mu.Unlock()
	return nil
}

// kbItemVersions reads every item's version.
func (s *Store) kbItemVersions(ctx context.Context) (map[int64]int, error) {
	rows, err := s.read().query(ctx, `SELECT id, version FROM kb_items`)
	if err != nil {
		return nil, fmt.Errorf("knowledge versions: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var v int
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("knowledge versions: %w", err)
		}
		out[id] = v
	}
	return out, rows.Err()
}

// readKBMemory reads every item into a new memory (the words too, when
// indexer is given: made on every core, added in the items' order).
func (s *Store) readKBMemory(ctx context.Context, indexer func(desk.KBItem) desk.KBIndex) (map[int64]*kbRow, *kbIndex, error) {
	out := map[int64]*kbRow{}
	var index *kbIndex
	if indexer != nil {
		index = newKBIndex()
	}
	err := s.eachKBItem(ctx, nil, indexer, func(r *kbRow, words desk.KBIndex) {
		out[r.id] = r
		if index != nil {
			index.add(r.id, words)
		}
	})
	return out, index, err
}

// readKBChanges reads some items (in ID order) and their words.
func (s *Store) readKBChanges(ctx context.Context, ids []int64, indexer func(desk.KBItem) desk.KBIndex) ([]*kbRow, []desk.KBIndex, error) {
	var rows []*kbRow
	var words []desk.KBIndex
	err := s.eachKBItem(ctx, ids, indexer, func(r *kbRow, w desk.KBIndex) {
		rows = append(rows, r)
		words = append(words, w)
	})
	return rows, words, err
}

// eachKBItem reads the items named (every item when ids is nil), in ID
// order, and calls fn with each one's row and, when indexer is given, its
// index words, made on every core.
func (s *Store) eachKBItem(ctx context.Context, ids []int64, indexer func(desk.KBItem) desk.KBIndex,
	fn func(*kbRow, desk.KBIndex),
) error {
	const batch = 500
	type read struct {
		it    desk.KBItem
		words chan desk.KBIndex
	}
	// Items go to fn in order through queue; each one's words are made
	// by one of the workers.
	queue := make(chan read, 4*batch)
	work := make(chan read, 4*batch)
	var workers sync.WaitGroup
	if indexer != nil {
		for range runtime.GOMAXPROCS(0) {
			workers.Go(func() {
				for r := range work {
					r.words <- indexer(r.it)
				}
			})
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for r := range queue {
			var w desk.KBIndex
			if r.words != nil {
				w = <-r.words
			}
			fn(kbRowOf(r.it), w)
		}
	}()
	send := func(it desk.KBItem) {
		r := read{it: it}
		if indexer != nil {
			r.words = make(chan desk.KBIndex, 1)
			work <- r
		}
		queue <- r
	}
	err := s.readKBItemsInOrder(ctx, ids, batch, send)
	close(work)
	close(queue)
	workers.Wait()
	<-done
	return err
}

// readKBItemsInOrder reads the items named (every item when ids is nil)
// with their products, in ID order, batch by batch.
func (s *Store) readKBItemsInOrder(ctx context.Context, ids []int64, batch int, fn func(desk.KBItem)) error {
	q := s.read()
	after := int64(0)
	for {
		var query string
		var args []any
		if ids == nil {
			query, args = `SELECT `+kbItemColumns+` FROM kb_items i WHERE i.id > ? ORDER BY i.id LIMIT ?`, []any{after, batch}
		} else {
			if len(ids) == 0 {
				return nil
			}
			n := min(batch, len(ids))
			for _, id := range ids[:n] {
				args = append(args, id)
			}
			query = `SELECT ` + kbItemColumns + ` FROM kb_items i WHERE i.id IN (` + placeholders(n) + `) ORDER BY i.id`
			ids = ids[n:]
		}
		items, err := kbItemsOf(ctx, q, query, args)
		if err != nil {
			return err
		}
		for _, it := range items {
			fn(it)
		}
		if ids == nil {
			if len(items) < batch {
				return nil
			}
			after = items[len(items)-1].ID
		}
	}
}

// kbItemsOf reads the items a query selects (kbItemColumns), in its
// order, with their products.
func kbItemsOf(ctx context.Context, q q, query string, args []any) ([]desk.KBItem, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("knowledge items: %w", err)
	}
	defer rows.Close()
	var items []desk.KBItem
	for rows.Next() {
		var it desk.KBItem
		if err := scanKBItem(rows, &it); err != nil {
			return nil, fmt.Errorf("knowledge items: %w", err)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("knowledge items: %w", err)
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	products, err := kbProducts(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for i := range items {
		items[i].ProductIDs = products[items[i].ID]
	}
	return items, nil
}

// kbRowOf is what the memory keeps of an item.
func kbRowOf(it desk.KBItem) *kbRow {
	return &kbRow{
		id: it.ID, version: it.Version, source: it.Source, typ: it.Type, line: it.ProductLineID,
		products: it.ProductIDs, updatedAt: it.UpdatedAt, staffOnly: it.StaffOnly(),
	}
}

// kbFromMemory answers a search's matches with their filter values from
// the memory: nil when the memory cannot (the items changed meanwhile).
// The memory's index finds the matches and scores them; without it (no
// indexer) the engine finds them, with their scores when every match is
// a hit (relevance, no filter): scored says the rows hold their scores;
// else the hits are scored afterwards (kbScores), or not at all when
// sorted by date.
func (s *Store) kbFromMemory(ctx context.Context, search desk.KBSearch) (out []kbRow, scored bool, err error) {
	v, err := s.kbVersion(ctx)
	if err != nil {
		return nil, false, err
	}
	since := search.UpdatedAfter
	stale := false
	keep := func(r *kbRow, score float64) {
		if (search.Staff || !r.staffOnly) && (since.IsZero() || r.updatedAt.After(since)) {
			c := *r
			c.score = score
			out = append(out, c)
		}
	}
	ok, err := s.kbAt(ctx, v, func(mem map[int64]*kbRow, index *kbIndex) error {
		switch {
		case search.Match == nil:
			out, scored = make([]kbRow, 0, len(mem)), true
			for _, r := range mem {
				keep(r, 0)
			}
			return nil
		case index != nil:
			scored = true
			e := index.eval(search.Match)
			found := e.match(search.Match, true)
			var scores []float64
			if search.Sort == desk.KBByRelevance {
				scores = e.scores(found)
			}
			i := 0
			found.each(func(doc int64) {
				score := 0.0
				if scores != nil {
					score = scores[i]
				}
				i++
				if r := mem[index.docs[doc].id]; r != nil {
					keep(r, score)
				}
			})
			return nil
		}
		filtered := len(search.Sources)+len(search.Types)+len(search.ProductLines)+len(search.Products) > 0
		scored = search.Sort != desk.KBByRelevance || (!filtered && since.IsZero())
		withScores := search.Sort == desk.KBByRelevance && scored
		query, args := s.kbMatchQuery(search.Match, withScores)
		rows, err := s.read().query(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("knowledge search: %w", err)
		}
		defer rows.Close()
		var id int64
		var score float64
		for rows.Next() {
			if withScores {
				err = rows.Scan(&id, &score)
			} else {
				err = rows.Scan(&id)
			}
			if err != nil {
				return fmt.Errorf("knowledge search: %w", err)
			}
			r := mem[id]
			if r == nil {
				stale = true // an item added since the version was read
				return nil
			}
			keep(r, score)
		}
		return rows.Err()
	})
	if err != nil || !ok || stale {
		return nil, false, err
	}
	if after, err := s.kbVersion(ctx); err != nil || after != v {
		return nil, false, err
	}
	if out == nil {
		out = []kbRow{}
	}
	return out, scored, nil
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
	var rows []kbRow
	ok, err := s.kbAt(ctx, v, func(mem map[int64]*kbRow, _ *kbIndex) error {
		for _, r := range mem {
			if r.updatedAt.After(t) {
				rows = append(rows, *r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if !ok {
		if rows, err = s.kbMatching(ctx, desk.KBSearch{Staff: true, UpdatedAfter: t}); err != nil {
			return nil, false, err
		}
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

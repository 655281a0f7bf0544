package store

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// The knowledge search answers from memory: each item's filter values
// (source, type, product line, products, last update, whether it is
// staff-only) and its words in an inverted index (kb_index.go), about 1.5
// KB an item at 100,000 items of 4.8 KB of text. The engines' indexes
// (FTS5, tsvector) stay the index of record, written in each item's
// transaction; they answer while the memory is first read, and the tests
// hold the three to the same answers (kb.TestSearchTable).
//
// The memory is kept at a version: the row of kb_version, which triggers
// on kb_items and kb_item_products move in the writing transaction,
// whatever path writes (an edit, an import, the bench loader), so every
// instance of a cluster, and a command run beside the server, sees a
// change at once. A search reads the version; when the memory holds
// another, the search first reads again the items whose own version
// changed (one query of every item's ID and version, then those items),
// and names the memory by the version only when it read the same before
// and after. The first time, or when most items changed (an import), the
// memory is read whole, and searches meanwhile read the tables
// (kbMatching) rather than wait.

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
	// reading says the memory is being read whole (the first time, after
	// an import): searches meanwhile read the tables rather than wait.
	reading bool
}

// WarmKB reads the memory of the knowledge items, so that the first
// search does not wait for it: a server does at start.
func (s *Store) WarmKB(ctx context.Context) error {
	v, err := s.kbVersion(ctx)
	if err != nil {
		return err
	}
	_, err = s.kbAt(ctx, v, func(map[int64]*kbRow, *kbIndex) error { return nil })
	return err
}

// kbIndexer makes an indexer: a function that makes an item's index words
// with their stems, for one goroutine (it may keep what it has worked out).
type kbIndexer = func() func(desk.KBItem) desk.KBIndex

// SetKBIndexer says how an item's index words are made, and so that the
// memory holds them too (kbIndex): the knowledge area's.
func (s *Store) SetKBIndexer(indexer func() func(desk.KBItem) desk.KBIndex) {
	s.kbIndexer.Store(&indexer)
}

func (s *Store) indexer() kbIndexer {
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
	reading := m.reading
	m.mu.RUnlock()
	if !m.load.TryLock() {
		if reading {
			return false, nil
		}
		m.load.Lock()
	}
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
		setReading := func(r bool) {
			m.mu.Lock()
			m.reading = r
			m.mu.Unlock()
		}
		setReading(true)
		rows, index, err := s.readKBMemory(ctx, indexer)
		setReading(false)
		if err != nil {
			return err
		}
		if index != nil {
			index.sort()
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
				m.index.add(r, words[i])
			}
		}
		if m.index != nil {
			m.index.sort()
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
func (s *Store) readKBMemory(ctx context.Context, indexer kbIndexer) (map[int64]*kbRow, *kbIndex, error) {
	out := map[int64]*kbRow{}
	var index *kbIndex
	if indexer != nil {
		index = newKBIndex()
	}
	err := s.eachKBItem(ctx, nil, indexer, func(r *kbRow, words desk.KBIndex) {
		out[r.id] = r
		if index != nil {
			index.add(r, words)
		}
	})
	return out, index, err
}

// readKBChanges reads some items (in ID order) and their words.
func (s *Store) readKBChanges(ctx context.Context, ids []int64, indexer kbIndexer) ([]*kbRow, []desk.KBIndex, error) {
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
func (s *Store) eachKBItem(ctx context.Context, ids []int64, indexer kbIndexer,
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
				index := indexer()
				for r := range work {
					r.words <- index(r.it)
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

// KBItemsUpdatedAfter reads the items last updated after t, newest first
// (then by ID), with their products: at most limit, more says there were
// more. The memory of the items finds them, so the tables are read for
// those items alone.
func (s *Store) KBItemsUpdatedAfter(ctx context.Context, t time.Time, limit int) (items []desk.KBItem, more bool, err error) {
	v, err := s.kbVersion(ctx)
	if err != nil {
		return nil, false, err
	}
	var rows []kbHit
	ok, err := s.kbAt(ctx, v, func(mem map[int64]*kbRow, _ *kbIndex) error {
		for _, r := range mem {
			if r.updatedAt.After(t) {
				rows = append(rows, kbHit{kbRow: r})
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

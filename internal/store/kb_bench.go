package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/desk"
)

// kbBenchRows is how many items one statement of BenchInsertKBItems
// writes: 16 parameters a row, well under both engines' limits.
const kbBenchRows = 250

// BenchInsertKBItems writes many knowledge items at once, for a store
// loaded to be measured (the knowledge search benchmarks); it is not the
// import of issue 13 (that checks and audits each item). Each item gets
// what SaveKBItem writes for a new item: its row, its products, its first
// version, its words in the index and the vocabulary, and nothing else.
// Item IDs follow the order of items, after the highest there is; items
// may yield the same values again, filled anew.
//
// It is one transaction, in statements of many rows, so a load that fails
// leaves the store as it was. SQLite's index is merged into one segment
// at the end and PostgreSQL's planner statistics are taken
// (afterBulkLoad), as after InsertCases.
func (s *Store) BenchInsertKBItems(ctx context.Context, items iter.Seq2[*desk.KBItem, desk.KBIndex]) (int, error) {
	written := 0
	err := s.Write(ctx, func(tx *Tx) (err error) {
		restore, err := tx.bulkCache(ctx)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, restore()) }()
		q := tx.q()
		var next int64
		if err := q.row(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM kb_items`).Scan(&next); err != nil {
			return fmt.Errorf("knowledge items: %w", err)
		}
		b := &kbBatch{tx: tx}
		stems := map[string]string{}
		for it, idx := range items {
			it.ID, it.Version = next, 1
			next++
			b.add(it, idx)
			maps.Copy(stems, idx.Stems)
			if b.n == kbBenchRows {
				if err := b.flush(ctx); err != nil {
					return fmt.Errorf("insert knowledge items %d to %d: %w", written+1, written+b.n, err)
				}
				written += kbBenchRows
			}
		}
		if n := b.n; n > 0 {
			if err := b.flush(ctx); err != nil {
				return fmt.Errorf("insert knowledge items %d to %d: %w", written+1, written+n, err)
			}
			written += n
		}
		if err := tx.kbTerms(ctx, stems); err != nil {
			return err
		}
		if tx.d.name == "postgres" {
			if _, err := q.exec(ctx, `SELECT setval(pg_get_serial_sequence('kb_items', 'id'), (SELECT MAX(id) FROM kb_items))`); err != nil {
				return fmt.Errorf("knowledge item IDs: %w", err)
			}
		} else if _, err := q.exec(ctx, `INSERT INTO kb_fts (kb_fts) VALUES ('optimize')`); err != nil {
			return fmt.Errorf("merge the knowledge index: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return written, s.afterBulkLoad(ctx)
}

// kbBatch is the rows of some items, written by flush in one statement per
// table.
type kbBatch struct {
	tx                           *Tx
	n                            int
	items, products, vers, index []any
	nProducts                    int
}

func (b *kbBatch) add(it *desk.KBItem, idx desk.KBIndex) {
	d := b.tx.d
	b.items = append(b.items, it.ID, string(it.Source), string(it.Type), id(it.ProductLineID), string(it.State), it.StaffOnly(),
		it.Title, it.Summary, it.Body, it.Version, ts(it.CreatedAt), id(it.CreatedBy), ts(it.UpdatedAt), id(it.UpdatedBy),
		ts(it.PublishedAt))
	b.items = d.kbSearchArgs(idx, b.items...)
	products := slices.Compact(slices.Sorted(slices.Values(it.ProductIDs)))
	list := make([]string, len(products))
	for i, p := range products {
		b.products = append(b.products, it.ID, p)
		b.nProducts++
		list[i] = strconv.FormatInt(p, 10)
	}
	b.vers = append(b.vers, it.ID, it.Version, string(it.Source), string(it.Type), id(it.ProductLineID), strings.Join(list, ","),
		string(it.State), it.Title, it.Summary, it.Body, ts(it.UpdatedAt), id(it.UpdatedBy), "created")
	if d.name != "postgres" {
		b.index = append(b.index, it.ID, strings.Join(idx.Title, " "), strings.Join(idx.Body, " "))
	}
	b.n++
}

func (b *kbBatch) flush(ctx context.Context) error {
	q, d := b.tx.q(), b.tx.d
	itemRow := "(" + placeholders(15) + ")"
	override := ""
	if d.name == "postgres" {
		itemRow = "(" + placeholders(15) + ", CAST(? AS tsvector))"
		override = " OVERRIDING SYSTEM VALUE"
	}
	if _, err := q.exec(ctx, `INSERT INTO kb_items (id, source, article_type, product_line_id, state, staff_only, title, summary, body,
		version, created_at, created_by, updated_at, updated_by, published_at`+d.kbSearchColumn()+`)`+override+` VALUES `+
		kbRows(itemRow, b.n), b.items...); err != nil {
		return err
	}
	if b.nProducts > 0 {
		if _, err := q.exec(ctx, `INSERT INTO kb_item_products (item_id, product_id) VALUES `+
			kbRows("(?, ?)", b.nProducts), b.products...); err != nil {
			return err
		}
	}
	if _, err := q.exec(ctx, `INSERT INTO kb_versions (item_id, version, source, article_type, product_line_id, products, state,
		title, summary, body, changed_at, changed_by, note) VALUES `+kbRows("("+placeholders(13)+")", b.n), b.vers...); err != nil {
		return err
	}
	if d.name != "postgres" {
		if _, err := q.exec(ctx, `INSERT INTO kb_fts (rowid, title, body) VALUES `+kbRows("(?, ?, ?)", b.n), b.index...); err != nil {
			return err
		}
	}
	b.n, b.nProducts = 0, 0
	b.items, b.products, b.vers, b.index = b.items[:0], b.products[:0], b.vers[:0], b.index[:0]
	return nil
}

// kbRows is n copies of a row of placeholders, comma-separated.
func kbRows(row string, n int) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

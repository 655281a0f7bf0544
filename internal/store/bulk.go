package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/caseport/caseport/internal/desk"
)

// bulkColumns are the columns InsertCases writes: those of CreateCase.
const bulkColumns = `sold_to_id, end_user_id, contact_id, owner_id, type, sub_type, product_id, component_id,
	summary, description, priority, severity, status, substatus, stage, security_threat, business_impact,
	agents_affected, external_ref, linked_case_id, close_comment, created_at, updated_at, closed_at,
	reopened_count, reference_id`

const bulkColumnCount = 26

const (
	// bulkRows is how many cases one INSERT of InsertCases writes: 13,000
	// parameters, under both engines' limits on the parameters of one
	// statement (SQLite 32,766, PostgreSQL 65,535).
	bulkRows = 500
	// bulkCacheKiB is SQLite's page cache while InsertCases runs, so that
	// the indexes it builds at the end are sorted in memory.
	bulkCacheKiB = 512 * 1024
)

// InsertCases writes many cases at once, for a store loaded to be measured
// (caseport bench and the store's benchmarks). Each case gets what
// CreateCase writes into its row, a Reference ID included, and nothing
// else: no feed entry, audit record, clock, job or notification, which
// the use cases write when a case is opened. Case IDs follow the order of
// cases. cases may yield the same value again, filled anew: each is read
// before the next is asked for.
//
// It is one transaction, so a load that fails leaves the store as it was.
// The indexes of cases (and SQLite's trigger that indexes each new case's
// text) are dropped first and made again once every row is in, SQLite's
// text index rebuilt from its content: building an index from all its
// rows at once costs a fraction of keeping it up to date row by row
// (docs/benchmarks.md). It is meant for a store that holds few cases
// before, since their index entries are made again too. When it
// returns, the indexes are as the migrations made them, the text index
// holds every case, and PostgreSQL's planner statistics count the new
// rows: right after a bulk load the planner would otherwise believe the
// table empty until autovacuum came by, and plan accordingly.
func (s *Store) InsertCases(ctx context.Context, cases iter.Seq[*desk.Case]) (int, error) {
	written := 0
	err := s.Write(ctx, func(tx *Tx) (err error) {
		restore, err := tx.bulkCache(ctx)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, restore()) }()
		again, err := tx.dropCaseIndexes(ctx)
		if err != nil {
			return err
		}
		if written, err = tx.insertCases(ctx, cases); err != nil {
			return err
		}
		if tx.d.name == "sqlite" {
			// The text index is made again from its content, which says
			// what of a case it indexes, as the trigger does.
			// Then merged into one segment: left as the rebuild writes
			// it, FTS5 merges it a few pages at a time on every later
			// write, which cost a third of a case create for thousands of
			// them (migration 00020).
			for _, cmd := range []string{"rebuild", "optimize"} {
				if _, err := tx.q().exec(ctx, `INSERT INTO cases_fts (cases_fts) VALUES (?)`, cmd); err != nil {
					return fmt.Errorf("index the text of the cases (%s): %w", cmd, err)
				}
			}
		}
		for _, create := range again {
			if _, err := tx.q().exec(ctx, create); err != nil {
				return fmt.Errorf("index cases again: %.80s: %w", create, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return written, s.afterBulkLoad(ctx)
}

// insertCases writes cases in statements of bulkRows rows.
func (tx *Tx) insertCases(ctx context.Context, cases iter.Seq[*desk.Case]) (int, error) {
	full := bulkInsert(bulkRows)
	written := 0
	args := make([]any, 0, bulkRows*bulkColumnCount)
	for c := range cases {
		args = appendCase(args, c)
		if len(args) < cap(args) {
			continue
		}
		if _, err := tx.q().exec(ctx, full, args...); err != nil {
			return written, fmt.Errorf("insert cases %d to %d: %w", written+1, written+bulkRows, err)
		}
		written += bulkRows
		args = args[:0]
	}
	if rows := len(args) / bulkColumnCount; rows > 0 {
		if _, err := tx.q().exec(ctx, bulkInsert(rows), args...); err != nil {
			return written, fmt.Errorf("insert cases %d to %d: %w", written+1, written+rows, err)
		}
		written += rows
	}
	return written, nil
}

// bulkInsert is an INSERT of rows cases.
func bulkInsert(rows int) string {
	row := "(" + placeholders(bulkColumnCount) + ")"
	var b strings.Builder
	b.Grow(len(bulkColumns) + 40 + rows*(len(row)+2))
	b.WriteString("INSERT INTO cases (" + bulkColumns + ") VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// appendCase appends the values of bulkColumns of c to args.
func appendCase(args []any, c *desk.Case) []any {
	return append(args, c.SoldToID, c.EndUserID, c.ContactID, id(c.OwnerID), string(c.Type), c.SubType,
		c.ProductID, c.ComponentID, c.Summary, c.Description, string(c.Priority), c.Severity, string(c.Status),
		string(c.SubStatus), string(c.Stage), c.SecurityThreat, c.BusinessImpact, c.AgentsAffected, c.ExternalRef,
		id(c.LinkedCaseID), c.CloseComment, ts(c.CreatedAt), ts(c.UpdatedAt), ts(c.ClosedAt), c.ReopenedCount,
		referenceID(c))
}

// dropCaseIndexes drops the indexes of cases that no constraint needs,
// and SQLite's trigger that indexes the text of each new case, and
// returns the statements that make them again, as the schema has them.
func (tx *Tx) dropCaseIndexes(ctx context.Context) ([]string, error) {
	query := `SELECT name, type, sql FROM sqlite_master
		WHERE tbl_name = 'cases' AND sql IS NOT NULL AND (type = 'index' OR name = 'cases_fts_insert')`
	if tx.d.name == "postgres" {
		query = `SELECT i.relname, 'index', pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
			WHERE x.indrelid = 'cases'::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = x.indexrelid)`
	}
	rows, err := tx.q().query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("indexes of cases: %w", err)
	}
	defer rows.Close()
	var drops, creates []string
	for rows.Next() {
		var name, kind, create string
		if err := rows.Scan(&name, &kind, &create); err != nil {
			return nil, fmt.Errorf("indexes of cases: %w", err)
		}
		drops = append(drops, "DROP "+strings.ToUpper(kind)+" "+name)
		creates = append(creates, create)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("indexes of cases: %w", err)
	}
	for _, drop := range drops {
		if _, err := tx.q().exec(ctx, drop); err != nil {
			return nil, fmt.Errorf("%s: %w", drop, err)
		}
	}
	return creates, nil
}

// bulkCache gives SQLite's writer connection a page cache that holds the
// indexes of cases while InsertCases builds them, and returns what puts
// it back as it was.
func (tx *Tx) bulkCache(ctx context.Context) (func() error, error) {
	if tx.d.name != "sqlite" {
		return func() error { return nil }, nil
	}
	var was int64
	if err := tx.q().row(ctx, "PRAGMA cache_size").Scan(&was); err != nil {
		return nil, fmt.Errorf("page cache: %w", err)
	}
	if _, err := tx.q().exec(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", bulkCacheKiB)); err != nil {
		return nil, fmt.Errorf("page cache: %w", err)
	}
	return func() error {
		if _, err := tx.q().exec(ctx, fmt.Sprintf("PRAGMA cache_size = %d", was)); err != nil {
			return fmt.Errorf("page cache: %w", err)
		}
		return nil
	}, nil
}

// afterBulkLoad follows a bulk load. PostgreSQL's planner gets the new
// counts (ANALYZE), and VACUUM marks the new rows visible to all, so the
// first reads do not do it row by row and index-only scans need not visit
// the table, whenever autovacuum would have come by. SQLite's write-ahead
// log is folded into the database file, so the file holds what was loaded
// and the log starts empty.
func (s *Store) afterBulkLoad(ctx context.Context) error {
	query := "PRAGMA wal_checkpoint(TRUNCATE)"
	if s.dialect.name == "postgres" {
		query = "VACUUM (ANALYZE)"
	}
	if _, err := s.w.ExecContext(ctx, query); err != nil {
		return fmt.Errorf("after a bulk load: %s: %w", query, err)
	}
	return nil
}

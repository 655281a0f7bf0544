package store

import (
	"context"
	"fmt"

	"github.com/caseport/caseport/internal/desk"
)

// Exec runs a raw statement in the transaction. Tests use it to insert
// fixture rows (companies, users, products) without depending on the store
// methods that own those tables, and benchmarks to load data sets in bulk.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) error {
	if _, err := tx.q().exec(ctx, query, args...); err != nil {
		return fmt.Errorf("exec %.60q: %w", query, err)
	}
	return nil
}

// InsertID runs a raw INSERT … RETURNING id in the transaction and returns
// the id.
func (tx *Tx) InsertID(ctx context.Context, query string, args ...any) (int64, error) {
	var newID int64
	if err := tx.q().row(ctx, query, args...).Scan(&newID); err != nil {
		return 0, fmt.Errorf("insert %.60q: %w", query, err)
	}
	return newID, nil
}

// Explain returns the query plan of a read query on the read pool, one
// line per plan node, for benchmarks that check which index serves a list.
// On PostgreSQL the query runs, and the plan says what each node took
// (EXPLAIN (ANALYZE, BUFFERS)), planning included.
func (s *Store) Explain(ctx context.Context, query string, args ...any) ([]string, error) {
	prefix, col := "EXPLAIN (ANALYZE, BUFFERS) ", 0
	if s.dialect.name == "sqlite" {
		prefix, col = "EXPLAIN QUERY PLAN ", 3
	}
	rows, err := s.read().query(ctx, prefix+query, args...)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		var line string
		for i := range vals {
			vals[i] = new(any)
		}
		vals[col] = &line
		if err := rows.Scan(vals...); err != nil {
			return nil, fmt.Errorf("explain: %w", err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	return plan, nil
}

// ExplainCases returns the plan of the query Cases runs for f.
func (s *Store) ExplainCases(ctx context.Context, f desk.CaseFilter) ([]string, error) {
	path, err := s.searchPath(ctx, f)
	if err != nil {
		return nil, err
	}
	query, args, err := s.casesQuery(f, path)
	if err != nil || query == "" {
		return nil, err
	}
	return s.Explain(ctx, query, args...)
}

// IDs runs a query of one integer column on the read pool.
func (s *Store) IDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	return scanIDs(s.read(), ctx, query, args...)
}

// IDs runs a query of one integer column in the transaction.
func (tx *Tx) IDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	return scanIDs(tx.q(), ctx, query, args...)
}

func scanIDs(db q, ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ids %.60q: %w", query, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// CasesSearchingInOrder runs Cases with a keyword search on the path for
// searches with many matches, whatever the count, so tests can check
// that both paths find the same cases.
func (s *Store) CasesSearchingInOrder(ctx context.Context, f desk.CaseFilter) ([]int64, error) {
	query, args, err := s.casesQuery(f, searchPath{how: searchInOrder})
	if err != nil || query == "" {
		return nil, err
	}
	rows, err := s.read().query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var r desk.CaseRow
		if err := rows.Scan(caseRowDest(&r)...); err != nil {
			return nil, err
		}
		ids = append(ids, r.ID)
	}
	return ids, rows.Err()
}

// PlannerRows is what PostgreSQL's planner believes table holds
// (pg_class.reltuples: -1 before the first ANALYZE).
func (s *Store) PlannerRows(ctx context.Context, table string) (float64, error) {
	var n float64
	err := s.read().row(ctx, "SELECT reltuples FROM pg_class WHERE relname = ?", table).Scan(&n)
	return n, err
}

// SearchWalksRecent reports whether Cases searches f's keywords by walking
// only the newest cases first (PostgreSQL, for words the planner thinks
// common).
func (s *Store) SearchWalksRecent(ctx context.Context, f desk.CaseFilter) (bool, error) {
	path, err := s.searchPath(ctx, f)
	return path.recent > 0, err
}

// EstimateSearchesFrom has searches ask the planner from n cases on
// (estimateFrom), so a test's small table takes the path a large one does.
func (s *Store) EstimateSearchesFrom(n float64) {
	s.cases.mu.Lock()
	defer s.cases.mu.Unlock()
	s.cases.estimateFrom = n
}

// FactTables are the tables the facts kept in memory are read from.
var FactTables = factTables

// FactTriggers lists the triggers that move the facts' version, as
// "table trigger".
func (s *Store) FactTriggers(ctx context.Context) ([]string, error) {
	query := `SELECT tbl_name || ' ' || name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'facts_%' ORDER BY 1`
	if s.dialect.name == "postgres" {
		query = `SELECT c.relname || ' ' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
			WHERE t.tgname LIKE 'facts_%' ORDER BY 1`
	}
	rows, err := s.read().query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ForgetsFactsVersion is forgetsFactsVersion.
var ForgetsFactsVersion = forgetsFactsVersion

// ExplainFind returns the plans of the global search's queries of
// companies and contacts for a prefix.
func (s *Store) ExplainFind(ctx context.Context, prefix string) (companies, contacts []string, err error) {
	from, to := prefixRange(prefix)
	if companies, err = s.Explain(ctx, findCompanies, from, to, 5, prefix, 5); err != nil {
		return nil, nil, err
	}
	contacts, err = s.Explain(ctx, findContacts, from, to, 5, from, to, 5, from, to, 5, 5)
	return companies, contacts, err
}

// ExplainCount returns the plan of the count CountCases runs for f.
func (s *Store) ExplainCount(ctx context.Context, f desk.CaseFilter) ([]string, error) {
	w, _, ok, err := s.listWhere(f, searchPath{how: noSearch})
	if err != nil || !ok {
		return nil, err
	}
	order := countOrder(f, searchPath{how: noSearch})
	return s.Explain(ctx, `SELECT count(*) FROM (SELECT 1 FROM cases c WHERE `+w.String()+order+` LIMIT ?) counted`, append(w.args, desk.CountLimit)...)
}

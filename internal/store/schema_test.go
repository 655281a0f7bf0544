package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/store/storetest"
)

// engineOnly names what exists on one engine alone by design; the schema
// comparison leaves it out. Anything else that differs is drift: fix it
// with a migration on the engine that is wrong.
var engineOnly = map[string]map[string]string{
	"sqlite": {
		// Keyword search: an external-content FTS5 table (and its
		// shadow tables), kept in step by triggers. PostgreSQL has
		// the generated column cases.search and its GIN index.
		"table cases_fts":         "FTS5 keyword search",
		"table cases_fts_config":  "FTS5 shadow table",
		"table cases_fts_data":    "FTS5 shadow table",
		"table cases_fts_docsize": "FTS5 shadow table",
		"table cases_fts_idx":     "FTS5 shadow table",
		// Knowledge search: a contentless FTS5 table of the items' words
		// and a trigram FTS5 table of the vocabulary (PostgreSQL: the
		// column kb_items.search with its GIN index, and a pg_trgm index
		// on kb_terms).
		"table kb_fts":                    "FTS5 knowledge search",
		"table kb_fts_config":             "FTS5 shadow table",
		"table kb_fts_data":               "FTS5 shadow table",
		"table kb_fts_docsize":            "FTS5 shadow table",
		"table kb_fts_idx":                "FTS5 shadow table",
		"table kb_terms_trigrams":         "FTS5 trigram index of the vocabulary",
		"table kb_terms_trigrams_config":  "FTS5 shadow table",
		"table kb_terms_trigrams_data":    "FTS5 shadow table",
		"table kb_terms_trigrams_docsize": "FTS5 shadow table",
		"table kb_terms_trigrams_idx":     "FTS5 shadow table",
		// goose's bookkeeping (the table of applied migrations).
		"table goose_db_version": "migration bookkeeping",
	},
	"postgres": {
		"column cases.search":              "keyword search: tsvector generated from summary and description (SQLite: cases_fts)",
		"index cases.cases_search":         "keyword search: GIN index on cases.search (SQLite: cases_fts)",
		"column kb_items.search":           "knowledge search: the items' words as a tsvector (SQLite: kb_fts)",
		"index kb_items.kb_items_search":   "knowledge search: GIN index on kb_items.search (SQLite: kb_fts)",
		"index kb_terms.kb_terms_trigrams": "wildcards: pg_trgm index of the vocabulary (SQLite: kb_terms_trigrams)",
		"table goose_db_version":           "migration bookkeeping",
	},
}

// TestSchemasMatch migrates a database on each engine and compares what
// the two migration sets made: tables, columns (by a common class of
// type, nullability, default, identity), primary keys, indexes (columns
// in order with direction, uniqueness, the predicate of a partial index)
// and foreign keys (columns, referenced table and columns, ON DELETE).
// The migrations are written twice, once per dialect; this is what keeps
// them describing one schema. Not compared: SQLite's triggers (they only
// keep cases_fts in step) and PostgreSQL's extended statistics (planner
// hints); neither engine has CHECK constraints or views.
func TestSchemasMatch(t *testing.T) {
	t.Parallel()
	schemas := map[string]schema{}
	for _, e := range storetest.Engines(t) {
		url := e.URL(t)
		storetest.Open(t, storetest.Engine{Name: e.Name, URL: func(testing.TB) string { return url }})
		s, err := readSchema(context.Background(), e.Name, url)
		if err != nil {
			t.Fatalf("read the %s schema: %v", e.Name, err)
		}
		// A reader that read nothing would find two empty schemas alike.
		if cases := s["cases"]; len(s) < 20 || len(cases.Columns) < 20 || len(cases.Indexes) < 5 || len(cases.ForeignKeys) < 5 {
			t.Fatalf("the %s schema reads as %d tables, cases with %d columns, %d indexes, %d foreign keys: too little",
				e.Name, len(s), len(cases.Columns), len(cases.Indexes), len(cases.ForeignKeys))
		}
		for key := range engineOnly[e.Name] {
			if !s.drop(key) {
				t.Errorf("engineOnly[%s] names %q, which the %s schema does not have: take it off the list", e.Name, key, e.Name)
			}
		}
		schemas[e.Name] = s
	}
	pg, ok := schemas["postgres"]
	if !ok {
		t.Skip("needs " + storetest.EnvPostgres + ": compares SQLite's schema with PostgreSQL's")
	}
	if diff := cmp.Diff(schemas["sqlite"], pg); diff != "" {
		t.Errorf("the migrated schemas differ (-sqlite +postgres):\n%s", diff)
	}
}

// schema is what the comparison reads of a database, keyed by table.
type schema map[string]table

type table struct {
	Columns     map[string]column
	PrimaryKey  []string
	Indexes     map[string]index // by name; constraint indexes by their columns
	ForeignKeys []string         // "(a, b) → t(x, y) ON DELETE action", sorted
}

type column struct {
	Class    string // integer, text, real, bool, timestamp, blob (or the declared type)
	NotNull  bool
	Default  string // normalised: no casts, lower case
	Identity bool   // numbered by the database and never reused
	NextID   int64  // of an identity column: the first number it gives
}

type index struct {
	Columns []string // "col" or "col DESC"
	Unique  bool
	Where   string // normalised predicate of a partial index
}

// drop removes what key names ("table t", "column t.c", "index t.i")
// and reports whether it was there.
func (s schema) drop(key string) bool {
	kind, name, _ := strings.Cut(key, " ")
	tbl, part, _ := strings.Cut(name, ".")
	t, ok := s[tbl]
	if !ok {
		return false
	}
	switch kind {
	case "table":
		delete(s, tbl)
		return true
	case "column":
		_, ok = t.Columns[part]
		delete(t.Columns, part)
	case "index":
		_, ok = t.Indexes[part]
		delete(t.Indexes, part)
	default:
		return false
	}
	return ok
}

func readSchema(ctx context.Context, engine, url string) (schema, error) {
	if path, ok := strings.CutPrefix(url, "sqlite://"); ok {
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			return nil, err
		}
		defer db.Close()
		return readSQLite(ctx, db)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if engine != "postgres" {
		return nil, fmt.Errorf("unknown engine %s", engine)
	}
	return readPostgres(ctx, db)
}

// readSQLite reads the schema through the pragma table-valued functions.
func readSQLite(ctx context.Context, db *sql.DB) (schema, error) {
	type master struct{ name, sql string }
	var tables []master
	err := each(ctx, db, `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
		func(r *sql.Rows) error {
			var m master
			err := r.Scan(&m.name, &m.sql)
			tables = append(tables, m)
			return err
		})
	if err != nil {
		return nil, err
	}
	autoincrement := regexp.MustCompile(`(?i)\bAUTOINCREMENT\b`)
	s := schema{}
	var pending []foreignKey
	for _, m := range tables {
		t := table{Columns: map[string]column{}, Indexes: map[string]index{}}
		pk := map[int]string{}
		err := each(ctx, db, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`, func(r *sql.Rows) error {
			var (
				name, typ string
				notNull   bool
				dflt      sql.NullString
				pkOrder   int
			)
			if err := r.Scan(&name, &typ, &notNull, &dflt, &pkOrder); err != nil {
				return err
			}
			c := column{Class: sqliteClass(typ), NotNull: notNull, Default: normalise(dflt.String)}
			if pkOrder > 0 {
				pk[pkOrder] = name
				// SQLite lets a primary key other than INTEGER hold
				// NULL (a historical quirk) unless it says NOT NULL;
				// every key here is written, so count it as NOT NULL
				// as PostgreSQL makes it.
				c.NotNull = true
				c.Identity = strings.EqualFold(typ, "INTEGER") && autoincrement.MatchString(m.sql)
			}
			t.Columns[name] = c
			return nil
		}, m.name)
		if err == nil {
			err = sqliteNextIDs(ctx, db, m.name, t.Columns)
		}
		if err != nil {
			return nil, fmt.Errorf("columns of %s: %w", m.name, err)
		}
		for i := 1; i <= len(pk); i++ {
			t.PrimaryKey = append(t.PrimaryKey, pk[i])
		}
		type listed struct {
			name, origin string
			unique       bool
		}
		var idx []listed
		err = each(ctx, db, `SELECT name, "unique", origin FROM pragma_index_list(?)`, func(r *sql.Rows) error {
			var l listed
			err := r.Scan(&l.name, &l.unique, &l.origin)
			idx = append(idx, l)
			return err
		}, m.name)
		if err != nil {
			return nil, fmt.Errorf("indexes of %s: %w", m.name, err)
		}
		for _, l := range idx {
			if l.origin == "pk" {
				continue // the primary key, compared as such
			}
			ix := index{Unique: l.unique}
			err := each(ctx, db, `SELECT name, "desc" FROM pragma_index_xinfo(?) WHERE key ORDER BY seqno`, func(r *sql.Rows) error {
				var (
					name sql.NullString
					desc bool
				)
				if err := r.Scan(&name, &desc); err != nil {
					return err
				}
				col := name.String
				if !name.Valid {
					col = "(expression)"
				}
				if desc {
					col += " DESC"
				}
				ix.Columns = append(ix.Columns, col)
				return nil
			}, l.name)
			if err != nil {
				return nil, fmt.Errorf("index %s: %w", l.name, err)
			}
			name := l.name
			if l.origin == "c" {
				var def string
				if err := db.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, l.name).Scan(&def); err != nil {
					return nil, fmt.Errorf("index %s: %w", l.name, err)
				}
				if _, where, ok := cutFold(def, " WHERE "); ok {
					ix.Where = normalise(where)
				}
			} else {
				// A UNIQUE constraint: its index is named by the engine.
				name = "unique(" + strings.Join(ix.Columns, ", ") + ")"
			}
			t.Indexes[name] = ix
		}
		fks := map[int]*foreignKey{}
		err = each(ctx, db, `SELECT id, "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, func(r *sql.Rows) error {
			var (
				id        int
				ref, from string
				to        sql.NullString
				onDelete  string
			)
			if err := r.Scan(&id, &ref, &from, &to, &onDelete); err != nil {
				return err
			}
			fk := fks[id]
			if fk == nil {
				fk = &foreignKey{ref: ref, onDelete: onDelete}
				fks[id] = fk
			}
			fk.from = append(fk.from, from)
			fk.to = append(fk.to, to.String) // empty: the referenced primary key
			return nil
		}, m.name)
		if err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", m.name, err)
		}
		for _, fk := range fks {
			fk.table = m.name
			pending = append(pending, *fk)
		}
		s[m.name] = t
	}
	for _, fk := range pending {
		if slices.Contains(fk.to, "") {
			// REFERENCES t without columns: t's primary key.
			fk.to = s[fk.ref].PrimaryKey
		}
		t := s[fk.table]
		t.ForeignKeys = append(t.ForeignKeys, fk.String())
		s[fk.table] = t
	}
	for name, t := range s {
		slices.Sort(t.ForeignKeys)
		s[name] = t
	}
	return s, nil
}

// readPostgres reads the schema through information_schema and pg_catalog.
func readPostgres(ctx context.Context, db *sql.DB) (schema, error) {
	s := schema{}
	err := each(ctx, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`, func(r *sql.Rows) error {
		var name string
		err := r.Scan(&name)
		s[name] = table{Columns: map[string]column{}, Indexes: map[string]index{}}
		return err
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, db, `SELECT table_name, column_name, data_type, is_nullable = 'NO', coalesce(column_default, ''),
			is_identity = 'YES', is_generated = 'ALWAYS'
		FROM information_schema.columns WHERE table_schema = current_schema()`, func(r *sql.Rows) error {
		var (
			tbl, name, typ          string
			notNull, ident, derived bool
			dflt                    string
		)
		if err := r.Scan(&tbl, &name, &typ, &notNull, &dflt, &ident, &derived); err != nil {
			return err
		}
		t, ok := s[tbl]
		if !ok {
			return nil // a view
		}
		class := postgresClass(typ)
		if derived {
			class += " generated"
		}
		c := column{Class: class, NotNull: notNull, Default: normalise(dflt), Identity: ident}
		if ident {
			// The sequence of an identity column that has not given a
			// number yet has no last_value: it starts at start_value.
			err := db.QueryRowContext(ctx, `SELECT coalesce(last_value + increment_by, start_value) FROM pg_sequences
				WHERE schemaname || '.' || sequencename = pg_get_serial_sequence($1, $2)`, tbl, name).Scan(&c.NextID)
			if err != nil {
				return fmt.Errorf("sequence of %s.%s: %w", tbl, name, err)
			}
		}
		t.Columns[name] = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Primary keys and foreign keys, columns in key order.
	err = each(ctx, db, `SELECT c.conrelid::regclass::text, c.contype,
			array_to_string(ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
				JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i), ','),
			coalesce(c.confrelid::regclass::text, ''),
			array_to_string(ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
				JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i), ','),
			c.confdeltype
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname = current_schema() AND c.contype IN ('p', 'f')`, func(r *sql.Rows) error {
		var tbl, kind, cols, ref, refCols, del string
		if err := r.Scan(&tbl, &kind, &cols, &ref, &refCols, &del); err != nil {
			return err
		}
		t, ok := s[tbl]
		if !ok {
			return nil
		}
		if kind == "p" {
			t.PrimaryKey = strings.Split(cols, ",")
			s[tbl] = t
			return nil
		}
		fk := foreignKey{table: tbl, from: strings.Split(cols, ","), ref: ref, to: strings.Split(refCols, ","), onDelete: postgresAction(del)}
		t.ForeignKeys = append(t.ForeignKeys, fk.String())
		s[tbl] = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Indexes other than the primary keys'; one that backs a UNIQUE
	// constraint is named by its columns, as the engine named it.
	err = each(ctx, db, `SELECT t.relname, i.relname, x.indisunique, con.conname IS NOT NULL,
			array_to_string(ARRAY(SELECT CASE WHEN k.n = 0 THEN '(expression)' ELSE a.attname END
				|| CASE WHEN (x.indoption[k.i - 1] & 1) = 1 THEN ' DESC' ELSE '' END
				FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(n, i)
				LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n
				WHERE k.i <= x.indnkeyatts ORDER BY k.i), ','),
			coalesce(pg_get_expr(x.indpred, x.indrelid), '')
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.contype = 'u'
		WHERE n.nspname = current_schema() AND NOT x.indisprimary`, func(r *sql.Rows) error {
		var (
			tbl, name, cols, where string
			unique, constraint     bool
		)
		if err := r.Scan(&tbl, &name, &unique, &constraint, &cols, &where); err != nil {
			return err
		}
		t, ok := s[tbl]
		if !ok {
			return nil
		}
		ix := index{Columns: strings.Split(cols, ","), Unique: unique, Where: normalise(where)}
		if constraint {
			name = "unique(" + strings.Join(ix.Columns, ", ") + ")"
		}
		t.Indexes[name] = ix
		return nil
	})
	if err != nil {
		return nil, err
	}
	for name, t := range s {
		slices.Sort(t.ForeignKeys)
		s[name] = t
	}
	return s, nil
}

// sqliteNextIDs sets the first number each AUTOINCREMENT column of table
// gives: one past sqlite_sequence's, or 1 when it has no row.
func sqliteNextIDs(ctx context.Context, db *sql.DB, table string, cols map[string]column) error {
	for name, c := range cols {
		if !c.Identity {
			continue
		}
		var seq int64
		err := db.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = ?`, table).Scan(&seq)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		c.NextID = seq + 1
		cols[name] = c
	}
	return nil
}

type foreignKey struct {
	table    string
	from, to []string
	ref      string
	onDelete string
}

func (fk foreignKey) String() string {
	return fmt.Sprintf("(%s) → %s(%s) ON DELETE %s",
		strings.Join(fk.from, ", "), fk.ref, strings.Join(fk.to, ", "), fk.onDelete)
}

// postgresAction spells pg_constraint.confdeltype as SQLite's
// foreign_key_list does.
func postgresAction(code string) string {
	switch code {
	case "c":
		return "CASCADE"
	case "n":
		return "SET NULL"
	case "d":
		return "SET DEFAULT"
	case "r":
		return "RESTRICT"
	}
	return "NO ACTION"
}

// sqliteClass maps a declared SQLite type to the common class; what it
// does not know stays as declared, so that it shows in the diff.
func sqliteClass(declared string) string {
	switch strings.ToUpper(declared) {
	case "INTEGER", "INT", "BIGINT", "SMALLINT":
		return "integer"
	case "TEXT":
		return "text"
	case "REAL", "DOUBLE PRECISION", "FLOAT":
		return "real"
	case "BOOLEAN":
		return "bool"
	case "TIMESTAMP":
		// Written and read as UTC by the store (_time_format=sqlite).
		return "timestamp"
	case "BLOB":
		return "blob"
	}
	return "sqlite " + declared
}

// postgresClass maps information_schema's data_type to the common class.
func postgresClass(dataType string) string {
	switch dataType {
	case "bigint", "integer", "smallint":
		return "integer"
	case "text":
		return "text"
	case "double precision", "real":
		return "real"
	case "boolean":
		return "bool"
	case "timestamp with time zone":
		return "timestamp"
	case "bytea":
		return "blob"
	}
	// timestamp without time zone is drift: the store writes UTC instants.
	return "postgres " + dataType
}

var (
	anyArray = regexp.MustCompile(`(?i)= ANY \(ARRAY\[(.*?)\]\)`)
	casts    = regexp.MustCompile(`::(text|bigint|integer|boolean|bytea|timestamp with time zone)(\[\])?`)
	parens   = regexp.MustCompile(`[()]`)
	spaces   = regexp.MustCompile(`\s+`)
)

// normalise makes a default or a predicate comparable across engines:
// PostgreSQL writes casts ('x'::text), parentheses the SQL did not have
// and IN (…) as = ANY (ARRAY[…]), and either may change case.
func normalise(expr string) string {
	expr = anyArray.ReplaceAllString(expr, "IN ($1)") // PostgreSQL's spelling of IN (…)
	expr = casts.ReplaceAllString(expr, "")
	expr = parens.ReplaceAllString(expr, "")
	expr = spaces.ReplaceAllString(strings.TrimSpace(expr), " ")
	return strings.ToLower(expr)
}

func cutFold(s, sep string) (before, after string, ok bool) {
	i := strings.Index(strings.ToUpper(s), strings.ToUpper(sep))
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func each(ctx context.Context, db *sql.DB, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/caseport/caseport/internal/desk"
)

// dialect holds what differs between SQLite and PostgreSQL. Queries are
// written for both; only these bits change.
type dialect struct {
	name string
	// forUpdate locks the selected rows in a write transaction. SQLite
	// needs nothing: BEGIN IMMEDIATE already holds the write lock.
	forUpdate string
	// caseSearch is the condition a keyword search puts on cases c; its
	// one placeholder takes searchQuery(terms). SQLite asks the FTS5 table
	// kept by triggers; PostgreSQL the generated tsvector column.
	caseSearch  string
	searchQuery func(terms []string) string
}

var (
	sqliteDialect = dialect{
		name:        "sqlite",
		caseSearch:  "c.id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)",
		searchQuery: ftsQuery,
	}
	postgresDialect = dialect{
		name:        "postgres",
		forUpdate:   " FOR UPDATE",
		caseSearch:  "c.search @@ to_tsquery('english', ?)",
		searchQuery: tsQuery,
	}
)

// rebind turns ? placeholders into $1, $2, … for PostgreSQL. Queries in
// this package never contain a literal question mark.
func (d dialect) rebind(query string) string {
	if d.name != "postgres" || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// conflict turns a unique-constraint violation into a validation error on
// field with msg, so a form can show it; other errors are wrapped with
// what.
func (d dialect) conflict(err error, what, field, msg string) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("%s: %w", what, &desk.ValidationError{Fields: map[string]string{field: msg}})
	}
	return fmt.Errorf("%s: %w", what, err)
}

// isUniqueViolation recognises both engines' unique-constraint errors.
func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		code := lite.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

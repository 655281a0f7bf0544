package store

import (
	"strconv"
	"strings"
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

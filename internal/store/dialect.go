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
}

var (
	sqliteDialect   = dialect{name: "sqlite"}
	postgresDialect = dialect{name: "postgres", forUpdate: " FOR UPDATE"}
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

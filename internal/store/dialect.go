package store

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"

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
	// skipLocked locks the selected row and skips rows other transactions
	// hold, so concurrent workers claim different jobs. SQLite has one
	// writer at a time, which is the same.
	skipLocked string
	// A keyword search lists the matching cases newest case first, by
	// case number: the order a text index can give as it goes, so a page
	// of a search costs about the same however many cases match.
	//
	// searchFrom names cases c and the text index, searchMatch writes the
	// match of the typed words within a scope (a condition and its
	// arguments) and searchOrder is the case number as the index streams
	// it.
	//
	// SQLite's FTS5 streams matches in rowid order, so that is all it
	// needs. PostgreSQL cannot read a GIN index in order; it walks the
	// primary key testing each case, which finds a page at once when many
	// cases match but crosses the whole table for a rare word. So it
	// counts matches first, up to fewMatches (countMatches, of the cases
	// c that meet the match), and below that collects them all and sorts
	// them, fence keeping the planner from turning the collection back
	// into the walk. A customer's search, whose scope words are few, is
	// such a collection.
	//
	// Counting costs what the walk saves when the words are common: the
	// GIN index intersects their long posting lists (20 ms for two words
	// each in one case in nine, at a million cases) and the count then
	// reads 2,000 cases to recheck them. So PostgreSQL first asks its
	// planner how many cases match (estimateMatches, from the statistics
	// ANALYZE keeps of each word): when many do, it reads only the newest
	// cases that meet the list's other conditions, as many as should hold
	// a page three times over, testing each for the words, and counts only
	// when they hold less than a page.
	searchFrom      string
	searchMatch     func(terms []string, sc searchScope) (string, []any)
	searchOrder     string
	countMatches    string
	estimateMatches string
	fence           string
}

var (
	sqliteDialect = dialect{
		name:       "sqlite",
		searchFrom: "cases_fts JOIN cases c ON c.id = cases_fts.rowid",
		searchMatch: func(terms []string, sc searchScope) (string, []any) {
			return "cases_fts MATCH ?", []any{ftsQuery(terms, sc)}
		},
		searchOrder: "cases_fts.rowid",
	}
	postgresDialect = dialect{
		name:       "postgres",
		forUpdate:  " FOR UPDATE",
		skipLocked: " FOR UPDATE SKIP LOCKED",
		searchFrom: "cases c",
		searchMatch: func(terms []string, sc searchScope) (string, []any) {
			if scope := tsScope(sc); scope != "" {
				// One query of the GIN index for the words and the scope.
				return "c.search @@ (to_tsquery('english', ?) && to_tsquery('simple', ?))", []any{tsQuery(terms), scope}
			}
			return "c.search @@ to_tsquery('english', ?)", []any{tsQuery(terms)}
		},
		searchOrder:     "c.id",
		countMatches:    "SELECT count(*) FROM (SELECT 1 FROM cases c WHERE %s LIMIT ?) m",
		estimateMatches: "EXPLAIN (FORMAT JSON) SELECT 1 FROM cases c WHERE %s",
		fence:           " OFFSET 0",
	}
)

// rebind turns ? placeholders into $1, $2, … for PostgreSQL. Queries in
// this package never contain a literal question mark.
//
// PostgreSQL types a placeholder by what it is compared with: in an
// optional filter, `? = 0` makes it int4, which refuses an id past 2^31,
// so such a filter says CAST(? AS BIGINT) = 0. Filters of lists write only
// the conditions given (a where), which each engine reads from an index;
// the `? = 0 OR col = ?` form reads every row.
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

// Unique constraints that a use case turns into what its user sees. The
// names are PostgreSQL's (the constraint or index in the schema); SQLite
// reports the same constraints by their columns (uniqueConstraints).
const (
	UniqueUserEmail         = "users_email_key"
	UniqueUserPIN           = "users_pin_key"
	UniqueCompanyOrgID      = "companies_org_id_key"
	UniqueProductName       = "products_name_key"
	UniqueProductLineName   = "product_lines_name_key"
	UniqueComponentName     = "components_product_id_name_key"
	UniqueContractNumber    = "contracts_number_key"
	UniqueCalendarName      = "calendars_name_key"
	UniqueActiveEscalation  = "escalations_one_active"
	UniqueActiveSFTPAccount = "sftp_accounts_active"
	UniqueSFTPUsername      = "sftp_accounts_username_key"
	UniqueCaseReference     = "cases_reference"
	UniqueStorageKey        = "case_files_storage_key_key"
	UniqueAPITokenHash      = "api_tokens_token_hash_key"
	UniqueInboundDedupKey   = "inbound_mail_dedup"
	UniquePendingJobKey     = "jobs_pending_key"
	UniqueMacroName         = "macros_name_key"
)

// uniqueConstraints is the one table from what SQLite reports of a unique
// violation ("UNIQUE constraint failed: users.email", the columns of the
// constraint) to the constraint's name, so both engines name it alike.
var uniqueConstraints = map[string]string{
	"users.email":                            UniqueUserEmail,
	"users.pin":                              UniqueUserPIN,
	"companies.org_id":                       UniqueCompanyOrgID,
	"products.name":                          UniqueProductName,
	"product_lines.name":                     UniqueProductLineName,
	"components.product_id, components.name": UniqueComponentName,
	"contracts.number":                       UniqueContractNumber,
	"calendars.name":                         UniqueCalendarName,
	"escalations.case_id":                    UniqueActiveEscalation,
	"sftp_accounts.case_id":                  UniqueActiveSFTPAccount,
	"sftp_accounts.username":                 UniqueSFTPUsername,
	"cases.reference_id":                     UniqueCaseReference,
	"case_files.storage_key":                 UniqueStorageKey,
	"api_tokens.token_hash":                  UniqueAPITokenHash,
	"inbound_mail.dedup_key":                 UniqueInboundDedupKey,
	"jobs.key":                               UniquePendingJobKey,
	"macros.name":                            UniqueMacroName,
	"queue_views.owner_id, queue_views.name": UniquePersonalView,
	"queue_views.name":                       UniqueSharedView,
}

// conflict turns a unique-constraint violation into a *desk.ConflictError
// naming the constraint, wrapped with what; other errors are wrapped with
// what alone.
func conflict(err error, what string) error {
	if name, ok := uniqueConstraint(err); ok {
		return fmt.Errorf("%s: %w", what, &desk.ConflictError{Constraint: name})
	}
	return fmt.Errorf("%s: %w", what, err)
}

// uniqueConstraint returns the name of the unique constraint err violates,
// and whether it is a unique violation at all. A constraint the table does
// not know is named by what SQLite reports.
func uniqueConstraint(err error) (string, bool) {
	if !isUniqueViolation(err) {
		return "", false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.ConstraintName, true
	}
	msg := err.Error()
	const prefix = "UNIQUE constraint failed: "
	i := strings.Index(msg, prefix)
	if i < 0 {
		return "", true
	}
	cols := msg[i+len(prefix):]
	if j := strings.Index(cols, " ("); j >= 0 {
		cols = cols[:j]
	}
	if name, ok := uniqueConstraints[cols]; ok {
		return name, true
	}
	return cols, true
}

// isForeignKeyViolation recognises both engines' foreign-key errors.
func isForeignKeyViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23503"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// missingParent makes a foreign-key violation "not found": a write names
// the records it belongs to (a case, a product, a company) by id, and
// every delete here is of rows nothing refers to, so the violation means
// one of those records does not exist. The caller checks what it can
// first, with a message; this is the one place that catches the rest.
func missingParent(err error) error {
	if isForeignKeyViolation(err) {
		return fmt.Errorf("%w: %w", err, desk.ErrNotFound)
	}
	return err
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

// sessionEnded reports whether the server said it ended the connection's
// session (it was terminated, is shutting down, or the connection was
// already known broken): the statement did no work.
func sessionEnded(err error) bool {
	if errors.Is(err, driver.ErrBadConn) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return strings.HasPrefix(pg.Code, "08") || // connection exception
			pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03" // admin or crash shutdown, cannot connect now
	}
	return false
}

// connectionLost reports whether err is about the connection to the
// database rather than the statement: the session ended, the server could
// not be reached, or the connection broke.
func connectionLost(err error) bool {
	if err == nil {
		return false
	}
	if sessionEnded(err) {
		return true
	}
	var connect *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connect) || errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE)
}

// Unavailable reports whether err means the store cannot serve just now,
// rather than that the request was wrong: PostgreSQL is out of reach (after
// the one retry), or SQLite's file is locked past the busy timeout, its
// disk is full or failing, or it cannot be opened. Callers answer 503.
func Unavailable(err error) bool {
	if connectionLost(err) {
		return true
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
			return true
		}
	}
	return false
}

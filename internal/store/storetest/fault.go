package storetest

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/store"
)

// OpenBreakable returns a fresh migrated store on the engine and a function
// that runs a statement on its database from outside the store. Tests use
// it to break the store on purpose (a table renamed away) and see how a
// real fault is answered, without a fake of the store.
func OpenBreakable(t testing.TB, e Engine) (*store.Store, func(stmt string)) {
	t.Helper()
	url := e.URL(t)
	s := Open(t, Engine{Name: e.Name, URL: func(testing.TB) string { return url }})
	driver, dsn := "pgx", url
	if path, ok := strings.CutPrefix(url, "sqlite://"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	t.Cleanup(func() { db.Close() })
	return s, func(stmt string) {
		t.Helper()
		if _, err := db.ExecContext(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// Package storetest gives tests a fresh, migrated store on every engine
// Caseport supports: SQLite always, PostgreSQL when CASEPORT_TEST_POSTGRES
// holds a server URL. Each PostgreSQL test gets its own database, cloned
// from a template migrated once, so tests run in parallel without sharing
// rows.
package storetest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// EnvPostgres names the variable that enables the PostgreSQL tests.
const EnvPostgres = "CASEPORT_TEST_POSTGRES"

// Engine is a database engine the tests run against.
type Engine struct {
	Name string
	// URL returns a URL of a new, migrated, empty database.
	URL func(t testing.TB) string
}

// Engines returns SQLite and, when enabled, PostgreSQL.
func Engines(t testing.TB) []Engine {
	engines := []Engine{{Name: "sqlite", URL: sqliteURL}}
	if os.Getenv(EnvPostgres) != "" {
		engines = append(engines, Engine{Name: "postgres", URL: postgresURL})
	} else {
		logSkipOnce(t)
	}
	return engines
}

var skipNote sync.Once

func logSkipOnce(t testing.TB) {
	skipNote.Do(func() {
		fmt.Fprintf(os.Stderr, "storetest: %s is not set: PostgreSQL tests are skipped, SQLite only\n", EnvPostgres)
	})
	t.Helper()
}

// Each runs fn as a parallel subtest per engine, with a fresh store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, e))
		})
	}
}

// EachAt runs fn as a parallel subtest per engine with a fresh migrated
// database's URL, for tests that open more than one store on it (two
// instances of a cluster, a command beside the server): OpenAt opens one.
func EachAt(t *testing.T, fn func(t *testing.T, engine, url string)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, e.Name, e.URL(t))
		})
	}
}

// EachSynctest is Each for code with timers: fn runs in a testing/synctest
// bubble, where time.Now, timers and sleeps follow the bubble's own clock,
// which moves only when every goroutine of the bubble waits on a channel,
// a timer or a WaitGroup of the bubble. The store is opened inside the
// bubble, so that its connection pool belongs to it and is closed before
// the bubble ends. While a query waits on SQLite's file or PostgreSQL's
// socket the clock stands still, so no time passes during I/O; a test
// whose goroutines wait on a socket of their own (a listener, a relay, a
// second process) cannot let the clock move and keeps the real one.
func EachSynctest(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) { fn(t, Open(t, e)) })
		})
	}
}

// Open returns a fresh migrated store on the engine, closed when the test
// ends.
func Open(t testing.TB, e Engine) *store.Store {
	t.Helper()
	return OpenAt(t, e.URL(t))
}

// OpenAt returns a migrated store on the database at url (a second one on
// the same database is a second instance of a cluster), closed when the
// test ends.
func OpenAt(t testing.TB, url string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, url)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// SQLite returns a fresh migrated SQLite store.
func SQLite(t testing.TB) *store.Store {
	return Open(t, Engine{Name: "sqlite", URL: sqliteURL})
}

func sqliteURL(t testing.TB) string {
	return "sqlite://" + filepath.Join(t.TempDir(), "caseport.db")
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
	dbCounter    atomic.Int64
)

// postgresURL clones the migrated template into a database of the test's
// own and drops it when the test ends.
func postgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(base) })
	if templateErr != nil {
		t.Fatalf("postgres template: %v", templateErr)
	}
	return newPostgresDB(t, templateName)
}

// EmptyPostgresURL returns the URL of a new PostgreSQL database without
// Caseport's schema, dropped when the test ends, for tests of migrating.
func EmptyPostgresURL(t testing.TB) string {
	t.Helper()
	return newPostgresDB(t, "template0")
}

// newPostgresDB creates a database of the test's own from template.
func newPostgresDB(t testing.TB, template string) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	name := fmt.Sprintf("caseport_t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, dbCounter.Add(1))
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("postgres: %v", err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return withDatabase(base, name)
}

// ensureTemplate creates, once per schema version across all test
// processes, a migrated database to clone. Its name carries a hash of the
// migrations, so a changed schema gets a new template.
func ensureTemplate(base string) (string, error) {
	ctx := context.Background()
	name := "caseport_tmpl_" + migrationsHash()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("connect %s: %w", base, err)
	}
	defer conn.Close()
	// Test binaries of several packages start at once; one builds the
	// template while the others wait on this lock.
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(727274)"); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock(727274)") //nolint:errcheck // the session ends right after
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	s, err := store.Open(ctx, withDatabase(base, building))
	if err != nil {
		return "", err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return "", err
	}
	if err := s.Close(); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, nil
}

func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}

// migrationsHash fingerprints the PostgreSQL migrations so that a template
// built from an older schema is never reused.
func migrationsHash() string {
	h := sha256.New()
	fsys := store.Migrations("postgres")
	_ = fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	return strings.ToLower(hex.EncodeToString(h.Sum(nil))[:12])
}

// Kept returns a store on the engine that outlives the test process, for
// benchmarks whose data sets take minutes to build: a SQLite file in the
// user's cache directory, or a PostgreSQL database of its own. It is
// migrated to the current schema on open, as an installation would be.
// The store is closed when tb ends; the data stays.
func Kept(tb testing.TB, e Engine, name string) *store.Store {
	tb.Helper()
	u := keptURL(tb, e, name)
	return Open(tb, Engine{Name: e.Name, URL: func(testing.TB) string { return u }})
}

// KeptCopy returns a store of the test's own that starts as a copy of the
// kept store of that name (Kept), once prepare has made the kept one hold
// its data set: for a benchmark that writes (an alert run marks what it
// sent), so that the kept data set stays as it was. The copy is removed
// when tb ends.
func KeptCopy(tb testing.TB, e Engine, name string, prepare func(*store.Store) error) *store.Store {
	tb.Helper()
	ctx := context.Background()
	kept := keptURL(tb, e, name)
	s, err := store.Open(ctx, kept)
	if err != nil {
		tb.Fatalf("open kept %s store: %v", e.Name, err)
	}
	err = s.Migrate(ctx)
	if err == nil {
		err = prepare(s)
	}
	if err = errors.Join(err, s.Close()); err != nil {
		tb.Fatalf("kept %s store %s: %v", e.Name, name, err)
	}
	var copied string
	switch e.Name {
	case "postgres":
		u, err := url.Parse(kept)
		if err != nil {
			tb.Fatal(err)
		}
		copied = newPostgresDB(tb, strings.TrimPrefix(u.Path, "/"))
	default:
		src := strings.TrimPrefix(kept, "sqlite://")
		dst := filepath.Join(tb.TempDir(), "caseport.db")
		if err := copyFile(src, dst); err != nil {
			tb.Fatalf("copy the kept store: %v", err)
		}
		copied = "sqlite://" + dst
	}
	return Open(tb, Engine{Name: e.Name, URL: func(testing.TB) string { return copied }})
}

// copyFile copies a closed SQLite database (its write-ahead log folded in
// when it was closed).
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// keptURL is the URL of the kept store of that name, made when missing.
func keptURL(tb testing.TB, e Engine, name string) string {
	tb.Helper()
	// PostgreSQL folds unquoted names to lower case.
	name = strings.ToLower("caseport_keep_" + name)
	if e.Name == "postgres" {
		return keptPostgres(tb, name)
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "caseport-bench")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		tb.Fatal(err)
	}
	return "sqlite://" + filepath.Join(dir, name+".db")
}

func keptPostgres(tb testing.TB, name string) string {
	tb.Helper()
	base := os.Getenv(EnvPostgres)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	ctx := context.Background()
	var exists bool
	if err := admin.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	if !exists {
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			tb.Fatalf("create kept database: %v", err)
		}
	}
	return withDatabase(base, name)
}

// Rows returns every row of every table of the database at url (a URL an
// Engine gave), each table's rows printed and sorted, for tests that check
// a refused request changed nothing. Tables named in skip are left out.
func Rows(t testing.TB, url string, skip ...string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	driver, dsn, tables := "pgx", url, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	if path, ok := strings.CutPrefix(url, "sqlite://"); ok {
		driver, dsn = "sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)"
		tables = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	defer db.Close()
	names, err := column(ctx, db, tables)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	out := map[string][]string{}
	for _, name := range names {
		if slices.Contains(skip, name) {
			continue
		}
		rows, err := printedRows(ctx, db, name)
		if err != nil {
			t.Fatalf("read table %s: %v", name, err)
		}
		out[name] = rows
	}
	return out
}

func column(ctx context.Context, db *sql.DB, query string) ([]string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func printedRows(ctx context.Context, db *sql.DB, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		var b strings.Builder
		for i, v := range vals {
			if raw, ok := v.([]byte); ok {
				v = string(raw)
			}
			fmt.Fprintf(&b, "%s=%v ", cols[i], v)
		}
		out = append(out, b.String())
	}
	slices.Sort(out)
	return out, rows.Err()
}

// TerminateBackends ends, from a connection of its own, every server
// process serving the PostgreSQL database of url, as an administrator's
// pg_terminate_backend or a server restart would: the pooled connections
// of a store on that database are dead the next time they are used.
// It returns how many it ended.
func TerminateBackends(t testing.TB, dbURL string) int {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("pgx", os.Getenv(EnvPostgres))
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	var n int
	err = admin.QueryRowContext(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = $1 AND pid <> pg_backend_pid()`, strings.TrimPrefix(u.Path, "/")).Scan(&n)
	if err != nil {
		t.Fatalf("terminate backends: %v", err)
	}
	return n
}

// Proxy passes the connections of a loopback port on to the PostgreSQL
// server of dbURL, and returns dbURL through that port and a function
// that takes the server away: it closes the port and every connection
// through it, as a crashed server or a cut network would. The rest is the
// real server.
func Proxy(t testing.TB, dbURL string) (proxied string, down func()) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	if u.Port() == "" {
		target = net.JoinHostPort(u.Hostname(), "5432")
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	keep := func(c net.Conn) {
		mu.Lock()
		defer mu.Unlock()
		conns = append(conns, c)
	}
	var d net.Dialer
	wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := d.DialContext(context.Background(), "tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			keep(client)
			keep(server)
			wg.Go(func() { _, _ = io.Copy(server, client); server.Close() })
			wg.Go(func() { _, _ = io.Copy(client, server); client.Close() })
		}
	})
	var once sync.Once
	down = func() {
		once.Do(func() {
			ln.Close()
			mu.Lock()
			for _, c := range conns {
				c.Close()
			}
			mu.Unlock()
			wg.Wait()
		})
	}
	t.Cleanup(down)
	u.Host = ln.Addr().String()
	return u.String(), down
}

// QueueMail queues an email and schedules the job that sends it, in tx, as
// a use case does: the store schedules nothing by itself.
func QueueMail(ctx context.Context, tx *store.Tx, n desk.Notification) error {
	notificationID, err := tx.AddNotification(ctx, n)
	if err != nil {
		return err
	}
	_, err = tx.ScheduleJob(ctx, desk.MailJob(notificationID, n.CaseID, n.CreatedAt), n.CreatedAt)
	return err
}

// Package store keeps Caseport's data in SQLite (the embedded default) or
// PostgreSQL. It is the only package that speaks SQL: every query is written
// once with ? placeholders and rebound for PostgreSQL, and the few places
// where the dialects differ sit in dialect.go. What it reads comes back as
// desk's types, read models and filters included (desk.CaseRow,
// desk.CaseFilter, …), so the layers above need not import it.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite" // also the SQLite driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/caseport/caseport/internal/desk"
)

//go:embed migrations
var migrations embed.FS

// Store is a handle on the database. It is safe for concurrent use.
type Store struct {
	dialect dialect
	// w takes every write. For SQLite it holds a single connection, so
	// writers queue in Go instead of failing with SQLITE_BUSY.
	w *sql.DB
	// r serves reads; for PostgreSQL it is the same pool as w.
	r *sql.DB
	// path is the SQLite database file; empty for PostgreSQL.
	path string
	// idle is how many idle connections each pool keeps.
	idle int
	// wPrepared and rPrepared are the pools' prepared statements (SQLite
	// only; nil for PostgreSQL).
	wPrepared, rPrepared *statements
	// batch commits SQLite's writes in groups; nil for PostgreSQL.
	batch *batcher
	// cases is PostgreSQL's estimate of the cases (casesEstimate), and
	// from how many a search asks the planner first (searchPath).
	cases struct {
		mu           sync.Mutex
		n            float64
		at           time.Time
		estimateFrom float64
	}
	// scheduled is told when a Write that scheduled a job has committed
	// (OnSchedule).
	scheduled atomic.Pointer[func()]
	// writes counts the committed write transactions (Writes).
	writes atomic.Int64
	// facts keeps the facts nearly every request reads (facts.go), once
	// the schema has their version (useFacts).
	facts atomic.Pointer[facts]
	// kb keeps the knowledge items' filter values (kb_memory.go).
	kb kbMemory
	// kbIndexer makes an item's index words (SetKBIndexer).
	kbIndexer atomic.Pointer[kbIndexer]
}

// Writes is how many writes (Write calls) have committed: with SQLite's
// one writer, the cost that decides how many emails a second go out. On
// SQLite several may share one transaction (batcher).
func (s *Store) Writes() int64 { return s.writes.Load() }

// OnSchedule has fn called after each Write that scheduled or revived a
// job commits, so a job worker looks at once instead of at its next poll:
// every path that queues an email or sets a timer does so in a Write, and
// a job is only seen once its transaction commits. fn must not block.
func (s *Store) OnSchedule(fn func()) { s.scheduled.Store(&fn) }

// Open connects to the database named by rawURL: sqlite://PATH (a file,
// created if missing) or postgres://…. It does not migrate; call Migrate.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	switch u.Scheme {
	case "sqlite", "sqlite3", "file":
		return openSQLite(ctx, sqlitePath(rawURL))
	case "postgres", "postgresql":
		return openPostgres(ctx, rawURL)
	}
	return nil, fmt.Errorf("database url %q: want sqlite://PATH or postgres://…", rawURL)
}

// sqlitePath takes the path out of sqlite://PATH, sqlite:///abs/PATH or
// file:PATH, keeping relative paths relative.
func sqlitePath(raw string) string {
	for _, p := range []string{"sqlite3://", "sqlite://", "file://", "file:"} {
		if rest, ok := strings.CutPrefix(raw, p); ok {
			rest, _, _ = strings.Cut(rest, "?")
			return rest
		}
	}
	return raw
}

// sqliteReaders is how many connections read SQLite at once. All of them
// stay open when idle: a new connection parses the schema and prepares its
// statements again (statements).
const sqliteReaders = 8

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create the directory of the SQLite database %s: %w; "+
				"check that no file stands in the way and that the user running caseport may create it", path, err)
		}
	}
	// busy_timeout comes first: switching a new file to WAL needs a lock
	// that another process starting at the same time may hold.
	// synchronous(FULL) syncs the WAL at every commit: with NORMAL a power
	// loss may undo commits already acknowledged (a case the customer saw
	// opened, a message answered 250). It costs little (docs/benchmarks.md).
	// temp_store(memory) keeps the statement journals (the pages a
	// savepoint may have to undo) in memory: SQLite writes them to a file
	// once they pass 64 KiB, which a batch of case creates does.
	const pragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(FULL)&_pragma=temp_store(memory)&_time_format=sqlite"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s: %w", path, err), w.Close())
	}
	r.SetMaxOpenConns(sqliteReaders)
	r.SetMaxIdleConns(sqliteReaders)
	w.SetMaxIdleConns(sqliteReaders)
	s := &Store{
		dialect: sqliteDialect, w: w, r: r, path: path, idle: sqliteReaders,
		wPrepared: newStatements(w), rPrepared: newStatements(r),
	}
	s.batch = newBatcher(s)
	l := newFileLocker(path)
	if err := l.lock(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open the SQLite database %s: %w; check that the user running caseport "+
			"may create files in %s", path, err, filepath.Dir(path)), s.Close())
	}
	if err := s.Ping(ctx); err != nil {
		return nil, errors.Join(cannotOpen(path, err), l.unlock(), s.Close())
	}
	if err := l.unlock(); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

// cannotOpen says why SQLite could not open path and what to check.
// SQLite itself only says "unable to open database file", so the file is
// opened once more here to learn the operating system's reason.
func cannotOpen(path string, err error) error {
	var lite *sqlite.Error
	if !errors.As(err, &lite) || lite.Code()&0xff != sqlite3.SQLITE_CANTOPEN {
		return err
	}
	f, oerr := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600) //nolint:gosec // the operator's own database path
	if oerr == nil {
		oerr = errors.Join(err, f.Close())
	}
	return fmt.Errorf("open the SQLite database %s: %w; check that it is a file, not a directory, and that the user "+
		"running caseport may read and write it and create files in %s (SQLite keeps %s-wal and -shm beside it)",
		path, oerr, filepath.Dir(path), filepath.Base(path))
}

func openPostgres(ctx context.Context, rawURL string) (*Store, error) {
	db, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{dialect: postgresDialect, w: db, r: db, idle: 16}
	s.cases.estimateFrom = estimateFrom
	if err := s.Ping(ctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

// Close releases the connections.
func (s *Store) Close() error {
	if s.batch != nil {
		s.batch.close()
	}
	if f := s.facts.Load(); f != nil {
		f.close()
	}
	prepared := errors.Join(s.wPrepared.close(), s.rPrepared.close())
	if s.r == s.w {
		return errors.Join(prepared, s.w.Close())
	}
	return errors.Join(prepared, s.w.Close(), s.r.Close())
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.dialect.name, err)
	}
	return nil
}

// Dialect names the database engine: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Migrate brings the schema up to date. Concurrent starts against one
// database take turns: on PostgreSQL an advisory lock, on SQLite a lock on
// the file PATH.lock beside the database.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.migrator()
	if err != nil {
		return err
	}
	applied, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", s.dialect.name, err)
	}
	s.useFacts()
	if len(applied) > 0 {
		// A migration can rewrite a table (a restore is followed by its
		// migrations too): the planner gets fresh statistics at once.
		return s.Analyze(ctx)
	}
	return nil
}

// Analyze refreshes the planner's statistics after many rows changed at
// once (migrations, an import, a bulk load), rather than waiting for
// autovacuum: until it runs, PostgreSQL takes a table it has not analysed
// for nearly empty and picks plans for that (a customer's search took 30
// times as long on a restored database). On SQLite it does nothing: the
// planner there works without statistics, and the plans of the lists and
// the search are chosen for it (see docs/benchmarks.md).
func (s *Store) Analyze(ctx context.Context) error {
	if s.dialect.name != "postgres" {
		return nil
	}
	if _, err := s.w.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// Migrated reports whether every embedded migration has been applied.
func (s *Store) Migrated(ctx context.Context) (bool, error) {
	p, err := s.migrator()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if connectionLost(err) {
		s.dropIdle()
		pending, err = p.HasPending(ctx)
	}
	if err != nil {
		return false, fmt.Errorf("check migrations: %w", err)
	}
	if !pending {
		s.useFacts()
	}
	return !pending, nil
}

// useFacts starts keeping facts in memory, once the schema is the one
// this build knows (migration 00021 made their version).
func (s *Store) useFacts() {
	if s.facts.Load() == nil {
		s.facts.CompareAndSwap(nil, newFacts(s.read))
	}
}

func (s *Store) migrator() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+s.dialect.name)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	gd := goose.DialectSQLite3
	var locker lock.SessionLocker = newFileLocker(s.path)
	if s.dialect.name == "postgres" {
		gd = goose.DialectPostgres
		if locker, err = lock.NewPostgresSessionLocker(); err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
	}
	p, err := goose.NewProvider(gd, s.w, fsys, goose.WithDisableGlobalRegistry(true), goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// fileLocker makes processes starting on one SQLite file take turns, on
// PATH.lock beside it, while they open it and while they migrate it.
// SQLite has no lock that outlives a transaction: goose reads the schema
// version before its own transactions begin, so two starts on a new file
// would both create the first tables, and the switch of a new file to WAL
// may answer "database is locked" without waiting. The kernel releases an
// OS lock when a process dies, so a crash never leaves the next start
// waiting.
type fileLocker struct{ f *flock.Flock }

func newFileLocker(path string) fileLocker { return fileLocker{flock.New(path + ".lock")} }

func (l fileLocker) lock(ctx context.Context) error {
	if _, err := l.f.TryLockContext(ctx, 50*time.Millisecond); err != nil {
		return fmt.Errorf("lock %s: %w", l.f.Path(), err)
	}
	return nil
}

func (l fileLocker) unlock() error {
	if err := l.f.Unlock(); err != nil {
		return fmt.Errorf("unlock %s: %w", l.f.Path(), err)
	}
	return nil
}

// SessionLock and SessionUnlock make fileLocker goose's lock.SessionLocker.
func (l fileLocker) SessionLock(ctx context.Context, _ *sql.Conn) error { return l.lock(ctx) }

func (l fileLocker) SessionUnlock(context.Context, *sql.Conn) error { return l.unlock() }

// Tx is a write transaction. Every state change and the events it causes
// (feed entry, audit record, notification) go through one Tx.
type Tx struct {
	tx *sql.Tx
	d  dialect
	// prepared are the write pool's prepared statements.
	prepared *statements
	// uninterrupted runs the statements to their end even when the
	// caller's context ends (a batched write: batcher).
	uninterrupted bool
	// scheduled says a job was scheduled or revived (OnSchedule).
	scheduled bool
	// facts is the store's memory of facts; memo the version this
	// transaction read.
	facts *facts
	memo  factsMemo
}

// Write runs fn in a transaction and commits it when fn returns nil. A
// BEGIN that fails on a lost connection is tried once more on another: it
// did no work yet. On SQLite, writes waiting at the same time commit
// together (batcher), each whole or not at all.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	if s.batch != nil {
		return s.batch.write(ctx, fn)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if connectionLost(err) {
		s.dropIdle()
		tx, err = s.w.BeginTx(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op; on error the cause is returned
	t := &Tx{tx: tx, d: s.dialect, prepared: s.wPrepared, facts: s.facts.Load()}
	if err := fn(t); err != nil {
		return missingParent(err)
	}
	if err := tx.Commit(); err != nil {
		return missingParent(fmt.Errorf("commit: %w", err))
	}
	s.writes.Add(1)
	if fn := s.scheduled.Load(); t.scheduled && fn != nil {
		(*fn)()
	}
	return nil
}

// TakeTurn makes write transactions that take a turn on the same name run
// one after another until each ends, so one can see what another wrote
// before deciding (two starts filling an empty store). SQLite needs
// nothing: BEGIN IMMEDIATE already holds the one write lock; PostgreSQL
// takes a transaction advisory lock on the name.
func (tx *Tx) TakeTurn(ctx context.Context, name string) error {
	if tx.d.name != "postgres" {
		return nil
	}
	tx.memo.known = false // another transaction may have changed the facts while this one waited
	if _, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, name); err != nil {
		return fmt.Errorf("take a turn on %s: %w", name, err)
	}
	return nil
}

// querier is what both a transaction and a pool offer; read methods take
// one so they run inside a write transaction as well as outside.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q is a querier that rebinds placeholders for its dialect.
type q struct {
	db querier
	d  dialect
	// lost is set outside a transaction: a statement that fails on a lost
	// connection is then tried once more, after lost has dropped the idle
	// connections (pooled connections die together when the server
	// restarts or ends them, so the next idle one would fail the same).
	lost func()
	// prepared are the pool's prepared statements, nil when there are
	// none; in a transaction tx runs them on its connection.
	prepared *statements
	tx       *sql.Tx
	// uninterrupted ignores the end of the callers' contexts.
	uninterrupted bool
	// facts is the store's memory of facts (nil: none); memo, in a
	// transaction, the version it read.
	facts *facts
	memo  *factsMemo
}

// start returns the context a statement runs under and its text for the
// dialect.
func (q q) start(ctx context.Context, query string) (context.Context, string) {
	if q.memo != nil && q.memo.known && forgetsFactsVersion(query) {
		q.memo.known = false
	}
	if q.uninterrupted {
		ctx = context.WithoutCancel(ctx)
	}
	return ctx, q.d.rebind(query)
}

// stmt returns the prepared statement of a query for this querier, or nil
// when it runs unprepared.
func (q q) stmt(ctx context.Context, query string) *sql.Stmt {
	st := q.prepared.get(query)
	if st != nil && q.tx != nil {
		return q.tx.StmtContext(ctx, st)
	}
	return st
}

// The statements of the cache are closed with it (statements.close), those
// of a transaction when it ends.
func (q q) execOnce(ctx context.Context, query string, args []any) (sql.Result, error) {
	if st := q.stmt(ctx, query); st != nil { //nolint:sqlclosecheck // see above
		return st.ExecContext(ctx, args...)
	}
	return q.db.ExecContext(ctx, query, args...)
}

func (q q) queryOnce(ctx context.Context, query string, args []any) (*sql.Rows, error) {
	if st := q.stmt(ctx, query); st != nil { //nolint:sqlclosecheck // as in execOnce
		return st.QueryContext(ctx, args...)
	}
	return q.db.QueryContext(ctx, query, args...)
}

func (q q) rowOnce(ctx context.Context, query string, args []any) *sql.Row {
	if st := q.stmt(ctx, query); st != nil { //nolint:sqlclosecheck // as in execOnce
		return st.QueryRowContext(ctx, args...)
	}
	return q.db.QueryRowContext(ctx, query, args...)
}

// exec tries again only when the server said it ended the session, so the
// statement did nothing; a broken pipe may have lost the answer to a
// statement that ran.
func (q q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx, query = q.start(ctx, query)
	res, err := q.execOnce(ctx, query, args)
	if q.lost != nil && sessionEnded(err) {
		q.lost()
		return q.execOnce(ctx, query, args)
	}
	return res, err
}

func (q q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, query = q.start(ctx, query)
	rows, err := q.queryOnce(ctx, query, args)
	if q.lost != nil && connectionLost(err) {
		q.lost()
		return q.queryOnce(ctx, query, args)
	}
	return rows, err
}

func (q q) row(ctx context.Context, query string, args ...any) *sql.Row {
	ctx, query = q.start(ctx, query)
	row := q.rowOnce(ctx, query, args)
	if q.lost != nil && connectionLost(row.Err()) {
		q.lost()
		return q.rowOnce(ctx, query, args)
	}
	return row
}

// read returns a querier on the read pool.
func (s *Store) read() q {
	return q{db: s.r, d: s.dialect, lost: s.dropIdle, prepared: s.rPrepared, facts: s.facts.Load()}
}

// write returns a querier on the write pool, outside a transaction, for
// the few writes that need none (marks of use, login failures).
func (s *Store) write() q {
	return q{db: s.w, d: s.dialect, lost: s.dropIdle, prepared: s.wPrepared, facts: s.facts.Load()}
}

// dropIdle closes the idle connections, after one was found lost.
func (s *Store) dropIdle() {
	for _, db := range []*sql.DB{s.w, s.r} {
		db.SetMaxIdleConns(0)
		db.SetMaxIdleConns(s.idle)
	}
}

// notFound turns sql.ErrNoRows into desk.ErrNotFound, naming what was
// looked for.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, desk.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// notFoundOrNil is notFound for an error, nil for none.
func notFoundOrNil(err error, what string) error {
	if err == nil {
		return nil
	}
	return notFound(err, what)
}

// Timestamps are kept in UTC with microsecond precision, the precision
// PostgreSQL keeps, so a time read back equals the time written and keyset
// cursors compare equal on both engines.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nullTime reads a nullable timestamp; NULL becomes the zero time.
type nullTime struct{ t *time.Time }

func (n nullTime) Scan(v any) error {
	var nt sql.NullTime
	if err := nt.Scan(v); err != nil {
		return err
	}
	*n.t = time.Time{}
	if nt.Valid {
		*n.t = nt.Time.UTC()
	}
	return nil
}

// nullInt reads a nullable integer id; NULL becomes zero.
type nullInt struct{ p *int64 }

func (n nullInt) Scan(v any) error {
	var ni sql.NullInt64
	if err := ni.Scan(v); err != nil {
		return err
	}
	*n.p = ni.Int64
	return nil
}

// id writes zero as NULL, for optional foreign keys.
func id(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// Migrations returns the embedded migrations of a dialect ("sqlite" or
// "postgres"), for tools that fingerprint the schema.
func Migrations(dialect string) fs.FS {
	fsys, err := fs.Sub(migrations, "migrations/"+dialect)
	if err != nil {
		panic(err) // the path is a constant of this package
	}
	return fsys
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// affected turns an UPDATE or DELETE that touched no row into ErrNotFound.
func affected(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, desk.ErrNotFound)
	}
	return nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// placeholders returns "?, ?, …" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// errRollback makes Write roll back without reporting an error: a dry run
// does all the work of a real one and then throws it away.
var errRollback = errors.New("roll back")

// DryRun runs fn in a transaction that is always rolled back, so a dry
// run meets the same constraints as the real one without keeping anything.
func (s *Store) DryRun(ctx context.Context, fn func(*Tx) error) error {
	err := s.Write(ctx, func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errRollback
	})
	if errors.Is(err, errRollback) {
		return nil
	}
	return err
}

// Savepoint runs fn inside a savepoint of the transaction: when fn fails,
// only its own writes are undone and the transaction goes on, which lets an
// import check every row and report all bad ones.
func (tx *Tx) Savepoint(ctx context.Context, fn func() error) error {
	if _, err := tx.q().exec(ctx, "SAVEPOINT row_check"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if ferr := fn(); ferr != nil {
		if _, err := tx.q().exec(ctx, "ROLLBACK TO SAVEPOINT row_check"); err != nil {
			return errors.Join(ferr, fmt.Errorf("rollback to savepoint: %w", err))
		}
		if _, err := tx.q().exec(ctx, "RELEASE SAVEPOINT row_check"); err != nil {
			return errors.Join(ferr, fmt.Errorf("release savepoint: %w", err))
		}
		return ferr
	}
	if _, err := tx.q().exec(ctx, "RELEASE SAVEPOINT row_check"); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

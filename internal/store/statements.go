package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// statements keeps a pool's prepared statements by their text, so SQLite
// parses and plans a query once per connection instead of at every call:
// the driver prepares each statement it is given anew, and at a million
// cases that was 30% of the CPU a case create cost (docs/benchmarks.md).
// PostgreSQL needs none: pgx keeps its own cache of prepared statements
// on each connection.
//
// A statement is prepared on the pool in the background, the first time
// its text is seen; until it is ready the query runs unprepared. Preparing
// on the pool while a caller holds a connection could wait for ever on
// SQLite's one writer, whose transaction is what asks.
//
// A prepared statement runs one query at a time on a connection, so a
// transaction must read a query's rows to the end before it runs another
// query (TestNoQueryWhileRowsAreOpen keeps the store so).
type statements struct {
	db      *sql.DB
	mu      sync.Mutex
	ready   map[string]*sql.Stmt
	closed  bool
	wanted  chan string
	stopped chan struct{}
}

// maxStatements bounds the cache: queries are made from a few hundred
// texts, and a text seen once the cache is full simply runs unprepared.
const maxStatements = 1024

func newStatements(db *sql.DB) *statements {
	c := &statements{db: db, ready: map[string]*sql.Stmt{}, wanted: make(chan string, 64), stopped: make(chan struct{})}
	go c.prepare()
	return c
}

// get returns the prepared statement of query, or nil when it is not
// ready (it is then asked for).
func (c *statements) get(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.ready[query]
	if ok || c.closed || len(c.ready) >= maxStatements {
		return st
	}
	select {
	case c.wanted <- query:
	default: // the preparer is busy; a later call asks again
	}
	return nil
}

// prepare prepares the statements asked for until close.
func (c *statements) prepare() {
	defer close(c.stopped)
	for query := range c.wanted {
		c.mu.Lock()
		_, ok := c.ready[query]
		c.mu.Unlock()
		if ok {
			continue
		}
		st, err := c.db.PrepareContext(context.Background(), query) //nolint:sqlclosecheck // kept; close closes it
		if err != nil {
			continue // it runs unprepared, and fails there with its own error
		}
		c.mu.Lock()
		c.ready[query] = st
		c.mu.Unlock()
	}
}

// close stops preparing and closes the statements.
func (c *statements) close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	c.closed = true
	close(c.wanted)
	c.mu.Unlock()
	<-c.stopped
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.ready {
		errs = append(errs, st.Close())
	}
	clear(c.ready)
	return errors.Join(errs...)
}

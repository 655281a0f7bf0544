package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// batcher commits SQLite's write transactions in groups. SQLite has one
// writer, and each commit syncs the write-ahead log (synchronous=FULL) and
// writes the pages it changed, many of them the same pages the next case
// changes (the newest ends of the indexes): so the writes that wait while
// one runs are run together, one after another, each inside a savepoint
// of one transaction, which then commits once. Each write still sees the
// ones before it and stays whole: a write that fails is rolled back to its
// savepoint alone, and its caller gets its error; the others commit.
//
// A write that has started runs to its end even when its caller stops
// waiting (its context is cancelled without it): SQLite rolls back the
// whole transaction when an INSERT, UPDATE or DELETE in it is
// interrupted, which would take the group's other writes with it. A write
// whose caller left before it started is not run.
type batcher struct {
	s    *Store
	in   chan *pending
	quit chan struct{}
	done chan struct{}
}

// maxBatch bounds a group, so one commit never waits on too many writes.
const maxBatch = 64

// pending is one write waiting for its group.
type pending struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan outcome
	// scheduled says the write scheduled a job (OnSchedule).
	scheduled bool
}

// outcome is what a write's caller is told: its error, or the value its
// function panicked with, to panic with again in the caller.
type outcome struct {
	err   error
	panic any
}

// errClosed is returned for a write asked for after Close.
var errClosed = errors.New("the store is closed")

func newBatcher(s *Store) *batcher {
	b := &batcher{s: s, in: make(chan *pending), quit: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

// write runs fn in the next group and returns once that group committed
// (or fn failed).
func (b *batcher) write(ctx context.Context, fn func(*Tx) error) error {
	p := &pending{ctx: ctx, fn: fn, done: make(chan outcome, 1)}
	select {
	case b.in <- p:
	case <-ctx.Done():
		return ctx.Err()
	case <-b.quit:
		return errClosed
	}
	out := <-p.done
	if out.panic != nil {
		panic(out.panic)
	}
	return out.err
}

// close stops taking writes once the group running has committed.
func (b *batcher) close() {
	close(b.quit)
	<-b.done
}

func (b *batcher) loop() {
	defer close(b.done)
	for {
		var group []*pending
		select {
		case p := <-b.in:
			group = append(group, p)
		case <-b.quit:
			return
		}
	more:
		for len(group) < maxBatch {
			select {
			case p := <-b.in:
				group = append(group, p)
			default:
				break more
			}
		}
		for len(group) > 0 {
			group = b.run(group)
		}
	}
}

// run runs a group in one transaction and tells each write its outcome.
// When the transaction is lost on the way, the writes that ran are told
// why and those that did not run yet are returned, for another group.
func (b *batcher) run(group []*pending) (rest []*pending) {
	outs := make([]outcome, len(group))
	defer func() {
		for i, p := range group[:len(group)-len(rest)] {
			p.done <- outs[i]
		}
	}()
	fail := func(err error) {
		for i := range outs {
			if outs[i].err == nil && outs[i].panic == nil {
				outs[i].err = err
			}
		}
	}
	s := b.s
	tx, err := s.w.BeginTx(context.Background(), nil)
	if connectionLost(err) {
		s.dropIdle()
		tx, err = s.w.BeginTx(context.Background(), nil)
	}
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return nil
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op; on error the cause is returned
	scheduled, committed := false, 0
	for i, p := range group {
		if err := p.ctx.Err(); err != nil {
			outs[i].err = err
			continue
		}
		out, err := b.one(tx, p)
		if err != nil {
			// The savepoint could not be made or undone: the transaction
			// is gone (SQLite rolls back all of it on some errors, a full
			// disk), and with it the writes before this one.
			outs[i] = out
			rest = group[i+1:]
			outs = outs[:i+1]
			fail(err)
			return rest
		}
		outs[i] = out
		if out.err == nil && out.panic == nil {
			scheduled = scheduled || p.scheduled
			committed++
		}
	}
	if err := tx.Commit(); err != nil {
		fail(missingParent(fmt.Errorf("commit: %w", err)))
		return nil
	}
	s.writes.Add(int64(committed))
	if fn := s.scheduled.Load(); scheduled && fn != nil {
		(*fn)()
	}
	return nil
}

// one runs a write inside a savepoint of tx. Its outcome is the write's
// own; the error is the transaction's, which ends the group.
func (b *batcher) one(tx *sql.Tx, p *pending) (out outcome, err error) {
	ctx := context.WithoutCancel(p.ctx)
	if _, err := tx.ExecContext(ctx, "SAVEPOINT batched_write"); err != nil {
		return outcome{}, fmt.Errorf("savepoint: %w", err)
	}
	t := &Tx{tx: tx, d: b.s.dialect, prepared: b.s.wPrepared, uninterrupted: true, facts: b.s.facts.Load()}
	func() {
		defer func() {
			if v := recover(); v != nil {
				out.panic = v
			}
		}()
		if ferr := p.fn(t); ferr != nil {
			out.err = missingParent(ferr)
		}
	}()
	if out.err != nil || out.panic != nil {
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT batched_write"); err != nil {
			return out, fmt.Errorf("roll back a write: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT batched_write"); err != nil {
		return out, fmt.Errorf("release savepoint: %w", err)
	}
	p.scheduled = t.scheduled
	return out, nil
}

// Package worker runs the jobs of the store when they fall due: one
// mechanism for everything that happens later (follow-ups, SLA warnings
// and breaches, emails to send).
//
// A worker sleeps until the next job is due, read from the index of
// pending jobs, or until Wake says a job was just scheduled; it polls at
// most every Poll for jobs other processes schedule. It claims a due job
// with a lease, so two `caseport serve` processes on one PostgreSQL
// database never run the same job at once, and a job of a process that
// dies runs again once its lease is over. A handler whose effect is in the
// store finishes the job inside the transaction of its effect
// (store.Tx.FinishJob), so the effect happens once; a failed job runs
// again later, with growing pauses.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/caseport/caseport/internal/store"
)

// Handler does a job. A nil error finishes it (unless the handler did so
// itself); an error makes it run again later.
type Handler func(ctx context.Context, j *store.Job) error

// Worker runs due jobs.
type Worker struct {
	Store *store.Store
	Log   *slog.Logger
	// Clock is the time; tests move it.
	Clock func() time.Time
	// Lease is how long a claimed job is held before another worker may
	// take it again.
	Lease time.Duration
	// Poll is the longest sleep, for jobs that other processes schedule.
	Poll time.Duration

	mu       sync.RWMutex
	handlers map[string]Handler
	wake     chan struct{}
}

// New returns a worker with a one-minute lease that looks for jobs from
// other processes every five seconds.
func New(s *store.Store, log *slog.Logger) *Worker {
	return &Worker{
		Store: s, Log: log, Clock: time.Now, Lease: time.Minute, Poll: 5 * time.Second,
		handlers: map[string]Handler{}, wake: make(chan struct{}, 1),
	}
}

// Handle registers the handler of a kind of job.
func (w *Worker) Handle(kind string, h Handler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handlers[kind] = h
}

// Wake tells the worker a job was scheduled, so it looks now rather than
// at the end of its sleep. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run runs jobs until ctx ends. Errors of single rounds are logged and the
// next round tries again, so Run itself never fails.
func (w *Worker) Run(ctx context.Context) {
	for {
		if _, err := w.RunDue(ctx); err != nil && ctx.Err() == nil {
			w.Log.ErrorContext(ctx, "run jobs", "err", err)
		}
		sleep := w.Poll
		next, ok, err := w.Store.NextJobAt(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.ErrorContext(ctx, "next job", "err", err)
		}
		if ok {
			if d := next.Sub(w.Clock()); d < sleep {
				sleep = max(d, 10*time.Millisecond)
			}
		}
		t := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-w.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// RunDue runs every job that is due now, one after another, and returns
// how many ran.
func (w *Worker) RunDue(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		j, err := w.Store.ClaimJob(ctx, w.Clock().UTC(), w.Lease)
		if err != nil {
			return n, err
		}
		if j == nil {
			return n, nil
		}
		n++
		w.run(ctx, j)
	}
	return n, ctx.Err()
}

// backoff is the pause before a failed job's next attempt: 30 seconds,
// doubling, at most an hour.
func backoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// errNoHandler is a job of a kind nobody handles (yet): it waits.
var errNoHandler = errors.New("no handler for this kind of job")

func (w *Worker) run(ctx context.Context, j *store.Job) {
	w.mu.RLock()
	h := w.handlers[j.Kind]
	w.mu.RUnlock()
	err := errNoHandler
	if h != nil {
		err = safely(ctx, h, j)
	}
	now := w.Clock().UTC()
	if err == nil {
		err = w.Store.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.FinishJob(ctx, j.ID, now)
			return err
		})
		if err == nil {
			return
		}
	}
	next := now.Add(backoff(j.Attempts))
	w.Log.WarnContext(ctx, "job failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "retry_at", next, "err", err)
	if rerr := w.Store.RetryJob(ctx, j.ID, next, err.Error()); rerr != nil {
		w.Log.ErrorContext(ctx, "retry job", "job", j.ID, "err", rerr)
	}
}

// safely runs a handler, turning a panic into the job's error.
func safely(ctx context.Context, h Handler, j *store.Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return h(ctx, j)
}

// Package worker runs the jobs of the store when they fall due: one
// mechanism for everything that happens later (follow-ups, SLA warnings
// and breaches, emails to send).
//
// Each kind of job has its own runners (Kind.Runners): emails wait on
// the relay, so several go out at once while a slow kind never holds up
// the others. A worker sleeps until the next job of a kind with a free
// runner is due, read from the index of pending jobs, or until Wake says
// a job was just scheduled or a runner is free; it polls at most every
// Poll for jobs other processes schedule, and never more often while
// idle. It claims due jobs with a lease, so two `caseport serve`
// processes on one PostgreSQL database never run the same job at once,
// and a job of a process that dies runs again once its lease is over. A
// handler whose effect is in the store finishes the job inside the
// transaction of its effect (store.Tx.FinishJob), so the effect happens
// once; a failed job runs again later, with growing pauses, until it has
// used up its attempts or fails for good (Permanent): then it is dead,
// and Died tells someone.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// Handler does a job. A nil error finishes it (unless the handler did so
// itself); an error makes it run again later, and a Permanent one makes
// it dead at once.
type Handler func(ctx context.Context, j *desk.Job) error

// Kind says how the jobs of a kind run.
type Kind struct {
	// Runners is how many jobs of the kind run at once (1 when zero).
	Runners int
	// Attempts is how many times a job is tried before it is dead
	// (DefaultAttempts when zero).
	Attempts int
}

// DefaultAttempts is the attempt limit of a kind that sets none: with
// the pauses of backoff, about three and a half hours of trying.
const DefaultAttempts = 10

// Config is what a worker is given once, at New; nothing of it changes
// afterwards.
type Config struct {
	Store *store.Store
	// Log gets the failures of jobs and rounds (nil: nothing is logged).
	Log *slog.Logger
	// Clock returns the current time (nil: time.Now); tests give a clock
	// they move.
	Clock func() time.Time
	// Lease is how long a claimed job is held before another worker may
	// take it again (zero: a minute).
	Lease time.Duration
	// Poll is the longest sleep, for jobs that other processes schedule
	// (zero: five seconds).
	Poll time.Duration
	// Grace is how long running jobs may go on once Run is told to stop;
	// then their contexts end, and a job stopped that way is released to
	// run again, its attempt not counted (zero: DefaultGrace; negative:
	// none).
	Grace time.Duration
	// Died, when set, runs in the transaction that makes a job dead, so
	// the news of it (an alert) is written with the death or not at all.
	// j.LastError holds the last error.
	Died func(ctx context.Context, tx *store.Tx, j *desk.Job) error
}

// DefaultGrace is the grace of a worker whose Config gives none.
const DefaultGrace = 25 * time.Second

// Worker runs due jobs. Its kinds are registered (Handle, HandleKind)
// before Run starts; after that nothing of it changes.
type Worker struct {
	store *store.Store
	log   *slog.Logger
	clock func() time.Time
	lease time.Duration
	poll  time.Duration
	grace time.Duration
	died  func(ctx context.Context, tx *store.Tx, j *desk.Job) error

	mu      sync.Mutex
	kinds   map[string]*kind
	started bool // Run has started: no more kinds
	wake    chan struct{}
}

// kind is a registered kind and how many of its jobs run now.
type kind struct {
	handle  Handler
	Kind    // limits
	running int
}

// New returns a worker over c.Store.
func New(c Config) *Worker {
	w := &Worker{
		store: c.Store, log: c.Log, clock: c.Clock, lease: c.Lease, poll: c.Poll, grace: c.Grace, died: c.Died,
		kinds: map[string]*kind{}, wake: make(chan struct{}, 1),
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	if w.clock == nil {
		w.clock = time.Now
	}
	if w.lease == 0 {
		w.lease = time.Minute
	}
	if w.poll == 0 {
		w.poll = 5 * time.Second
	}
	switch {
	case w.grace == 0:
		w.grace = DefaultGrace
	case w.grace < 0:
		w.grace = 0
	}
	return w
}

// Handle registers the handler of a kind of job, with one runner and the
// default attempt limit. Jobs of kinds nobody handles wait.
func (w *Worker) Handle(name string, h Handler) { w.HandleKind(name, h, Kind{}) }

// HandleKind registers the handler of a kind of job with its limits. It
// panics once Run has started: the kinds are wiring, not state.
func (w *Worker) HandleKind(name string, h Handler, k Kind) {
	k.Runners = max(k.Runners, 1)
	if k.Attempts <= 0 {
		k.Attempts = DefaultAttempts
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		panic("worker: kind " + name + " registered after Run started")
	}
	w.kinds[name] = &kind{handle: h, Kind: k}
}

// Wake tells the worker a job was scheduled, so it looks now rather than
// at the end of its sleep. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run runs jobs until ctx ends, then stops claiming and waits for the
// jobs it started: they have Grace to end before their contexts are
// cancelled. Errors of single rounds are logged and the next round tries
// again, so Run itself never fails.
func (w *Worker) Run(ctx context.Context) {
	// Running jobs outlive ctx by the grace, so that a shutdown lets an
	// email being sent finish.
	w.mu.Lock()
	w.started = true
	w.mu.Unlock()
	jobCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopJobs()
	var running sync.WaitGroup
	for ctx.Err() == nil {
		t := time.NewTimer(w.round(ctx, jobCtx, &running))
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-t.C:
		}
		t.Stop()
	}
	grace := time.AfterFunc(w.grace, stopJobs)
	defer grace.Stop()
	running.Wait()
}

// round starts the due jobs of each kind with a free runner and returns
// how long to sleep: until the next job of such a kind is due, at most
// Poll. While nothing is due it costs one statement of one indexed read
// per kind; a kind whose runners are all busy is left alone, as one that
// ends wakes the loop.
func (w *Worker) round(ctx, jobCtx context.Context, running *sync.WaitGroup) time.Duration {
	next, err := w.store.NextJobsAt(ctx, w.free()...)
	if err != nil {
		w.logRound(ctx, err)
		return w.poll
	}
	var again []string // kinds that ran jobs and still have a free runner
	for name, at := range next {
		if at.After(w.clock()) {
			continue
		}
		delete(next, name)
		full, err := w.dispatch(ctx, jobCtx, name, running)
		switch {
		case err != nil:
			w.logRound(ctx, err, "kind", name)
		case !full:
			again = append(again, name)
		}
	}
	if len(again) > 0 {
		more, err := w.store.NextJobsAt(ctx, again...)
		if err != nil {
			w.logRound(ctx, err)
		}
		maps.Copy(next, more)
	}
	sleep := w.poll
	for _, at := range next {
		sleep = min(sleep, max(at.Sub(w.clock()), 10*time.Millisecond))
	}
	return sleep
}

// logRound logs a round's failure, unless the worker is stopping.
func (w *Worker) logRound(ctx context.Context, err error, kv ...any) {
	if ctx.Err() == nil {
		w.log.ErrorContext(ctx, "run jobs", append(kv, "err", err)...)
	}
}

// free lists the kinds with a free runner.
func (w *Worker) free() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var names []string
	for name, k := range w.kinds {
		if k.running < k.Runners {
			names = append(names, name)
		}
	}
	return names
}

// dispatch claims due jobs of a kind for its free runners and starts
// them; it reports whether they are all busy now. A runner that ends
// wakes the loop to claim again.
func (w *Worker) dispatch(ctx, jobCtx context.Context, name string, running *sync.WaitGroup) (bool, error) {
	w.mu.Lock()
	k := w.kinds[name]
	n := k.Runners - k.running
	w.mu.Unlock()
	jobs, err := w.store.ClaimJobs(ctx, w.clock().UTC(), w.lease, n, name)
	if err != nil {
		return false, err
	}
	w.mu.Lock()
	k.running += len(jobs)
	w.mu.Unlock()
	for i := range jobs {
		running.Add(1)
		go func(j *desk.Job) {
			defer running.Done()
			w.run(jobCtx, k, j)
			w.mu.Lock()
			k.running--
			w.mu.Unlock()
			w.Wake()
		}(&jobs[i])
	}
	return len(jobs) == n, nil
}

// RunDue runs every job that is due now, one after another, and returns
// how many ran.
func (w *Worker) RunDue(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		w.mu.Lock()
		names := make([]string, 0, len(w.kinds))
		for name := range w.kinds {
			names = append(names, name)
		}
		w.mu.Unlock()
		if len(names) == 0 {
			return 0, nil
		}
		jobs, err := w.store.ClaimJobs(ctx, w.clock().UTC(), w.lease, 1, names...)
		if err != nil {
			return n, err
		}
		if len(jobs) == 0 {
			return n, nil
		}
		n++
		w.mu.Lock()
		k := w.kinds[jobs[0].Kind]
		w.mu.Unlock()
		w.run(ctx, k, &jobs[0])
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

// permanent is a failure that trying again cannot mend.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks a handler's error as one that trying again cannot mend
// (a relay's 5xx refusal): the job is dead at once.
func Permanent(err error) error { return permanent{err} }

// run does one claimed job and records how it ended. ctx is the jobs'
// context: when it ends (a shutdown past its grace) a job that failed
// because of it is released, not counted as an attempt.
func (w *Worker) run(ctx context.Context, k *kind, j *desk.Job) {
	err := safely(ctx, k.handle, j)
	// What follows is recorded even when ctx has just ended: a job
	// must not be left leased by a stopping process.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := w.clock().UTC()
	if err == nil {
		err = w.finish(sctx, j, now)
		if err == nil {
			return
		}
	}
	var p permanent
	switch {
	case ctx.Err() != nil:
		w.log.InfoContext(sctx, "job stopped by shutdown; it runs again", "job", j.ID, "kind", j.Kind, "err", err)
		if rerr := w.store.ReleaseJob(sctx, j.ID, now); rerr != nil {
			w.log.ErrorContext(sctx, "release job", "job", j.ID, "err", rerr)
		}
		return
	case errors.As(err, &p) || j.Attempts >= k.Attempts:
		derr := w.die(sctx, j, now, err)
		if derr == nil {
			return
		}
		// Not lost: it is tried again, and dies on a later attempt.
		w.log.ErrorContext(sctx, "mark job dead", "job", j.ID, "err", derr)
	}
	next := now.Add(backoff(j.Attempts))
	w.log.WarnContext(sctx, "job failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "retry_at", next, "err", err)
	if rerr := w.store.RetryJob(sctx, j.ID, next, err.Error()); rerr != nil {
		w.log.ErrorContext(sctx, "retry job", "job", j.ID, "err", rerr)
	}
}

// finish marks a job done unless its handler did so in the transaction
// of its effect (or it was cancelled meanwhile): a read instead of a
// second write, as with SQLite's one writer the writes per job decide
// how many jobs a second get done.
func (w *Worker) finish(ctx context.Context, j *desk.Job, now time.Time) error {
	if cur, err := w.store.Job(ctx, j.ID); err == nil && (!cur.DoneAt.IsZero() || !cur.CancelledAt.IsZero()) {
		return nil
	}
	return w.store.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.FinishJob(ctx, j.ID, now)
		return err
	})
}

// die makes a job dead and tells of it, in one transaction.
func (w *Worker) die(ctx context.Context, j *desk.Job, now time.Time, cause error) error {
	j.LastError = cause.Error()
	j.DeadAt = now
	return w.store.Write(ctx, func(tx *store.Tx) error {
		ok, err := tx.KillJob(ctx, j.ID, now, j.LastError)
		if err != nil || !ok {
			return err
		}
		w.log.ErrorContext(ctx, "job dead", "job", j.ID, "kind", j.Kind, "attempts", j.Attempts, "err", cause)
		if w.died == nil {
			return nil
		}
		return w.died(ctx, tx, j)
	})
}

// safely runs a handler, turning a panic into the job's error.
func safely(ctx context.Context, h Handler, j *desk.Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return h(ctx, j)
}

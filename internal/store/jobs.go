package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

const jobColumns = `id, kind, COALESCE(key, ''), case_id, payload, run_at, attempts, locked_until, last_error,
	created_at, done_at, cancelled_at, dead_at`

// pendingJob is the condition of a job still to run; the partial indexes
// of jobs use the same one.
const pendingJob = `done_at IS NULL AND cancelled_at IS NULL AND dead_at IS NULL`

// deadJob is the condition of a dead job not yet discarded.
const deadJob = `dead_at IS NOT NULL AND done_at IS NULL AND cancelled_at IS NULL`

func scanJob(row interface{ Scan(...any) error }, j *desk.Job) error {
	return row.Scan(&j.ID, &j.Kind, &j.Key, nullInt{&j.CaseID}, &j.Payload, nullTime{&j.RunAt}, &j.Attempts,
		nullTime{&j.LockedUntil}, &j.LastError, nullTime{&j.CreatedAt}, nullTime{&j.DoneAt}, nullTime{&j.CancelledAt},
		nullTime{&j.DeadAt})
}

// ScheduleJob adds a job. A job with a key replaces the pending job of
// that key, if there is one (a timer set again moves), and returns its ID.
func (tx *Tx) ScheduleJob(ctx context.Context, j *desk.Job, now time.Time) (int64, error) {
	return tx.insertJob(ctx, j, now, `DO UPDATE SET kind = excluded.kind, case_id = excluded.case_id, payload = excluded.payload,
			run_at = excluded.run_at, attempts = 0, locked_until = NULL, last_error = ''`)
}

// ScheduleJobOnce adds a keyed job unless one of its key is pending, which
// then stays as it is: a digest that many events ask for goes out once, at
// the time the first one set.
func (tx *Tx) ScheduleJobOnce(ctx context.Context, j *desk.Job, now time.Time) error {
	if j.Key == "" {
		return fmt.Errorf("schedule %s job once: it needs a key", j.Kind)
	}
	_, err := tx.insertJob(ctx, j, now, `DO NOTHING`)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // one was pending
	}
	return err
}

func (tx *Tx) insertJob(ctx context.Context, j *desk.Job, now time.Time, onConflict string) (int64, error) {
	var key any
	if j.Key != "" {
		key = j.Key
	}
	var jobID int64
	err := tx.q().row(ctx, `INSERT INTO jobs (kind, key, case_id, payload, run_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) WHERE `+pendingJob+`
		`+onConflict+`
		RETURNING id`,
		j.Kind, key, id(j.CaseID), j.Payload, ts(j.RunAt), ts(now)).Scan(&jobID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("schedule %s job: %w", j.Kind, err)
	}
	tx.scheduled = true
	return jobID, nil
}

// CancelJob cancels the pending job of a key: one row update. It reports
// whether there was one.
func (tx *Tx) CancelJob(ctx context.Context, key string, now time.Time) (bool, error) {
	res, err := tx.q().exec(ctx, `UPDATE jobs SET cancelled_at = ?
		WHERE key = ? AND `+pendingJob, ts(now), key)
	if err != nil {
		return false, fmt.Errorf("cancel job %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// PendingJob returns the pending job of a key.
func (s *Store) PendingJob(ctx context.Context, key string) (*desk.Job, error) {
	var j desk.Job
	err := scanJob(s.read().row(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE key = ? AND `+pendingJob, key), &j)
	if err != nil {
		return nil, notFound(err, "job "+key)
	}
	return &j, nil
}

// Job returns one job.
func (s *Store) Job(ctx context.Context, jobID int64) (*desk.Job, error) {
	var j desk.Job
	if err := scanJob(s.read().row(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, jobID), &j); err != nil {
		return nil, notFound(err, fmt.Sprintf("job %d", jobID))
	}
	return &j, nil
}

// NextJobAt returns when the next pending job of the kinds (of any kind
// when none are given) may be claimed, from the index of pending jobs: a
// worker sleeps until then. A claimed job's time is the end of its lease.
func (s *Store) NextJobAt(ctx context.Context, kinds ...string) (time.Time, bool, error) {
	if len(kinds) == 0 {
		return s.nextJobAt(ctx, `SELECT run_at FROM jobs WHERE `+pendingJob+` ORDER BY run_at LIMIT 1`)
	}
	next, err := s.NextJobsAt(ctx, kinds...)
	if err != nil {
		return time.Time{}, false, err
	}
	var first time.Time
	for _, at := range next {
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return first, !first.IsZero(), nil
}

// NextJobsAt returns when the next pending job of each kind may be claimed;
// a kind with nothing pending is not in the map. It is one statement of
// one indexed look-up per kind: a kind with nothing pending must not walk
// the timers of the others, and a worker that is woken after every write
// must not pay a round trip per kind.
func (s *Store) NextJobsAt(ctx context.Context, kinds ...string) (map[string]time.Time, error) {
	next := make(map[string]time.Time, len(kinds))
	if len(kinds) == 0 {
		return next, nil
	}
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = k
	}
	rows, err := s.read().query(ctx, `WITH wanted(kind) AS (VALUES `+strings.TrimSuffix(strings.Repeat(`(CAST(? AS TEXT)), `, len(kinds)), ", ")+`)
		SELECT wanted.kind, (SELECT run_at FROM jobs WHERE jobs.kind = wanted.kind AND `+pendingJob+` ORDER BY run_at LIMIT 1)
		FROM wanted`, args...)
	if err != nil {
		return nil, fmt.Errorf("next jobs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var at nullTimeValue
		if err := rows.Scan(&kind, &at); err != nil {
			return nil, fmt.Errorf("next jobs: %w", err)
		}
		if !at.t.IsZero() {
			next[kind] = at.t
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("next jobs: %w", err)
	}
	return next, nil
}

func (s *Store) nextJobAt(ctx context.Context, query string, args ...any) (time.Time, bool, error) {
	var at nullTimeValue
	err := s.read().row(ctx, query, args...).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next job: %w", err)
	}
	return at.t, true, nil
}

// nullTimeValue scans a timestamp into itself.
type nullTimeValue struct{ t time.Time }

func (n *nullTimeValue) Scan(v any) error { return nullTime{&n.t}.Scan(v) }

// ClaimJob takes the oldest due job of any kind that no live lease holds;
// see ClaimJobs. It returns nil when nothing is due.
func (s *Store) ClaimJob(ctx context.Context, now time.Time, lease time.Duration) (*desk.Job, error) {
	jobs, err := s.ClaimJobs(ctx, now, lease, 1)
	if err != nil || len(jobs) == 0 {
		return nil, err
	}
	return &jobs[0], nil
}

// ClaimJobs takes up to n of the oldest due jobs of the kinds (any kind
// when none are given) that no live lease holds, and leases them until
// now+lease, in one transaction. Another worker, in this process or
// another on the same database, skips them while the lease lasts: on
// PostgreSQL the rows are locked and skipped by concurrent claims, and
// their run_at moves to the end of the lease, which is when a crashed
// worker's job becomes due again.
func (s *Store) ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, n int, kinds ...string) ([]desk.Job, error) {
	args := []any{ts(now), ts(now)}
	kindCond := ""
	if len(kinds) > 0 {
		kindCond = ` AND kind IN (?` + strings.Repeat(", ?", len(kinds)-1) + `)`
		for _, k := range kinds {
			args = append(args, k)
		}
	}
	args = append(args, n)
	var jobs []desk.Job
	err := s.Write(ctx, func(tx *Tx) error {
		rows, err := tx.q().query(ctx, `SELECT `+jobColumns+` FROM jobs
			WHERE `+pendingJob+` AND run_at <= ? AND (locked_until IS NULL OR locked_until <= ?)`+kindCond+`
			ORDER BY run_at LIMIT ?`+tx.d.skipLocked, args...)
		if err != nil {
			return fmt.Errorf("claim jobs: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var j desk.Job
			if err := scanJob(rows, &j); err != nil {
				return fmt.Errorf("claim jobs: %w", err)
			}
			jobs = append(jobs, j)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("claim jobs: %w", err)
		}
		rows.Close()
		until := now.Add(lease)
		for i := range jobs {
			jobs[i].Attempts++
			jobs[i].LockedUntil = until
			if _, err := tx.q().exec(ctx, `UPDATE jobs SET attempts = ?, locked_until = ?, run_at = ? WHERE id = ?`,
				jobs[i].Attempts, ts(until), ts(until), jobs[i].ID); err != nil {
				return fmt.Errorf("claim job %d: %w", jobs[i].ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return jobs, nil
}

// FinishJob marks a job done. It is idempotent, and reports whether this
// call finished it: a handler that finishes the job inside the
// transaction of its effect makes that effect happen once.
func (tx *Tx) FinishJob(ctx context.Context, jobID int64, now time.Time) (bool, error) {
	res, err := tx.q().exec(ctx, `UPDATE jobs SET done_at = ?, locked_until = NULL
		WHERE id = ? AND `+pendingJob, ts(now), jobID)
	if err != nil {
		return false, fmt.Errorf("finish job %d: %w", jobID, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// RetryJob releases a failed job to run again at next, keeping the error.
func (s *Store) RetryJob(ctx context.Context, jobID int64, next time.Time, cause string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.q().exec(ctx, `UPDATE jobs SET run_at = ?, locked_until = NULL, last_error = ?
			WHERE id = ? AND `+pendingJob, ts(next), cause, jobID)
		if err != nil {
			return fmt.Errorf("retry job %d: %w", jobID, err)
		}
		return nil
	})
}

// ReleaseJob gives back a claimed job that was stopped before it ended
// (the process is shutting down): it is due again at once, and the
// attempt does not count.
func (s *Store) ReleaseJob(ctx context.Context, jobID int64, now time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.q().exec(ctx, `UPDATE jobs SET run_at = ?, locked_until = NULL, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
			WHERE id = ? AND `+pendingJob, ts(now), jobID)
		if err != nil {
			return fmt.Errorf("release job %d: %w", jobID, err)
		}
		return nil
	})
}

// KillJob marks a claimed job dead with its last error: it runs no more
// until someone tries it again (ReviveJob). It reports whether this call
// killed it.
func (tx *Tx) KillJob(ctx context.Context, jobID int64, now time.Time, cause string) (bool, error) {
	res, err := tx.q().exec(ctx, `UPDATE jobs SET dead_at = ?, locked_until = NULL, last_error = ?
		WHERE id = ? AND `+pendingJob, ts(now), cause, jobID)
	if err != nil {
		return false, fmt.Errorf("kill job %d: %w", jobID, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// ReviveJob makes a dead job due now with its attempts counted afresh. A
// dead job whose key a newer pending job holds is a conflict: the newer
// one runs instead.
func (tx *Tx) ReviveJob(ctx context.Context, jobID int64, now time.Time) error {
	res, err := tx.q().exec(ctx, `UPDATE jobs SET dead_at = NULL, attempts = 0, run_at = ?, locked_until = NULL
		WHERE id = ? AND `+deadJob+`
			AND NOT EXISTS (SELECT 1 FROM jobs p WHERE p.key = jobs.key
				AND p.done_at IS NULL AND p.cancelled_at IS NULL AND p.dead_at IS NULL)`,
		ts(now), jobID)
	if err != nil {
		return fmt.Errorf("retry job %d: %w", jobID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		tx.scheduled = err == nil
		return err
	}
	return tx.whyNotDead(ctx, jobID)
}

// DiscardJob gives up a dead job for good.
func (tx *Tx) DiscardJob(ctx context.Context, jobID int64, now time.Time) error {
	res, err := tx.q().exec(ctx, `UPDATE jobs SET cancelled_at = ? WHERE id = ? AND `+deadJob, ts(now), jobID)
	if err != nil {
		return fmt.Errorf("discard job %d: %w", jobID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	return tx.whyNotDead(ctx, jobID)
}

// Why an action on a dead job changed nothing: each is a desk.ErrConflict
// too.
var (
	// ErrJobNotDead is a job that is no longer dead.
	ErrJobNotDead = errors.New("the job is not dead")
	// ErrJobSuperseded is a dead job whose key a newer pending job holds.
	ErrJobSuperseded = errors.New("a newer job of the key is pending")
)

// whyNotDead says why a dead job's action changed nothing.
func (tx *Tx) whyNotDead(ctx context.Context, jobID int64) error {
	var dead bool
	err := tx.q().row(ctx, `SELECT `+deadJob+` FROM jobs WHERE id = ?`, jobID).Scan(&dead)
	if err != nil {
		return notFound(err, fmt.Sprintf("job %d", jobID))
	}
	if !dead {
		return fmt.Errorf("job %d: %w: %w", jobID, ErrJobNotDead, desk.ErrConflict)
	}
	return fmt.Errorf("job %d: %w: %w", jobID, ErrJobSuperseded, desk.ErrConflict)
}

// PendingJobs counts the pending jobs of a kind: the backlog.
func (s *Store) PendingJobs(ctx context.Context, kind string) (int, error) {
	var n int
	if err := s.read().row(ctx, `SELECT count(*) FROM jobs WHERE kind = ? AND `+pendingJob, kind).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s jobs: %w", kind, err)
	}
	return n, nil
}

// JobFilter selects jobs for the console.
type JobFilter struct {
	Kind    string
	CaseID  int64
	Pending bool
	Failing bool // pending jobs that have failed at least once
	Dead    bool // dead jobs not discarded, the last to die first
	Limit   int
}

// Jobs lists jobs, the next due first for pending ones.
func (s *Store) Jobs(ctx context.Context, f JobFilter) ([]desk.Job, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	// Only the filter's own conditions, so that a case's jobs are read by
	// the case.
	var w where
	equal(&w, "case_id", f.CaseID)
	equal(&w, "kind", f.Kind)
	order := ` ORDER BY run_at, id LIMIT ?`
	switch {
	case f.Dead:
		w.add(deadJob)
		order = ` ORDER BY dead_at DESC, id DESC LIMIT ?`
	case f.Pending || f.Failing:
		w.add(pendingJob)
	}
	if f.Failing {
		w.add("last_error <> ''")
	}
	query := `SELECT ` + jobColumns + ` FROM jobs WHERE ` + w.String()
	rows, err := s.read().query(ctx, query+order, append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	defer rows.Close()
	var out []desk.Job
	for rows.Next() {
		var j desk.Job
		if err := scanJob(rows, &j); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}
